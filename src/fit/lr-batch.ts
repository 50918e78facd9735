/**
 * `lmplan fit lr-batch`: optimal peak LR and batch from a grid of runs over (N, D, η, B), the way
 * Step Law does it (Li et al., arXiv 2503.04715; step-law/steplaw @32a8f4cc code/fit_tool.py
 * query_optimal_lr_bs_data, get_bootstrap_lr_bs_scaling_models): in each (N, D) group keep the runs
 * whose loss is within 0.25% of the group's best, then fit log η = a + b·log N + c·log D and
 * log B = a' + c'·log D by least squares, with a bootstrap over the kept runs.
 *
 * MoE grids (Step Law's data/moe_lr_bs_loss.csv, issue 13 item 5): runs carry total N and active Na.
 * Groups are keyed by (N, Na, D), so two sparsities with the same total N stay apart, and the law takes
 * active parameters by default (`nKind: "active"`). In the shipped MoE grid total N is 2.1506e9–2.1562e9
 * in every group (0.26% spread) while Na spans 1.88e8–1.24e9, so only Na can identify an N exponent
 * there; with `nKind: "total"` the fit warns that N is not identified. Which N the paper's own MoE fit
 * uses could not be read here (arXiv 2503.04715's MoE section) — unverified.
 */
import { invalid, type Result } from "../errors.js";
import { MAX_BOOTSTRAP, mulberry32, quantileSorted } from "./random.js";
import { RANGES } from "../io/ranges.js";
import type { ColumnSpec, Table } from "../io/table.js";

export interface SweepRun {
  N: number;
  D: number;
  /** Peak learning rate. */
  lr: number;
  /** Global batch in tokens. */
  batchTokens: number;
  loss: number;
  line?: number;
  /** Active parameters of an MoE run (the law's N by default when present). */
  Na?: number;
}

export interface LrBatchLaw {
  /** η = exp(lrIntercept) · N^lrExpN · D^lrExpD */
  lrIntercept: number;
  lrExpN: number;
  lrExpD: number;
  /** B = exp(bsIntercept) · D^bsExpD (tokens) */
  bsIntercept: number;
  bsExpD: number;
}

export interface GroupReport {
  /** The N the law takes: active parameters for an MoE grid (nKind "active"), else N as given. */
  N: number;
  D: number;
  /** MoE grids: total and active parameters of the group. */
  Ntotal?: number;
  Nactive?: number;
  runs: number;
  nearOptimal: number;
  bestLr: number;
  bestBatchTokens: number;
  bestLoss: number;
  /** Range of η among near-optimal runs: the spread the data supports. */
  lrRange: [number, number];
  batchRange: [number, number];
  predictedLr: number;
  predictedBatchTokens: number;
}

export interface LrBatchReport {
  kind: "lr-batch";
  law: LrBatchLaw;
  intervals?: Record<keyof LrBatchLaw, [number, number]>;
  groups: GroupReport[];
  threshold: number;
  numRuns: number;
  numNearOptimal: number;
  /** Which N the law takes: "dense" (no Na column), or for an MoE grid "active" (Na) or "total". */
  nKind: "dense" | "active" | "total";
  warnings: string[];
}

/** Least squares y ≈ X·β via the normal equations (X has a leading column of ones); k ≤ 3. */
export function leastSquares(X: number[][], y: number[]): number[] {
  const k = (X[0] ?? []).length;
  const A = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let i = 0; i < y.length; i++) {
    const xi = X[i] as number[];
    for (let r = 0; r < k; r++) {
      const row = A[r] as number[];
      for (let c = 0; c < k; c++) row[c] = (row[c] as number) + (xi[r] as number) * (xi[c] as number);
      row[k] = (row[k] as number) + (xi[r] as number) * (y[i] as number);
    }
  }
  // Gaussian elimination with partial pivoting
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs((A[r] as number[])[c] as number) > Math.abs((A[piv] as number[])[c] as number)) piv = r;
    [A[c], A[piv]] = [A[piv] as number[], A[c] as number[]];
    const p = (A[c] as number[])[c] as number;
    if (Math.abs(p) < 1e-300) return new Array<number>(k).fill(NaN);
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = ((A[r] as number[])[c] as number) / p;
      for (let cc = c; cc <= k; cc++) (A[r] as number[])[cc] = ((A[r] as number[])[cc] as number) - f * ((A[c] as number[])[cc] as number);
    }
  }
  return A.map((row, i) => (row[k] as number) / (row[i] as number));
}

