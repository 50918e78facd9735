import { defineLaw } from "./types.js";

/**
 * Loss as a function of non-embedding parameters, trained to convergence on enough data.
 *
 * @see Kaplan et al., arXiv 2001.08361, Eq. 1.1 [S]: L(N) = (N_c/N)^α_N, N_c = 8.8e13, α_N = 0.076.
 * @param N non-embedding parameters
 * @returns L nats per token (WebText2)
 */
export const kaplanLoss = defineLaw<{ N: number }, { L: number }>({
  id: "kaplan-loss",
  title: "Kaplan loss vs non-embedding parameters L(N)",
  citation: { short: "Kaplan et al. 2020", arxiv: "2001.08361", locator: "Eq. 1.1 [S]" },
  verified: false,
  formula: "L(N) = (8.8e13 / N)^0.076",
  notes: [
    "N is non-embedding parameters.",
    "Historic: Kaplan's compute-optimal allocation differs from Chinchilla's; shown for comparison only.",
  ],
  inputs: { N: { unit: "params (non-embedding)", description: "non-embedding parameters" } },
  outputs: { L: { unit: "nats/token", description: "loss at convergence (WebText2)" } },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in SCIENCE.md; lmplan cannot check extrapolation.",
  compute: ({ N }) => ({
    // Kaplan Eq. 1.1 [S]
    L: (8.8e13 / N) ** 0.076,
  }),
});
