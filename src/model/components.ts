/**
 * Per-component terms each architecture choice supplies through one interface, so the shared
 * arithmetic in params.ts / flops.ts / memory.ts never branches on a family name (STYLE.md).
 */
import { headDim, kvHeads, type ArchSpec } from "./spec.js";

export interface FfnKind {
  /** Weight matrices of one FFN (2 plain, 3 gated): Megatron's ffn_expansion_factor. */
  numMatrices: number;
  /** Weight-matrix parameters of one FFN (one expert): d·f per matrix. */
  matrixParams(d: number, f: number): number;
  /** Bias parameters of one FFN when the model uses biases. */
  biasParams(d: number, f: number): number;
  /**
   * Activation bytes per token stored for backward in one FFN (bf16, no dropout):
   * its input plus what each nonlinearity and the down projection keep.
   */
  activationBytesPerToken(d: number, f: number): number;
}

// GPT-2/3 MLP: up (d×f), GeLU, down (f×d). Korthikanti et al. 2022 (arXiv 2205.05198) §4.1 count:
// input 2d, GeLU input 2f, down-proj input 2f bytes per token.
const plain: FfnKind = {
  numMatrices: 2,
  matrixParams: (d, f) => 2 * d * f,
  biasParams: (d, f) => f + d,
  activationBytesPerToken: (d, f) => 2 * d + 4 * f,
};
// GLU variants (Shazeer 2020, arXiv 2002.05202 §2): gate and up (d×f each), down (f×d). Stores the
// input 2d, gate and up outputs 2f + 2f, and their product (down-proj input) 2f bytes per token.
const gated: FfnKind = {
  numMatrices: 3,
  matrixParams: (d, f) => 3 * d * f,
  biasParams: (d, f) => 2 * f + d,
  activationBytesPerToken: (d, f) => 2 * d + 6 * f,
};

export const FFN_KINDS: Readonly<Record<ArchSpec["ffnType"], FfnKind>> = {
  gelu: plain,
  // ReLU MLP (Vaswani et al. 2017, arXiv 1706.03762 §3.3): the same two matrices as GeLU's.
  relu: plain,
  // SwiGLU: Swish gate (Shazeer 2020 Eq. 6; Llama, Mixtral, DeepSeek, OLMo, Qwen).
  swiglu: gated,
  // GeGLU: GeLU gate (Shazeer 2020 Eq. 5; Gemma).
  geglu: gated,
};

export interface NormKind {
  params(d: number): number;
}

export const NORM_KINDS: Readonly<Record<ArchSpec["norm"], NormKind>> = {
  layernorm: { params: (d) => 2 * d }, // scale and bias
  rmsnorm: { params: (d) => d }, // scale only
};

export interface PositionKind {
  /** Parameters of the position scheme (a learned table; ALiBi, RoPE and NoPE have none). */
  params(seqLen: number, d: number): number;
}

export const POSITION_KINDS: Readonly<Record<ArchSpec["position"], PositionKind>> = {
  learned: { params: (T, d) => T * d },
  alibi: { params: () => 0 },
  rope: { params: () => 0 },
  none: { params: () => 0 },
};

/**
 * What an attention block supplies to the counts: its parameters, its query/key and value head
 * dimensions (the score and weighted-value matmuls), and the d_in·d_out sum of its projections as
 * Megatron-LM counts them.
 */
export interface AttentionKind {
  /** Parameters of one block's attention: projections, biases and any norms inside it. */
  params(s: ArchSpec): number;
  /** Per-head width of QKᵀ (query/key) and of the value aggregation. */
  headDims(s: ArchSpec): { qk: number; v: number };
  /**
   * Σ d_in·d_out over the projections one token passes through, the bracket Megatron-LM multiplies
   * by 3·2 in num_floating_point_operations (NVIDIA/Megatron-LM@d98e8a64 megatron/training/training.py).
   */
  megatronProjections(s: ArchSpec): number;
}

