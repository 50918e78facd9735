import { chinchillaLoss, frontierConstants, type ChinchillaParams } from "./chinchilla-form.js";
import { coef, defineLaw } from "./types.js";

/**
 * Loss when data repeats: repeated tokens and excess parameters are worth exponentially less.
 *
 * D' = U_D + U_D·R_D*·(1 − e^(−R_D/R_D*)),  R_D = max(D/U_D − 1, 0)
 * N' = U_N + U_N·R_N*·(1 − e^(−R_N/R_N*)),  U_N = min(N, (U_D·G)^(β/α)·G),  R_N = max(N/U_N − 1, 0)
 * L  = E + A/N'^α + B/D'^β,  G = (αA/(βB))^(1/(α+β))   (the Chinchilla form at N', D')
 *
 * @see Muennighoff et al., "Scaling Data-Constrained Language Models", arXiv 2305.16264, §3 Eq. 5–7 and
 *      App.; coefficients from huggingface/datablations @ 13701315, README.md ("compute the expected loss") [P].
 * @param N total parameters; D training tokens; U unique tokens available
 * @returns L nats/token; Dprime effective data; Nprime effective parameters
 * @example N 6.34e9, D 242e9, U 25e9 → L 2.2256440889984477 (the README's own output);  D'/U_D at 4 epochs = 3.726
 */
// datablations README: (log A, log B, log E, α, β, R_D*, R_N*)
export const DATA_CONSTRAINED = {
  logA: 6.255414,
  logB: 7.3049974,
  logE: 0.6254804,
  alpha: 0.3526596,
  beta: 0.3526596,
  RDstar: 15.387756,
  RNstar: 5.309743,
} as const;
const P: ChinchillaParams = {
  A: Math.exp(DATA_CONSTRAINED.logA),
  B: Math.exp(DATA_CONSTRAINED.logB),
  E: Math.exp(DATA_CONSTRAINED.logE),
  alpha: DATA_CONSTRAINED.alpha,
  beta: DATA_CONSTRAINED.beta,
};

/** Effective data D' for D tokens drawn from U unique tokens. */
export function effectiveData(D: number, U: number): number {
  const RD = Math.max(D / U - 1, 0);
  return U + U * DATA_CONSTRAINED.RDstar * (1 - Math.exp(-RD / DATA_CONSTRAINED.RDstar));
}

/**
 * Loss from effective data D' and unique tokens U (the mixture planner sums D' over sources).
 * N' = U_N + U_N·R_N*·(1 − e^(−R_N/R_N*)), U_N = min(N, (U·G)^(β/α)·G), then L = E + A/N'^α + B/D'^β.
 */
export function lossFromEffectiveData(N: number, Dprime: number, U: number): { L: number; Nprime: number } {
  const { G } = frontierConstants(P);
  const UN = Math.min(N, (U * G) ** (P.beta / P.alpha) * G);
  const RN = Math.max(N / UN - 1, 0);
  const Nprime = UN + UN * DATA_CONSTRAINED.RNstar * (1 - Math.exp(-RN / DATA_CONSTRAINED.RNstar));
  return { L: chinchillaLoss(P, Nprime, Dprime), Nprime };
}

const readme = "huggingface/datablations @ 13701315 README.md: the printed output of the authors' scaling_law()";

export const dataConstrained = defineLaw<{ N: number; D: number; U: number }, { L: number; Dprime: number; Nprime: number }>({
  id: "data-constrained",
  title: "Data-constrained scaling (repeated data)",
  citation: { short: "Muennighoff et al. 2023", arxiv: "2305.16264", repo: "huggingface/datablations@13701315 README.md", locator: "§3, Eq. 5–7" },
  verified: true,
  formula: `L = E + A/N'^α + B/D'^β with D' = U + U·R*(1 − e^(−R/R*)), R_D* = ${coef(DATA_CONSTRAINED.RDstar)}, R_N* = ${coef(DATA_CONSTRAINED.RNstar)}`,
  coefficients: DATA_CONSTRAINED,
  notes: [
    "Repeating data up to ~4 epochs is nearly as good as fresh data (D'/U = 3.726 at 4 epochs).",
    "N counts all parameters; fitted on C4-like web text, so compare relative losses.",
  ],
  inputs: {
    N: { unit: "params", description: "total parameters" },
    D: { unit: "tokens", description: "training tokens (with repeats)" },
    U: { unit: "tokens", description: "unique tokens available" },
  },
  outputs: {
    L: { unit: "nats/token", description: "predicted final loss" },
    Dprime: { unit: "tokens", description: "effective data D'" },
    Nprime: { unit: "params", description: "effective parameters N'" },
  },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in the sources lmplan read (docs/science.md); lmplan cannot check extrapolation.",
  examples: [
    // The README prints its function's value to 17 figures; the same arithmetic in float64 agrees to rounding.
    { id: "muennighoff-1", what: "Data-constrained loss, N 6.34e9, D 242e9, U 25e9", input: { N: 6.34e9, D: 242e9, U: 25e9 }, output: "L", expected: 2.2256440889984477, relTol: 1e-12, kind: "published", source: readme },
    { id: "muennighoff-2", what: "Data-constrained loss, N 8.67e9, D 178e9, U 25e9", input: { N: 8.67e9, D: 178e9, U: 25e9 }, output: "L", expected: 2.2269634075087867, relTol: 1e-12, kind: "published", source: readme },
    // 4 epochs: R_D = 3, D'/U = 1 + R_D*·(1 − e^(−3/R_D*)) = 3.726
    { id: "muennighoff-4-epochs", what: "D'/U_D at 4 epochs", input: { N: 1e9, D: 4e10, U: 1e10 }, output: "Dprime", expected: 3.726e10, relTol: 1e-4, kind: "law", source: "1 + 15.387756·(1 − e^(−3/15.387756)) by hand" },
  ],
  compute: ({ N, D, U }) => {
    const Dprime = effectiveData(D, U);
    return { ...lossFromEffectiveData(N, Dprime, U), Dprime };
  },
});
