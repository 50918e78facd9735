import { formatSig } from "../units/format.js";
import { coef, defineLaw } from "./types.js";

/**
 * Optimal AdamW timescale as a function of tokens per parameter.
 *
 * τ = B / (η·λ·D) is the fraction of the run the weight EMA averages over (Power Lines, abstract;
 * AdamW is an EMA of updates with α = ηλ, τ_iter = 1/(ηλ), S = D/B steps, τ = τ_iter/S).
 * Fitting τ_opt across (N, D) gives a power law in TPP = D/N; the optimal weight decay follows:
 * λ_opt = B / (η · τ_opt(TPP) · D), linear in B at fixed N and D.
 *
 * @see Bergsma, Dey, Gosal, Gray, Soboleva, Hestness, "Power Lines", arXiv 2505.13738 (NeurIPS 2025),
 *      abstract (τ definition, [P]); coefficient 1.084 and exponent −0.527 from secondary transcriptions
 *      ([S]; R² = 0.975; exponent bootstrap 10–90%: −0.529 … −0.507).
 * @param TPP tokens per parameter D/N (dimensionless)
 * @returns tauOpt, dimensionless fraction of training
 * @example τ_opt(20) = 0.2236; τ_opt(1) = 1.084; τ_opt(200) = 0.0664
 */
// Power Lines τ_opt fit [S]: τ_opt = c · TPP^m
export const POWER_LINES_TAU = { c: 1.084, m: -0.527 } as const;
const { c, m } = POWER_LINES_TAU;

/** "τ_opt = 1.084 · TPP^−0.527": the planner's short form of the law. */
export const POWER_LINES_TAU_TERM = `τ_opt = ${coef(c)} · TPP^${coef(m)}`;

const hand = "docs/science.md (τ_opt evaluated by hand)";

export const powerLinesTau = defineLaw<{ TPP: number; N: number }, { tauOpt: number }>({
  id: "power-lines-tau",
  title: "Power Lines optimal AdamW timescale τ_opt(TPP)",
  citation: { short: "Bergsma et al. 2025, Power Lines", arxiv: "2505.13738", locator: "abstract (τ = B/(ηλD)); τ_opt fit [S]" },
  verified: false,
  formula: `τ_opt = ${coef(c)} · TPP^(${coef(m)});  λ_opt = B / (η · τ_opt · D)`,
  coefficients: POWER_LINES_TAU,
  notes: [
    "η is the peak learning rate applied to hidden (matrix) weights; under μP that is η_base/m_d (docs/science.md, conventions).",
    "λ is PyTorch-style decoupled AdamW weight_decay (per-step shrink η·λ).",
    "Fitted on GPT-2-like models with ALiBi + SwiGLU on SlimPajama, μP, 10% warmup then linear decay to zero.",
  ],
  inputs: {
    TPP: { unit: "tokens/param", description: "tokens per parameter D/N" },
    N: { unit: "params", description: "total parameters (only checked against the fitted range)" },
  },
  outputs: { tauOpt: { unit: "fraction of training", description: "optimal AdamW EMA timescale" } },
  fitRange: { TPP: [20, 1000], N: [111e6, 3.3e9] },
  fitRangeNote: "N 111M–3.3B and TPP from ~20 to '>1000' [S]; 1000 is used as the checked upper edge.",
  examples: [
    // At TPP 1 the law returns its coefficient: the secondary sources' 1.084 itself.
    { id: "tau-tpp1", what: "τ_opt at TPP 1", input: { TPP: 1, N: 610e6 }, output: "tauOpt", expected: 1.084, relTol: 1e-9, kind: "law", source: "Power Lines arXiv 2505.13738 [S] (the coefficient)" },
    { id: "tau-tpp20", what: "τ_opt at TPP 20", input: { TPP: 20, N: 610e6 }, output: "tauOpt", expected: 0.2236, relTol: 5e-4, kind: "law", source: hand },
    { id: "tau-tpp200", what: "τ_opt at TPP 200", input: { TPP: 200, N: 610e6 }, output: "tauOpt", expected: 0.0664, relTol: 1e-3, kind: "law", source: hand },
  ],
  compute: ({ TPP }) => ({ tauOpt: c * TPP ** m }),
  derive: ({ TPP }) => `${POWER_LINES_TAU_TERM} at TPP ${formatSig(TPP, 4)}`,
});
