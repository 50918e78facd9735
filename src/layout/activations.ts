/**
 * Activation bytes one transformer layer keeps for backward, per token of a micro-batch, split by
 * component so that GQA (narrower K and V), SwiGLU (a third FFN matrix), MoE (top-k experts' FFNs),
 * flash attention (no s² scores) and dropout (1-byte masks) each supply their own term.
 *
 * @see Korthikanti et al., arXiv 2205.05198 §4.1 (the count: 34·s·b·h + 5·a·s²·b for a GPT layer),
 *      §4.2.1 (tensor parallelism shards all but the norms' inputs, the inputs of the first attention
 *      and MLP matmuls and the dropout masks: the 10 of "10 + 24/t"), §4.2.2 (sequence parallelism
 *      shards those too: 34/t), §5 (selective recompute drops the attention core: the 5·a·s/h term),
 *      §4 / Table 2 (full recompute keeps the layer input, 2·s·b·h).
 * With GPT's shapes (MHA, gelu, f = 4h, dropout on, no flash) the terms below sum to Table 2 exactly
 * (test/layout.test.ts against korthikanti.ts).
 */
import { FFN_KINDS } from "../model/components.js";
import type { ArchSpec } from "../model/spec.js";
import type { ParamGroups } from "./params.js";

export interface ActivationFlags {
  tp: number;
  sequenceParallel: boolean;
  /** Fused attention (FlashAttention): no s² score matrix; keeps a 4-byte log-sum-exp per head per token (Dao, arXiv 2307.08691 Alg. 2). */
  flashAttention: boolean;
  /** 1-byte dropout masks (Korthikanti counts them; modern pre-training runs without dropout). */
  dropout: boolean;
  /** Attention heads (query) and the sequence length the scores span. */
  numHeads: number;
  seqLen: number;
  ffnType: ArchSpec["ffnType"];
  dModel: number;
}

/** Bytes per token per layer, by component (before recompute). */
export interface LayerActivationSplit {
  /** Inputs of the two norms: 2·2d (replicated over TP unless sequence parallel). */
  norms: number;
  /** Input of the QKV projection 2d (replicated unless SP) + Q, K, V + output-projection input (sharded). */
  attention: number;
  /** The attention core: softmax (+ dropout mask and output) 5·H·s without flash; flash's log-sum-exp with it. */
  attentionCore: number;
  /** FFN input 2d (replicated unless SP) + the FFN's inner activations (sharded); top-k experts' for MoE. */
  ffn: number;
  /** Dropout masks after attention and after the FFN (d each, replicated unless SP). */
  dropoutMasks: number;
  total: number;
}

// Inner (post-input) activations of one FFN of width f, bytes per token: each FFN kind's own count
// (src/model/components.ts FFN_KINDS: gelu 2d + 4f, SwiGLU 2d + 6f) less its input's 2d, which is
// counted apart because TP replicates it and SP splits it.
function ffnInnerBytes(kind: ArchSpec["ffnType"], f: number, d: number): number {
  return f > 0 ? FFN_KINDS[kind].activationBytesPerToken(d, f) - 2 * d : 0;
}

export function layerActivationSplit(g: ParamGroups, f: ActivationFlags, moeLayer: boolean): LayerActivationSplit {
  const t = f.tp;
  const d = f.dModel;
  // §4.2.2: with SP the replicated parts are split over the TP group too
  const rep = f.sequenceParallel ? 1 / t : 1;
  const norms = 2 * 2 * d * rep;
  // QKV input 2d; Q 2·qDim; K and V 2·kvDim each; output-projection input 2·qDim (§4.1 with GQA widths)
  const attention = 2 * d * rep + (2 * g.qDim + 4 * g.kvDim + 2 * g.qDim) / t;
  // §4.1: softmax output 2·a·s, its dropout mask a·s, the dropout output 2·a·s (per token, bytes)
  const core = f.flashAttention ? (4 * f.numHeads) / t : ((2 + (f.dropout ? 3 : 0)) * f.numHeads * f.seqLen) / t;
  let ffn: number;
  if (moeLayer) {
    // routed: each token's hidden state is dispatched to topK experts (the permuted copy 2d each) and each
    // expert keeps its inner activations; shared experts see every token (expert TP = TP assumed)
    ffn = 2 * d * rep + (g.layers.topK * (2 * d + ffnInnerBytes(f.ffnType, g.dFfExpert, d)) + ffnInnerBytes(f.ffnType, g.dFfShared, d)) / t;
  } else {
    ffn = 2 * d * rep + ffnInnerBytes(f.ffnType, g.dFf, d) / t;
  }
  const dropoutMasks = f.dropout ? 2 * d * rep : 0;
  return { norms, attention, attentionCore: core, ffn, dropoutMasks, total: norms + attention + core + ffn + dropoutMasks };
}
