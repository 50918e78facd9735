/**
 * Multi-power law: the whole loss curve under any LR schedule.
 *
 * L(s) = L0 + A·S1(s)^(−α) + B·LD(s),  S1(s) = Σ_{τ≤s} η_τ (warmup included),
 * LD(s) = Σ_{k=1..s} (η_k − η_{k−1}) · (1 − (1 + C·η_k^(−γ)·(S1(s) − S1(k−1)))^(−β)).
 * Warmup steps (η rising) add loss; decays subtract it. This is the repository's convention
 * (src/evaluation.py, src/models.py), which SCIENCE.md §7 says to follow exactly.
 *
 * @see Luo et al., "A Multi-Power Law for Loss Curve Prediction Across Learning Rate Schedules",
 *      arXiv 2503.12811; thu-yao-01-luo/MultiPowerLaw @8da9f190 src/config.py (fitted parameters) [P].
 * @example 400M parameters, constant_24000 at step 23936 → 2.8172 (observed 2.8167)
 */
import type { Citation } from "./types.js";

export interface MultiPowerParams {
  L0: number;
  A: number;
  alpha: number;
  B: number;
  C: number;
  beta: number;
  gamma: number;
}

export const MPL_KEYS = ["L0", "A", "alpha", "B", "C", "beta", "gamma"] as const;

export const MULTI_POWER_CITATION: Citation = {
  short: "Luo et al. 2025 (Multi-Power Law)",
  arxiv: "2503.12811",
  repo: "thu-yao-01-luo/MultiPowerLaw@8da9f190 src/config.py, src/evaluation.py",
  locator: "Eq. (multi-power law); PARAMS",
};

const fromArray = (a: readonly number[]): MultiPowerParams => ({
  L0: a[0] as number,
  A: a[1] as number,
  alpha: a[2] as number,
  B: a[3] as number,
  C: a[4] as number,
  beta: a[5] as number,
  gamma: a[6] as number,
});

/** The authors' fits (25M, 100M, 400M models; peak LR 3e-4, 2160 warmup steps). */
export const MULTI_POWER_PUBLISHED: Readonly<Record<"25M" | "100M" | "400M", MultiPowerParams>> = {
  "25M": fromArray([3.04045406, 0.52468604, 0.50786857, 363.78751622, 2.06560812, 0.58279013, 0.64142257]),
  "100M": fromArray([2.6514477, 0.60115152, 0.45295811, 437.9464276, 2.13245612, 0.59785199, 0.65523644]),
  "400M": fromArray([2.37474466, 0.65421216, 0.42878731, 523.42464371, 2.02462735, 0.59350493, 0.63472457]),
};

/**
 * Longest schedule (optimizer steps) lmplan evaluates the law on. The law needs the LR at every step,
 * so a curve costs a few arrays of this length, 8 bytes a step each (about 0.6 GB at the limit for one
 * curve, see test/hostile/data.test.ts); 1e7 steps is past any published pre-training run. Readers of
 * logged curves and schedule predictions refuse longer ones with an error naming the field.
 */
export const MAX_CURVE_STEPS = 10_000_000;

/** A schedule prepared for fast evaluation: cumulative LR and the steps where the LR changes. */
export interface PreparedSchedule {
  /** S1 at every step: cumsum of the per-step LR array. */
  cumLr: Float64Array;
  /** Steps k ≥ 1 where η_k ≠ η_{k−1}, ascending. */
  gapSteps: Int32Array;
  /** η_k − η_{k−1} at those steps. */
  gaps: Float64Array;
  /** ln η_k at those steps. */
  logEta: Float64Array;
}

export function prepareSchedule(lrs: ArrayLike<number>): PreparedSchedule {
  const n = lrs.length;
  const cumLr = new Float64Array(n);
  // Two passes straight into typed arrays (no growing JS array of change steps): memory is 8 bytes a
  // step for cumLr plus 20 bytes per LR change, and nothing else per step.
  let changes = 0;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += lrs[k] as number;
    cumLr[k] = sum;
    if (k > 0 && lrs[k] !== lrs[k - 1]) changes++;
  }
  const gapSteps = new Int32Array(changes);
  const gaps = new Float64Array(changes);
  const logEta = new Float64Array(changes);
  for (let k = 1, j = 0; k < n; k++) {
    if (lrs[k] === lrs[k - 1]) continue;
    gapSteps[j] = k;
    gaps[j] = (lrs[k] as number) - (lrs[k - 1] as number);
    logEta[j] = Math.log(lrs[k] as number);
    j++;
  }
  return { cumLr, gapSteps, gaps, logEta };
}

/** C·η_k^(−γ) at every LR change: fixed for a parameter set, so computed once per prediction. */
function changeScales(p: MultiPowerParams, sch: PreparedSchedule): Float64Array {
  return Float64Array.from(sch.logEta, (l) => p.C * Math.exp(-p.gamma * l));
}

function lossDropWith(p: MultiPowerParams, sch: PreparedSchedule, u: Float64Array, s: number): number {
  const Ss = sch.cumLr[s] as number;
  let ld = 0;
  for (let j = 0; j < sch.gapSteps.length; j++) {
    const k = sch.gapSteps[j] as number;
    if (k > s) break;
    const x = (u[j] as number) * (Ss - (sch.cumLr[k - 1] as number));
    // 1 − (1 + x)^(−β), written with log1p/exp for speed and accuracy at small x
    ld += (sch.gaps[j] as number) * (1 - Math.exp(-p.beta * Math.log1p(x)));
  }
  return ld;
}

/** LD(s) of the multi-power law at one step. */
export function lossDrop(p: MultiPowerParams, sch: PreparedSchedule, s: number): number {
  return lossDropWith(p, sch, changeScales(p, sch), s);
}

/** Predicted loss at each of `steps`. */
export function predictCurve(p: MultiPowerParams, sch: PreparedSchedule, steps: ArrayLike<number>): Float64Array {
  const u = changeScales(p, sch);
  const out = new Float64Array(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as number;
    out[i] = p.L0 + p.A * (sch.cumLr[s] as number) ** -p.alpha + p.B * lossDropWith(p, sch, u, s);
  }
  return out;
}
