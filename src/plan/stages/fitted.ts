/**
 * The user's own laws, said out loud: each fitted law evaluated outside the range it was fitted on gets
 * the same extrapolation warning the published laws get; a laws file whose entries the plan cannot use
 * says so (never a silent no-op); and a μP base tuned at another horizon or batch than the target's says
 * which laws bridge the gap (Power Lines' τ_opt(TPP) for λ, B_opt(D) for the batch, and the published
 * disagreement on how η moves with the horizon, side by side).
 */
import type { Warning } from "../../laws/types.js";
import { proxyBridge, type HorizonAlternative } from "../../fit/mup-bridge.js";
import { fittedRangeWarnings } from "../fitted-laws.js";
import type { ResolvedRequest } from "../resolve.js";

export interface MupBridgeSection {
  /** The proxy's horizon and batch, from the base. */
  proxyTpp?: number;
  proxyBatchTokens?: number;
  notes: string[];
  /** How η would move with the horizon, by law (lmplan applies the first). */
  horizon: HorizonAlternative[];
}

export function fittedStage(r: ResolvedRequest, x: { N: number; nonEmbeddingN: number; D: number; batchTokens: number }): { warnings: Warning[]; bridge?: MupBridgeSection } {
  const laws = r.req.fittedLaws;
  const warnings: Warning[] = [...r.warnings, ...fittedRangeWarnings(laws, x)];
  if (laws) {
    const p = r.parameterization.value;
    if (laws.lrBatch && p !== "sp") {
      warnings.push({ code: "assumption", source: "fitted:lr-batch", message: `laws: your lr-batch fit is shown among the alternatives; under --parameterization ${p} the peak LR comes from the μP base, so its η is not used (--parameterization sp plans with it)` });
    }
    if (laws.curves !== undefined) {
      warnings.push({ code: "assumption", source: "fitted:curves", message: "laws: your curves fit is not used by plan (it predicts a running job's loss curve: lmplan track --laws)" });
    }
    const used = [laws.loss, laws.timescale, laws.lrBatch, laws.mup].some((v) => v !== undefined);
    if (!used) warnings.push({ code: "assumption", source: "user", message: "laws: the --laws file holds no law plan uses (loss, timescale, lr-batch, mup); the plan is the published laws'" });
  }
  const tuned = r.muBase.value.tunedAt;
  if (!tuned?.tpp || !tuned.batchTokens || (r.muBase.from !== "user" && r.muBase.from !== "fitted")) return { warnings };
  const b = proxyBridge({ proxyTpp: tuned.tpp, targetTpp: x.D / x.N, proxyBatchTokens: tuned.batchTokens, targetBatchTokens: x.batchTokens, targetParams: x.N, targetTokens: x.D });
  warnings.push(...b.warnings);
  return { warnings, bridge: { proxyTpp: tuned.tpp, proxyBatchTokens: tuned.batchTokens, notes: b.notes, horizon: b.horizon } };
}
