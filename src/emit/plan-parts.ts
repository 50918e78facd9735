/**
 * Pieces of a plan that several emitters write the same way: the μP settings a trainer without μP must
 * be told about, and the data-mixture phases with the step where each begins.
 */
import type { Plan } from "../plan/types.js";

/** The note for a trainer that has no μP (or a different one): what the plan wants that the config cannot say. */
export function noMupNote(plan: Plan, trainer: string, why = "has no μP"): string | undefined {
  const o = plan.optimizer;
  const p = o.parameterization;
  if (p.kind === "sp") return undefined;
  return (
    `${trainer} ${why}: the LR written is the hidden-weight LR ${sig12(o.hiddenLr.value)}; the plan also wants embeddings/norms at ${sig12(o.baseLr.value)}, ` +
    `init std ${sig12(p.hidden.initStd ?? 0)} (hidden) and ${sig12(p.outProjection.initStd ?? 0)} (output projections), embedding output × ${p.embedding.outputMultiplier}, ` +
    `logits × ${+p.outputLogitsScale.toPrecision(6)}, attention QᵀK/${p.attentionDivisor}${p.kind === "completep" ? `, residual branches × ${+p.residualMultiplier.toPrecision(6)}` : ""} — add them in your model and optimizer code`
  );
}

export interface DataPhase {
  name: string;
  /** Share of training tokens. */
  fraction: number;
  /** First optimizer step (0-indexed) of the phase. */
  startStep: number;
  /** Sources with a positive weight, in the plan's order. */
  weights: [string, number][];
}

/** The plan's mixture phases (main, then the optional end-of-training phase), or none without a data section. */
export function dataPhases(plan: Plan): DataPhase[] {
  if (!plan.data) return [];
  const T = plan.batch.steps.value;
  let before = 0;
  return plan.data.phases.map((ph) => {
    const startStep = Math.round(before * T);
    before += ph.fraction;
    return { name: ph.name, fraction: ph.fraction, startStep, weights: Object.entries(ph.weights).filter(([, w]) => w > 0) };
  });
}

/**
 * Twelve significant digits: drops binary noise (0.012/10 = 0.0012000000000000001) from the numbers a
 * config carries; the schedule check runs on the value as written.
 */
export const sig12 = (x: number): number => +x.toPrecision(12);

/** Six significant digits: enough for a weight, short enough to read. */
export const sig6 = (x: number): number => +x.toPrecision(6);
