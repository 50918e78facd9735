/**
 * Fit the multi-power law to whole loss curves (docs/science.md §7), the way the authors do: Huber
 * (δ = 1e-3) on log(loss) − log(prediction), summed over every logged point of the training curves,
 * minimised from an initialisation found on a simpler model (thu-yao-01-luo/MultiPowerLaw @8da9f190
 * src/fitting.py: grid over L0, A, α, B, then C = 1, β = 0.5, γ = 0.5). lmplan minimises with L-BFGS
 * over log-parameters (all seven are positive) where the authors use AdamW.
 *
 * Cost: the loss drop LD is evaluated in time linear in points + LR changes (src/laws/multi-power-law.ts,
 * lossDropFast), so one evaluation of the exact objective over a 500k-step curve logged at every step
 * takes about a second instead of an hour. Inside the optimizer each curve is represented more coarsely,
 * and the objective reported, the errors and every prediction are evaluated exactly at the end:
 * - at most MAX_FIT_POINTS logged points per curve, evenly spaced, each weighted by the points it stands
 *   for (the authors' curves, ≤ 550 points, are used whole);
 * - runs of consecutive LR changes grouped into blocks of at least `blockSize` steps, at most about
 *   MAX_BLOCKS per curve, each evaluated at its middle step and never straddling a logged point;
 * - each G term computed to about 1e-6 (QUADRATURE_FAST) rather than 1e-13.
 */
import type { CurveData } from "../io/curves.js";
import { lossDropFast, MPL_KEYS, predictCurve, prepareSchedule, QUADRATURE_FAST, type LossDropGrad, type LrChanges, type MultiPowerParams } from "../laws/multi-power-law.js";
import { huber, huberGrad } from "./chinchilla.js";
import { lbfgs, type LbfgsResult } from "./lbfgs.js";

export type { CurveData } from "../io/curves.js";

/** Most logged points per curve inside the optimizer (the objective reported uses every point). */
export const MAX_FIT_POINTS = 2048;

/** Most blocks of LR changes per curve inside the optimizer (about; a block never straddles a logged point). */
export const MAX_BLOCKS = 4096;

/** One curve as the optimizer sees it. */
interface FitCurve {
  steps: Int32Array;
  S: Float64Array;
  logS1: Float64Array;
  logLoss: Float64Array;
  /** Logged points each sampled point stands for. */
  weight: number;
  changes: LrChanges;
  ld: Float64Array;
  grad: LossDropGrad;
}

/** S1 (cumulative LR) at each of `steps` (ascending), summed in step order: the same sums as prepareSchedule's. */
export function cumLrAt(lrs: Float64Array, steps: Int32Array): Float64Array {
  const out = new Float64Array(steps.length);
  let sum = 0;
  let k = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as number;
    for (; k <= s; k++) sum += lrs[k] as number;
    out[i] = sum;
  }
  return out;
}

/** Indices of at most `max` points spread evenly over n (first and last included). */
function sampleIndices(n: number, max: number): Int32Array {
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  return Int32Array.from({ length: max }, (_, j) => Math.round((j * (n - 1)) / (max - 1)));
}

/**
 * Blocks of LR changes, in one pass over the schedule with no per-step array. `joins(first, last, n, k,
 * sign)` says whether the change at step k extends the open block; a block never takes a change past a
 * logged step it started before (targets, ascending), so each block lies wholly before or after every
 * point. At most `cap` blocks, else undefined.
 */
