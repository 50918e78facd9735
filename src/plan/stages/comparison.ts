/**
 * Comparison with the published recipe: for a preset, what its paper trained with (tokens, batch, peak
 * LR, weight decay and the τ it implies, warmup, schedule) beside what lmplan recommends.
 */
import type { ModelPreset } from "../../model/presets.js";
import type { MupBase } from "../../parameterization/bases.js";
import { adamwTimescale } from "../../schedules/ema.js";
import type { ComparisonRow, Plan } from "../types.js";
import { c, s4 } from "./common.js";

export function compareWithRecipe(preset: ModelPreset, plan: Plan, base: MupBase): { against: string; rows: ComparisonRow[] } {
  const r = preset.recipe;
  if (!r) return { against: preset.title, rows: [] };
  const rows: ComparisonRow[] = [];
  const D = plan.budget.tokens.value;
  const N = plan.model.totalParams.value;
  const tokens = r.tokens ?? (r.tpp !== undefined ? r.tpp * N : undefined);
  if (tokens !== undefined) rows.push({ quantity: "tokens", published: c(tokens), recommended: c(D), note: r.stages ? r.stages.map((st) => `${c(st.tokens)} at seq ${st.seqLen} (batch ${st.batchSeqs})`).join(", then ") : undefined });
  const seq0 = r.stages?.[0]?.seqLen ?? preset.model.seqLen;
  if (r.batchSeqs !== undefined) {
    rows.push({
      quantity: "global batch",
      published: `${r.batchSeqs} × ${seq0} = ${c(r.batchSeqs * seq0)} tokens`,
      recommended: `${plan.batch.globalBatchSeqs.value} × ${plan.batch.seqLen.value} = ${c(plan.batch.globalBatchTokens.value)} tokens`,
      note: `Power Lines B_opt = ${c(plan.batch.optimalBatchTokens.value)} tokens`,
    });
  }
  const md = preset.model.dModel / base.dModelBase;
  if (r.peakLr !== undefined) {
    const publishedHidden = r.lrKind === "mup-base" ? r.peakLr / md : r.peakLr;
    rows.push({
      quantity: "peak LR (hidden weights)",
      published: r.lrKind === "mup-base" ? `${s4(publishedHidden)} (η_base ${r.peakLr} / m_d ${s4(md)})` : s4(publishedHidden),
      recommended: s4(plan.optimizer.hiddenLr.value),
      note: plan.optimizer.hiddenLr.source,
    });
    if (r.weightDecay !== undefined && r.batchSeqs !== undefined && tokens !== undefined) {
      const tauPublished = adamwTimescale(r.batchSeqs * seq0, publishedHidden, r.weightDecay, tokens);
      rows.push({
        quantity: "weight decay λ",
        published: `${r.weightDecay} (τ = ${s4(tauPublished)})`,
        recommended: `${s4(plan.optimizer.weightDecay.value)} (τ = ${s4(plan.optimizer.tau.value)})`,
        note: `τ_opt(TPP ${s4(plan.budget.tokensPerParam.value)}) = ${s4(plan.optimizer.tauOpt.value)}`,
      });
    }
  }
  if (r.warmupSteps !== undefined) rows.push({ quantity: "warmup", published: `${r.warmupSteps} steps`, recommended: `${plan.schedule.warmupSteps.value} steps` });
  if (r.decay !== undefined) {
    const end = r.endLr !== undefined && r.peakLr !== undefined ? `${r.decay} to ${s4(r.endLr / r.peakLr)}× peak` : r.decay;
    const k = plan.schedule.spec;
    rows.push({ quantity: "schedule", published: end, recommended: k.kind === "linear" && k.minLrRatio === 0 ? "linear to zero (D2Z)" : `${k.kind} to ${k.minLrRatio}× peak` });
  }
  return { against: preset.title, rows };
}
