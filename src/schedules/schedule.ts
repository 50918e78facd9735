/**
 * Learning-rate schedules: linear warmup from 0, then one of
 *   linear    linear decay to minLrRatio·peak; minLrRatio 0 is "D2Z", the default (Bergsma et al.,
 *             "Straight to Zero", arXiv 2502.15938: beats cosine-to-10% at compute-optimal TPP and beyond)
 *   cosine    cosine decay to minLrRatio·peak (0.1 is the classic "10x")
 *   wsd       warmup–stable–decay: constant, then decay over the last decayFraction of all steps
 *             (MiniCPM, arXiv 2404.06395 Eq. 1; "10% is sufficient, 2.5% falls short")
 *   constant  constant after warmup
 *   power     IBM's Power Scheduler min(η_max, β·a·n^b) in tokens seen n (arXiv 2408.13359), optionally
 *             with a final decay like WSD's
 * Steps count optimizer updates from 0; lrAt(s) is the LR used by update s. lrAt(totalSteps) is the
 * end of the schedule (minLrRatio·peak for decaying schedules).
 */
export type DecayShape = "linear" | "cosine" | "1-sqrt" | "exponential";
export type ScheduleKind = "linear" | "cosine" | "wsd" | "constant" | "power";

export interface PowerSettings {
  /** Tokens per optimizer step (global batch). */
  tokensPerStep: number;
  /** β: global batch in sequences of 4096 tokens. */
  batchSeqs4096: number;
  /** a: 4 as chosen in §4 of the paper (4.6 is Eq. 5's fit). */
  a: number;
  /** b: −0.51. */
  b: number;
}

export interface ScheduleSpec {
  kind: ScheduleKind;
  /** Peak learning rate (η_max for power). */
  peakLr: number;
  totalSteps: number;
  warmupSteps: number;
  /** End of decay as a fraction of peak; 0 decays to zero. */
  minLrRatio: number;
  /** wsd/power: fraction of all steps spent in the final decay. */
  decayFraction?: number;
  /** wsd/power: shape of the final decay. exponential needs minLrRatio > 0. */
  decayShape?: DecayShape;
  power?: PowerSettings;
}

function decayFactor(shape: DecayShape, p: number, minRatio: number): number {
  // Each shape maps progress p ∈ [0,1] to a factor from 1 down to minRatio.
  switch (shape) {
    case "linear":
      return minRatio + (1 - minRatio) * (1 - p);
    case "cosine":
      return minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * p));
    case "1-sqrt":
      return minRatio + (1 - minRatio) * (1 - Math.sqrt(p));
    case "exponential":
      return minRatio ** p;
  }
}

/** The LR before any final decay: the peak, or the power curve for the Power Scheduler. */
function plateauLr(spec: ScheduleSpec, step: number): number {
  if (spec.kind !== "power" || spec.power === undefined) return spec.peakLr;
  const pw = spec.power;
  const tokensSeen = Math.max(step, 1) * pw.tokensPerStep;
  // Power Scheduler: η(n) = min(η_max, β·a·n^b)
  return Math.min(spec.peakLr, pw.batchSeqs4096 * pw.a * tokensSeen ** pw.b);
}

export function lrAt(spec: ScheduleSpec, step: number): number {
  const { totalSteps: T, warmupSteps: W } = spec;
  const s = Math.min(Math.max(step, 0), T);
  if (s < W) return (plateauLr(spec, W) * s) / W;
  switch (spec.kind) {
    case "constant":
      return spec.peakLr;
    case "linear":
    case "cosine": {
      const p = T === W ? 1 : (s - W) / (T - W);
      return spec.peakLr * decayFactor(spec.kind, p, spec.minLrRatio);
    }
    case "wsd":
    case "power": {
      const decaySteps = Math.round((spec.decayFraction ?? 0) * T);
      const start = T - decaySteps;
      const base = plateauLr(spec, Math.min(s, start));
      if (decaySteps === 0 || s <= start) return base;
      const p = (s - start) / decaySteps;
      return base * decayFactor(spec.decayShape ?? "linear", p, spec.minLrRatio);
    }
  }
}

/** The LR of every update 0 … totalSteps−1. */
export function lrArray(spec: ScheduleSpec): Float64Array {
  const out = new Float64Array(spec.totalSteps);
  for (let s = 0; s < spec.totalSteps; s++) out[s] = lrAt(spec, s);
  return out;
}

/** Σ_s η_s over all updates: the "LR area" that multi-power-law loss curves are written in. */
export function lrArea(spec: ScheduleSpec): number {
  let sum = 0;
  for (let s = 0; s < spec.totalSteps; s++) sum += lrAt(spec, s);
  return sum;
}

/** `numPoints` evenly spaced (step, lr) samples for plots and tables, ending at totalSteps. */
export function sampleSchedule(spec: ScheduleSpec, numPoints = 101): { step: number; lr: number }[] {
  const out: { step: number; lr: number }[] = [];
  for (let i = 0; i < numPoints; i++) {
    const step = Math.round((i * spec.totalSteps) / (numPoints - 1));
    out.push({ step, lr: lrAt(spec, step) });
  }
  return out;
}
