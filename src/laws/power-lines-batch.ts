import { formatCount, formatSig } from "../units/format.js";
import { coef, defineLaw } from "./types.js";

/**
 * Loss-optimal global batch size as a function of the dataset size.
 *
 * B_opt grows with D and is independent of N at fixed D [P]. When B changes, rescale λ (not η) so
 * the timescale τ stays at its optimum [S].
 *
 * @see Bergsma et al., "Power Lines", arXiv 2505.13738: independence of N [P]; coefficient 0.0306 from a
 *      single secondary source, exponent 0.383 in several (CI 0.367–0.391) [S].
 * @param D training tokens
 * @returns BoptSeqs in sequences of 2,048 tokens; BoptTokens = 2048·BoptSeqs
 * @example D = 3e9 → 130.45 sequences = 267,171 tokens
 */
// Power Lines B_opt fit [S]: B_opt = k · D^m, B in sequences of 2048 tokens
export const POWER_LINES_BATCH = { k: 0.0306, m: 0.383, seqLen: 2048 } as const;
const { k, m, seqLen } = POWER_LINES_BATCH;

export const powerLinesBatch = defineLaw<{ D: number; N: number }, { BoptSeqs: number; BoptTokens: number }>({
  id: "power-lines-batch",
  title: "Power Lines optimal batch size B_opt(D)",
  citation: { short: "Bergsma et al. 2025, Power Lines", arxiv: "2505.13738", locator: "B_opt fit [S]; independence of N [P]" },
  verified: false,
  formula: `B_opt = ${coef(k)} · D^${coef(m)}   (B in sequences of ${seqLen} tokens, D in tokens)`,
  coefficients: POWER_LINES_BATCH,
  notes: [
    "Independent of N at fixed D [P]. Above B_opt loss rises; rescale λ with B to hold τ.",
    "Fitted batch range 63–4032 sequences of 2048 [S].",
  ],
  inputs: {
    D: { unit: "tokens", description: "training tokens" },
    N: { unit: "params", description: "total parameters (only checked against the fitted range)" },
  },
  outputs: {
    BoptSeqs: { unit: "sequences of 2048", description: "optimal global batch" },
    BoptTokens: { unit: "tokens", description: "optimal global batch" },
  },
  fitRange: { N: [111e6, 3.3e9], D: [111e6 * 20, 3.3e9 * 1000] },
  fitRangeNote: "D range derived from N 111M–3.3B at TPP ~20 to >1000 [S]; the corners were not all trained.",
  examples: [
    { id: "bopt-3e9", what: "B_opt at D = 3e9, sequences of 2048", input: { D: 3e9, N: 150e6 }, output: "BoptSeqs", expected: 130.45, relTol: 1e-4, kind: "law", source: "docs/science.md (Power Lines B_opt evaluated by hand)" },
    { id: "bopt-3e9-tokens", what: "B_opt at D = 3e9, tokens", input: { D: 3e9, N: 150e6 }, output: "BoptTokens", expected: 267171, relTol: 1e-5, kind: "law", source: "docs/science.md (Power Lines B_opt evaluated by hand)" },
  ],
  compute: ({ D }) => {
    const BoptSeqs = k * D ** m;
    return { BoptSeqs, BoptTokens: BoptSeqs * seqLen };
  },
  derive: ({ D }, v) =>
    `B_opt = ${coef(k)} · D^${coef(m)} = ${coef(k)} · ${formatCount(D, 4)}^${coef(m)} = ${formatSig(v.BoptSeqs, 4)} sequences of ${seqLen}`,
});
