/**
 * Per-component terms each architecture choice supplies through one interface, so the shared
 * arithmetic in params.ts / flops.ts / memory.ts never branches on a family name (STYLE.md).
 */
import type { ArchSpec } from "./spec.js";

export interface FfnKind {
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

export const FFN_KINDS: Readonly<Record<ArchSpec["ffnType"], FfnKind>> = {
  // GPT-2/3 MLP: up (d×f), GeLU, down (f×d). Korthikanti et al. 2022 (arXiv 2205.05198) §4.1 count:
  // input 2d, GeLU input 2f, down-proj input 2f bytes per token.
  gelu: {
    matrixParams: (d, f) => 2 * d * f,
    biasParams: (d, f) => f + d,
    activationBytesPerToken: (d, f) => 2 * d + 4 * f,
  },
  // SwiGLU (Shazeer 2020, arXiv 2002.05202 §2): gate and up (d×f each), down (f×d). Stores the
  // input 2d, gate and up outputs 2f + 2f, and their product (down-proj input) 2f bytes per token.
  swiglu: {
    matrixParams: (d, f) => 3 * d * f,
    biasParams: (d, f) => 2 * f + d,
    activationBytesPerToken: (d, f) => 2 * d + 6 * f,
  },
};

export interface NormKind {
  params(d: number): number;
}

export const NORM_KINDS: Readonly<Record<ArchSpec["norm"], NormKind>> = {
  layernorm: { params: (d) => 2 * d }, // scale and bias
  rmsnorm: { params: (d) => d }, // scale only
};

export interface PositionKind {
  /** Parameters of the position scheme (a learned table; ALiBi and RoPE have none). */
  params(seqLen: number, d: number): number;
}

export const POSITION_KINDS: Readonly<Record<ArchSpec["position"], PositionKind>> = {
  learned: { params: (T, d) => T * d },
  alibi: { params: () => 0 },
  rope: { params: () => 0 },
};
