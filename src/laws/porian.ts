import { formatSig } from "../units/format.js";
import { coef, defineLaw } from "./types.js";

/**
 * Optimal learning rate, batch and AdamW β2 as functions of model size, from the study that
 * reconciles Kaplan's and Chinchilla's compute-optimal laws.
 *
 * @see Porian, Wortsman, Jitsev, Schmidt, Carmon, "Resolving Discrepancies in Compute-Optimal Scaling of
 *      Language Models", arXiv 2406.19146 [S].
 * @param N parameters
 * @returns eta optimal LR; BSeqs optimal batch in sequences of 2048; beta2 recommended AdamW β2
 */
// Porian et al. [S]: η* = a·N^α; B* = b·N^β sequences of 2048; β2 = 0.99 up to 192 sequences, 0.95 above
export const PORIAN = {
  a: 3.7,
  alpha: -0.36,
  b: 0.00037,
  beta: 0.703,
  seqLen: 2048,
  beta2SmallBatch: 0.99,
  beta2LargeBatch: 0.95,
  beta2MaxSmallBatchSeqs: 192,
} as const;

/**
 * Porian et al.'s β2 rule for a batch of `batchSeqs` sequences of 2048 tokens, with the sentence the
 * planner prints: 0.99 up to 192 sequences, 0.95 above.
 *
 * @see arXiv 2406.19146 [S]
 * @param batchSeqs global batch in sequences of 2048 tokens (tokens / 2048)
 * @returns beta2 and whether the small-batch branch applied
 * @example porianBeta2(128) → { beta2: 0.99, smallBatch: true }
 */
export function porianBeta2(batchSeqs: number): { beta2: number; smallBatch: boolean; rule: string } {
  const smallBatch = batchSeqs <= PORIAN.beta2MaxSmallBatchSeqs;
  return smallBatch
    ? { beta2: PORIAN.beta2SmallBatch, smallBatch, rule: `batch ${formatSig(batchSeqs, 4)} ≤ ${PORIAN.beta2MaxSmallBatchSeqs} sequences of ${PORIAN.seqLen}: β2 = ${PORIAN.beta2SmallBatch} (Porian et al.) [unverified]` }
    : { beta2: PORIAN.beta2LargeBatch, smallBatch, rule: `Porian et al.: ${PORIAN.beta2LargeBatch} above ${PORIAN.beta2MaxSmallBatchSeqs} sequences` };
}

const { a, alpha, b, beta } = PORIAN;

export const porian = defineLaw<{ N: number }, { eta: number; BSeqs: number; Btokens: number; beta2: number }>({
  id: "porian",
  title: "Porian et al. optimal learning rate and batch η(N), B(N)",
  citation: { short: "Porian et al. 2024", arxiv: "2406.19146", locator: "hyperparameter fits [S]" },
  verified: false,
  formula: `η* = ${coef(a)} · N^${coef(alpha)};  B* = ${coef(b)} · N^${coef(beta)} sequences of ${PORIAN.seqLen};  β2 = ${PORIAN.beta2SmallBatch} if B ≤ ${PORIAN.beta2MaxSmallBatchSeqs} else ${PORIAN.beta2LargeBatch}`,
  coefficients: PORIAN,
  notes: [
    "Which N (with or without embeddings) is not recorded in the secondary sources lmplan read; lmplan passes the parameters that do FLOPs (all but the input embedding table).",
  ],
  inputs: { N: { unit: "params", description: "model parameters" } },
  outputs: {
    eta: { unit: "learning rate", description: "optimal peak LR" },
    BSeqs: { unit: "sequences of 2048", description: "optimal global batch" },
    Btokens: { unit: "tokens", description: "optimal global batch" },
    beta2: { unit: "", description: "AdamW β2 for that batch" },
  },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in the sources lmplan read (docs/science.md); lmplan cannot check extrapolation.",
  examples: [
    // 1e9^−0.36 = 10^−3.24 = 5.7544e-4; × 3.7 = 2.1291e-3
    { id: "porian-lr-1b", what: "Porian η* at N 1e9", input: { N: 1e9 }, output: "eta", expected: 2.1291e-3, relTol: 1e-4, kind: "law", source: "3.7 · 10^(−3.24) by hand" },
  ],
  compute: ({ N }) => {
    const BSeqs = b * N ** beta;
    return { eta: a * N ** alpha, BSeqs, Btokens: BSeqs * PORIAN.seqLen, beta2: porianBeta2(BSeqs).beta2 };
  },
});
