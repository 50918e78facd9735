import { chinchillaFormula, chinchillaLaw, type ChinchillaParams } from "./chinchilla-form.js";
import { coef } from "./types.js";

/**
 * Chinchilla's parametric loss with Hoffmann et al.'s own approach-3 fit.
 *
 * @see Hoffmann et al., arXiv 2203.15556, §3.3 Eq. 2 and App. D.2 [P]. The paper prints rounded values;
 *      lmplan computes with the unrounded ones from the paper's TeX source. Epoch (arXiv 2404.10102)
 *      shows this fit is biased; kept for comparison.
 */
// Hoffmann App. D.2, unrounded from the TeX source: (log A, log B, log E, α, β)
export const HOFFMANN_PARAMS: ChinchillaParams = {
  A: Math.exp(6.0073404),
  B: Math.exp(6.0179186),
  E: Math.exp(0.5267228),
  alpha: 0.33917084,
  beta: 0.2849083,
};
// Hoffmann §3.3 as printed (rounded): what the formula text shows
export const HOFFMANN_PRINTED: ChinchillaParams = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };

export const chinchillaHoffmann = chinchillaLaw({
  id: "chinchilla-hoffmann",
  title: "Chinchilla loss, Hoffmann et al. approach 3",
  citation: { short: "Hoffmann et al. 2022 (Chinchilla)", arxiv: "2203.15556", locator: "§3.3 Eq. 2, Eq. 4; App. D.2" },
  verified: true,
  params: HOFFMANN_PARAMS,
  formula: `${chinchillaFormula(HOFFMANN_PRINTED, coef)} (unrounded TeX values used)`,
  notes: [
    "Epoch AI (arXiv 2404.10102) finds these rounded approach-3 values biased; lmplan defaults to their refit.",
    "N counts all parameters including embeddings.",
  ],
  fitRange: { N: [7e7, 1.6e10], D: [5e9, 5e11] },
  fitRangeNote: "70M to 16B parameters, 5B to 500B tokens (arXiv 2203.15556 abstract/§3.3).",
  examples: [
    // The unrounded values must round to what the paper prints.
    { id: "hoffmann-e-printed", what: "Hoffmann E rounds to the printed 1.69", input: { N: 1e300, D: 1e300 }, output: "L", expected: 1.69, relTol: 0.005 / 1.69, kind: "published", source: "Hoffmann arXiv 2203.15556 §3.3 (E = 1.69)", tolerance: "printed to three figures; at N, D → ∞ the loss is E" },
  ],
});
