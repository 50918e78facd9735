/**
 * Training FLOPs per token (forward + backward), in two published conventions.
 *
 * "palm" (the default; TorchTitan's): 6·N + 6·L·H·(d_qk + d_v)·T, which is PaLM's 6N + 12·L·H·Q·T
 *   when query/key and value heads are Q wide.
 *   @see Chowdhery et al., "PaLM", arXiv 2204.02311, App. B (model FLOPs per token = 6N + 12·L·H·Q·T).
 *   @see pytorch/torchtitan@b5bcd76c torchtitan/models/utils.py get_dense_model_nparams_and_flops and
 *        get_moe_model_nparams_and_flops: N = parameters doing matmuls (no input table; the MoE routed
 *        experts scaled by top_k/num_experts, router and shared experts in full), head_dims = the sum of
 *        qk and v head dims (DeepSeek-V3: qk_nope + qk_rope + v), causal sparsity not discounted.
 * "megatron": Megatron-LM's num_floating_point_operations (NVIDIA/Megatron-LM@d98e8a64
 *   megatron/training/training.py, transformer_flops) divided by the tokens of the batch: 3 (fwd, wgrad,
 *   dgrad) · 2 (FMA) · Σ d_in·d_out over the projections, dense FFNs, routed experts × top-k and shared
 *   experts, the MTP projections and norms and the logits (× (1 + MTP modules)); attention scores at half
 *   PaLM's (the causal mask); no router, norms, biases or embedding lookups.
 * @returns FLOPs per token; `total` = dense + attention + mtp (mtp = 0 without MTP modules)
 * @example Llama 3.1 8B at T = 8192, palm: 6·7.505e9 + 12·32·32·128·8192 ≈ 5.79e10
 */
import type { Flops } from "../units/types.js";
import { attentionKind, FFN_KINDS } from "./components.js";
import { countParams } from "./params.js";
import { layerSplit, type ArchSpec } from "./spec.js";

export type FlopsConvention = "palm" | "megatron";
export const FLOPS_CONVENTIONS: readonly FlopsConvention[] = ["palm", "megatron"];
export const DEFAULT_FLOPS_CONVENTION: FlopsConvention = "palm";

export interface FlopsPerToken {
  /** Token-linear matmuls of the main model, forward and backward (palm: 6·N). */
  dense: Flops;
  /** Attention scores and weighted values (palm: 12·L·H·Q·T), forward and backward. */
  attention: Flops;
  /** The multi-token-prediction modules' share (DeepSeek-V3 §2.2): 0 without them. */
  mtp: Flops;
  total: Flops;
  convention: FlopsConvention;
}

export function flopsPerToken(s: ArchSpec, seqLen: number = s.seqLen, convention: FlopsConvention = DEFAULT_FLOPS_CONVENTION): FlopsPerToken {
  return convention === "megatron" ? megatronFlopsPerToken(s, seqLen) : palmFlopsPerToken(s, seqLen);
}

function palmFlopsPerToken(s: ArchSpec, seqLen: number): FlopsPerToken {
  const counts = countParams(s);
  const N = counts.flops;
  const { qk, v } = attentionKind(s).headDims(s);
  // PaLM App. B: 6N
  const dense = 6 * N;
  // PaLM App. B: 12·L·H·Q·T; TorchTitan: 6·L·H·(d_qk + d_v)·T (the same when d_qk = d_v = Q)
  const attention = 6 * s.numLayers * s.numHeads * (qk + v) * seqLen;
  const mtpModules = s.mtpModules ?? 0;
  // Each MTP module is one more block on every token: 6·N of its matmuls (its head included) + its attention.
  const mtp = mtpModules === 0 ? 0 : 6 * counts.mtp.flops + 6 * mtpModules * s.numHeads * (qk + v) * seqLen;
  return { dense: dense as Flops, attention: attention as Flops, mtp: mtp as Flops, total: (dense + attention + mtp) as Flops, convention: "palm" };
}

function megatronFlopsPerToken(s: ArchSpec, seqLen: number): FlopsPerToken {
  const d = s.dModel;
  const att = attentionKind(s);
  const { qk, v } = att.headDims(s);
  const m = FFN_KINDS[s.ffnType].numMatrices; // Megatron: 3 with --swiglu, else 2
  const { numDenseLayers, numMoeLayers } = layerSplit(s);
  const fExpert = s.moe?.dFfExpert ?? s.dFf;
  const topK = s.moe?.topK ?? 0;
  const shared = (s.moe?.numSharedExperts ?? 0) * fExpert; // Megatron's moe_shared_expert_intermediate_size
  // 3 (forward, wgrad, dgrad) · 2 (FMA)
  const k = 3 * 2;
  const denseFfn = d * s.dFf * m;
  const moeFfn = d * (fExpert * topK * m + shared * m);
  const projections = att.megatronProjections(s);
  // Core attention per token: 3·2·(H·d_qk/2 + H·d_v/2)·T (the /2 is the causal mask)
  const corePerLayer = k * ((s.numHeads * qk) / 2 + (s.numHeads * v) / 2) * seqLen;
  const dense = k * (numDenseLayers * denseFfn + numMoeLayers * moeFfn + s.numLayers * projections + d * s.vocabSize);
  const attention = s.numLayers * corePerLayer;
  // Megatron adds each MTP module as one more block of the last block's kind, its eh-proj (2h·h) and
  // norms (3h), and one more logits matmul.
  const mtpModules = s.mtpModules ?? 0;
  const mtpBlock = numMoeLayers > 0 ? moeFfn : denseFfn;
  const mtp = mtpModules === 0 ? 0 : mtpModules * (k * (mtpBlock + projections + 3 * d + 2 * d * d + d * s.vocabSize) + corePerLayer);
  return { dense: dense as Flops, attention: attention as Flops, mtp: mtp as Flops, total: (dense + attention + mtp) as Flops, convention: "megatron" };
}
