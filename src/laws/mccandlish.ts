import { defineLaw } from "./types.js";

/**
 * The steps/data trade-off of data-parallel training.
 *
 * (S/S_min − 1)(E/E_min − 1) = 1 with E = B·S, and B_crit = E_min/S_min, give
 * S(B) = S_min(1 + B_crit/B) and E(B) = E_min(1 + B/B_crit): training at B = B_crit takes twice
 * the minimum steps and twice the minimum data.
 *
 * @see McCandlish, Kaplan, Amodei et al., "An Empirical Model of Large-Batch Training",
 *      arXiv 1812.06162 §2 (steps/examples trade-off), in the form Kaplan et al. use in arXiv 2001.08361 §5.1 [P].
 * @param B batch in tokens; Bcrit critical batch in tokens; Smin minimum optimizer steps
 * @returns S steps and E tokens needed to reach the same loss
 * @example B = B_crit → S = 2·S_min, E = 2·E_min
 */
export const mccandlish = defineLaw<{ B: number; Bcrit: number; Smin: number }, { S: number; E: number; Emin: number }>({
  id: "mccandlish",
  title: "McCandlish steps/data trade-off",
  citation: { short: "McCandlish et al. 2018", arxiv: "1812.06162", locator: "§2; as written in Kaplan et al. 2020 §5.1" },
  verified: true,
  formula: "(S/S_min − 1)(E/E_min − 1) = 1;  S = S_min(1 + B_crit/B);  E = E_min(1 + B/B_crit)",
  notes: ["E_min = B_crit · S_min."],
  inputs: {
    B: { unit: "tokens", description: "global batch" },
    Bcrit: { unit: "tokens", description: "critical batch" },
    Smin: { unit: "steps", description: "minimum steps to reach the target loss (infinite batch)" },
  },
  outputs: {
    S: { unit: "steps", description: "steps needed at batch B" },
    E: { unit: "tokens", description: "tokens needed at batch B" },
    Emin: { unit: "tokens", description: "minimum tokens (batch → 0)" },
  },
  fitRange: {},
  fitRangeNote: "An analytic model; B_crit itself must come from measurement.",
  examples: [
    // B = B_crit: S = 2·S_min (the model's defining property)
    { id: "mccandlish", what: "S/S_min at B = B_crit (S_min 1000)", input: { B: 1e6, Bcrit: 1e6, Smin: 1000 }, output: "S", expected: 2000, relTol: 1e-12, kind: "law", source: "McCandlish arXiv 1812.06162 §2; Kaplan §5.1" },
    { id: "mccandlish-e", what: "E at B = B_crit is 2·E_min (E_min = 1e9 tokens)", input: { B: 1e6, Bcrit: 1e6, Smin: 1000 }, output: "E", expected: 2e9, relTol: 1e-12, kind: "law", source: "McCandlish arXiv 1812.06162 §2; Kaplan §5.1" },
  ],
  compute: ({ B, Bcrit, Smin }) => {
    const Emin = Bcrit * Smin;
    return { S: Smin * (1 + Bcrit / B), E: Emin * (1 + B / Bcrit), Emin };
  },
});