function buildBlocks(lrs: Float64Array, targets: Int32Array, cap: number, joins: (first: number, last: number, n: number, k: number, sameSign: boolean) => boolean): LrChanges | undefined {
  const step = new Int32Array(cap);
  const gap = new Float64Array(cap);
  const eta = new Float64Array(cap);
  const before = new Float64Array(cap);
  let nb = 0;
  let open = false;
  let bFirst = 0;
  let bLast = 0;
  let bN = 0;
  let bSign = 0;
  let bSum = 0;
  let bBefore = 0; // S1(first − 1), the running sum before the block's first step
  let bMaxEta = 0;
  let ti = 0; // first target ≥ the open block's first step
  let running = lrs.length > 0 ? (lrs[0] as number) : 0; // S1(k − 1) while looking at step k
  const close = (): boolean => {
    if (nb >= cap) return false;
    const mid = Math.round((bFirst + bLast) / 2);
    // S1(mid − 1) summed in step order from S1(first − 1): bit-for-bit the cumulative sum's value
    let sm = bBefore;
    for (let t = bFirst; t < mid; t++) sm += lrs[t] as number;
    step[nb] = mid;
    gap[nb] = bSum;
    eta[nb] = (lrs[mid] as number) > 0 ? (lrs[mid] as number) : bMaxEta;
    before[nb] = sm;
    nb++;
    return true;
  };
  for (let k = 1; k < lrs.length; k++) {
    const g = (lrs[k] as number) - (lrs[k - 1] as number);
    if (lrs[k] !== lrs[k - 1]) {
      const sign = Math.sign(g);
      while (ti < targets.length && (targets[ti] as number) < bFirst) ti++;
      const straddles = ti < targets.length && (targets[ti] as number) < k;
      if (open && !straddles && joins(bFirst, bLast, bN, k, sign === bSign)) {
        bLast = k;
        bN++;
        bSum += g;
        bMaxEta = Math.max(bMaxEta, lrs[k] as number);
      } else {
        if (open && !close()) return undefined;
        open = true;
        bFirst = k;
        bLast = k;
        bN = 1;
        bSign = sign;
        bSum = g;
        bBefore = running;
        bMaxEta = lrs[k] as number;
      }
    }
    running += lrs[k] as number;
  }
  if (open && !close()) return undefined;
  return { step: step.slice(0, nb), gap: gap.slice(0, nb), eta: eta.slice(0, nb), before: before.slice(0, nb) };
}

function fitCurve(c: CurveData, minBlockSize: number, maxPoints = MAX_FIT_POINTS): FitCurve {
  const lrs = c.lrs;
  const idx = sampleIndices(c.steps.length, maxPoints);
  const steps = Int32Array.from(idx, (i) => c.steps[i] as number);
  let changes = 0;
  let k0 = 0;
  let k1 = 0;
  for (let k = 1; k < lrs.length; k++) {
    if (lrs[k] === lrs[k - 1]) continue;
    if (changes === 0) k0 = k;
    k1 = k;
    changes++;
  }
  const blockSize = Math.max(minBlockSize, Math.ceil(changes / MAX_BLOCKS));
  // Runs of consecutive changes of one sign, up to blockSize; a schedule with many sign changes or gaps
  // (a zig-zag LR) would make too many such blocks, and then fixed spans of steps bound them.
  const span = Math.max(1, Math.ceil((k1 - k0 + 1) / MAX_BLOCKS));
  const blocks =
    buildBlocks(lrs, steps, 2 * MAX_BLOCKS + steps.length, (_f, last, n, k, sameSign) => k === last + 1 && sameSign && n < blockSize) ??
    (buildBlocks(lrs, steps, MAX_BLOCKS + steps.length + 1, (f, _l, _n, k) => Math.floor((k - k0) / span) === Math.floor((f - k0) / span)) as LrChanges);
  const S = cumLrAt(lrs, steps);
  const n = steps.length;
  return {
    steps,
    S,
    logS1: Float64Array.from(S, Math.log),
    logLoss: Float64Array.from(idx, (i) => Math.log(c.loss[i] as number)),
    weight: c.steps.length / n,
    changes: blocks,
    ld: new Float64Array(n),
    grad: { lnC: new Float64Array(n), lnBeta: new Float64Array(n), lnGamma: new Float64Array(n) },
  };
}

const DELTA = 1e-3;

