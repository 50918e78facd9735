/**
 * `lmplan fit bcrit`: the critical batch from runs that record how many optimizer steps each batch
 * size needed to reach a target loss.
 *
 * 1. Per group (one model size, or one token budget: runs that share a target), McCandlish's
 *    S(B) = S_min·(1 + B_crit/B) (arXiv 1812.06162 §2; as Kaplan et al. write it, arXiv 2001.08361 §5.1)
 *    by least squares of log S — the same objective Zhang et al. minimise with scipy's curve_fit on
 *    log(a + b/B) (hlzhang109/critical-batch-size @ c5b509d8, plots/chinchilla.ipynb), since a = S_min
 *    and b = S_min·B_crit.
 * 2. Across groups, B_crit = k·D^b by least squares in logs, where D is McCandlish's E_min = S_min·B_crit,
 *    the tokens the target needs at a vanishing batch (B_crit = E_min/S_min, the definition docs/science.md §3
 *    and Power Lines use). Optionally B_crit = k·N^a·D^b, to see whether N matters at fixed D.
 * Intervals: a residual bootstrap within each group (Efron & Tibshirani, "An Introduction to the
 * Bootstrap", 1993, Ch. 9: resample the fit's residuals, not the runs, so each resample keeps the
 * designed batch sizes), with the same resample index carried through to the power law.
 * Pure: no I/O.
 */
import { invalid, missing, type Issue, type Result } from "../errors.js";
import { lbfgs } from "./lbfgs.js";
import { leastSquares } from "./lr-batch.js";
import { MAX_BOOTSTRAP, mulberry32, quantileSorted } from "./random.js";

/** One run: the steps (or tokens) a global batch needed to reach its group's target loss. */
export interface BatchRun {
  /** Runs with the same key share a target (a model size, or a token budget). */
  group: string;
  /** Total parameters, when known: needed only for the N-and-D law. */
  N?: number;
  targetLoss?: number;
  /** Global batch in tokens. */
  batchTokens: number;
  /** Optimizer steps to reach the target. */
  steps: number;
  /** File line, for messages. */
  line?: number;
}

export interface McCandlishFit {
  /** S_min: steps at an unbounded batch. */
  Smin: number;
  /** B_crit in tokens. */
  Bcrit: number;
  /** E_min = S_min·B_crit, tokens at a vanishing batch (McCandlish). */
  Emin: number;
  /** Σ (log S − log Ŝ)². */
  rss: number;
  /** "low": B_crit below every batch tried; "high": above every batch — the data do not pin it down. */
  atEdge?: "low" | "high";
  iterations: number;
}

export interface BcritGroup extends McCandlishFit {
  key: string;
  N?: number;
  targetLoss?: number;
  runs: number;
  /** Batch range tried, tokens. */
  batchRange: [number, number];
  /** Root-mean-square of log S − log Ŝ: 0.05 is a 5% typical misfit. */
  rmsLog: number;
  intervals?: { Smin: [number, number]; Bcrit: [number, number]; Emin: [number, number] };
  /** Each run with the fitted steps at its batch. */
  points: { batchTokens: number; steps: number; fitted: number }[];
}

/** B_crit = coefficient · D^exponent, D = E_min tokens, B_crit tokens. */
export interface BcritLawD {
  coefficient: number;
  exponent: number;
  /** R² of the fit in logs. */
  r2: number;
}

/** B_crit = coefficient · N^expN · D^expD. */
export interface BcritLawND {
  coefficient: number;
  expN: number;
  expD: number;
  r2: number;
}

export interface BcritReport {
  kind: "bcrit";
  definition: string;
  groups: BcritGroup[];
  /** Groups whose B_crit sits at an edge, left out of the law. */
  excluded: string[];
  law?: BcritLawD & { intervals?: { coefficient: [number, number]; exponent: [number, number] } };
  withN?: BcritLawND & { intervals?: { coefficient: [number, number]; expN: [number, number]; expD: [number, number] } };
  /** Pearson correlation of log N and log D across the groups used (|r| near 1: N and D cannot be told apart). */
  correlationLogNLogD?: number;
  /** D range of the groups the law was fitted on (E_min tokens). */
  fitRangeD?: [number, number];
  bootstrap?: { resamples: number; failed: number };
  notes: string[];
}

