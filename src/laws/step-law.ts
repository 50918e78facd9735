import { defineLaw } from "./types.js";

/**
 * Optimal peak learning rate and batch from a dense grid of 3,700 runs.
 *
 * @see Li et al., "Predictable Scale: Part I — Optimal Hyperparameter Scaling Law in Large Language Model
 *      Pretraining" (Step Law), arXiv 2503.04715, Eq. 1–2 / Table 2 form; step-law/steplaw @32a8f4cc [P].
 * @param N non-embedding parameters, L·(4h² + 3·h·ffn)
 * @param D training tokens
 * @returns eta peak learning rate (min LR 1e-5, cosine); Btokens batch in tokens
 * @example N 7e9, D 1.4e12 → η 9.1656e-4, B 4.9988e6 tokens
 */
export const stepLaw = defineLaw<{ N: number; D: number }, { eta: number; Btokens: number }>({
  id: "step-law",
  title: "Step Law optimal learning rate and batch",
  citation: { short: "Li et al. 2025 (Step Law)", arxiv: "2503.04715", repo: "step-law/steplaw@32a8f4cc", locator: "Eq. 1–2, Table 2 form" },
  verified: true,
  formula: "η_opt = 1.79 · N^−0.713 · D^0.307;  B_opt = 0.58 · D^0.571 tokens",
  notes: [
    "N is non-embedding parameters L·(4h² + 3·h·ffn); η is the peak of a schedule ending at 1e-5.",
    "Standard parameterization (no μP): compare with lmplan's hidden-weight LR.",
  ],
  inputs: {
    N: { unit: "params (non-embedding)", description: "non-embedding parameters" },
    D: { unit: "tokens", description: "training tokens" },
  },
  outputs: {
    eta: { unit: "learning rate", description: "optimal peak LR" },
    Btokens: { unit: "tokens", description: "optimal global batch" },
  },
  fitRange: { N: [2.1e8, 1.07e9], D: [4e9, 1e11] },
  compute: ({ N, D }) => ({
    // Step Law η_opt and B_opt (Table 2 form)
    eta: 1.79 * N ** -0.713 * D ** 0.307,
    Btokens: 0.58 * D ** 0.571,
  }),
});
