/**
 * Fit the multi-power law to whole loss curves (SCIENCE.md §7), the way the authors do: Huber
 * (δ = 1e-3) on log(loss) − log(prediction), summed over every logged point of the training curves,
 * minimised from an initialisation found on a simpler model (thu-yao-01-luo/MultiPowerLaw @8da9f190
 * src/fitting.py: grid over L0, A, α, B, then C = 1, β = 0.5, γ = 0.5). lmplan minimises with L-BFGS
 * over log-parameters (all seven are positive) where the authors use AdamW.
 *
 * Speed: the LD term sums over every step where the LR changes (every step of a cosine). Inside the
 * optimizer, runs of consecutive changes are grouped into blocks of `blockSize` steps evaluated at
 * their midpoint; the blocked objective is checked against the exact one in the tests, and every
 * error lmplan reports is computed exactly. A curve gets at most MAX_BLOCKS blocks (longer blocks on
 * longer curves), so one evaluation costs O(logged points × MAX_BLOCKS) whatever the curve's length;
 * the shipped curves (≤ 72,000 steps) stay at 16 steps a block.
 */
import { MPL_KEYS, predictCurve, prepareSchedule, type MultiPowerParams } from "../laws/multi-power-law.js";
import { huber, huberGrad } from "./chinchilla.js";
import { lbfgs, type LbfgsResult } from "./lbfgs.js";

export interface CurveData {
  name: string;
  /** LR used at every step 0 … T−1. */
  lrs: Float64Array;
  /** Logged steps (indices into lrs). */
  steps: Int32Array;
  loss: Float64Array;
}

interface Blocked {
  /** S1 at each logged step. */
  S: Float64Array;
  /** Per block: first and last step, LR-change sum, ln η and S1(k−1) at the block's midpoint step. */
  last: Int32Array;
  first: Int32Array;
  gapSum: Float64Array;
  logEta: Float64Array;
  cumBefore: Float64Array;
  steps: Int32Array;
  logLoss: Float64Array;
  logS1: Float64Array;
}

/** Most blocks per curve inside the optimizer (4,500 for the paper's 72,000-step cosine at 16 a block). */
export const MAX_BLOCKS = 8192;

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

/**
 * Blocks of LR changes, in one pass over the schedule with no per-step array. `joins(first, last, n, k,
 * sign)` says whether the change at step k extends the open block; at most `cap` blocks, else
 * undefined.
 */
