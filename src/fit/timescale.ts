/**
 * `lmplan fit timescale`: the Power Lines method (Bergsma et al., arXiv 2505.13738) on a team's
 * weight-decay sweeps. Runs are grouped by (N, D, B, η); in each group λ_opt is the minimiser of a
 * parabola in log λ through the best run and its neighbours (the best run's λ when it sits at the edge
 * of the sweep, flagged); τ_opt = B/(η·λ_opt·D); then log τ_opt = log c + m·log TPP by least squares,
 * with a bootstrap over groups.
 */
import { invalid, type Result } from "../errors.js";
import { leastSquares } from "./lr-batch.js";
import { MAX_BOOTSTRAP, mulberry32, quantileSorted } from "./random.js";
import { RANGES } from "../io/ranges.js";
import type { ColumnSpec } from "../io/table.js";

export interface WdRun {
  N: number;
  D: number;
  batchTokens: number;
  lr: number;
  weightDecay: number;
  loss: number;
}

export interface TimescaleGroup {
  N: number;
  D: number;
  batchTokens: number;
  lr: number;
  TPP: number;
  lambdaOpt: number;
  tauOpt: number;
  /** λ_opt is at the edge of the sweep: the true optimum may lie outside it. */
  atEdge: boolean;
  runs: number;
}

export interface TimescaleReport {
  kind: "timescale";
  /** τ_opt = coefficient · TPP^exponent */
  coefficient: number;
  exponent: number;
  intervals?: { coefficient: [number, number]; exponent: [number, number] };
  groups: TimescaleGroup[];
}

function lambdaOptimum(runs: WdRun[]): { lambda: number; atEdge: boolean } {
  const byLambda = [...runs].sort((a, b) => a.weightDecay - b.weightDecay);
  let i = 0;
  for (let j = 1; j < byLambda.length; j++) if ((byLambda[j] as WdRun).loss < (byLambda[i] as WdRun).loss) i = j;
  const best = byLambda[i] as WdRun;
  if (i === 0 || i === byLambda.length - 1) return { lambda: best.weightDecay, atEdge: true };
  // vertex of the parabola through the three points (log λ, loss)
  const [a, b, c] = [byLambda[i - 1], best, byLambda[i + 1]] as [WdRun, WdRun, WdRun];
  const [x0, x1, x2] = [Math.log(a.weightDecay), Math.log(b.weightDecay), Math.log(c.weightDecay)];
  const den = (x0 - x1) * (x0 - x2) * (x1 - x2);
  const A = (x2 * (b.loss - a.loss) + x1 * (a.loss - c.loss) + x0 * (c.loss - b.loss)) / den;
  const B = (x2 * x2 * (a.loss - b.loss) + x1 * x1 * (c.loss - a.loss) + x0 * x0 * (b.loss - c.loss)) / den;
  if (!(A > 0)) return { lambda: best.weightDecay, atEdge: false };
  const x = Math.min(Math.max(-B / (2 * A), x0), x2);
  return { lambda: Math.exp(x), atEdge: false };
}

function fitPower(groups: TimescaleGroup[]): { coefficient: number; exponent: number } {
  const beta = leastSquares(groups.map((g) => [1, Math.log(g.TPP)]), groups.map((g) => Math.log(g.tauOpt)));
  return { coefficient: Math.exp(beta[0] as number), exponent: beta[1] as number };
}

export function fitTimescale(runs: readonly WdRun[], o: { bootstrap: number; seed: number }): Result<TimescaleReport> {
  if (!Number.isInteger(o.bootstrap) || o.bootstrap < 0 || o.bootstrap > MAX_BOOTSTRAP) return { ok: false, issues: [invalid("bootstrap", `a whole number of resamples 0 … ${MAX_BOOTSTRAP}`, o.bootstrap)] };
  const by = new Map<string, WdRun[]>();
  for (const r of runs) {
    const k = `${r.N}|${r.D}|${r.batchTokens}|${r.lr}`;
    const g = by.get(k);
    if (g) g.push(r);
    else by.set(k, [r]);
  }
  const groups: TimescaleGroup[] = [];
  for (const g of by.values()) {
    if (new Set(g.map((r) => r.weightDecay)).size < 2) continue;
    const first = g[0] as WdRun;
    const opt = lambdaOptimum(g);
    groups.push({
      N: first.N,
      D: first.D,
      batchTokens: first.batchTokens,
      lr: first.lr,
      TPP: first.D / first.N,
      lambdaOpt: opt.lambda,
      // Power Lines: τ = B/(η·λ·D)
      tauOpt: first.batchTokens / (first.lr * opt.lambda * first.D),
      atEdge: opt.atEdge,
      runs: g.length,
    });
  }
  if (groups.length < 2 || new Set(groups.map((g) => g.TPP)).size < 2) {
    return { ok: false, issues: [invalid("runs", "weight-decay sweeps (≥ 2 values of λ each) at 2 or more different tokens-per-parameter", `${groups.length} usable sweep(s)`)] };
  }
  const fit = fitPower(groups);
  const report: TimescaleReport = { kind: "timescale", ...fit, groups: groups.sort((a, b) => a.TPP - b.TPP) };
  if (o.bootstrap > 0) {
    const rand = mulberry32(o.seed);
    const cs: number[] = [];
    const ms: number[] = [];
    for (let b = 0; b < o.bootstrap; b++) {
      const rs = groups.map(() => groups[Math.floor(rand() * groups.length)] as TimescaleGroup);
      if (new Set(rs.map((g) => g.TPP)).size < 2) continue;
      const f = fitPower(rs);
      cs.push(f.coefficient);
      ms.push(f.exponent);
    }
    const q = (v: number[]): [number, number] => {
      const s = Float64Array.from(v).sort();
      return [quantileSorted(s, 0.025), quantileSorted(s, 0.975)];
    };
    report.intervals = { coefficient: q(cs), exponent: q(ms) };
  }
  return { ok: true, value: report };
}

/** The columns fit timescale reads, with their declared ranges (src/io/ranges.ts). */
export const TIMESCALE_COLUMNS: ColumnSpec[] = [
  { key: "N", aliases: ["N", "params", "parameters"], description: "parameters N", positive: true, range: RANGES.params },
  { key: "D", aliases: ["D", "tokens"], description: "training tokens D", positive: true, range: RANGES.tokens },
  { key: "lr", aliases: ["lr", "learning_rate", "peak_lr"], description: "peak LR of the hidden weights", positive: true, range: RANGES.lr },
  { key: "bs", aliases: ["bs", "batch", "batch_size"], description: "global batch in sequences (see --seq-len)", positive: true, optional: true, range: RANGES.batchSeqs },
  { key: "batchTokens", aliases: ["batch_tokens"], description: "global batch in tokens", positive: true, optional: true, range: RANGES.batchTokens },
  { key: "wd", aliases: ["wd", "weight_decay", "lambda"], description: "AdamW weight_decay λ", positive: true, range: RANGES.weightDecay },
  { key: "loss", aliases: ["loss", "final_loss", "smooth loss"], description: "final loss", positive: true, range: RANGES.loss },
];