/** Multi-head attention, GQA (Ainslie et al., arXiv 2305.13245) and MQA (Shazeer, arXiv 1911.02150). */
const gqaAttention: AttentionKind = {
  params(s) {
    const d = s.dModel;
    const dh = headDim(s);
    const qDim = s.numHeads * dh;
    const kvDim = kvHeads(s) * dh;
    // Q (d×qDim), K and V (d×kvDim each), O (qDim×d)
    const matrices = d * qDim + 2 * d * kvDim + qDim * d;
    // all biases (GPT-2), or Q, K, V biases only (Qwen2)
    const biases = s.bias ? qDim + 2 * kvDim + d : s.qkvBias ? qDim + 2 * kvDim : 0;
    // OLMo 2 (arXiv 2501.00656 §3.1): a norm over the whole query and key projections
    const qkNorm = s.qkNorm ? NORM_KINDS[s.norm].params(qDim) + NORM_KINDS[s.norm].params(kvDim) : 0;
    return matrices + biases + qkNorm;
  },
  headDims(s) {
    const dh = headDim(s);
    return { qk: dh, v: dh };
  },
  megatronProjections(s) {
    const d = s.dModel;
    const q = s.numHeads * headDim(s);
    const kv = kvHeads(s) * headDim(s);
    // Megatron: hidden·(query + key + value projection sizes) + query·hidden (output projection)
    return d * (q + 2 * kv) + q * d;
  },
};

/**
 * Multi-head latent attention, DeepSeek-V2 (arXiv 2405.04434) §2.1.2 Eq. 9–11 (joint KV compression),
 * Eq. 12–13 (query compression) and §2.1.3 Eq. 14–19 (decoupled RoPE); the latent norms are the
 * q_a_layernorm / kv_a_layernorm of deepseek-ai/DeepSeek-V3 modeling_deepseek.py.
 */
const mlaAttention: AttentionKind = {
  params(s) {
    const m = s.mla as NonNullable<ArchSpec["mla"]>;
    const d = s.dModel;
    const H = s.numHeads;
    const qkDim = m.qkNopeHeadDim + m.qkRopeHeadDim;
    const norm = NORM_KINDS[s.norm];
    // W^DQ (d×d_c'), its norm, W^UQ and W^QR together (d_c' × H·(d_h + d_h^R)); or W^Q directly
    const q = m.qLoraRank !== undefined ? d * m.qLoraRank + norm.params(m.qLoraRank) + m.qLoraRank * H * qkDim : d * H * qkDim;
    // W^DKV and W^KR together (d × (d_c + d_h^R)), its norm, W^UK and W^UV (d_c × H·(d_h + d_v))
    const kv = d * (m.kvLoraRank + m.qkRopeHeadDim) + norm.params(m.kvLoraRank) + m.kvLoraRank * H * (m.qkNopeHeadDim + m.vHeadDim);
    // W^O (H·d_v × d)
    const o = H * m.vHeadDim * d;
    return q + kv + o;
  },
  headDims(s) {
    const m = s.mla as NonNullable<ArchSpec["mla"]>;
    return { qk: m.qkNopeHeadDim + m.qkRopeHeadDim, v: m.vHeadDim };
  },
  megatronProjections(s) {
    const m = s.mla as NonNullable<ArchSpec["mla"]>;
    const d = s.dModel;
    const H = s.numHeads;
    const qkDim = m.qkNopeHeadDim + m.qkRopeHeadDim;
    // Megatron's q_term, kv term (each "+ 1" is its count of the latent norm) and o proj, as written there
    const q = m.qLoraRank !== undefined ? m.qLoraRank * (d + H * qkDim + 1) : d * H * qkDim;
    const kv = m.kvLoraRank * (d + H * (m.qkNopeHeadDim + m.vHeadDim) + 1) + d * m.qkRopeHeadDim;
    return q + kv + H * m.vHeadDim * d;
  },
};

export function attentionKind(s: ArchSpec): AttentionKind {
  return s.mla ? mlaAttention : gqaAttention;
}
