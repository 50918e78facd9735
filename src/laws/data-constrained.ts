import { defineLaw } from "./types.js";

/**
 * Loss when data repeats: repeated tokens and excess parameters are worth exponentially less.
 *
 * D' = U_D + U_D·R_D*·(1 − e^(−R_D/R_D*)),  R_D = max(D/U_D − 1, 0)
 * N' = U_N + U_N·R_N*·(1 − e^(−R_N/R_N*)),  U_N = min(N, (U_D·G)^(β/α)·G),  R_N = max(N/U_N − 1, 0)
 * L  = E + A/N'^α + B/D'^β,  G = (αA/(βB))^(1/(α+β))
 *
 * @see Muennighoff et al., "Scaling Data-Constrained Language Models", arXiv 2305.16264, §3 Eq. 5–7 and
 *      App.; coefficients from huggingface/datablations README [P].
 * @param N total parameters; D training tokens; U unique tokens available
 * @returns L nats/token; Dprime effective data; Nprime effective parameters
 * @example N 6.34e9, D 242e9, U 25e9 → L 2.22564;  D'/U_D at 4 epochs = 3.726
 */
const RD_STAR = 15.387756;
const RN_STAR = 5.309743;
const A = Math.exp(6.255414);
const B = Math.exp(7.3049974);
const E = Math.exp(0.6254804);
const ALPHA = 0.3526596;
const BETA = 0.3526596;

/** Effective data D' for D tokens drawn from U unique tokens. */
export function effectiveData(D: number, U: number): number {
  const RD = Math.max(D / U - 1, 0);
  return U + U * RD_STAR * (1 - Math.exp(-RD / RD_STAR));
}

/**
 * Loss from effective data D' and unique tokens U (the mixture planner sums D' over sources).
 * N' = U_N + U_N·R_N*·(1 − e^(−R_N/R_N*)), U_N = min(N, (U·G)^(β/α)·G), then L = E + A/N'^α + B/D'^β.
 */
export function lossFromEffectiveData(N: number, Dprime: number, U: number): { L: number; Nprime: number } {
  const G = ((ALPHA * A) / (BETA * B)) ** (1 / (ALPHA + BETA));
  const UN = Math.min(N, (U * G) ** (BETA / ALPHA) * G);
  const RN = Math.max(N / UN - 1, 0);
  const Nprime = UN + UN * RN_STAR * (1 - Math.exp(-RN / RN_STAR));
  return { L: E + A / Nprime ** ALPHA + B / Dprime ** BETA, Nprime };
}

export const dataConstrained = defineLaw<{ N: number; D: number; U: number }, { L: number; Dprime: number; Nprime: number }>({
  id: "data-constrained",
  title: "Data-constrained scaling (repeated data)",
  citation: { short: "Muennighoff et al. 2023", arxiv: "2305.16264", locator: "§3, Eq. 5–7; huggingface/datablations README" },
  verified: true,
  formula: "L = E + A/N'^α + B/D'^β with D' = U + U·R*(1 − e^(−R/R*)), R_D* = 15.39, R_N* = 5.31",
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
  fitRangeNote: "Fit range not recorded in SCIENCE.md; lmplan cannot check extrapolation.",
  compute: ({ N, D, U }) => {
    const Dprime = effectiveData(D, U);
    return { ...lossFromEffectiveData(N, Dprime, U), Dprime };
  },
});
