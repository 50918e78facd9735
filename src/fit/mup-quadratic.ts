/**
 * Quadratic (parabola) fits in log space for `lmplan fit mup`: a full quadratic
 * y ≈ c + Σ gᵢ·xᵢ + Σ hᵢⱼ·xᵢ·xⱼ over k ≤ MAX_QUADRATIC_AXES coordinates by least squares, its vertex
 * −H⁻¹·g, and whether H is positive definite (a bowl, not a saddle or a ridge).
 *
 * Why a quadratic in log η (and log σ): around the optimum the loss of a μP proxy is close to a parabola
 * in the logarithm of each base hyperparameter; Power Lines (Bergsma et al., arXiv 2505.13738) locates
 * λ_opt and η_opt per sweep from the best runs this way (lmplan's `fit timescale` does the same in log λ).
 * Pure arithmetic; every loop is bounded by the number of points and k.
 */

/** Most coordinates one joint fit takes: 1 + k + k(k+1)/2 unknowns (k = 4 → 15). */
export const MAX_QUADRATIC_AXES = 4;

/** Solve A·x = b by Gaussian elimination with partial pivoting; undefined when A is (numerically) singular. */
export function solveLinear(A: readonly (readonly number[])[], b: readonly number[]): number[] | undefined {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((M[r] as number[])[c] as number) > Math.abs((M[piv] as number[])[c] as number)) piv = r;
    [M[c], M[piv]] = [M[piv] as number[], M[c] as number[]];
    const rowC = M[c] as number[];
    const p = rowC[c] as number;
    if (!(Math.abs(p) > 1e-12)) return undefined;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = M[r] as number[];
      const f = (row[c] as number) / p;
      if (f === 0) continue;
      for (let cc = c; cc <= n; cc++) row[cc] = (row[cc] as number) - f * (rowC[cc] as number);
    }
  }
  const x = M.map((row, i) => (row[n] as number) / (row[i] as number));
  return x.every(Number.isFinite) ? x : undefined;
}

/** The features of a full quadratic in k coordinates: 1, xᵢ, then xᵢ·xⱼ for i ≤ j. */
function features(x: readonly number[]): number[] {
  const f = [1, ...x];
  for (let i = 0; i < x.length; i++) for (let j = i; j < x.length; j++) f.push((x[i] as number) * (x[j] as number));
  return f;
}

export function quadraticUnknowns(k: number): number {
  return 1 + k + (k * (k + 1)) / 2;
}

export interface QuadraticFit {
  /** Constant, gradient at the origin, Hessian (loss = c + gᵀx + ½·xᵀHx). */
  c: number;
  g: number[];
  H: number[][];
  /** −H⁻¹g; undefined when H is singular. */
  vertex?: number[];
  /** H is positive definite: the vertex is a minimum. */
  convex: boolean;
  /** Loss at the vertex. */
  minimum?: number;
  /** Root-mean-square residual of the fitted points. */
  rmsResidual: number;
}

/** Cholesky test: every leading pivot of H positive. */
export function positiveDefinite(H: readonly (readonly number[])[]): boolean {
  const n = H.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (H[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= ((L[i] as number[])[k] as number) * ((L[j] as number[])[k] as number);
      if (i === j) {
        if (!(s > 0)) return false;
        (L[i] as number[])[i] = Math.sqrt(s);
      } else (L[i] as number[])[j] = s / ((L[j] as number[])[j] as number);
    }
  }
  return true;
}

/**
 * Least-squares full quadratic through (x, y) points, x of k coordinates (already centred and scaled
 * by the caller, so the normal equations stay well conditioned). Undefined when there are too few
 * points or the design is singular (e.g. fewer than three distinct values on an axis).
 */
export function fitQuadratic(xs: readonly (readonly number[])[], ys: readonly number[]): QuadraticFit | undefined {
  const k = (xs[0] ?? []).length;
  const m = quadraticUnknowns(k);
  if (k === 0 || k > MAX_QUADRATIC_AXES || xs.length < m) return undefined;
  const AtA = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const Aty = new Array<number>(m).fill(0);
  for (let i = 0; i < xs.length; i++) {
    const f = features(xs[i] as number[]);
    const y = ys[i] as number;
    for (let r = 0; r < m; r++) {
      const row = AtA[r] as number[];
      for (let c = 0; c < m; c++) row[c] = (row[c] as number) + (f[r] as number) * (f[c] as number);
      Aty[r] = (Aty[r] as number) + (f[r] as number) * y;
    }
  }
  const beta = solveLinear(AtA, Aty);
  if (!beta) return undefined;
  const c = beta[0] as number;
  const g = beta.slice(1, 1 + k);
  const H = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let idx = 1 + k;
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const b = beta[idx++] as number;
      // y = … + b·xᵢxⱼ: the Hessian holds 2b on the diagonal and b off it (½xᵀHx = Σ b·xᵢxⱼ)
      if (i === j) (H[i] as number[])[i] = 2 * b;
      else {
        (H[i] as number[])[j] = b;
        (H[j] as number[])[i] = b;
      }
    }
  }
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (evalQuadratic({ c, g, H }, xs[i] as number[]) - (ys[i] as number)) ** 2;
  const convex = positiveDefinite(H);
  const v = solveLinear(H, g.map((x) => -x));
  const fit: QuadraticFit = { c, g, H, convex, rmsResidual: Math.sqrt(ss / xs.length) };
  if (v) {
    fit.vertex = v;
    fit.minimum = evalQuadratic(fit, v);
  }
  return fit;
}

export function evalQuadratic(q: Pick<QuadraticFit, "c" | "g" | "H">, x: readonly number[]): number {
  let y = q.c;
  for (let i = 0; i < x.length; i++) {
    y += (q.g[i] as number) * (x[i] as number);
    for (let j = 0; j < x.length; j++) y += 0.5 * ((q.H[i] as number[])[j] as number) * (x[i] as number) * (x[j] as number);
  }
  return y;
}