/** Huber objective over log-parameters θ = ln p, with gradient, on the optimizer's curves. */
function objective(curves: FitCurve[]) {
  return (theta: Float64Array, grad: Float64Array): number => {
    const [L0, A, alpha, B, C, beta, gamma] = Array.from(theta, Math.exp) as [number, number, number, number, number, number, number];
    grad.fill(0);
    let f = 0;
    const p: MultiPowerParams = { L0, A, alpha, B, C, beta, gamma };
    for (const c of curves) {
      const ld = lossDropFast(p, c.changes, c.steps, c.S, QUADRATURE_FAST, c.grad);
      if (ld === undefined) return Infinity;
      const w = c.weight;
      for (let i = 0; i < c.steps.length; i++) {
        const d = ld[i] as number;
        const pw = Math.exp(-alpha * (c.logS1[i] as number));
        const pred = L0 + A * pw + B * d;
        if (!(pred > 0)) return Infinity;
        const r = (c.logLoss[i] as number) - Math.log(pred);
        f += w * huber(DELTA, r);
        const h = (-w * huberGrad(DELTA, r)) / pred; // d/d(pred) of Huber(log loss − log pred)
        grad[0] = (grad[0] as number) + h * L0;
        grad[1] = (grad[1] as number) + h * A * pw;
        grad[2] = (grad[2] as number) + h * -A * pw * (c.logS1[i] as number) * alpha;
        grad[3] = (grad[3] as number) + h * B * d;
        grad[4] = (grad[4] as number) + h * B * (c.grad.lnC[i] as number);
        grad[5] = (grad[5] as number) + h * B * (c.grad.lnBeta[i] as number);
        grad[6] = (grad[6] as number) + h * B * (c.grad.lnGamma[i] as number);
      }
    }
    return Number.isFinite(f) ? f : Infinity;
  };
}

/**
 * Stage 1, the authors' initialisation (src/fitting.py initialize_params): regress
 * log(loss − min + 0.01) on log S1 for A and α; grid L0 ∈ min ± 0.2 (5), A ∈ e^intercept ± 0.1 (3),
 * α ∈ −slope ± 0.1 (3), B ∈ 100…1000 (3); fit L0 + A·S1^−α − B·(η_peak − η_s) from each; then
 * C = 1, β = 0.5, γ = 0.5. Returns natural (not log) parameters.
 */
export function initialGuess(curves: CurveData[]): number[] {
  let minLoss = Infinity;
  for (const c of curves) for (const l of c.loss) minLoss = Math.min(minLoss, l);
  // Long curves enter through at most MAX_FIT_POINTS evenly spaced points, weighted (as in the objective).
  const data = curves.map((c) => {
    let peak = 0;
    for (const x of c.lrs) peak = Math.max(peak, x);
    const idx = sampleIndices(c.steps.length, MAX_FIT_POINTS);
    const steps = Int32Array.from(idx, (i) => c.steps[i] as number);
    return {
      logS1: Float64Array.from(cumLrAt(c.lrs, steps), Math.log),
      drop: Float64Array.from(steps, (s) => peak - (c.lrs[s] as number)),
      logLoss: Float64Array.from(idx, (i) => Math.log(c.loss[i] as number)),
      loss: Float64Array.from(idx, (i) => c.loss[i] as number),
      w: c.steps.length / idx.length,
    };
  });
  // ordinary least squares of y = log(loss − min + 0.01) on x = log S1 (scipy.stats.linregress)
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const d of data) for (let i = 0; i < d.logS1.length; i++) {
    const x = d.logS1[i] as number;
    const y = Math.log((d.loss[i] as number) - minLoss + 0.01);
    n += d.w; sx += d.w * x; sy += d.w * y; sxx += d.w * x * x; sxy += d.w * x * y;
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const intercept = (sy - slope * sx) / n;
  const fn = (theta: Float64Array, grad: Float64Array): number => {
    const [L0, A, alpha, B] = Array.from(theta, Math.exp) as [number, number, number, number];
    grad.fill(0);
    let f = 0;
    for (const d of data) {
      for (let i = 0; i < d.logS1.length; i++) {
        const pw = Math.exp(-alpha * (d.logS1[i] as number));
        const pred = L0 + A * pw - B * (d.drop[i] as number);
        if (!(pred > 0)) return Infinity;
        const r = (d.logLoss[i] as number) - Math.log(pred);
        f += d.w * huber(DELTA, r);
        const h = (-d.w * huberGrad(DELTA, r)) / pred; // d/d(pred) of Huber(log loss − log pred)
        grad[0] = (grad[0] as number) + h * L0;
        grad[1] = (grad[1] as number) + h * A * pw;
        grad[2] = (grad[2] as number) + h * -A * pw * (d.logS1[i] as number) * alpha;
        grad[3] = (grad[3] as number) + h * -B * (d.drop[i] as number);
      }
    }
    return f;
  };
  const lin = (a: number, b: number, k: number) => Array.from({ length: k }, (_, i) => a + ((b - a) * i) / (k - 1));
  // Parameters are bounded at 0 in the authors' L-BFGS-B; here log-parameters keep them positive.
  const pos = (x: number) => Math.log(Math.max(x, 1e-3));
  let best: LbfgsResult | undefined;
  for (const L0 of lin(minLoss - 0.2, minLoss + 0.2, 5))
    for (const A of lin(Math.exp(intercept) - 0.1, Math.exp(intercept) + 0.1, 3))
      for (const alpha of lin(-slope - 0.1, -slope + 0.1, 3))
        for (const B of lin(100, 1000, 3)) {
          const r = lbfgs(fn, [pos(L0), pos(A), pos(alpha), pos(B)], { maxIterations: 1000 });
          if (Number.isFinite(r.f) && (!best || r.f < best.f)) best = r;
        }
  const x = best ? Array.from(best.x, Math.exp) : [minLoss, Math.exp(intercept), -slope, 300];
  return [...x, 1, 0.5, 0.5];
}

