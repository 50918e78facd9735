/**
 * Limited-memory BFGS with a strong-Wolfe line search.
 *
 * @see Nocedal & Wright, "Numerical Optimization" (2nd ed.), Alg. 7.4 (two-loop recursion),
 *      Alg. 3.5–3.6 (line search and zoom, cubic interpolation Eq. 3.59); stopping rules as scipy's
 *      L-BFGS-B (projected-gradient ∞-norm ≤ gtol, or relative reduction ≤ ftol).
 * Box constraints are handled by reparameterising (log for positive parameters) in the fitters, so
 * the optimizer itself is unconstrained — simpler, and exact for the fits lmplan does.
 */

export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when max |∂f/∂x_i| ≤ gtol (scipy pgtol default 1e-5). */
  gtol: number;
  /** Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol (scipy default 2.22e-9). */
  ftol: number;
  maxIterations: number;
  /** Pairs kept for the inverse-Hessian approximation (scipy maxcor default 10). */
  memory: number;
}

export const DEFAULT_LBFGS: LbfgsOptions = { gtol: 1e-5, ftol: 2.220446049250313e-9, maxIterations: 15000, memory: 10 };

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  gradNorm: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: "gtol" | "ftol" | "max-iterations" | "line-search" | "non-finite";
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

export function lbfgs(fn: Objective, x0: ArrayLike<number>, options: Partial<LbfgsOptions> = {}): LbfgsResult {
  const o = { ...DEFAULT_LBFGS, ...options };
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let evaluations = 1;
  let f = fn(x, g);
  if (!Number.isFinite(f)) return { x, f, gradNorm: NaN, iterations: 0, evaluations, converged: false, reason: "non-finite" };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(o.memory);
  for (let k = 0; k < o.maxIterations; k++) {
    const gn = infNorm(g);
    if (gn <= o.gtol) return { x, f, gradNorm: gn, iterations: k, evaluations, converged: true, reason: "gtol" };
    // Two-loop recursion: d = −H·g (Nocedal & Wright Alg. 7.4)
    for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
    const m = S.length;
    for (let j = m - 1; j >= 0; j--) {
      const a = (rho[j] as number) * dot(S[j] as Float64Array, d);
      alpha[j] = a;
      const y = Y[j] as Float64Array;
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) - a * (y[i] as number);
    }
    if (m > 0) {
      const y = Y[m - 1] as Float64Array;
      const gamma = dot(S[m - 1] as Float64Array, y) / dot(y, y);
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) * gamma;
    } else {
      // First step (no curvature yet): unit length along −g, as scipy's L-BFGS-B does. A step scaled
      // by |g| would crawl when a warm start sits near the optimum and trip the ftol test at once.
      const norm = Math.sqrt(dot(g, g));
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) / Math.max(norm, 1e-300);
    }
    for (let j = 0; j < m; j++) {
      const b = (rho[j] as number) * dot(Y[j] as Float64Array, d);
      const s = S[j] as Float64Array;
      const a = alpha[j] as number;
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) + (a - b) * (s[i] as number);
    }
    let dg = dot(d, g);
    if (!(dg < 0)) {
      // Not a descent direction (curvature broke down): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -(g[i] as number) / Math.max(gn, 1e-12);
      dg = dot(d, g);
    }
    const ls = lineSearch(fn, x, f, g, d, dg);
    evaluations += ls.evaluations;
    if (!ls.ok) return { x, f, gradNorm: gn, iterations: k, evaluations, converged: false, reason: "line-search" };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (ls.x[i] as number) - (x[i] as number);
      y[i] = (ls.g[i] as number) - (g[i] as number);
    }
    const fPrev = f;
    x = ls.x;
    g = ls.g;
    f = ls.f;
    const sy = dot(s, y);
    if (sy > 1e-16 * dot(y, y)) {
      if (S.length === o.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= o.ftol) {
      return { x, f, gradNorm: infNorm(g), iterations: k + 1, evaluations, converged: true, reason: "ftol" };
    }
  }
  return { x, f, gradNorm: infNorm(g), iterations: o.maxIterations, evaluations, converged: false, reason: "max-iterations" };
}

interface LineResult {
  ok: boolean;
  x: Float64Array;
  f: number;
  g: Float64Array;
  evaluations: number;
}

// Strong Wolfe conditions with c1 = 1e-4, c2 = 0.9 (Nocedal & Wright Alg. 3.5).
function lineSearch(fn: Objective, x: Float64Array, f0: number, g0: Float64Array, d: Float64Array, dg0: number): LineResult {
  const c1 = 1e-4;
  const c2 = 0.9;
  const n = x.length;
  let evaluations = 0;
  const at = (t: number) => {
    const xt = new Float64Array(n);
    for (let i = 0; i < n; i++) xt[i] = (x[i] as number) + t * (d[i] as number);
    const gt = new Float64Array(n);
    const ft = fn(xt, gt);
    evaluations++;
    return { t, x: xt, f: ft, g: gt, dg: dot(gt, d) };
  };
  type Pt = ReturnType<typeof at>;
  const zoom = (lo: { t: number; f: number; dg: number }, hi: { t: number; f: number; dg: number }): Pt | undefined => {
    for (let j = 0; j < 60; j++) {
      // Cubic interpolation between lo and hi, safeguarded to the middle 80% of the bracket.
      let t = cubicMin(lo.t, lo.f, lo.dg, hi.t, hi.f, hi.dg);
      const a = Math.min(lo.t, hi.t);
      const b = Math.max(lo.t, hi.t);
      if (!Number.isFinite(t) || t < a + 0.1 * (b - a) || t > b - 0.1 * (b - a)) t = (a + b) / 2;
      const p = at(t);
      if (!Number.isFinite(p.f) || p.f > f0 + c1 * t * dg0 || p.f >= lo.f) hi = p;
      else {
        if (Math.abs(p.dg) <= -c2 * dg0) return p;
        if (p.dg * (hi.t - lo.t) >= 0) hi = lo;
        lo = p;
      }
      if (Math.abs(hi.t - lo.t) < 1e-16 * Math.max(1, lo.t)) break;
    }
    return lo.t > 0 && lo.f < f0 ? (lo as Pt) : undefined;
  };
  let prev = { t: 0, f: f0, dg: dg0 };
  let t = 1;
  for (let i = 0; i < 40; i++) {
    const p = at(t);
    if (!Number.isFinite(p.f) || p.f > f0 + c1 * t * dg0 || (i > 0 && p.f >= prev.f)) {
      const z = zoom(prev, { t: p.t, f: Number.isFinite(p.f) ? p.f : Infinity, dg: Number.isFinite(p.dg) ? p.dg : Infinity });
      return z ? { ok: true, x: z.x, f: z.f, g: z.g, evaluations } : { ok: false, x, f: f0, g: g0, evaluations };
    }
    if (Math.abs(p.dg) <= -c2 * dg0) return { ok: true, x: p.x, f: p.f, g: p.g, evaluations };
    if (p.dg >= 0) {
      const z = zoom({ t: p.t, f: p.f, dg: p.dg }, prev);
      return z ? { ok: true, x: z.x, f: z.f, g: z.g, evaluations } : { ok: false, x, f: f0, g: g0, evaluations };
    }
    prev = { t: p.t, f: p.f, dg: p.dg };
    t *= 2;
  }
  return { ok: false, x, f: f0, g: g0, evaluations };
}

// Minimiser of the cubic through (a, fa, da), (b, fb, db) (Nocedal & Wright Eq. 3.59).
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(db)) return NaN;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
}
