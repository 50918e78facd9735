import { defineLaw } from "./types.js";

/**
 * Optimal learning rate and batch as power laws in compute, with compute counted as
 * C = M·D where M is non-embedding FLOPs per token including attention.
 *
 * @see DeepSeek-AI, "DeepSeek LLM: Scaling Open-Source Language Models with Longtermism",
 *      arXiv 2401.02954, §3.1 (hyperparameter scaling) and §3.2 (M) [S].
 * @param C compute M·D in FLOPs
 * @returns eta optimal LR; Btokens optimal batch in tokens
 * @example 7B (L 30, d 4096, seq 4096, D 2e12) → η ≈ 4.25e-4 (their run used 4.2e-4)
 */
export const deepseek = defineLaw<{ C: number }, { eta: number; Btokens: number }>({
  id: "deepseek",
  title: "DeepSeek LLM optimal learning rate and batch η(C), B(C)",
  citation: { short: "DeepSeek-AI 2024 (DeepSeek LLM)", arxiv: "2401.02954", locator: "§3.1 [S]" },
  verified: false,
  formula: "η_opt = 0.3118 · C^−0.125;  B_opt = 0.2920 · C^0.3271 tokens;  C = M·D",
  notes: ["M = 72·n_layer·d² + 12·n_layer·d·seq (non-embedding FLOPs per token, §3.2)."],
  inputs: { C: { unit: "FLOPs (M·D)", description: "compute with DeepSeek's M" } },
  outputs: {
    eta: { unit: "learning rate", description: "optimal peak LR" },
    Btokens: { unit: "tokens", description: "optimal global batch" },
  },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in SCIENCE.md; lmplan cannot check extrapolation.",
  compute: ({ C }) => ({
    // DeepSeek LLM §3.1 [S]
    eta: 0.3118 * C ** -0.125,
    Btokens: 0.292 * C ** 0.3271,
  }),
});

/** DeepSeek's M: non-embedding FLOPs per token, 72·L·d² + 12·L·d·seq (arXiv 2401.02954 §3.2). */
export function deepseekFlopsPerToken(numLayers: number, dModel: number, seqLen: number): number {
  return 72 * numLayers * dModel ** 2 + 12 * numLayers * dModel * seqLen;
}
