/**
 * The Chinchilla parametric loss and its compute-optimal frontier, shared by every law that takes
 * this form (Hoffmann's own fit, Epoch's refit, a user's fit).
 *
 * @see Hoffmann et al., "Training Compute-Optimal Large Language Models", arXiv 2203.15556,
 *      §3.3 Eq. 2 (loss) and Eq. 4 (frontier) [P].
 */
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

// Hoffmann Eq. 4: G = (αA / (βB))^(1/(α+β)), a = β/(α+β), b = α/(α+β)
function frontierConstants(p: ChinchillaParams) {
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
