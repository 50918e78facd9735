/**
 * Alternatives: what the other published laws would set for η, B and λ at this N and D, side by side
 * with lmplan's choice, each with its range caveat — and the user's own lr-batch fit when given.
 * λ for each holds τ at τ_opt with that law's η and B.
 */
import type { FittedLaws } from "../fitted-laws.js";
import { deepseek, deepseekFlopsPerToken } from "../../laws/deepseek.js";
import { porian } from "../../laws/porian.js";
import { powerLinesBatch } from "../../laws/power-lines-batch.js";
import { POWER_SCHEDULER_CHOSEN, powerScheduler } from "../../laws/power-scheduler.js";
import { stepLaw } from "../../laws/step-law.js";
import { outOfRange, type AnyLaw } from "../../laws/types.js";
import type { countParams } from "../../model/params.js";
import type { ArchSpec } from "../../model/spec.js";
import { weightDecayForTimescale } from "../../schedules/ema.js";
import type { Alternative } from "../types.js";

export function buildAlternatives(x: {
  N: number;
  counts: ReturnType<typeof countParams>;
  D: number;
  spec: ArchSpec;
  seqLen: number;
  batchTokens: number;
  tauOpt: number;
  hiddenLr: number;
  lambda: number;
  bopt: number;
}): Alternative[] {
  const lam = (eta: number, B: number) => weightDecayForTimescale(B, eta, x.tauOpt, x.D);
  const caveat = (law: AnyLaw, input: Record<string, number>) => {
    const outside = outOfRange(law, input);
    if (outside.length > 0) return `extrapolated: ${outside.join("; ")}`;
    return Object.keys(law.fitRange).length === 0 ? "fit range unknown" : undefined;
  };
  const out: Alternative[] = [
    { source: "lmplan", title: "lmplan (μP transfer + Power Lines B_opt, τ_opt)", verified: false, peakLr: x.hiddenLr, batchTokens: x.batchTokens, weightDecay: x.lambda },
    { source: "power-lines-batch", title: powerLinesBatch.title, verified: powerLinesBatch.verified, batchTokens: x.bopt, weightDecay: lam(x.hiddenLr, x.bopt) },
  ];
  const st = stepLaw.evaluate({ N: x.counts.nonEmbedding, D: x.D });
  out.push({ source: stepLaw.id, title: stepLaw.title, verified: stepLaw.verified, peakLr: st.value.eta, batchTokens: st.value.Btokens, weightDecay: lam(st.value.eta, st.value.Btokens), caveat: caveat(stepLaw, { N: x.counts.nonEmbedding, D: x.D }) });
  const M = deepseekFlopsPerToken(x.spec.numLayers, x.spec.dModel, x.seqLen);
  const ds = deepseek.evaluate({ C: M * x.D });
  out.push({ source: deepseek.id, title: deepseek.title, verified: deepseek.verified, peakLr: ds.value.eta, batchTokens: ds.value.Btokens, weightDecay: lam(ds.value.eta, ds.value.Btokens), caveat: caveat(deepseek, { C: M * x.D }) });
  const po = porian.evaluate({ N: x.counts.flops });
  out.push({ source: porian.id, title: porian.title, verified: porian.verified, peakLr: po.value.eta, batchTokens: po.value.Btokens, weightDecay: lam(po.value.eta, po.value.Btokens), caveat: caveat(porian, { N: x.counts.flops }) });
  const ps = powerScheduler.evaluate({ batchSeqs: x.batchTokens / 4096, T: x.D, a: POWER_SCHEDULER_CHOSEN.a });
  out.push({ source: powerScheduler.id, title: `${powerScheduler.title} at T = D (a = ${POWER_SCHEDULER_CHOSEN.a})`, verified: powerScheduler.verified, peakLr: ps.value.eta, batchTokens: x.batchTokens, weightDecay: lam(ps.value.eta, x.batchTokens), caveat: caveat(powerScheduler, { batchSeqs: x.batchTokens / 4096, T: x.D, a: POWER_SCHEDULER_CHOSEN.a }) });
  return out;
}

/** The user's own lr-batch fit as one more alternative (η from non-embedding N and D; B from D). */
export function fittedLrBatchAlternative(fitted: FittedLaws | undefined, x: { nonEmbedding: number; D: number; tauOpt: number }): Alternative[] {
  if (!fitted?.lrBatch) return [];
  const l = fitted.lrBatch.law;
  const eta = Math.exp(l.lrIntercept) * x.nonEmbedding ** l.lrExpN * x.D ** l.lrExpD;
  const B = Math.exp(l.bsIntercept) * x.D ** l.bsExpD;
  return [{ source: "fitted:lr-batch", title: "your lr-batch fit", verified: true, peakLr: eta, batchTokens: B, weightDecay: weightDecayForTimescale(B, eta, x.tauOpt, x.D) }];
}
