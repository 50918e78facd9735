import { coef, defineLaw } from "./types.js";

/**
 * Critical batch size as a function of the loss reached.
 *
 * @see Kaplan et al., "Scaling Laws for Neural Language Models", arXiv 2001.08361, §5.1 [P]:
 *      B_crit(L) ≈ B* / L^(1/α_B), B* ≈ 2e8 tokens, α_B ≈ 0.21.
 * @param L loss in nats per token (Kaplan's WebText2 tokenization)
 * @returns Bcrit in tokens
 * @example L = 3 → 1.07e6 tokens
 */
// Kaplan §5.1: B_crit(L) ≈ B*/L^(1/α_B), B* = 2e8 tokens, α_B = 0.21
export const KAPLAN_BCRIT = { Bstar: 2e8, alphaB: 0.21 } as const;

export const kaplanBcrit = defineLaw<{ L: number }, { Bcrit: number }>({
  id: "kaplan-bcrit",
  title: "Kaplan critical batch B_crit(L)",
  citation: { short: "Kaplan et al. 2020", arxiv: "2001.08361", locator: "§5.1" },
  verified: true,
  formula: `B_crit(L) ≈ ${coef(KAPLAN_BCRIT.Bstar)} / L^(1/${coef(KAPLAN_BCRIT.alphaB)}) tokens`,
  coefficients: KAPLAN_BCRIT,
  notes: ["Loss is on Kaplan's WebText2 data and tokenizer; other data shifts the loss scale."],
  inputs: { L: { unit: "nats/token", description: "loss reached" } },
  outputs: { Bcrit: { unit: "tokens", description: "critical batch" } },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in the sources lmplan read (docs/science.md); lmplan cannot check extrapolation.",
  examples: [
    { id: "kaplan-bcrit", what: "Kaplan B_crit at L = 3 (tokens)", input: { L: 3 }, output: "Bcrit", expected: 1.07e6, relTol: 5e-3, kind: "law", source: "Kaplan arXiv 2001.08361 §5.1, evaluated by hand (2e8 / 3^(1/0.21))" },
  ],
  compute: ({ L }) => ({ Bcrit: KAPLAN_BCRIT.Bstar / L ** (1 / KAPLAN_BCRIT.alphaB) }),
});
