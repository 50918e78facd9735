import { coef, defineLaw } from "./types.js";

/**
 * Optimal learning rate and batch as power laws in compute, with compute counted as
 * C = M·D where M is non-embedding FLOPs per token including attention.
 *
 * @see DeepSeek-AI, "DeepSeek LLM: Scaling Open-Source Language Models with Longtermism",
 *      arXiv 2401.02954, §3.1 (hyperparameter scaling) and §3.2 (M) [S]; the released runs' settings:
 *      deepseek-ai/DeepSeek-LLM @ 6712a86b, README.md "Pre-Training" (7B: batch 2304, LR 4.2e-4;
 *      67B: batch 4608, LR 3.2e-4; sequence 4096, 2T tokens) [P].
 * @param C compute M·D in FLOPs
 * @returns eta optimal LR; Btokens optimal batch in tokens
 * @example 7B (L 30, d 4096, seq 4096, D 2e12) → η 4.246e-4 (the released run used 4.2e-4)
 */
// DeepSeek LLM §3.1 [S]: η_opt = a · C^α, B_opt = b · C^β tokens
export const DEEPSEEK = { a: 0.3118, alpha: -0.125, b: 0.292, beta: 0.3271 } as const;
// DeepSeek LLM §3.2: M = 72·n_layer·d² + 12·n_layer·d·seq
export const DEEPSEEK_M = { dense: 72, attention: 12 } as const;

/** DeepSeek's M: non-embedding FLOPs per token, 72·L·d² + 12·L·d·seq (arXiv 2401.02954 §3.2). */
export function deepseekFlopsPerToken(numLayers: number, dModel: number, seqLen: number): number {
  return DEEPSEEK_M.dense * numLayers * dModel ** 2 + DEEPSEEK_M.attention * numLayers * dModel * seqLen;
}

// DeepSeek LLM 7B: 30 layers, d_model 4096 (arXiv 2401.02954 model-spec table, read via secondary sources [S]);
// sequence 4096 and 2T tokens (README, [P])
const C7B = deepseekFlopsPerToken(30, 4096, 4096) * 2e12;
const released = "deepseek-ai/DeepSeek-LLM @ 6712a86b README.md (Pre-Training): the 7B run's learning rate";

export const deepseek = defineLaw<{ C: number }, { eta: number; Btokens: number }>({
  id: "deepseek",
  title: "DeepSeek LLM optimal learning rate and batch η(C), B(C)",
  citation: { short: "DeepSeek-AI 2024 (DeepSeek LLM)", arxiv: "2401.02954", locator: "§3.1 [S]" },
  verified: false,
  formula: `η_opt = ${coef(DEEPSEEK.a)} · C^${coef(DEEPSEEK.alpha)};  B_opt = ${coef(DEEPSEEK.b)} · C^${coef(DEEPSEEK.beta)} tokens;  C = M·D`,
  coefficients: { ...DEEPSEEK, mDense: DEEPSEEK_M.dense, mAttention: DEEPSEEK_M.attention },
  notes: [
    `M = ${DEEPSEEK_M.dense}·n_layer·d² + ${DEEPSEEK_M.attention}·n_layer·d·seq (non-embedding FLOPs per token, §3.2).`,
    "The 67B run (95 layers, d 8192, GQA) used LR 3.2e-4, 2.5% above the law's 3.12e-4 at its shape — more than the two-figure rounding of 3.2e-4; M's 72·L·d² does not count GQA's smaller K/V projections. Shown here, not used as a check.",
  ],
  inputs: { C: { unit: "FLOPs (M·D)", description: "compute with DeepSeek's M" } },
  outputs: {
    eta: { unit: "learning rate", description: "optimal peak LR" },
    Btokens: { unit: "tokens", description: "optimal global batch" },
  },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in the sources lmplan read (docs/science.md); lmplan cannot check extrapolation.",
  examples: [
    {
      id: "deepseek-7b-lr-run",
      what: "DeepSeek η_opt, 7B (L 30, d 4096, seq 4096, D 2e12) vs the released run's LR",
      input: { C: C7B },
      output: "eta",
      expected: 4.2e-4,
      // 4.2e-4 is printed to two figures: any value in [4.15e-4, 4.25e-4) prints so.
      relTol: 0.05e-4 / 4.2e-4,
      kind: "published",
      source: released,
      tolerance: "the run's 4.2e-4 is printed to two significant figures (±0.05e-4 = ±1.19%); the law gives 4.246e-4, 1.1% above",
    },
    { id: "deepseek-7b-lr", what: "DeepSeek η_opt, 7B, law evaluated", input: { C: C7B }, output: "eta", expected: 4.25e-4, relTol: 2e-3, kind: "law", source: "docs/science.md (DeepSeek §3.1 evaluated by hand)" },
  ],
  compute: ({ C }) => ({
    eta: DEEPSEEK.a * C ** DEEPSEEK.alpha,
    Btokens: DEEPSEEK.b * C ** DEEPSEEK.beta,
  }),
});
