/**
 * AdamW as an exponential moving average of updates.
 *
 * With decoupled weight decay, θ_t = (1 − α_t)·θ_{t−1} + α_t·x_t with α_t = η_t·λ, so
 * θ_T = Π(1−α_j)·θ_0 + Σ_i c_{T,i}·x_i,  c_{T,i} = α_i · Π_{j=i+1..T}(1 − α_j).
 * c_{T,i} shows how much update i contributes to the final weights — D2Z spreads it over the late run.
 * @see Bergsma et al., "Straight to Zero", arXiv 2502.15938 (EMA view) [S]; "Power Lines",
 *      arXiv 2505.13738 abstract (τ = B/(ηλD)) [P].
 */
import { lrArray, lrAt, type ScheduleSpec } from "./schedule.js";

/** c_{T,i} for every update i = 0 … T−1, and the weight Π(1−α) left on the initialisation. */
export function emaCoefficients(spec: ScheduleSpec, weightDecay: number): { coefficients: Float64Array; initWeight: number } {
  const lr = lrArray(spec);
  const c = new Float64Array(lr.length);
  let tail = 1; // Π_{j>i}(1 − α_j), accumulated from the end
  for (let i = lr.length - 1; i >= 0; i--) {
    const alpha = (lr[i] ?? 0) * weightDecay;
    c[i] = alpha * tail;
    tail *= 1 - alpha;
  }
  return { coefficients: c, initWeight: tail };
}

/** Steps up to which sampleEma walks every update; past it, one node stands for several steps. */
export const EMA_EXACT_STEPS = 2 ** 16;

/**
 * c_{T,i} at `numPoints` evenly spaced updates, in bounded time and memory whatever the run's length
 * (a chart of a 1e16-token run used to build three arrays of 28M+ steps and freeze the page; issue 10).
 * The tail Π_{j>i}(1 − α_j) is exp Σ_{j>i} log(1 − α_j): summed over every step up to EMA_EXACT_STEPS
 * (equal to emaCoefficients there), and past it by the midpoint rule over EMA_EXACT_STEPS nodes of
 * h = T/EMA_EXACT_STEPS steps each — the schedule is smooth within a node, so the sum moves by O(h²·f″).
 */
export function sampleEma(spec: ScheduleSpec, weightDecay: number, numPoints = 201): { step: number; c: number }[] {
  const T = spec.totalSteps;
  const n = Math.max(2, Math.min(numPoints, T));
  const want = Array.from({ length: n }, (_, k) => Math.min(T - 1, Math.round((k * (T - 1)) / (n - 1))));
  const logKeep = (step: number) => Math.log1p(-(lrAt(spec, step) * weightDecay));
  const out: { step: number; c: number }[] = new Array(n);
  let tailLog = 0; // Σ log(1 − α_j) over the updates after the current one
  let k = n - 1;
  if (T <= EMA_EXACT_STEPS) {
    for (let i = T - 1; i >= 0 && k >= 0; i--) {
      while (k >= 0 && want[k] === i) out[k--] = { step: i, c: lrAt(spec, i) * weightDecay * Math.exp(tailLog) };
      tailLog += logKeep(i);
    }
  } else {
    const h = T / EMA_EXACT_STEPS;
    for (let node = EMA_EXACT_STEPS - 1; node >= 0 && k >= 0; node--) {
      const lo = node * h;
      // samples inside this node see the node's steps after them: a share of its sum
      const nodeLog = h * logKeep(lo + h / 2);
      while (k >= 0 && (want[k] as number) >= lo) {
        const i = want[k] as number;
        out[k--] = { step: i, c: lrAt(spec, i) * weightDecay * Math.exp(tailLog + (nodeLog * (lo + h - 1 - i)) / h) };
      }
      tailLog += nodeLog;
    }
  }
  return out;
}

// Power Lines: τ = B / (η·λ·D), B and D in the same unit (tokens)
export function adamwTimescale(batchTokens: number, peakLr: number, weightDecay: number, datasetTokens: number): number {
  return batchTokens / (peakLr * weightDecay * datasetTokens);
}

// Power Lines: λ = B / (η·τ·D), the inverse of the timescale
export function weightDecayForTimescale(batchTokens: number, peakLr: number, tau: number, datasetTokens: number): number {
  return batchTokens / (peakLr * tau * datasetTokens);
}
