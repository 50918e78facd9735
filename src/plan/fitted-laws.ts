/**
 * The laws file `lmplan fit … --out` writes and `plan --laws` reads: one optional entry per law the
 * user fitted to their own runs.
 */
import { z } from "zod";

const finite = z.number().refine(Number.isFinite, "a finite number");
/** Laws fitted by `lmplan fit … --out`; the CLI's --laws reads the file into this field. */
export const FittedLawsSchema = z.object({
  loss: z.object({ form: z.literal("chinchilla"), params: z.object({ A: finite.positive(), B: finite.positive(), E: finite.positive(), alpha: finite.positive(), beta: finite.positive() }), source: z.unknown().optional() }).passthrough().optional(),
  timescale: z.object({ form: z.literal("power-lines"), coefficient: finite.positive(), exponent: finite, source: z.unknown().optional() }).passthrough().optional(),
  lrBatch: z.object({ form: z.literal("step-law"), law: z.object({ lrIntercept: finite, lrExpN: finite, lrExpD: finite, bsIntercept: finite, bsExpD: finite }), source: z.unknown().optional() }).passthrough().optional(),
  curves: z.unknown().optional(),
}).passthrough();
export type FittedLaws = z.output<typeof FittedLawsSchema>;