/**
 * Stage 2, the authors' optimizer (src/fitting.py mpl_adam_fit, src/config.py): torch AdamW, lr 5e-2
 * for L0, A, B, C and 5e-3 for α, β, γ, default β (0.9, 0.999), ε 1e-8 and weight decay 0.01, at most
 * 200 steps, stopping after 20 steps without improvement or at gradient norm < 1e-5; keeps the
 * parameters after the step whose starting loss was lowest. Short and lightly regularised toward the
 * initialisation — which is what makes the published fits extrapolate well.
 */
function adamwAuthors(fnLog: (theta: Float64Array, grad: Float64Array) => number, p0: number[]) {
  const lrs = [5e-2, 5e-2, 5e-3, 5e-2, 5e-2, 5e-3, 5e-3]; // L0, A, α, B, C, β, γ
  const wd = 0.01;
  const b1 = 0.9;
  const b2 = 0.999;
  const eps = 1e-8;
  const p = Float64Array.from(p0);
  const m = new Float64Array(7);
  const v = new Float64Array(7);
  const gLog = new Float64Array(7);
  let best = Infinity;
  let bestP = Float64Array.from(p);
  let minLoss = Infinity;
  let noImprove = 0;
  let steps = 0;
  for (let t = 1; t <= 200; t++) {
    if (p.some((x) => !(x > 0))) break;
    const f = fnLog(Float64Array.from(p, Math.log), gLog);
    if (!Number.isFinite(f)) break;
    steps = t;
    let gn = 0;
    for (let i = 0; i < 7; i++) {
      const g = (gLog[i] as number) / (p[i] as number); // ∂f/∂p = ∂f/∂ln p ÷ p
      gn += g * g;
      p[i] = (p[i] as number) * (1 - (lrs[i] as number) * wd);
      m[i] = b1 * (m[i] as number) + (1 - b1) * g;
      v[i] = b2 * (v[i] as number) + (1 - b2) * g * g;
      const mh = (m[i] as number) / (1 - b1 ** t);
      const vh = (v[i] as number) / (1 - b2 ** t);
      p[i] = (p[i] as number) - ((lrs[i] as number) * mh) / (Math.sqrt(vh) + eps);
    }
    if (f < minLoss) {
      minLoss = f;
      noImprove = 0;
    } else noImprove++;
    if (t > 20 && noImprove >= 20) break;
    if (Math.sqrt(gn) < 1e-5) break;
    // (the step may leave a parameter ≤ 0, where the law is undefined: those are never kept)
    if (f < best && p.every((x) => x > 0)) {
      best = f;
      bestP = Float64Array.from(p);
    }
  }
  return { p: Array.from(bestP), f: best, steps };
}

/** Something the caller must be told about a fit: its code and a sentence saying what follows. */
export interface CurveFitWarning {
  code: "degenerate" | "not-converged" | "decay-unidentified";
  message: string;
}

