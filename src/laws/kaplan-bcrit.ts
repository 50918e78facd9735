import { defineLaw } from "./types.js";

/**
 * Critical batch size as a function of the loss reached.
 *
 * @see Kaplan et al., "Scaling Laws for Neural Language Models", arXiv 2001.08361, §5.1 [P]:
 *      B_crit(L) ≈ B* / L^(1/α_B), B* ≈ 2e8 tokens, α_B ≈ 0.21.
 * @param L loss in nats per token (Kaplan's WebText2 tokenization)
 * @returns Bcrit in tokens
 * @example L = 3 → 1.07e6 tokens
 */
export const kaplanBcrit = defineLaw<{ L: number }, { Bcrit: number }>({
  id: "kaplan-bcrit",
  title: "Kaplan critical batch B_crit(L)",
  citation: { short: "Kaplan et al. 2020", arxiv: "2001.08361", locator: "§5.1" },
  verified: true,
  formula: "B_crit(L) ≈ 2e8 / L^(1/0.21) tokens",
  notes: ["Loss is on Kaplan's WebText2 data and tokenizer; other data shifts the loss scale."],
  inputs: { L: { unit: "nats/token", description: "loss reached" } },
  outputs: { Bcrit: { unit: "tokens", description: "critical batch" } },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in SCIENCE.md; lmplan cannot check extrapolation.",
  compute: ({ L }) => ({
    // Kaplan §5.1: B* = 2e8 tokens, α_B = 0.21
    Bcrit: 2e8 / L ** (1 / 0.21),
  }),
});
