/**
 * The FLOPs-per-token derivation the plan prints beside the number, written for each convention
 * (src/model/flops.ts). For a dense model without MTP under the default palm convention it is the text
 * the planner printed before issue 13, character for character.
 */
import { formatCount, formatFlops } from "../units/format.js";
import { attentionKind } from "./components.js";
import { countParams } from "./params.js";
import type { FlopsPerToken } from "./flops.js";
import type { ArchSpec } from "./spec.js";

export function flopsDerivation(s: ArchSpec, seqLen: number, f: FlopsPerToken): string {
  const c = (x: number) => formatCount(x, 4);
  const mtp = f.mtp > 0 ? ` + ${formatFlops(f.mtp)} (${s.mtpModules} MTP module${s.mtpModules === 1 ? "" : "s"})` : "";
  if (f.convention === "megatron") {
    return `Megatron-LM num_floating_point_operations per token: 3·2·Σ(projection, FFN, top-k expert and logit matmuls) + 3·2·L·H·(d_qk + d_v)/2·T (causal) = ${formatFlops(f.dense)} + ${formatFlops(f.attention)}${mtp}`;
  }
  const { qk, v } = attentionKind(s).headDims(s);
  const N = countParams(s).flops;
  const moe = s.moe ? ` (N active: top-${s.moe.topK} of ${s.moe.numExperts} experts${s.moe.numSharedExperts ? ` + ${s.moe.numSharedExperts} shared` : ""} and the router)` : "";
  if (qk === v) {
    return `6N + 12·L·H·Q·T = 6·${c(N)} + 12·${s.numLayers}·${s.numHeads}·${qk}·${seqLen} = ${formatFlops(f.dense)} + ${formatFlops(f.attention)}${mtp}${moe}`;
  }
  return `6N + 6·L·H·(d_qk + d_v)·T = 6·${c(N)} + 6·${s.numLayers}·${s.numHeads}·(${qk} + ${v})·${seqLen} = ${formatFlops(f.dense)} + ${formatFlops(f.attention)}${mtp}${moe}`;
}