function buildBlocks(lrs: Float64Array, cap: number, joins: (first: number, last: number, n: number, k: number, sameSign: boolean) => boolean) {
  const first = new Int32Array(cap);
  const last = new Int32Array(cap);
  const gapSum = new Float64Array(cap);
  const logEta = new Float64Array(cap);
  const cumBefore = new Float64Array(cap);
  let nb = 0;
  let open = false;
  let bFirst = 0;
  let bLast = 0;
  let bN = 0;
  let bSign = 0;
  let bSum = 0;
  let bBefore = 0; // S1(first − 1), the running sum before the block's first step
  let bMaxEta = 0;
  let running = lrs.length > 0 ? (lrs[0] as number) : 0; // S1(k − 1) while looking at step k
  const close = (): boolean => {
    if (nb >= cap) return false;
    const mid = Math.round((bFirst + bLast) / 2);
    // S1(mid − 1) summed in step order from S1(first − 1): bit-for-bit the cumulative sum's value
    let sm = bBefore;
    for (let t = bFirst; t < mid; t++) sm += lrs[t] as number;
    const eta = (lrs[mid] as number) > 0 ? (lrs[mid] as number) : bMaxEta;
    first[nb] = bFirst;
    last[nb] = bLast;
    gapSum[nb] = bSum;
    logEta[nb] = Math.log(eta);
    cumBefore[nb] = sm;
    nb++;
    return true;
  };
  for (let k = 1; k < lrs.length; k++) {
    const g = (lrs[k] as number) - (lrs[k - 1] as number);
    if (lrs[k] !== lrs[k - 1]) {
      const sign = Math.sign(g);
      if (open && joins(bFirst, bLast, bN, k, sign === bSign)) {
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
  return { first: first.slice(0, nb), last: last.slice(0, nb), gapSum: gapSum.slice(0, nb), logEta: logEta.slice(0, nb), cumBefore: cumBefore.slice(0, nb) };
}

function blockCurve(c: CurveData, minBlockSize: number): Blocked {
  const lrs = c.lrs;
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
    buildBlocks(lrs, 2 * MAX_BLOCKS, (_f, last, n, k, sameSign) => k === last + 1 && sameSign && n < blockSize) ??
    (buildBlocks(lrs, MAX_BLOCKS + 1, (f, _l, _n, k) => Math.floor((k - k0) / span) === Math.floor((f - k0) / span)) as NonNullable<ReturnType<typeof buildBlocks>>);
  const S = cumLrAt(lrs, c.steps);
  return {
    S,
    ...blocks,
    steps: c.steps,
    logLoss: Float64Array.from(c.loss, Math.log),
    logS1: Float64Array.from(S, Math.log),
  };
}

const DELTA = 1e-3;

/** Huber objective over log-parameters θ = ln p, with gradient, on blocked curves. */
function objective(curves: Blocked[]) {
  return (theta: Float64Array, grad: Float64Array): number => {
    const [L0, A, alpha, B, C, beta, gamma] = Array.from(theta, Math.exp) as [number, number, number, number, number, number, number];
    grad.fill(0);
    let f = 0;
    for (const c of curves) {
      const nb = c.gapSum.length;
      // u_b = C·η_b^(−γ): once per block per evaluation
      const u = new Float64Array(nb);
      for (let b = 0; b < nb; b++) u[b] = C * Math.exp(-gamma * (c.logEta[b] as number));
      for (let i = 0; i < c.steps.length; i++) {
        const s = c.steps[i] as number;
        const Ss = c.S[i] as number;
        let ld = 0;
        let dC = 0;
        let dBeta = 0;
        let dGamma = 0;
        for (let b = 0; b < nb; b++) {
          if ((c.first[b] as number) > s) break;
          // a block straddling s contributes only its part up to s, scaled by the share of steps
          const share = (c.last[b] as number) <= s ? 1 : (s - (c.first[b] as number) + 1) / ((c.last[b] as number) - (c.first[b] as number) + 1);
          const w = (c.gapSum[b] as number) * share;
          const x = (u[b] as number) * Math.max(Ss - (c.cumBefore[b] as number), 0);
          const t = Math.log1p(x);
          const e = Math.exp(-beta * t);
          ld += w * (1 - e);
          const dGdx = (beta * e) / (1 + x);
          dC += w * dGdx * x; // ∂G/∂lnC
          dGamma += w * dGdx * -x * (c.logEta[b] as number) * gamma; // ∂G/∂lnγ
          dBeta += w * t * e * beta; // ∂G/∂lnβ
        }
        const pw = Math.exp(-alpha * (c.logS1[i] as number));
        const pred = L0 + A * pw + B * ld;
        if (!(pred > 0)) return Infinity;
        const r = (c.logLoss[i] as number) - Math.log(pred);
        f += huber(DELTA, r);
        const h = -huberGrad(DELTA, r) / pred; // d/d(pred) of Huber(log loss − log pred)
        grad[0] = (grad[0] as number) + h * L0;
        grad[1] = (grad[1] as number) + h * A * pw;
        grad[2] = (grad[2] as number) + h * -A * pw * (c.logS1[i] as number) * alpha;
        grad[3] = (grad[3] as number) + h * B * ld;
        grad[4] = (grad[4] as number) + h * B * dC;
        grad[5] = (grad[5] as number) + h * B * dBeta;
        grad[6] = (grad[6] as number) + h * B * dGamma;
      }
    }
    return f;
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
  const data = curves.map((c) => {
    let peak = 0;
    for (const x of c.lrs) peak = Math.max(peak, x);
    return {
      logS1: Float64Array.from(cumLrAt(c.lrs, c.steps), Math.log),
      drop: Float64Array.from(c.steps, (s) => peak - (c.lrs[s] as number)),
      logLoss: Float64Array.from(c.loss, Math.log),
      loss: c.loss,
    };
  });
  // ordinary least squares of y = log(loss − min + 0.01) on x = log S1 (scipy.stats.linregress)
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const d of data) for (let i = 0; i < d.logS1.length; i++) {
    const x = d.logS1[i] as number;
    const y = Math.log((d.loss[i] as number) - minLoss + 0.01);
    n++; sx += x; sy += y; sxx += x * x; sxy += x * y;
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
        f += huber(DELTA, r);
        const h = -huberGrad(DELTA, r) / pred; // d/d(pred) of Huber(log loss − log pred)
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
    if (f < best) {
      best = f;
      bestP = Float64Array.from(p);
    }
  }
  return { p: Array.from(bestP), f: best, steps };
}

export interface CurveFit {
  params: MultiPowerParams;
  /** Huber objective (blocked) at the returned parameters. */
  objective: number;
  optimizer: "adamw-authors" | "lbfgs";
  iterations: number;
  initial: MultiPowerParams;
}

const toParams = (values: readonly number[]) => Object.fromEntries(MPL_KEYS.map((k, i) => [k, values[i] as number])) as unknown as MultiPowerParams;

/**
 * Fit the multi-power law. optimizer "adamw-authors" (default) repeats the authors' procedure;
 * "lbfgs" minimises the same objective to convergence — lower training error, but on the shipped
 * curves it extrapolates worse to longer runs (see the closing note of issue 3 and test/fit-curves).
 */
export function fitMultiPower(curves: CurveData[], opts: { blockSize?: number; optimizer?: "adamw-authors" | "lbfgs"; start?: number[] } = {}): CurveFit {
  const fn = objective(curves.map((c) => blockCurve(c, opts.blockSize ?? 16)));
  const init = opts.start ?? initialGuess(curves);
  if ((opts.optimizer ?? "adamw-authors") === "adamw-authors") {
    const r = adamwAuthors(fn, init);
    return { params: toParams(r.p), objective: r.f, optimizer: "adamw-authors", iterations: r.steps, initial: toParams(init) };
  }
  const r = lbfgs(fn, init.map(Math.log), { ftol: 1e-12, gtol: 1e-8, maxIterations: 3000 });
  return { params: toParams(Array.from(r.x, Math.exp)), objective: r.f, optimizer: "lbfgs", iterations: r.iterations, initial: toParams(init) };
}

/** Exact mean and final relative error of a prediction over a curve. */
export function curveError(p: MultiPowerParams, c: CurveData): { mean: number; final: number; pred: Float64Array } {
  const pred = predictCurve(p, prepareSchedule(c.lrs), c.steps);
  let sum = 0;
  for (let i = 0; i < pred.length; i++) sum += Math.abs((pred[i] as number) - (c.loss[i] as number)) / (c.loss[i] as number);
  const n = pred.length;
  return { mean: sum / n, final: Math.abs((pred[n - 1] as number) - (c.loss[n - 1] as number)) / (c.loss[n - 1] as number), pred };
}

/**
 * Most terms of the exact evaluation over all curves of one fit: each logged step sums one term per LR
 * change before it (predictCurve), so the exact errors cost Σ points × changes. About 30 ns a term:
 * 5e9 is 2–3 minutes, reached by a 1e7-step cosine logged at 1,000 steps; past it lmplan asks for a
 * thinner log instead of running for hours.
 */
export const MAX_EXACT_TERMS = 5e9;

/** Terms the exact evaluation of a curve sums: for each logged step, the LR changes at or before it. */
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

/** Exposed for tests: the blocked objective at given parameters (to compare with the exact one). */
export function blockedObjective(curves: CurveData[], p: MultiPowerParams, blockSize = 16): number {
  const fn = objective(curves.map((c) => blockCurve(c, blockSize)));
  return fn(Float64Array.from(MPL_KEYS, (k) => Math.log(p[k])), new Float64Array(7));
}

export function exactObjective(curves: CurveData[], p: MultiPowerParams): number {
  let f = 0;
  for (const c of curves) {
    const pred = predictCurve(p, prepareSchedule(c.lrs), c.steps);
    for (let i = 0; i < pred.length; i++) f += huber(DELTA, Math.log(c.loss[i] as number) - Math.log(pred[i] as number));
  }
  return f;
}