/** Most runs one fit reads (a batch sweep is tens of runs; the bound keeps a hostile file finite). */
export const MAX_BCRIT_RUNS = 100_000;
/** Most groups (model sizes or budgets). */
export const MAX_BCRIT_GROUPS = 1000;
/** Most run-fits a bootstrap may do (resamples × runs): 1,000 resamples of 5,000 runs is a few seconds. */
export const MAX_BOOTSTRAP_WORK = 5e6;
/** Fewest distinct batch sizes per group: two parameters and one degree of freedom. */
export const MIN_BATCHES_PER_GROUP = 3;

// The profile grid brackets B_crit from 1/1000 of the smallest batch to 1000× the largest: a
// minimum at either end means the data do not bound it (all runs in one regime).
const GRID_DECADES = 3;
const GRID_POINTS = 121;

/**
 * Least squares of log S on McCandlish's form, over (u, v) = (log S_min, log B_crit):
 * log S_i ≈ u + log(1 + e^v/B_i) (arXiv 1812.06162 §2). For fixed v the best u is the mean
 * residual, so a grid over v finds the basin; L-BFGS (src/fit/lbfgs.ts) then polishes both.
 */
export function fitMcCandlish(batchTokens: readonly number[], steps: readonly number[]): McCandlishFit {
  const n = batchTokens.length;
  const logB = batchTokens.map((b) => Math.log(b));
  const y = steps.map((s) => Math.log(s));
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of logB) {
    lo = Math.min(lo, l);
    hi = Math.max(hi, l);
  }
  const vLo = lo - GRID_DECADES * Math.LN10;
  const vHi = hi + GRID_DECADES * Math.LN10;
  const profile = (v: number): { u: number; rss: number } => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (y[i] as number) - softplusLog(v - (logB[i] as number));
    mean /= n;
    let rss = 0;
    for (let i = 0; i < n; i++) {
      const r = (y[i] as number) - softplusLog(v - (logB[i] as number)) - mean;
      rss += r * r;
    }
    return { u: mean, rss };
  };
  let bestK = 0;
  let best = profile(vLo);
  for (let k = 1; k < GRID_POINTS; k++) {
    const p = profile(vLo + ((vHi - vLo) * k) / (GRID_POINTS - 1));
    if (p.rss < best.rss) {
      best = p;
      bestK = k;
    }
  }
  const v0 = vLo + ((vHi - vLo) * bestK) / (GRID_POINTS - 1);
  if (bestK === 0 || bestK === GRID_POINTS - 1) {
    // Unbounded direction: report the grid edge, flagged, rather than an optimizer's wander to ±∞.
    return { Smin: Math.exp(best.u), Bcrit: Math.exp(v0), Emin: Math.exp(best.u + v0), rss: best.rss, atEdge: bestK === 0 ? "low" : "high", iterations: 0 };
  }
  // f(u, v) = Σ (u + log(1 + e^(v − log B_i)) − y_i)²
  const objective = (x: Float64Array, g: Float64Array): number => {
    const u = x[0] as number;
    const v = x[1] as number;
    let f = 0;
    let gu = 0;
    let gv = 0;
    for (let i = 0; i < n; i++) {
      const z = v - (logB[i] as number);
      const r = u + softplusLog(z) - (y[i] as number);
      f += r * r;
      gu += 2 * r;
      // d/dz log(1 + e^z) = logistic(z)
      gv += 2 * r * logistic(z);
    }
    g[0] = gu;
    g[1] = gv;
    return f;
  };
  const res = lbfgs(objective, [best.u, v0], { gtol: 1e-11, ftol: 1e-16, maxIterations: 500 });
  const ok = Number.isFinite(res.f) && res.f <= best.rss && (res.x[1] as number) > vLo && (res.x[1] as number) < vHi;
  const u = ok ? (res.x[0] as number) : best.u;
  const v = ok ? (res.x[1] as number) : v0;
  return { Smin: Math.exp(u), Bcrit: Math.exp(v), Emin: Math.exp(u + v), rss: ok ? res.f : best.rss, iterations: res.iterations };
}

