import { chinchillaLoss, computeOptimal, type ChinchillaParams } from "./chinchilla-form.js";
import { defineLaw } from "./types.js";

/**
 * Chinchilla's parametric loss with Hoffmann et al.'s own approach-3 fit.
 *
 * @see Hoffmann et al., arXiv 2203.15556, §3.3 Eq. 2 and App. D.2 [P]. Paper (rounded): E 1.69,
 *      A 406.4, B 410.7, α 0.34, β 0.28. Here the unrounded values from the paper's TeX source:
 *      (log A, log B, log E, α, β) = (6.0073404, 6.0179186, 0.5267228, 0.33917084, 0.2849083).
 *      Epoch (arXiv 2404.10102) shows this fit is biased; kept for comparison.
 */
export const HOFFMANN_PARAMS: ChinchillaParams = {
  A: Math.exp(6.0073404),
  B: Math.exp(6.0179186),
  E: Math.exp(0.5267228),
  alpha: 0.33917084,
  beta: 0.2849083,
};

export const chinchillaHoffmann = defineLaw<
  { N: number; D: number },
  { L: number; C: number; NoptAtC: number; DoptAtC: number }
>({
  id: "chinchilla-hoffmann",
  title: "Chinchilla loss, Hoffmann et al. approach 3",
  citation: { short: "Hoffmann et al. 2022 (Chinchilla)", arxiv: "2203.15556", locator: "§3.3 Eq. 2, Eq. 4; App. D.2" },
  verified: true,
  formula: "L = 1.69 + 406.4/N^0.34 + 410.7/D^0.28 (unrounded TeX values used)",
  notes: [
    "Epoch AI (arXiv 2404.10102) finds these rounded approach-3 values biased; lmplan defaults to their refit.",
    "N counts all parameters including embeddings.",
  ],
  inputs: {
    N: { unit: "params", description: "total parameters" },
    D: { unit: "tokens", description: "training tokens" },
  },
  outputs: {
    L: { unit: "nats/token", description: "predicted final loss" },
    C: { unit: "FLOPs", description: "6·N·D" },
    NoptAtC: { unit: "params", description: "compute-optimal N at the same C" },
    DoptAtC: { unit: "tokens", description: "compute-optimal D at the same C" },
  },
  fitRange: { N: [7e7, 1.6e10], D: [5e9, 5e11] },
  fitRangeNote: "70M to 16B parameters, 5B to 500B tokens (arXiv 2203.15556 abstract/§3.3).",
  compute: ({ N, D }) => {
    const C = 6 * N * D;
    const opt = computeOptimal(HOFFMANN_PARAMS, C);
    return { L: chinchillaLoss(HOFFMANN_PARAMS, N, D), C, NoptAtC: opt.N, DoptAtC: opt.D };
  },
});