function fitLaw(rows: SweepRun[]): LrBatchLaw {
  const lr = leastSquares(rows.map((r) => [1, Math.log(r.N), Math.log(r.D)]), rows.map((r) => Math.log(r.lr)));
  const bs = leastSquares(rows.map((r) => [1, Math.log(r.D)]), rows.map((r) => Math.log(r.batchTokens)));
  return { lrIntercept: lr[0] as number, lrExpN: lr[1] as number, lrExpD: lr[2] as number, bsIntercept: bs[0] as number, bsExpD: bs[1] as number };
}

export function predictLr(l: LrBatchLaw, N: number, D: number): number {
  return Math.exp(l.lrIntercept) * N ** l.lrExpN * D ** l.lrExpD;
}

export function predictBatch(l: LrBatchLaw, D: number): number {
  return Math.exp(l.bsIntercept) * D ** l.bsExpD;
}

export function fitLrBatch(runs0: readonly SweepRun[], o: { threshold: number; bootstrap: number; seed: number; nKind?: "active" | "total"; onProgress?: (d: number, t: number) => void }): Result<LrBatchReport> {
  if (!Number.isInteger(o.bootstrap) || o.bootstrap < 0 || o.bootstrap > MAX_BOOTSTRAP) return { ok: false, issues: [invalid("bootstrap", `a whole number of resamples 0 … ${MAX_BOOTSTRAP}`, o.bootstrap)] };
  const moe = runs0.length > 0 && runs0.every((r) => r.Na !== undefined);
  const nKind: LrBatchReport["nKind"] = moe ? (o.nKind ?? "active") : "dense";
  // the law's N: active parameters of an MoE run by default; the total is kept for the report
  const runs = runs0.map((r) => (nKind === "active" ? { ...r, Ntotal: r.N, N: r.Na as number } : { ...r, Ntotal: r.N }));
  const groups = new Map<string, (SweepRun & { Ntotal: number })[]>();
  for (const r of runs) {
    const key = `${r.Ntotal}|${r.Na ?? ""}|${r.D}`;
    const g = groups.get(key) ?? [];
    g.push(r);
    groups.set(key, g);
  }
  const distinctN = new Set(runs.map((r) => r.N)).size;
  const distinctD = new Set(runs.map((r) => r.D)).size;
  if (groups.size < 3 || distinctN < 2 || distinctD < 2) {
    return { ok: false, issues: [invalid("runs", "(N, D) groups with at least 2 distinct N and 2 distinct D (3 groups or more) to fit exponents of N and D", `${groups.size} group(s), ${distinctN} N, ${distinctD} D`)] };
  }
  const warnings: string[] = [];
  const Ns = runs.map((r) => r.N);
  const spreadN = Math.max(...Ns) / Math.min(...Ns);
  if (spreadN < 1.1) warnings.push(`the law's N spans only ${spreadN.toPrecision(4)}× across the groups (${nKind === "total" ? "total parameters of an MoE grid whose groups differ in active parameters" : "N"}): the exponent of N is not identified by these runs${nKind === "total" ? "; use active parameters (the default)" : ""}`);
  const near: SweepRun[] = [];
  const reports: Omit<GroupReport, "predictedLr" | "predictedBatchTokens">[] = [];
  for (const g of groups.values()) {
    const best = g.reduce((a, b) => (b.loss < a.loss ? b : a));
    // Step Law's filter: |loss/min − 1| < threshold
    const kept = g.filter((r) => Math.abs(r.loss / best.loss - 1) < o.threshold);
    near.push(...kept);
    reports.push({
      N: best.N,
      D: best.D,
      ...(moe ? { Ntotal: best.Ntotal, Nactive: best.Na as number } : {}),
      runs: g.length,
      nearOptimal: kept.length,
      bestLr: best.lr,
      bestBatchTokens: best.batchTokens,
      bestLoss: best.loss,
      lrRange: [Math.min(...kept.map((r) => r.lr)), Math.max(...kept.map((r) => r.lr))],
      batchRange: [Math.min(...kept.map((r) => r.batchTokens)), Math.max(...kept.map((r) => r.batchTokens))],
    });
  }
  const law = fitLaw(near);
  const report: LrBatchReport = {
    kind: "lr-batch",
    law,
    groups: reports
      .map((g) => ({ ...g, predictedLr: predictLr(law, g.N, g.D), predictedBatchTokens: predictBatch(law, g.D) }))
      .sort((a, b) => a.N - b.N || a.D - b.D),
    threshold: o.threshold,
    numRuns: runs.length,
    numNearOptimal: near.length,
    nKind,
    warnings,
  };
  if (o.bootstrap > 0) {
    const rand = mulberry32(o.seed);
    const keys = Object.keys(law) as (keyof LrBatchLaw)[];
    const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<keyof LrBatchLaw, number[]>;
    for (let b = 0; b < o.bootstrap; b++) {
      const rs = near.map(() => near[Math.floor(rand() * near.length)] as SweepRun);
      const f = fitLaw(rs);
      for (const k of keys) if (Number.isFinite(f[k])) samples[k].push(f[k]);
      o.onProgress?.(b + 1, o.bootstrap);
    }
    report.intervals = Object.fromEntries(
      keys.map((k) => {
        const s = Float64Array.from(samples[k]).sort();
        return [k, [quantileSorted(s, 0.025), quantileSorted(s, 0.975)]];
      }),
    ) as Record<keyof LrBatchLaw, [number, number]>;
  }
  return { ok: true, value: report };
}

