import { coef, defineLaw } from "./types.js";

/**
 * Loss as a function of non-embedding parameters, trained to convergence on enough data.
 *
 * @see Kaplan et al., arXiv 2001.08361, Eq. 1.1 [S]: L(N) = (N_c/N)^α_N, N_c = 8.8e13, α_N = 0.076.
 * @param N non-embedding parameters
 * @returns L nats per token (WebText2)
 */
// Kaplan Eq. 1.1 [S]: L(N) = (N_c/N)^α_N
export const KAPLAN_LOSS = { Nc: 8.8e13, alphaN: 0.076 } as const;

export const kaplanLoss = defineLaw<{ N: number }, { L: number }>({
  id: "kaplan-loss",
  title: "Kaplan loss vs non-embedding parameters L(N)",
  citation: { short: "Kaplan et al. 2020", arxiv: "2001.08361", locator: "Eq. 1.1 [S]" },
  verified: false,
  formula: `L(N) = (${coef(KAPLAN_LOSS.Nc)} / N)^${coef(KAPLAN_LOSS.alphaN)}`,
  coefficients: KAPLAN_LOSS,
  notes: [
    "N is non-embedding parameters.",
    "Historic: Kaplan's compute-optimal allocation differs from Chinchilla's; shown for comparison only.",
  ],
  inputs: { N: { unit: "params (non-embedding)", description: "non-embedding parameters" } },
  outputs: { L: { unit: "nats/token", description: "loss at convergence (WebText2)" } },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in the sources lmplan read (docs/science.md); lmplan cannot check extrapolation.",
  examples: [
    // (8.8e13 / 8.8e9)^0.076 = 1e4^0.076 = 10^0.304 = 2.0137
    { id: "kaplan-loss-8.8b", what: "Kaplan L(N) at N 8.8e9 non-embedding", input: { N: 8.8e9 }, output: "L", expected: 2.0137, relTol: 1e-4, kind: "law", source: "10^0.304 by hand" },
  ],
  compute: ({ N }) => ({ L: (KAPLAN_LOSS.Nc / N) ** KAPLAN_LOSS.alphaN }),
});
