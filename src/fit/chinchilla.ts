/**
 * Fit L = E + A/N^α + B/D^β the way Hoffmann et al. do (App. D.2): minimise
 *   Σ_i Huber_δ( LSE(a − α·log N_i, b − β·log D_i, e) − log L_i ),  A = e^a, B = e^b, E = e^e, δ = 1e-3,
 * with L-BFGS from every point of the grid α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1},
 * a, b ∈ {0, 5, …, 25}, keeping the best. Epoch AI's replication (arXiv 2404.10102) of this "plain
 * Huber sum" on the Fig. 4 data gives A 477.84, B 2143.86, E 1.8172, α 0.34731, β 0.36718.
 */
import type { ChinchillaParams } from "../laws/chinchilla-form.js";
import { lbfgs, type LbfgsOptions, type LbfgsResult } from "./lbfgs.js";

export interface LossPoint {
  N: number;
  D: number;
  L: number;
}

export const HOFFMANN_DELTA = 1e-3;

// scipy.special.huber: r²/2 inside δ, δ(|r| − δ/2) outside
export function huber(delta: number, r: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/** d Huber_δ(r) / dr. */
export function huberGrad(delta: number, r: number): number {
  return Math.abs(r) <= delta ? r : delta * Math.sign(r);
}

/** Objective and gradient over x = [a, b, e, α, β] for the given points (log N, log D, log L precomputed). */
export function chinchillaObjective(logN: Float64Array, logD: Float64Array, logL: Float64Array, delta = HOFFMANN_DELTA) {
  const n = logN.length;
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0] as number;
    const b = x[1] as number;
    const e = x[2] as number;
    const alpha = x[3] as number;
    const beta = x[4] as number;
    let f = 0;
    let ga = 0;
    let gb = 0;
    let ge = 0;
    let galpha = 0;
    let gbeta = 0;
    for (let i = 0; i < n; i++) {
      const ln = logN[i] as number;
      const ld = logD[i] as number;
      const t1 = a - alpha * ln;
      const t2 = b - beta * ld;
      // log-sum-exp shifted by the largest term, whose exponential is exactly 1 (one exp saved per point)
      let m: number, e1: number, e2: number, e3: number;
      if (t1 >= t2 && t1 >= e) {
        m = t1;
        e1 = 1;
        e2 = Math.exp(t2 - m);
        e3 = Math.exp(e - m);
      } else if (t2 >= e) {
        m = t2;
        e1 = Math.exp(t1 - m);
        e2 = 1;
        e3 = Math.exp(e - m);
      } else {
        m = e;
        e1 = Math.exp(t1 - m);
        e2 = Math.exp(t2 - m);
        e3 = 1;
      }
      const s = e1 + e2 + e3;
      const r = m + Math.log(s) - (logL[i] as number);
      f += huber(delta, r);
      const h = huberGrad(delta, r) / s;
      ga += h * e1;
      gb += h * e2;
      ge += h * e3;
      galpha -= h * e1 * ln;
      gbeta -= h * e2 * ld;
    }
    g[0] = ga;
    g[1] = gb;
    g[2] = ge;
    g[3] = galpha;
    g[4] = gbeta;
    return f;
  };
}

/** Hoffmann App. D.2 initialisation grid: 5 × 5 × 5 × 6 × 6 = 4,500 starts as [a, b, e, α, β]. */
export function hoffmannGrid(): number[][] {
  const starts: number[][] = [];
  const ab = [0, 5, 10, 15, 20, 25];
  const es = [-1, -0.5, 0, 0.5, 1];
  const exps = [0, 0.5, 1, 1.5, 2];
  for (const alpha of exps) for (const beta of exps) for (const e of es) for (const a of ab) for (const b of ab) starts.push([a, b, e, alpha, beta]);
  return starts;
}

export interface ChinchillaFit {
  params: ChinchillaParams;
  objective: number;
  diagnostics: {
    starts: number;
    converged: number;
    /** Starts whose objective is within 1e-6 relative of the best: how robust the optimum is. */
    reachedBest: number;
    gradNorm: number;
    iterations: number;
    reason: LbfgsResult["reason"];
  };
}

export function toParams(x: ArrayLike<number>): ChinchillaParams {
  return { A: Math.exp(x[0] as number), B: Math.exp(x[1] as number), E: Math.exp(x[2] as number), alpha: x[3] as number, beta: x[4] as number };
}

/** Per-start outcome, small enough to pass between threads. */
export interface StartResult {
  x: number[];
  f: number;
  converged: boolean;
  gradNorm: number;
  iterations: number;
  reason: LbfgsResult["reason"];
}

/** Minimise from each start (the unit of work a worker thread does). */
export function runStarts(points: readonly LossPoint[], starts: readonly number[][], delta = HOFFMANN_DELTA, options: Partial<LbfgsOptions> = {}): StartResult[] {
  const logN = Float64Array.from(points, (p) => Math.log(p.N));
  const logD = Float64Array.from(points, (p) => Math.log(p.D));
  const logL = Float64Array.from(points, (p) => Math.log(p.L));
  const fn = chinchillaObjective(logN, logD, logL, delta);
  return starts.map((s) => {
    const r = lbfgs(fn, s, options);
    return { x: Array.from(r.x), f: r.f, converged: r.converged, gradNorm: r.gradNorm, iterations: r.iterations, reason: r.reason };
  });
}

/** The best start and how many starts reached it. */
export function summarizeStarts(results: readonly StartResult[]): ChinchillaFit {
  let best = results[0] as StartResult;
  for (const r of results) if (Number.isFinite(r.f) && (!Number.isFinite(best.f) || r.f < best.f)) best = r;
  const reachedBest = results.filter((r) => Math.abs(r.f - best.f) <= 1e-6 * Math.abs(best.f)).length;
  return {
    params: toParams(best.x),
    objective: best.f,
    diagnostics: {
      starts: results.length,
      converged: results.filter((r) => r.converged).length,
      reachedBest,
      gradNorm: best.gradNorm,
      iterations: best.iterations,
      reason: best.reason,
    },
  };
}

/** Minimise from each start; returns the best fit and how many starts reached it. */
export function fitChinchilla(
  points: readonly LossPoint[],
  starts: readonly number[][] = hoffmannGrid(),
  delta = HOFFMANN_DELTA,
  options: Partial<LbfgsOptions> = {},
): ChinchillaFit {
  return summarizeStarts(runStarts(points, starts, delta, options));
}
