import { formatCount } from "../units/format.js";
import { coef, defineLaw } from "./types.js";

/**
 * Optimal peak learning rate and batch from a dense grid of 3,700 runs.
 *
 * @see Li et al., "Predictable Scale: Part I — Optimal Hyperparameter Scaling Law in Large Language Model
 *      Pretraining" (Step Law), arXiv 2503.04715, Eq. 1–2 / Table 2 form; step-law/steplaw @32a8f4cc [P].
 * @param N non-embedding parameters, L·(4h² + 3·h·ffn)
 * @param D training tokens
 * @returns eta peak learning rate (min LR 1e-5, cosine); Btokens batch in tokens
 * @example N 7e9, D 1.4e12 → η 9.1656e-4, B 4.9988e6 tokens
 */
// Step Law Eq. 1–2: η_opt = a · N^α · D^β, B_opt = b · D^γ (B in tokens, N non-embedding)
export const STEP_LAW = { a: 1.79, alpha: -0.713, beta: 0.307, b: 0.58, gamma: 0.571 } as const;
const { a, alpha, beta, b, gamma } = STEP_LAW;

/** The two halves of the law as the planner prints them. */
export const STEP_LAW_TERMS = {
  eta: `η = ${coef(a)}·N^${coef(alpha)}·D^${coef(beta)}`,
  Btokens: `B = ${coef(b)}·D^${coef(gamma)}`,
} as const;

const tableForm = "Step Law arXiv 2503.04715 Table 2 form, evaluated by hand";

export const stepLaw = defineLaw<{ N: number; D: number }, { eta: number; Btokens: number }>({
  id: "step-law",
  title: "Step Law optimal learning rate and batch",
  citation: { short: "Li et al. 2025 (Step Law)", arxiv: "2503.04715", repo: "step-law/steplaw@32a8f4cc", locator: "Eq. 1–2, Table 2 form" },
  verified: true,
  formula: `η_opt = ${coef(a)} · N^${coef(alpha)} · D^${coef(beta)};  B_opt = ${coef(b)} · D^${coef(gamma)} tokens`,
  coefficients: STEP_LAW,
  notes: [
    "N is non-embedding parameters L·(4h² + 3·h·ffn); η is the peak of a schedule ending at 1e-5.",
    "Standard parameterization (no μP): compare with lmplan's hidden-weight LR.",
  ],
  inputs: {
    N: { unit: "params (non-embedding)", description: "non-embedding parameters" },
    D: { unit: "tokens", description: "training tokens" },
  },
  outputs: {
    eta: { unit: "learning rate", description: "optimal peak LR" },
    Btokens: { unit: "tokens", description: "optimal global batch" },
  },
  fitRange: { N: [2.1e8, 1.07e9], D: [4e9, 1e11] },
  examples: [
    { id: "step-law-lr", what: "Step Law η_opt at N 7e9, D 1.4e12", input: { N: 7e9, D: 1.4e12 }, output: "eta", expected: 9.1656e-4, relTol: 1e-4, kind: "law", source: tableForm },
    { id: "step-law-batch", what: "Step Law B_opt (tokens) at D 1.4e12", input: { N: 7e9, D: 1.4e12 }, output: "Btokens", expected: 4.9988e6, relTol: 1e-4, kind: "law", source: tableForm },
  ],
  compute: ({ N, D }) => ({
    eta: a * N ** alpha * D ** beta,
    Btokens: b * D ** gamma,
  }),
  derive: ({ N, D }, _v, output) => `Step Law ${STEP_LAW_TERMS[output]} with non-embedding N = ${formatCount(N, 4)}, D = ${formatCount(D, 4)}`,
});
