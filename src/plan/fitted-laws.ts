/**
 * The laws file `lmplan fit … --out` writes and `plan --laws` reads: one optional entry per law the
 * user fitted to their own runs, each with the range of the runs it was fitted on (`fittedRange`), so a
 * plan outside that range warns exactly as it does for a published law (issue 11 item 6). Files written
 * before ranges were recorded still parse; their laws say "range not recorded".
 */
import * as z from "zod";
import type { Warning } from "../laws/types.js";
import { MupBaseSchema } from "../parameterization/bases.js";

const finite = z.number().refine(Number.isFinite, "a finite number");
const span = z.tuple([finite.positive(), finite.positive()]).refine(([lo, hi]) => lo <= hi, "[low, high] with low ≤ high");

/** The inclusive range of each input a fitted law saw (N total or non-embedding as the law takes it). */
export const FittedRangeSchema = z
  .object({
    N: span.optional(),
    D: span.optional(),
    TPP: span.optional(),
    batchTokens: span.optional(),
    width: span.optional(),
  })
  .passthrough();
export type FittedRange = z.output<typeof FittedRangeSchema>;

/** Laws fitted by `lmplan fit … --out`; the CLI's --laws reads the file into this field. */
export const FittedLawsSchema = z.object({
  loss: z.object({ form: z.literal("chinchilla"), params: z.object({ A: finite.positive(), B: finite.positive(), E: finite.positive(), alpha: finite.positive(), beta: finite.positive() }), fittedRange: FittedRangeSchema.optional(), source: z.unknown().optional() }).passthrough().optional(),
  timescale: z.object({ form: z.literal("power-lines"), coefficient: finite.positive(), exponent: finite, fittedRange: FittedRangeSchema.optional(), source: z.unknown().optional() }).passthrough().optional(),
  lrBatch: z.object({ form: z.literal("step-law"), law: z.object({ lrIntercept: finite, lrExpN: finite, lrExpD: finite, bsIntercept: finite, bsExpD: finite }), fittedRange: FittedRangeSchema.optional(), source: z.unknown().optional() }).passthrough().optional(),
  curves: z.unknown().optional(),
  /** A μP base from `lmplan fit mup` (the same fields as a base file; src/parameterization/bases.ts). */
  mup: MupBaseSchema.optional(),
}).passthrough();
export type FittedLaws = z.output<typeof FittedLawsSchema>;

/** [min, max] of positive finite values, or undefined when there are none. */
export function spanOf(values: Iterable<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(Number.isFinite(v) && v > 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Where a plan evaluates the fitted laws (N as each law takes it: loss total N, lr-batch non-embedding). */
export interface FittedLawPoint {
  /** Total parameters (the loss law's N). */
  N: number;
  /** Non-embedding parameters (the lr-batch law's N, as Step Law counts); N when absent. */
  nonEmbeddingN?: number;
  D: number;
  batchTokens?: number;
  /** d_model of the target (the μP base's proxy widths). */
  width?: number;
}

const LAW_TITLES: Record<string, string> = { loss: "your loss fit", timescale: "your timescale fit", lrBatch: "your lr-batch fit", mup: "your μP base" };
const fmt = (x: number) => (Math.abs(x) >= 1e4 ? x.toExponential(2).replace("e+", "e") : String(+x.toPrecision(3)));

/**
 * The extrapolation warnings for a plan that uses fitted laws: one per law and input outside the range
 * the law was fitted on (code "extrapolation", source "fitted:<law>"), and one "range-unknown" per law
 * whose file records no range (written before ranges were kept). The μP base is not checked against the
 * target's width — transfer across width is μP's claim — but the proxy's TPP is (the horizon effect).
 */
export function fittedRangeWarnings(laws: FittedLaws | undefined, at: FittedLawPoint): Warning[] {
  if (!laws) return [];
  const out: Warning[] = [];
  const TPP = at.D / at.N;
  const check = (key: string, range: FittedRange | undefined, inputs: Record<string, number | undefined>) => {
    const title = LAW_TITLES[key] ?? key;
    if (!range) {
      out.push({ code: "range-unknown", source: `fitted:${key}`, message: `${title}: the file records no fitted range (written by an older lmplan fit); refit with --out to record it, or check by hand that this plan lies inside your runs` });
      return;
    }
    for (const [name, v] of Object.entries(inputs)) {
      const r = (range as Record<string, unknown>)[name] as [number, number] | undefined;
      if (v === undefined || !r) continue;
      // 1% slack: a plan at exactly the largest run's size is inside
      if (v < r[0] * 0.99 || v > r[1] * 1.01) {
        out.push({ code: "extrapolation", source: `fitted:${key}`, message: `${title}: ${name} = ${fmt(v)} is outside the range it was fitted on (${fmt(r[0])} – ${fmt(r[1])}); the fit is extrapolated ${fmt(v > r[1] ? v / r[1] : r[0] / v)}× beyond it` });
      }
    }
  };
  if (laws.loss) check("loss", laws.loss.fittedRange, { N: at.N, D: at.D });
  if (laws.lrBatch) check("lrBatch", laws.lrBatch.fittedRange, { N: at.nonEmbeddingN ?? at.N, D: at.D });
  if (laws.timescale) check("timescale", laws.timescale.fittedRange, { TPP });
  return out;
}