export interface CurveFit {
  params: MultiPowerParams;
  /** The Huber objective at the returned parameters, exactly, over every logged point (what exactObjective computes). */
  objective: number;
  /** The optimizer's own objective (sampled points, blocks, 1e-6 quadrature) at the returned parameters. */
  optimizerObjective: number;
  optimizer: "adamw-authors" | "lbfgs";
  iterations: number;
  initial: MultiPowerParams;
  /** Largest LR decay in the training curves: 1 − (lowest LR after the peak) / peak, over the logged span. */
  decay: number;
  warnings: CurveFitWarning[];
  /** The exact prediction at every logged point of each training curve (what `objective` sums over). */
  predictions: Float64Array[];
}

const toParams = (values: readonly number[]) => Object.fromEntries(MPL_KEYS.map((k, i) => [k, values[i] as number])) as unknown as MultiPowerParams;

/** A decay smaller than this (10% below the peak) leaves the decay terms B, C, β, γ to the warmup alone. */
export const MIN_DECAY = 0.1;

/** 1 − (lowest LR after the peak) / peak, over steps 0 … upTo: how far the schedule decays. */
export function decayFraction(lrs: Float64Array, upTo = lrs.length - 1): number {
  let peak = 0;
  let after = Infinity;
  for (let s = 0; s <= upTo && s < lrs.length; s++) {
    const x = lrs[s] as number;
    if (x > peak) {
      peak = x;
      after = x;
    } else if (x < after) after = x;
  }
  return peak > 0 ? 1 - after / peak : 0;
}

const fmt = (x: number) => (x !== 0 && (Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3) ? x.toExponential(2) : String(Number(x.toPrecision(4))));

/**
 * Parameters the curves did not determine: β → 0 (then G(x) ≈ β·ln(1 + x) and only B·β is fixed), or a
 * parameter that ran off by 10⁴ from its initialisation (B 9e16, β 5e-16 from L-BFGS on one curve).
 */
function degenerate(p: MultiPowerParams, init: MultiPowerParams): string[] {
  const out: string[] = [];
  if (p.beta < 1e-3) out.push(`β = ${fmt(p.beta)} (only B·β = ${fmt(p.B * p.beta)} is determined)`);
  for (const k of MPL_KEYS) {
    const r = p[k] / init[k];
    if ((r > 1e4 || r < 1e-4) && !(k === "beta" && p.beta < 1e-3)) out.push(`${k} = ${fmt(p[k])} (started at ${fmt(init[k])})`);
  }
  if (p.gamma > 2) out.push(`γ = ${fmt(p.gamma)} (> 2; the published fits have 0.63–0.66)`);
  return out;
}

/**
 * Fit the multi-power law. optimizer "adamw-authors" (default) repeats the authors' procedure;
 * "lbfgs" minimises the same objective to convergence — lower training error, but on the shipped
 * curves it extrapolates worse to longer runs (see the closing note of issue 3 and test/fit-curves).
 * The objective returned is computed exactly at the returned parameters; degenerate parameters and an
 * L-BFGS that stopped short are returned with a warning.
 */
export function fitMultiPower(curves: CurveData[], opts: { blockSize?: number; optimizer?: "adamw-authors" | "lbfgs"; start?: number[]; maxPoints?: number; maxIterations?: number } = {}): CurveFit {
  const fn = objective(curves.map((c) => fitCurve(c, opts.blockSize ?? 16, opts.maxPoints)));
  const init = opts.start ?? initialGuess(curves);
  const optimizer = opts.optimizer ?? "adamw-authors";
  let values: number[];
  let iterations: number;
  const warnings: CurveFitWarning[] = [];
  if (optimizer === "adamw-authors") {
    const r = adamwAuthors(fn, init);
    values = r.p;
    iterations = r.steps;
  } else {
    const r = lbfgs(fn, init.map(Math.log), { ftol: 1e-12, gtol: 1e-8, maxIterations: opts.maxIterations ?? 3000 });
    values = Array.from(r.x, Math.exp);
    iterations = r.iterations;
    if (!r.converged) warnings.push({ code: "not-converged", message: `L-BFGS stopped after ${r.iterations} iterations (${r.reason}) with gradient ∞-norm ${r.gradNorm.toExponential(2)}, short of convergence` });
  }
  const params = toParams(values);
  const initial = toParams(init);
  const bad = degenerate(params, initial);
  if (bad.length > 0) {
    warnings.push({ code: "degenerate", message: `degenerate parameters: ${bad.join("; ")}. The curves do not pin these down, so predictions for other schedules are unreliable${optimizer === "lbfgs" ? " — the authors' procedure (--optimizer adamw-authors) stays near its initialisation" : ""}; fit more curves, with LR decays` });
  }
  const decay = Math.max(0, ...curves.map((c) => decayFraction(c.lrs, c.steps[c.steps.length - 1])));
  if (decay < MIN_DECAY) {
    warnings.push({ code: "decay-unidentified", message: `no training curve decays its LR (at most ${fmt(decay * 100)}% below its peak), so the decay terms B, C, β, γ are fitted from the warmup alone and are not identified: predictions of schedules that decay are extrapolations` });
  }
  const theta = Float64Array.from(values, Math.log);
  const predictions = curves.map((c) => predictCurve(params, prepareSchedule(c.lrs), c.steps));
  return { params, objective: huberSum(curves, predictions), optimizerObjective: fn(theta, new Float64Array(7)), optimizer, iterations, initial, decay, warnings, predictions };
}