/** log(1 + e^z) without overflow. */
function softplusLog(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function logistic(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** S(B) = S_min(1 + B_crit/B) (McCandlish arXiv 1812.06162 §2). */
export function stepsAt(fit: { Smin: number; Bcrit: number }, batchTokens: number): number {
  return fit.Smin * (1 + fit.Bcrit / batchTokens);
}

function fitLawD(groups: readonly { Bcrit: number; Emin: number }[]): BcritLawD {
  const ly = groups.map((g) => Math.log(g.Bcrit));
  const beta = leastSquares(groups.map((g) => [1, Math.log(g.Emin)]), ly);
  const pred = groups.map((g) => (beta[0] as number) + (beta[1] as number) * Math.log(g.Emin));
  return { coefficient: Math.exp(beta[0] as number), exponent: beta[1] as number, r2: rSquared(ly, pred) };
}

function fitLawND(groups: readonly { Bcrit: number; Emin: number; N: number }[]): BcritLawND {
  const ly = groups.map((g) => Math.log(g.Bcrit));
  const beta = leastSquares(groups.map((g) => [1, Math.log(g.N), Math.log(g.Emin)]), ly);
  const pred = groups.map((g) => (beta[0] as number) + (beta[1] as number) * Math.log(g.N) + (beta[2] as number) * Math.log(g.Emin));
  return { coefficient: Math.exp(beta[0] as number), expN: beta[1] as number, expD: beta[2] as number, r2: rSquared(ly, pred) };
}

function rSquared(y: readonly number[], pred: readonly number[]): number {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  let ss = 0;
  let tot = 0;
  for (let i = 0; i < y.length; i++) {
    ss += ((y[i] as number) - (pred[i] as number)) ** 2;
    tot += ((y[i] as number) - mean) ** 2;
  }
  return tot > 0 ? 1 - ss / tot : 1;
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((x, y) => x + y, 0) / n;
  const mb = b.reduce((x, y) => x + y, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

const interval = (v: number[]): [number, number] => {
  const s = Float64Array.from(v).sort();
  return [quantileSorted(s, 0.025), quantileSorted(s, 0.975)];
};

export const BCRIT_DEFINITION =
  "McCandlish (arXiv 1812.06162 §2): S(B) = S_min(1 + B_crit/B), E(B) = E_min(1 + B/B_crit), B_crit = E_min/S_min; the law's D is E_min = S_min·B_crit, the tokens the target needs at a vanishing batch";

export interface BcritOptions {
  bootstrap: number;
  seed: number;
  /** Also fit B_crit = k·N^a·D^b (needs N on every group and ≥ 4 groups). */
  withN?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export function fitBcrit(runs: readonly BatchRun[], o: BcritOptions): Result<BcritReport> {
  if (!Number.isInteger(o.bootstrap) || o.bootstrap < 0 || o.bootstrap > MAX_BOOTSTRAP) return { ok: false, issues: [invalid("bootstrap", `a whole number of resamples 0 … ${MAX_BOOTSTRAP}`, o.bootstrap)] };
  if (runs.length > MAX_BCRIT_RUNS) return { ok: false, issues: [invalid("runs", `at most ${MAX_BCRIT_RUNS} runs`, `${runs.length} runs`)] };
  if (o.bootstrap * runs.length > MAX_BOOTSTRAP_WORK) {
    return { ok: false, issues: [invalid("bootstrap", `at most ${Math.floor(MAX_BOOTSTRAP_WORK / runs.length)} resamples for ${runs.length} runs (resamples × runs ≤ ${MAX_BOOTSTRAP_WORK.toExponential(0).replace("+", "")})`, o.bootstrap)] };
  }
  const issues: Issue[] = [];
  for (const [i, r] of runs.entries()) {
    const where = r.line !== undefined ? `line ${r.line}` : `run ${i + 1}`;
    if (!(Number.isFinite(r.batchTokens) && r.batchTokens > 0)) issues.push(invalid([where, "batchTokens"], "a positive batch in tokens", r.batchTokens));
    if (!(Number.isFinite(r.steps) && r.steps > 0)) issues.push(invalid([where, "steps"], "a positive number of steps to the target", r.steps));
  }
  if (issues.length > 0) return { ok: false, issues };
  const by = new Map<string, BatchRun[]>();
  for (const r of runs) {
    const g = by.get(r.group);
    if (g) g.push(r);
    else by.set(r.group, [r]);
  }
  if (by.size > MAX_BCRIT_GROUPS) return { ok: false, issues: [invalid("groups", `at most ${MAX_BCRIT_GROUPS} groups (model sizes or token budgets)`, `${by.size} groups`)] };
  for (const [key, g] of by) {
    const distinct = new Set(g.map((r) => r.batchTokens)).size;
    if (distinct < MIN_BATCHES_PER_GROUP) issues.push(invalid(["group", key], `runs at ${MIN_BATCHES_PER_GROUP} or more different batch sizes (S_min and B_crit are two unknowns)`, `${distinct} batch size(s) in ${g.length} run(s)`));
    const Ns = new Set(g.map((r) => r.N));
    if (Ns.size > 1) issues.push(invalid(["group", key], "one model size per group", `N = ${[...Ns].join(", ")}`));
  }
  if (issues.length > 0) return { ok: false, issues };
  if (by.size === 0) return { ok: false, issues: [missing(["runs"], "runs that record the steps (or tokens) each batch size needed to reach a target loss")] };

  const groups: BcritGroup[] = [];
  const raw: { batch: number[]; logS: number[] }[] = [];
  for (const [key, g] of by) {
    const batch = g.map((r) => r.batchTokens);
    const steps = g.map((r) => r.steps);
    const f = fitMcCandlish(batch, steps);
    const first = g[0] as BatchRun;
    const fitted = batch.map((b) => stepsAt(f, b));
    groups.push({
      key,
      ...(first.N !== undefined ? { N: first.N } : {}),
      ...(first.targetLoss !== undefined ? { targetLoss: first.targetLoss } : {}),
      runs: g.length,
      ...f,
      batchRange: [Math.min(...batch), Math.max(...batch)],
      rmsLog: Math.sqrt(f.rss / g.length),
      points: batch.map((b, i) => ({ batchTokens: b, steps: steps[i] as number, fitted: fitted[i] as number })),
    });
    raw.push({ batch, logS: steps.map((s) => Math.log(s)) });
  }
  const notes: string[] = [];
  const used = groups.filter((g) => g.atEdge === undefined);
  const excluded = groups.filter((g) => g.atEdge !== undefined).map((g) => g.key);
  for (const g of groups) {
    if (g.atEdge === "high") notes.push(`${g.key}: steps keep falling as 1/B up to the largest batch tried; B_crit is above ${g.batchRange[1]} tokens — add larger batches (left out of the law)`);
    if (g.atEdge === "low") notes.push(`${g.key}: steps barely fall with batch even at the smallest batch tried; B_crit is below ${g.batchRange[0]} tokens — add smaller batches (left out of the law)`);
  }
  const report: BcritReport = { kind: "bcrit", definition: BCRIT_DEFINITION, groups, excluded, notes };
  const canLaw = used.length >= 2 && new Set(used.map((g) => g.Emin)).size >= 2;
  const withN = o.withN === true && used.length >= 4 && used.every((g) => g.N !== undefined) && new Set(used.map((g) => g.N)).size >= 2;
  if (canLaw) {
    report.law = fitLawD(used);
    report.fitRangeD = [Math.min(...used.map((g) => g.Emin)), Math.max(...used.map((g) => g.Emin))];
    if (used.length === 2) notes.push("2 groups: the power law passes through both; a third size or budget would test its form");
    if (used.every((g) => g.N !== undefined)) {
      report.correlationLogNLogD = correlation(used.map((g) => Math.log(g.N as number)), used.map((g) => Math.log(g.Emin)));
    }
  } else {
    notes.push("the power law in D needs 2 or more groups (model sizes or token budgets) whose B_crit the data bound");
  }
  if (withN) report.withN = fitLawND(used as (BcritGroup & { N: number })[]);
  else if (o.withN === true) notes.push("B_crit = k·N^a·D^b needs N on every group and 4 or more groups (3 coefficients and 1 degree of freedom)");

  if (o.bootstrap > 0) {
    // Residual bootstrap (Efron & Tibshirani 1993 Ch. 9), residuals centred and rescaled by √(n/(n−2))
    // for the two fitted parameters (Davison & Hinkley, "Bootstrap Methods and their Application", 1997,
    // Ch. 6), then the law refitted on each resample's groups.
    const rand = mulberry32(o.seed);
    const per = groups.map(() => ({ Smin: [] as number[], Bcrit: [] as number[], Emin: [] as number[] }));
    const lawK: number[] = [];
    const lawB: number[] = [];
    const ndK: number[] = [];
    const ndA: number[] = [];
    const ndB: number[] = [];
    let failed = 0;
    const residuals = groups.map((g, gi) => {
      const r = raw[gi] as { batch: number[]; logS: number[] };
      const n = r.batch.length;
      const e = r.batch.map((b, i) => (r.logS[i] as number) - Math.log(stepsAt(g, b)));
      const mean = e.reduce((a, x) => a + x, 0) / n;
      const scale = Math.sqrt(n / Math.max(1, n - 2));
      return e.map((x) => (x - mean) * scale);
    });
    for (let b = 0; b < o.bootstrap; b++) {
      const reps: (McCandlishFit & { N?: number })[] = [];
      groups.forEach((g, gi) => {
        const r = raw[gi] as { batch: number[]; logS: number[] };
        const e = residuals[gi] as number[];
        const steps = r.batch.map((B) => stepsAt(g, B) * Math.exp(e[Math.floor(rand() * e.length)] as number));
        const f = fitMcCandlish(r.batch, steps);
        const p = per[gi] as { Smin: number[]; Bcrit: number[]; Emin: number[] };
        p.Smin.push(f.Smin);
        p.Bcrit.push(f.Bcrit);
        p.Emin.push(f.Emin);
        if (g.atEdge === undefined) reps.push({ ...f, ...(g.N !== undefined ? { N: g.N } : {}) });
      });
      o.onProgress?.(b + 1, o.bootstrap);
      if (reps.some((f) => f.atEdge !== undefined)) {
        failed++;
        continue;
      }
      if (canLaw) {
        const l = fitLawD(reps);
        lawK.push(l.coefficient);
        lawB.push(l.exponent);
      }
      if (withN) {
        const l = fitLawND(reps as (McCandlishFit & { N: number })[]);
        ndK.push(l.coefficient);
        ndA.push(l.expN);
        ndB.push(l.expD);
      }
    }
    groups.forEach((g, gi) => {
      const p = per[gi] as { Smin: number[]; Bcrit: number[]; Emin: number[] };
      g.intervals = { Smin: interval(p.Smin), Bcrit: interval(p.Bcrit), Emin: interval(p.Emin) };
    });
    if (report.law && lawK.length > 0) report.law.intervals = { coefficient: interval(lawK), exponent: interval(lawB) };
    if (report.withN && ndK.length > 0) report.withN.intervals = { coefficient: interval(ndK), expN: interval(ndA), expD: interval(ndB) };
    report.bootstrap = { resamples: o.bootstrap, failed };
  }
  if (report.withN) {
    const r = report.correlationLogNLogD ?? NaN;
    const ci = report.withN.intervals?.expN;
    if (Math.abs(r) > 0.95) notes.push(`log N and log D are collinear across these groups (r = ${r.toFixed(4)}): these runs cannot separate N from D — add runs at one model size with several token budgets (as Zhang et al. do, arXiv 2410.21676) to tell them apart`);
    if (ci && ci[0] <= 0 && ci[1] >= 0) notes.push("the 95% interval of N's exponent includes 0: no evidence here that N matters at fixed D");
  }
  return { ok: true, value: report };
}

// ---- steps to the target from whole loss curves ------------------------------------------------------

/** One loss curve at one global batch: the second input of `fit bcrit` (the first crossing of the target). */
export interface BatchCurve {
  /** Curves with the same key share a target (a model size, or a token budget). */
  group: string;
  N?: number;
  targetLoss: number;
  batchTokens: number;
  /** Logged steps, ascending, and the loss at each. */
  steps: ArrayLike<number>;
  loss: ArrayLike<number>;
  /** For messages: the file or run. */
  name: string;
  line?: number;
}

export type Crossing =
  | { ok: true; step: number; /** The logged steps that bracket the crossing. */ bracket: [number, number] }
  | { ok: false; reason: "never" | "starts-below"; lowest: number; firstStep: number; lastStep: number };

/**
 * The first step at which a logged loss curve reaches `target`: the first logged point at or below it,
 * interpolated linearly in step between that point (s_b, L_b) and the logged point before it (s_a, L_a > T):
 * s* = s_a + (L_a − T)/(L_a − L_b)·(s_b − s_a). Linear between two logged points is the least the data say;
 * the crossing is known to within the logging interval s_b − s_a either way (reported as the bracket).
 * A curve already at or below the target at its first logged step has no bracket (its crossing is before
 * the log starts) and is refused, as is one that never reaches the target. Bounded by the curve's length.
 */
export function stepsToTarget(steps: ArrayLike<number>, loss: ArrayLike<number>, target: number): Crossing {
  const n = Math.min(steps.length, loss.length);
  let lowest = Infinity;
  for (let i = 0; i < n; i++) {
    const L = loss[i] as number;
    if (L < lowest) lowest = L;
    if (L <= target) {
      if (i === 0) return { ok: false, reason: "starts-below", lowest: L, firstStep: steps[0] as number, lastStep: steps[n - 1] as number };
      const sa = steps[i - 1] as number;
      const sb = steps[i] as number;
      const La = loss[i - 1] as number;
      return { ok: true, step: sa + ((La - target) / (La - L)) * (sb - sa), bracket: [sa, sb] };
    }
  }
  return { ok: false, reason: "never", lowest, firstStep: n > 0 ? (steps[0] as number) : NaN, lastStep: n > 0 ? (steps[n - 1] as number) : NaN };
}

/** Most curves one fit reads. */
export const MAX_BCRIT_CURVES = 10_000;

/**
 * Curves → the runs fitBcrit takes: each curve's first crossing of its target (stepsToTarget). Curves
 * that never cross, or start below the target, are refused with the curve named, its lowest loss and
 * its logged steps — never dropped silently.
 */
export function runsFromCurves(curves: readonly BatchCurve[]): Result<{ runs: BatchRun[]; notes: string[] }> {
  if (curves.length > MAX_BCRIT_CURVES) return { ok: false, issues: [invalid("curves", `at most ${MAX_BCRIT_CURVES} curves`, `${curves.length} curves`)] };
  const issues: Issue[] = [];
  const runs: BatchRun[] = [];
  let widest = 0;
  let widestName = "";
  for (const c of curves) {
    const where = [c.name];
    if (!(Number.isFinite(c.targetLoss) && c.targetLoss > 0)) {
      issues.push(invalid([...where, "targetLoss"], "a positive target loss", c.targetLoss));
      continue;
    }
    if (!(Number.isFinite(c.batchTokens) && c.batchTokens > 0)) {
      issues.push(invalid([...where, "batchTokens"], "a positive batch in tokens", c.batchTokens));
      continue;
    }
    const x = stepsToTarget(c.steps, c.loss, c.targetLoss);
    if (!x.ok) {
      issues.push(
        x.reason === "never"
          ? invalid(where, `a curve that reaches the target loss ${c.targetLoss} (train longer, or choose a higher target for this group)`, `a lowest loss of ${x.lowest} over steps ${x.firstStep} … ${x.lastStep}`)
          : invalid(where, `a curve logged from before it reaches the target loss ${c.targetLoss} (its first logged point is already at or below it)`, `loss ${x.lowest} at step ${x.firstStep}`),
      );
      continue;
    }
    const rel = (x.bracket[1] - x.bracket[0]) / x.step;
    if (rel > widest) {
      widest = rel;
      widestName = c.name;
    }
    runs.push({ group: c.group, ...(c.N !== undefined ? { N: c.N } : {}), targetLoss: c.targetLoss, batchTokens: c.batchTokens, steps: x.step, ...(c.line !== undefined ? { line: c.line } : {}) });
  }
  if (issues.length > 0) return { ok: false, issues };
  const notes = [`steps to the target: each curve's first logged point at or below its target, interpolated linearly in step from the point before it; the widest logging interval around a crossing is ${(widest * 100).toPrecision(2)}% of its steps (${widestName})`];
  return { ok: true, value: { runs, notes } };
}
