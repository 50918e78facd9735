import { defineLaw } from "./types.js";

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
export const powerLinesTau = defineLaw<{ TPP: number; N: number }, { tauOpt: number }>({
  id: "power-lines-tau",
  title: "Power Lines optimal AdamW timescale τ_opt(TPP)",
  citation: { short: "Bergsma et al. 2025, Power Lines", arxiv: "2505.13738", locator: "abstract (τ = B/(ηλD)); τ_opt fit [S]" },
  verified: false,
  formula: "τ_opt = 1.084 · TPP^(−0.527);  λ_opt = B / (η · τ_opt · D)",
  notes: [
    "η is the peak learning rate applied to hidden (matrix) weights; under μP that is η_base/m_d (SCIENCE.md §0).",
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
  compute: ({ TPP }) => ({
    // Power Lines τ_opt fit [S]
    tauOpt: 1.084 * TPP ** -0.527,
  }),
});
