import { defineLaw } from "./types.js";

/**
 * Optimal learning rate, batch and AdamW β2 as functions of model size, from the study that
 * reconciles Kaplan's and Chinchilla's compute-optimal laws.
 *
 * @see Porian, Wortsman, Jitsev, Schmidt, Carmon, "Resolving Discrepancies in Compute-Optimal Scaling of
 *      Language Models", arXiv 2406.19146 [S].
 * @param N parameters
 * @returns eta optimal LR; BSeqs optimal batch in sequences of 2048; beta2 recommended AdamW β2
 */
export const porian = defineLaw<{ N: number }, { eta: number; BSeqs: number; Btokens: number; beta2: number }>({
  id: "porian",
  title: "Porian et al. optimal learning rate and batch η(N), B(N)",
  citation: { short: "Porian et al. 2024", arxiv: "2406.19146", locator: "hyperparameter fits [S]" },
  verified: false,
  formula: "η* = 3.7 · N^−0.36;  B* = 0.00037 · N^0.703 sequences of 2048;  β2 = 0.99 if B ≤ 192 else 0.95",
  notes: [
    "Which N (with or without embeddings) is not recorded in SCIENCE.md; lmplan passes the parameters that do FLOPs (all but the input embedding table).",
  ],
  inputs: { N: { unit: "params", description: "model parameters" } },
  outputs: {
    eta: { unit: "learning rate", description: "optimal peak LR" },
    BSeqs: { unit: "sequences of 2048", description: "optimal global batch" },
    Btokens: { unit: "tokens", description: "optimal global batch" },
    beta2: { unit: "", description: "AdamW β2 for that batch" },
  },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in SCIENCE.md; lmplan cannot check extrapolation.",
  compute: ({ N }) => {
    // Porian et al. [S]
    const BSeqs = 0.00037 * N ** 0.703;
    return { eta: 3.7 * N ** -0.36, BSeqs, Btokens: BSeqs * 2048, beta2: BSeqs <= 192 ? 0.99 : 0.95 };
  },
});
