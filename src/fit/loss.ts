/**
 * `lmplan fit loss`: the Chinchilla parametric law fitted to a team's (N, D, loss) runs, with
 * bootstrap confidence intervals and the compute-optimal frontier the fit implies.
 */
import { invalid, type Issue, type Result } from "../errors.js";
import { chinchillaLoss, computeOptimal, type ChinchillaParams } from "../laws/chinchilla-form.js";
import type { Warning } from "../laws/types.js";
import { fitChinchilla, HOFFMANN_DELTA, hoffmannGrid, type ChinchillaFit, type LossPoint } from "./chinchilla.js";

import { MAX_BOOTSTRAP, mulberry32, quantileSorted } from "./random.js";
import type { RowIssue } from "../io/csv.js";
import { inRange, RANGES, rangeText } from "../io/ranges.js";
import type { ColumnSpec, Table } from "../io/table.js";

const BOOTSTRAP_LBFGS = { ftol: 1e-12, gtol: 1e-9, maxIterations: 5000 };

export { MAX_BOOTSTRAP };

/**
 * Most runs one loss fit takes: each of Hoffmann's 4,500 L-BFGS starts sums over every run, so the fit
 * costs starts × iterations × runs. Hoffmann fitted ~400 runs, Epoch 240; 10,000 is far past any sweep.
 */
export const MAX_LOSS_POINTS = 10_000;

/** The columns a loss fit reads (N, D or C, loss), with the header names each may go by and their ranges. */
export const LOSS_COLUMNS: ColumnSpec[] = [
  { key: "N", aliases: ["N", "params", "parameters", "model_size", "model size"], description: "parameters N", positive: true, range: RANGES.params },
  { key: "D", aliases: ["D", "tokens", "data"], description: "training tokens D", positive: true, optional: true, range: RANGES.tokens },
  { key: "C", aliases: ["C", "flops", "compute", "training flop", "training_flops"], description: "training FLOPs C (D = C/(6N))", positive: true, optional: true, range: RANGES.flops },
  { key: "L", aliases: ["L", "loss", "final_loss", "eval_loss"], description: "final loss", positive: true, range: RANGES.loss },
];

/**
 * (N, D, L) points from a table read with LOSS_COLUMNS: D from the tokens column, else C/(6N). A row
 * whose C gives a D outside the token range is rejected at its line, naming the C cell.
 * Returns undefined when the table has neither a D nor a C column.
 */
export function lossPoints(table: Table): { points: LossPoint[]; lines: number[]; rejected: RowIssue[] } | undefined {
  if (table.headers.D === undefined && table.headers.C === undefined) return undefined;
  const points: LossPoint[] = [];
  const lines: number[] = [];
  const rejected: RowIssue[] = [];
  table.rows.forEach((r, i) => {
    const line = table.lines[i] as number;
    const D = r.D ?? (r.C as number) / (6 * (r.N as number));
    if (r.D === undefined && !inRange(RANGES.tokens, D)) {
      rejected.push({ line, issue: invalid([`line ${line}`, table.headers.C as string], `FLOPs giving tokens D = C/(6N) as ${rangeText(RANGES.tokens)}`, `C = ${r.C}, N = ${r.N}: D = ${D.toPrecision(3)}`) });
      return;
    }
    points.push({ N: r.N as number, D, L: r.L as number });
    lines.push(line);
  });
  return { points, lines, rejected };
}

export interface LossFitOptions {
  /** Drop the K highest-loss points before fitting (Epoch drops 5 of Hoffmann's Fig. 4 points). */
  dropHighest: number;
  /** Bootstrap resamples for confidence intervals; 0 for none. */
  bootstrap: number;
  seed: number;
  /** Starting points; Hoffmann's 4,500-point grid by default. */
  starts?: number[][];
  /** A grid fit already computed on the kept points (e.g. on worker threads by fitChinchillaParallel). */
  gridFit?: ChinchillaFit;
  onProgress?: (done: number, total: number) => void;
}

export type ParamKey = keyof ChinchillaParams;
const KEYS: ParamKey[] = ["A", "B", "E", "alpha", "beta"];

export interface LossFitReport {
  kind: "loss";
  form: "chinchilla";
  numPoints: number;
  dropped: { reason: string; points: LossPoint[] };
  fit: ChinchillaFit;
  /** 95% percentile intervals from the bootstrap (absent with --bootstrap 0). */
  intervals?: Record<ParamKey, [number, number]>;
  bootstrap?: { resamples: number; failed: number };
  frontier: { C: number; N: number; D: number; TPP: number }[];
  warnings: Warning[];
}

/** Sort by loss and set the k highest aside (Epoch drops 5 of Hoffmann's extracted points). */
export function dropHighestLoss(points: readonly LossPoint[], k: number): { used: LossPoint[]; dropped: LossPoint[] } {
  const sorted = [...points].sort((a, b) => b.L - a.L);
  return { used: sorted.slice(k), dropped: sorted.slice(0, k) };
}

/**
 * The exponents α and β are only identified when the runs span two or more model sizes and two or more
 * token counts; on one (N, D) point the fit "finds" any α, β and a frontier at nonsense sizes (issue 15:
 * α = −0.026, β = −0.031 and a 216T-parameter optimum with exit 0). fit lr-batch and fit timescale
 * refuse such data the same way.
 */
export function lossDataIssues(points: readonly LossPoint[]): Issue[] {
  const nN = new Set(points.map((p) => p.N)).size;
  const nD = new Set(points.map((p) => p.D)).size;
  if (nN >= 2 && nD >= 2) return [];
  return [invalid("points", "runs at 2 or more distinct model sizes N and 2 or more distinct token counts D, to fit the exponents of N and D (a μP sweep at one size is fitted by lmplan fit mup)", `${nN} distinct N, ${nD} distinct D in ${points.length} run(s)`)];
}