/** The columns fit lr-batch reads, with their declared ranges (src/io/ranges.ts). */
export const LR_BATCH_COLUMNS: ColumnSpec[] = [
  { key: "N", aliases: ["N", "params", "parameters"], description: "parameters N (Step Law counts non-embedding)", positive: true, range: RANGES.params },
  { key: "D", aliases: ["D", "tokens"], description: "training tokens D", positive: true, range: RANGES.tokens },
  { key: "lr", aliases: ["lr", "learning_rate", "peak_lr"], description: "peak learning rate", positive: true, range: RANGES.lr },
  { key: "bs", aliases: ["bs", "batch", "batch_size", "global_batch"], description: "global batch in sequences (see --seq-len)", positive: true, optional: true, range: RANGES.batchSeqs },
  { key: "batchTokens", aliases: ["batch_tokens", "batch_size_tokens"], description: "global batch in tokens", positive: true, optional: true, range: RANGES.batchTokens },
  { key: "loss", aliases: ["loss", "final_loss", "smooth loss", "smooth_loss"], description: "final (smoothed) loss", positive: true, range: RANGES.loss },
  { key: "Na", aliases: ["Na", "active_params", "active_parameters"], description: "active parameters of an MoE run (Step Law's MoE grid: Na)", positive: true, optional: true, range: RANGES.params },
];

/**
 * Each run's global batch in tokens: the batch_tokens column, else bs (sequences) × seqLen; undefined
 * when the table has neither (each edge says so in its own spelling: --seq-len, seqLen).
 */
export function tableBatchTokens(table: Table, seqLen: number): number[] | undefined {
  if (table.headers.batchTokens === undefined && table.headers.bs === undefined) return undefined;
  return table.rows.map((r) => r.batchTokens ?? (r.bs as number) * seqLen);
}
