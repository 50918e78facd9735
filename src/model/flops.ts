/**
 * Training FLOPs per token, the PaLM / TorchTitan way.
 *
 * @see Chowdhery et al., "PaLM", arXiv 2204.02311, App. B: model FLOPs per token = 6N + 12·L·H·Q·T
 *      (N non-embedding parameters doing matmuls, L layers, H heads, Q head dim, T sequence length);
 *      TorchTitan torchtitan/models/utils.py get_num_flop_per_token uses the same count.
 * @returns FLOPs per token for forward + backward (the 6 = 2 forward + 4 backward)
 * @example Llama 3.1 8B at T = 8192: 6·7.505e9 + 12·32·32·128·8192 ≈ 5.79e10
 */
import type { Flops } from "../units/types.js";
import { countParams } from "./params.js";
import { headDim, type ArchSpec } from "./spec.js";

export interface FlopsPerToken {
  /** 6·N: the dense matmuls, forward and backward. */
  dense: Flops;
  /** 12·L·H·Q·T: attention scores and weighted values, forward and backward. */
  attention: Flops;
  total: Flops;
}

export function flopsPerToken(s: ArchSpec, seqLen: number = s.seqLen): FlopsPerToken {
  const N = countParams(s).flops;
  // PaLM App. B: 6N
  const dense = 6 * N;
  // PaLM App. B: 12·L·H·Q·T
  const attention = 12 * s.numLayers * s.numHeads * headDim(s) * seqLen;
  return { dense: dense as Flops, attention: attention as Flops, total: (dense + attention) as Flops };
}