export function fitLoss(points: readonly LossPoint[], o: LossFitOptions): Result<LossFitReport> {
  const issues: Issue[] = [...lossDataIssues(points)];
  if (!Number.isInteger(o.dropHighest) || o.dropHighest < 0) issues.push(invalid("dropHighest", "a whole number ≥ 0", o.dropHighest));
  if (!Number.isInteger(o.bootstrap) || o.bootstrap < 0 || o.bootstrap > MAX_BOOTSTRAP) issues.push(invalid("bootstrap", `a whole number of resamples 0 … ${MAX_BOOTSTRAP}`, o.bootstrap));
  if (points.length > MAX_LOSS_POINTS) return { ok: false, issues: [invalid("points", `at most ${MAX_LOSS_POINTS} runs in one fit`, `${points.length} runs`)] };
  const { used, dropped } = dropHighestLoss(points, o.dropHighest);
  // Five parameters need at least six points to leave a residual degree of freedom.
  if (used.length < 6) issues.push(invalid("points", `at least 6 usable points for 5 parameters (after dropping ${o.dropHighest})`, `${used.length} points`));
  if (issues.length > 0) return { ok: false, issues };

  const warnings: Warning[] = [];
  const seen = new Map<string, number>();
  for (const p of used) seen.set(`${p.N}|${p.D}`, (seen.get(`${p.N}|${p.D}`) ?? 0) + 1);
  const dups = [...seen.values()].filter((c) => c > 1).length;
  if (dups > 0) warnings.push({ code: "assumption", source: "fit", message: `${dups} (N, D) pair(s) appear more than once; each is kept as a separate observation` });

  const fit = o.gridFit ?? fitChinchilla(used, o.starts ?? hoffmannGrid());
  if (fit.diagnostics.reason !== "gtol" && fit.diagnostics.reason !== "ftol") {
    warnings.push({ code: "assumption", source: "fit", message: `the best start stopped on ${fit.diagnostics.reason} (gradient norm ${fit.diagnostics.gradNorm.toExponential(2)}); the optimum may not be exact` });
  }
  if (fit.diagnostics.reachedBest < 2) {
    warnings.push({ code: "assumption", source: "fit", message: "only one start reached the best objective; the optimum is not well supported by the grid" });
  }

  const report: LossFitReport = {
    kind: "loss",
    form: "chinchilla",
    numPoints: used.length,
    dropped: { reason: o.dropHighest > 0 ? `the ${o.dropHighest} highest-loss points` : "none", points: dropped },
    fit,
    frontier: [1e19, 1e21, 1e23, 1e25].map((C) => {
      const f = computeOptimal(fit.params, C);
      return { C, N: f.N, D: f.D, TPP: f.D / f.N };
    }),
    warnings,
  };

  if (o.bootstrap > 0) {
    // Resample points with replacement and refit from the full-data optimum (a warm start: the
    // grid search already located the basin). The objective is ~1e-3 and flat along the A–α and
    // B–β valleys, so scipy's default stopping rule (an absolute 2.2e-9 decrease when f < 1) would
    // stop a warm start almost where it began; the refits use 1e-12 and a tight gradient test,
    // which reach the optimum a full grid search finds on the same resample.
    const rand = mulberry32(o.seed);
    const x0 = [Math.log(fit.params.A), Math.log(fit.params.B), Math.log(fit.params.E), fit.params.alpha, fit.params.beta];
    const samples: Record<ParamKey, number[]> = { A: [], B: [], E: [], alpha: [], beta: [] };
    let failed = 0;
    for (let b = 0; b < o.bootstrap; b++) {
      const resample = used.map(() => used[Math.floor(rand() * used.length)] as LossPoint);
      const r = fitChinchilla(resample, [x0], HOFFMANN_DELTA, BOOTSTRAP_LBFGS);
      if (r.diagnostics.converged === 0 || !Number.isFinite(r.objective)) failed++;
      else for (const k of KEYS) samples[k].push(r.params[k]);
      o.onProgress?.(b + 1, o.bootstrap);
    }
    const intervals = {} as Record<ParamKey, [number, number]>;
    for (const k of KEYS) {
      const s = Float64Array.from(samples[k]).sort();
      intervals[k] = [quantileSorted(s, 0.025), quantileSorted(s, 0.975)];
    }
    report.intervals = intervals;
    report.bootstrap = { resamples: o.bootstrap, failed };
    if (failed > 0) warnings.push({ code: "assumption", source: "fit", message: `${failed} of ${o.bootstrap} bootstrap refits did not converge and are left out of the intervals` });
  }
  return { ok: true, value: report };
}

/** Each run with the fit's prediction, and the fit's compute-optimal frontier over the runs' compute range (for plots). */
export function lossFitCurves(p: ChinchillaParams, points: readonly LossPoint[], frontierPoints: number): { runs: { N: number; D: number; L: number; C: number; pred: number }[]; frontier: { C: number; L: number; N: number; D: number }[] } {
  const runs = points.map((q) => ({ ...q, C: 6 * q.N * q.D, pred: chinchillaLoss(p, q.N, q.D) }));
  const cs = runs.map((q) => q.C);
  const [lo, hi] = [Math.min(...cs), Math.max(...cs)];
  const frontier = Array.from({ length: frontierPoints }, (_, i) => {
    const C = lo * (hi / lo) ** (i / (frontierPoints - 1));
    const f = computeOptimal(p, C);
    return { C, L: chinchillaLoss(p, f.N, f.D), N: f.N, D: f.D };
  });
  return { runs, frontier };
}
