/**
 * Training memory per GPU: model states (sharded by ZeRO/FSDP stage) plus activations.
 *
 * Model states, mixed-precision AdamW: bf16 weights 2Ψ + bf16 gradients 2Ψ + fp32 master weights,
 * momentum and variance 12Ψ = 16Ψ bytes. ZeRO stage 1 shards the 12Ψ over the data-parallel ranks,
 * stage 2 also the gradients, stage 3 (= FSDP full sharding) also the weights.
 * @see Rajbhandari et al., "ZeRO", arXiv 1910.02054, §3.1 and Fig. 1 (K = 12 for mixed-precision Adam).
 *
 * Activations per layer, bf16, no tensor/sequence parallelism, no dropout: the component split of
 * Korthikanti et al.'s 34·s·b·h + 5·a·s²·b (arXiv 2205.05198 §4.1), so that SwiGLU, GQA and flash
 * attention supply their own terms. Dropout masks are omitted (modern pre-training runs without
 * dropout), and flash attention keeps no s² score matrix. Full recomputation keeps only each layer's
 * input (2·s·b·h) plus one layer's activations while it is recomputed (Korthikanti §4).
 */
import { invalid, type Result } from "../errors.js";
import type { Bytes } from "../units/types.js";
import { FFN_KINDS } from "./components.js";
import { countParams } from "./params.js";
import { headDim, kvHeads, type ArchSpec } from "./spec.js";

export interface MemoryOptions {
  /** Sequences each GPU processes per forward/backward (the micro-batch). */
  microBatchSeqs: number;
  /** Data-parallel ranks the model states are sharded over. */
  dataParallel: number;
  /** 0: none (DDP); 1: optimizer states; 2: + gradients; 3: + weights (FSDP full shard). */
  zeroStage: 0 | 1 | 2 | 3;
  /** Activation checkpointing: none, or full recomputation of every layer. */
  recompute: "none" | "full";
  /** Fused attention that never materialises the T×T score matrix (FlashAttention). */
  flashAttention: boolean;
  /** Sequence length; defaults to the spec's. */
  seqLen?: number;
}

export interface MemoryBreakdown {
  weights: Bytes;
  gradients: Bytes;
  optimizer: Bytes;
  activations: Bytes;
  /** fp32 logits for the loss: 4·V bytes per token (lmplan's assumption; fused losses avoid most of it). */
  logits: Bytes;
  total: Bytes;
}

// ZeRO §3.1: bytes per parameter of each model state in mixed-precision Adam
const WEIGHT_BYTES = 2;
const GRAD_BYTES = 2;
const OPTIMIZER_BYTES = 12;

/** Activation bytes stored per token in one layer without recomputation. */
export function layerActivationBytesPerToken(s: ArchSpec, seqLen: number, flashAttention: boolean): number {
  const d = s.dModel;
  const kvDim = kvHeads(s) * headDim(s);
  const norms = 2 * 2 * d; // inputs of the two norms
  // QKV input 2d, Q 2d, K and V 2·kvDim each, attention-output projection input 2d
  const attention = 2 * d + 2 * d + 4 * kvDim + 2 * d;
  // softmax output kept for backward: 2 bytes × H × T per token (absent with flash attention)
  const scores = flashAttention ? 0 : 2 * s.numHeads * seqLen;
  const ffn = (s.moe?.topK ?? 1) * FFN_KINDS[s.ffnType].activationBytesPerToken(d, s.dFf);
  return norms + attention + scores + ffn;
}

export function trainingMemory(s: ArchSpec, o: MemoryOptions): MemoryBreakdown {
  const P = countParams(s).total;
  const dp = o.dataParallel;
  const T = o.seqLen ?? s.seqLen;
  const tokensPerMicro = o.microBatchSeqs * T;

  const weights = (WEIGHT_BYTES * P) / (o.zeroStage >= 3 ? dp : 1);
  const gradients = (GRAD_BYTES * P) / (o.zeroStage >= 2 ? dp : 1);
  const optimizer = (OPTIMIZER_BYTES * P) / (o.zeroStage >= 1 ? dp : 1);

  const perLayer = layerActivationBytesPerToken(s, T, o.flashAttention);
  const activations =
    o.recompute === "full"
      ? tokensPerMicro * (s.numLayers * 2 * s.dModel + perLayer) // checkpoints + one live layer
      : tokensPerMicro * s.numLayers * perLayer;
  const logits = tokensPerMicro * 4 * s.vocabSize;

  const total = weights + gradients + optimizer + activations + logits;
  return {
    weights: weights as Bytes,
    gradients: gradients as Bytes,
    optimizer: optimizer as Bytes,
    activations: activations as Bytes,
    logits: logits as Bytes,
    total: total as Bytes,
  };
}

/**
 * The largest micro-batch (a divisor of the per-GPU sequences) that fits in memory, trying no
 * recomputation first when mode is auto; micro-batch 1 with the last mode when nothing fits.
 * A requested micro-batch must divide the per-GPU sequences.
 */
export function chooseMicroBatch(
  spec: ArchSpec,
  seqLen: number,
  perGpuSeqs: number,
  dp: number,
  zeroStage: 0 | 1 | 2 | 3,
  recompute: "auto" | "none" | "full",
  capacity: number,
  requested?: number,
): Result<{ micro: number; recompute: "none" | "full"; breakdown: MemoryBreakdown }> {
  const memFor = (micro: number, rc: "none" | "full") =>
    trainingMemory(spec, { microBatchSeqs: micro, dataParallel: dp, zeroStage, recompute: rc, flashAttention: true, seqLen });
  const modes: ("none" | "full")[] = recompute === "auto" ? ["none", "full"] : [recompute];
  if (requested !== undefined) {
    if (perGpuSeqs % requested !== 0) {
      return { ok: false, issues: [invalid("microBatch", `a divisor of the ${perGpuSeqs} sequences each GPU processes per step`, requested)] };
    }
    const rc = modes.find((m) => memFor(requested, m).total <= capacity) ?? modes[modes.length - 1] ?? "full";
    return { ok: true, value: { micro: requested, recompute: rc, breakdown: memFor(requested, rc) } };
  }
  // divisors in pairs up to √n, largest first (a billion-sequence batch must not mean a billion-step loop)
  const small: number[] = [];
  const large: number[] = [];
  for (let m = 1; m * m <= perGpuSeqs; m++) {
    if (perGpuSeqs % m !== 0) continue;
    small.push(m);
    if (m * m !== perGpuSeqs) large.push(perGpuSeqs / m);
  }
  const divisors = [...large, ...small.reverse()];
  for (const rc of modes) {
    for (const m of divisors) {
      const b = memFor(m, rc);
      if (b.total <= capacity) return { ok: true, value: { micro: m, recompute: rc, breakdown: b } };
    }
  }
  const rc = modes[modes.length - 1] ?? "full";
  return { ok: true, value: { micro: 1, recompute: rc, breakdown: memFor(1, rc) } };
}

