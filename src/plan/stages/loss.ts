/**
 * Loss: the loss law's prediction at the plan's N and D, and — when the unique tokens are known — the
 * data-constrained loss of repeating them (Muennighoff et al., arXiv 2305.16264 §3: repeated tokens are
 * worth less, and beyond ~4 epochs much less).
 */
import type { Warning } from "../../laws/types.js";
import { dataConstrained } from "../../laws/data-constrained.js";
import type { ResolvedRequest } from "../resolve.js";
import type { Num } from "../types.js";
import { c, n, s4 } from "./common.js";

export function lossStage(r: ResolvedRequest, N: number, D: number): { predictedLoss: Num; dataConstrainedLoss?: Num; warnings: Warning[] } {
  const law = r.lossLaw.value.law;
  const loss = law.evaluate({ N, D });
  const warnings: Warning[] = [...loss.warnings];
  const predictedLoss = n(loss.value.L, "nats/token", law.id, `${law.formula} at N = ${c(N)}, D = ${c(D)}`);
  const U = r.req.uniqueTokens;
  if (U === undefined) return { predictedLoss, warnings };
  const dc = dataConstrained.evaluate({ N, D, U });
  const epochs = D / U;
  const dataConstrainedLoss = n(dc.value.L, "nats/token", "data-constrained", `Muennighoff: ${s4(epochs)} epochs of ${c(U)} unique tokens → effective D' = ${c(dc.value.Dprime)}`);
  if (epochs > 4) warnings.push({ code: "schedule", source: "data-constrained", message: `data: ${s4(epochs)} epochs over the unique tokens; beyond ~4 epochs repeated data is worth much less (D'/D = ${s4(dc.value.Dprime / D)})` });
  return { predictedLoss, dataConstrainedLoss, warnings };
}
