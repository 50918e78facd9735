/**
 * The Chinchilla parametric loss and its compute-optimal frontier, shared by every law that takes
 * this form (Hoffmann's own fit, Epoch's refit, a user's fit, the data-constrained law's effective
 * N' and D'): the loss body and the frontier are written here once.
 *
 * @see Hoffmann et al., "Training Compute-Optimal Large Language Models", arXiv 2203.15556,
 *      §3.3 Eq. 2 (loss) and Eq. 4 (frontier) [P].
 */
import { coef, defineLaw, type Citation, type Law, type LawExample } from "./types.js";

export interface ChinchillaParams {
  E: number;
  A: number;
  B: number;
  alpha: number;
  beta: number;
}

// Hoffmann Eq. 2: L(N, D) = E + A/N^α + B/D^β
export function chinchillaLoss(p: ChinchillaParams, N: number, D: number): number {
  return p.E + p.A / N ** p.alpha + p.B / D ** p.beta;
}

/** Hoffmann Eq. 4's constants: G = (αA / (βB))^(1/(α+β)), a = β/(α+β), b = α/(α+β). */
export function frontierConstants(p: ChinchillaParams): { G: number; a: number; b: number } {
  const G = ((p.alpha * p.A) / (p.beta * p.B)) ** (1 / (p.alpha + p.beta));
  return { G, a: p.beta / (p.alpha + p.beta), b: p.alpha / (p.alpha + p.beta) };
}

/** Compute-optimal N and D for a budget C = 6·N·D FLOPs (Hoffmann Eq. 4). */
export function computeOptimal(p: ChinchillaParams, C: number): { N: number; D: number } {
  const { G, a, b } = frontierConstants(p);
  // N_opt = G (C/6)^a,  D_opt = G^−1 (C/6)^b
  return { N: G * (C / 6) ** a, D: (C / 6) ** b / G };
}

/** The compute-optimal D for a given N: invert N_opt(C) and read D_opt at that budget. */
export function optimalTokensForParams(p: ChinchillaParams, N: number): number {
  const { G, a } = frontierConstants(p);
  const C = 6 * (N / G) ** (1 / a);
  return computeOptimal(p, C).D;
}

/** The compute-optimal N for a given D. */
export function optimalParamsForTokens(p: ChinchillaParams, D: number): number {
  const { G, b } = frontierConstants(p);
  const C = 6 * (D * G) ** (1 / b);
  return computeOptimal(p, C).N;
}

/** "L = 1.8169 + 482.01/N^0.34781 + 2085.43/D^0.36585", each number printed by `fmt`. */
export function chinchillaFormula(p: ChinchillaParams, fmt: (x: number) => string = coef): string {
  return `L = ${fmt(p.E)} + ${fmt(p.A)}/N^${fmt(p.alpha)} + ${fmt(p.B)}/D^${fmt(p.beta)}`;
}

export type ChinchillaLaw = Law<{ N: number; D: number }, { L: number; C: number; NoptAtC: number; DoptAtC: number }>;

/**
 * A law of the Chinchilla form with the given parameters: L(N, D), C = 6·N·D and the frontier at C.
 * The published fits (Hoffmann, Epoch) and `lmplan fit loss`'s fitted law are all built here, so the
 * loss body exists once.
 *
 * @see Hoffmann et al., arXiv 2203.15556, §3.3 Eq. 2 and Eq. 4 [P]
 * @param spec the law's id, title, citation and fit range; `params` its E, A, B, α, β
 * @returns a law whose evaluate({N, D}) gives L, C, NoptAtC, DoptAtC
 * @example chinchillaLaw({ id: "fitted:loss", title: "your fitted loss law", params, ... }).evaluate({ N: 1e9, D: 2e10 }).value.L
 */
export function chinchillaLaw(spec: {
  id: string;
  title: string;
  citation: Citation;
  verified: boolean;
  params: ChinchillaParams;
  /** Default: chinchillaFormula(params) and the frontier. */
  formula?: string;
  notes?: string[];
  fitRange: { N?: readonly [number, number]; D?: readonly [number, number] };
  fitRangeNote?: string;
  examples?: readonly LawExample<{ N: number; D: number }, { L: number; C: number; NoptAtC: number; DoptAtC: number }>[];
}): ChinchillaLaw {
  const { params, formula, notes, ...rest } = spec;
  return defineLaw({
    ...rest,
    formula: formula ?? `${chinchillaFormula(params)};  N_opt = G(C/6)^(β/(α+β))`,
    coefficients: { ...params },
    notes: notes ?? [],
    inputs: {
      N: { unit: "params", description: "total parameters" },
      D: { unit: "tokens", description: "training tokens" },
    },
    outputs: {
      L: { unit: "nats/token", description: "predicted final loss" },
      C: { unit: "FLOPs", description: "6·N·D" },
      NoptAtC: { unit: "params", description: "compute-optimal N at the same C" },
      DoptAtC: { unit: "tokens", description: "compute-optimal D at the same C" },
    },
    compute: ({ N, D }) => {
      const C = 6 * N * D;
      const opt = computeOptimal(params, C);
      return { L: chinchillaLoss(params, N, D), C, NoptAtC: opt.N, DoptAtC: opt.D };
    },
  });
}