/**
 * The warning for using a fit on a schedule (a prediction, a held-out curve) that decays when none of
 * its training curves did; undefined otherwise.
 */
export function decayWarning(fit: CurveFit, lrs: Float64Array, what: string): CurveFitWarning | undefined {
  if (fit.decay >= MIN_DECAY) return undefined;
  const d = decayFraction(lrs);
  if (d < MIN_DECAY) return undefined;
  return { code: "decay-unidentified", message: `${what} decays its LR by ${fmt(d * 100)}%, but the fit saw no decay (training curves at most ${fmt(fit.decay * 100)}% below their peak): B, C, β, γ cannot be identified from them, so this prediction of the decay is an extrapolation, not a fit` };
}

/** Exact mean and final relative error of a prediction over a curve. */
export function curveError(p: MultiPowerParams, c: CurveData, predicted?: Float64Array): { mean: number; final: number; pred: Float64Array } {
  const pred = predicted ?? predictCurve(p, prepareSchedule(c.lrs), c.steps);
  let sum = 0;
  for (let i = 0; i < pred.length; i++) sum += Math.abs((pred[i] as number) - (c.loss[i] as number)) / (c.loss[i] as number);
  const n = pred.length;
  return { mean: sum / n, final: Math.abs((pred[n - 1] as number) - (c.loss[n - 1] as number)) / (c.loss[n - 1] as number), pred };
}

/**
 * The budget the exact evaluation once had (Σ points × changes, for the defining sum). Evaluation is now
 * linear in points + changes, bounded by the step limits; kept for callers that report the old count.
 */
export const MAX_EXACT_TERMS = 5e9;

/** Terms the defining sum of a curve has: for each logged step, the LR changes at or before it. */
export function exactTerms(c: CurveData): number {
  let total = 0;
  let changes = 0;
  let k = 1;
  for (let i = 0; i < c.steps.length; i++) {
    const s = c.steps[i] as number;
    for (; k <= s && k < c.lrs.length; k++) if (c.lrs[k] !== c.lrs[k - 1]) changes++;
    total += changes;
  }
  return total;
}

/** Exposed for tests: the optimizer's objective at given parameters (to compare with the exact one). */
export function blockedObjective(curves: CurveData[], p: MultiPowerParams, blockSize = 16): number {
  const fn = objective(curves.map((c) => fitCurve(c, blockSize)));
  return fn(Float64Array.from(MPL_KEYS, (k) => Math.log(p[k])), new Float64Array(7));
}

/** The Huber objective over every logged point, with each prediction exact (QUADRATURE_EXACT). */
export function exactObjective(curves: CurveData[], p: MultiPowerParams): number {
  return huberSum(curves, curves.map((c) => predictCurve(p, prepareSchedule(c.lrs), c.steps)));
}

function huberSum(curves: CurveData[], preds: Float64Array[]): number {
  let f = 0;
  curves.forEach((c, k) => {
    const pred = preds[k] as Float64Array;
    for (let i = 0; i < pred.length; i++) {
      const r = Math.log(c.loss[i] as number) - Math.log(pred[i] as number);
      f += Number.isNaN(r) ? Infinity : huber(DELTA, r);
    }
  });
  return f;
}
