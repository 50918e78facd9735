/**
 * Multi-power law: the whole loss curve under any LR schedule.
 *
 * L(s) = L0 + A·S1(s)^(−α) + B·LD(s),  S1(s) = Σ_{τ≤s} η_τ (warmup included),
 * LD(s) = Σ_{k=1..s} (η_k − η_{k−1}) · (1 − (1 + C·η_k^(−γ)·(S1(s) − S1(k−1)))^(−β)).
 * Warmup steps (η rising) add loss; decays subtract it. This is the repository's convention
 * (src/evaluation.py, src/models.py), which docs/science.md ("Loss curves") says to follow exactly.
 *
 * LD sums one term per LR change before each step, O(points × changes) by its definition
 * (lossDropDirect, kept as the reference); predictCurve evaluates it in time linear in points + changes
 * through a quadrature of Euler's integral for z^(−β) (lossDropFast, below), to about 1e-13 per term.
 *
 * @see Luo et al., "A Multi-Power Law for Loss Curve Prediction Across Learning Rate Schedules",
 *      arXiv 2503.12811; thu-yao-01-luo/MultiPowerLaw @8da9f190 src/config.py (fitted parameters) [P].
 * @example 400M parameters, constant_24000 at step 23936 → 2.8172 (observed 2.8167)
 */
import type { Citation } from "./types.js";

export interface MultiPowerParams {
  L0: number;
  A: number;
  alpha: number;
  B: number;
  C: number;
  beta: number;
  gamma: number;
}

export const MPL_KEYS = ["L0", "A", "alpha", "B", "C", "beta", "gamma"] as const;

export const MULTI_POWER_CITATION: Citation = {
  short: "Luo et al. 2025 (Multi-Power Law)",
  arxiv: "2503.12811",
  repo: "thu-yao-01-luo/MultiPowerLaw@8da9f190 src/config.py, src/evaluation.py",
  locator: "Eq. (multi-power law); PARAMS",
};

const fromArray = (a: readonly number[]): MultiPowerParams => ({
  L0: a[0] as number,
  A: a[1] as number,
  alpha: a[2] as number,
  B: a[3] as number,
  C: a[4] as number,
  beta: a[5] as number,
  gamma: a[6] as number,
});

/** The authors' fits (25M, 100M, 400M models; peak LR 3e-4, 2160 warmup steps). */
export const MULTI_POWER_PUBLISHED: Readonly<Record<"25M" | "100M" | "400M", MultiPowerParams>> = {
  "25M": fromArray([3.04045406, 0.52468604, 0.50786857, 363.78751622, 2.06560812, 0.58279013, 0.64142257]),
  "100M": fromArray([2.6514477, 0.60115152, 0.45295811, 437.9464276, 2.13245612, 0.59785199, 0.65523644]),
  "400M": fromArray([2.37474466, 0.65421216, 0.42878731, 523.42464371, 2.02462735, 0.59350493, 0.63472457]),
};

/**
 * Longest schedule (optimizer steps) lmplan evaluates the law on. The law needs the LR at every step,
 * so a curve costs a few arrays of this length, 8 bytes a step each (about 0.6 GB at the limit for one
 * curve, see test/hostile/data.test.ts); 1e7 steps is past any published pre-training run. Readers of
 * logged curves and schedule predictions refuse longer ones with an error naming the field.
 */
export const MAX_CURVE_STEPS = 10_000_000;

/**
 * The LR changes of a schedule, in step order: what LD sums over. A change at step k has gap
 * η_k − η_{k−1}, the LR η_k after it and S1(k − 1), the cumulative LR before it. Inside the fitter a
 * "change" may also be a block of consecutive changes summed at its middle step (src/fit/curves.ts).
 */
export interface LrChanges {
  step: Int32Array;
  gap: Float64Array;
  eta: Float64Array;
  before: Float64Array;
}

/** A schedule prepared for evaluation: S1 at every step and the steps where the LR changes. */
export interface PreparedSchedule {
  /** S1 at every step: cumsum of the per-step LR array. */
  cumLr: Float64Array;
  changes: LrChanges;
}

export function prepareSchedule(lrs: ArrayLike<number>): PreparedSchedule {
  const n = lrs.length;
  const cumLr = new Float64Array(n);
  // Two passes straight into typed arrays: 8 bytes a step for cumLr plus 24 bytes per LR change.
  let changes = 0;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += lrs[k] as number;
    cumLr[k] = sum;
    if (k > 0 && lrs[k] !== lrs[k - 1]) changes++;
  }
  const ch: LrChanges = { step: new Int32Array(changes), gap: new Float64Array(changes), eta: new Float64Array(changes), before: new Float64Array(changes) };
  for (let k = 1, j = 0; k < n; k++) {
    if (lrs[k] === lrs[k - 1]) continue;
    ch.step[j] = k;
    ch.gap[j] = (lrs[k] as number) - (lrs[k - 1] as number);
    ch.eta[j] = lrs[k] as number;
    ch.before[j] = cumLr[k - 1] as number;
    j++;
  }
  return { cumLr, changes: ch };
}

/**
 * G(x) = 1 − (1 + x)^(−β) of one change, x = C·η_k^(−γ)·(S1(s) − S1(k−1)). An LR that drops to exactly
 * 0 makes x = ∞·0 at its own step: lmplan takes the limit along η_k → 0 with S1(s) − S1(k−1) = η_k,
 * x = C·η_k^(1−γ) → 0 (γ < 1 in every published fit), so G = 0 until some LR > 0 follows, then 1.
 * (The repository's numpy code gives NaN there; its schedules never reach 0.)
 */
function gOne(p: MultiPowerParams, eta: number, diff: number): number {
  if (eta === 0) return diff > 0 ? 1 : 0;
  const x = p.C * Math.exp(-p.gamma * Math.log(eta)) * diff;
  return -Math.expm1(-p.beta * Math.log1p(x));
}

/** LD(s) by the defining sum: one term per LR change at or before s (the reference; O(changes)). */
export function lossDropDirect(p: MultiPowerParams, sch: PreparedSchedule, s: number): number {
  const ch = sch.changes;
  const Ss = sch.cumLr[s] as number;
  let ld = 0;
  for (let j = 0; j < ch.step.length; j++) {
    if ((ch.step[j] as number) > s) break;
    ld += (ch.gap[j] as number) * gOne(p, ch.eta[j] as number, Ss - (ch.before[j] as number));
  }
  return ld;
}

/** Predicted loss at each of `steps` by the defining sums: O(points × changes). For tests and benches. */
export function predictCurveDirect(p: MultiPowerParams, sch: PreparedSchedule, steps: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: steps.length }, (_, i) => {
    const s = steps[i] as number;
    return p.L0 + p.A * (sch.cumLr[s] as number) ** -p.alpha + p.B * lossDropDirect(p, sch, s);
  });
}

// ---- LD in time linear in points + changes -------------------------------------------------------
//
// Write 1 + x = u·q with u = C·η_k^(−γ), p_k = 1/u and q = S1(s) − S1(k−1) + p_k. Then
//   G = 1 − (u·q)^(−β) = u^(−β)·(p_k^(−β) − q^(−β)) = u^(−β)/Γ(β) · ∫₀^∞ t^(β−1)·(e^(−t·p_k) − e^(−t·q)) dt
// (Euler's integral for z^(−β)). With t = e^v the integrand is smooth and decays at both ends, so the
// trapezoidal rule on nodes v_n = n·h converges geometrically (error ≈ e^(−π²/h); Trefethen & Weideman,
// SIAM Review 56(3) 2014, §5). The node sums factor: e^(−t·q) = e^(−t·S1(s))·e^(t·(S1(k−1) − p_k)), so
// for each node one running sum over changes, multiplied by e^(−t·ΔS1) from one logged point to the
// next, gives LD at every point: O((points + changes) × nodes) instead of O(points × changes).
// Nodes sit on the fixed lattice t = 2^(n/m), so the exponentials follow from one another by squaring.

/**
 * How closely each term G is computed: `accuracy` bounds the trapezoidal error (which picks the
 * number of nodes per doubling of t) and `tau` the part of the integral cut at small t.
 */
export interface QuadratureOptions {
  accuracy: number;
  tau: number;
}

/** For reported predictions and errors: each G to about 1e-13 (test/fit-curves.test.ts checks it against the defining sum). */
export const QUADRATURE_EXACT: QuadratureOptions = { accuracy: 1e-13, tau: 1e-13 };
/** Inside the optimizer: each G to about 1e-6, at about half the nodes. */
export const QUADRATURE_FAST: QuadratureOptions = { accuracy: 1e-6, tau: 1e-9 };

/**
 * Nodes per doubling of t for a trapezoidal error ≤ accuracy: the error is about
 * 2·|Γ(β − 2πi/h)|/Γ(β) ≈ 2√(2π)·(2π/h)^(β−1/2)·e^(−π²/h)/Γ(β) with h = ln 2/m (the Fourier transform
 * of the integrand at 2π/h; Trefethen & Weideman 2014, Thm 5.1).
 */
export function nodesPerOctave(beta: number, accuracy: number): number {
  for (let m = 1; m < 12; m++) {
    const h = Math.LN2 / m;
    const lnErr = Math.log(2 * Math.sqrt(2 * Math.PI)) + (beta - 0.5) * Math.log((2 * Math.PI) / h) - (Math.PI * Math.PI) / h - lnGamma(beta);
    if (lnErr <= Math.log(accuracy)) return m;
  }
  return 12;
}

/** Most quadrature nodes one evaluation uses (parameters needing more fall back to the defining sum). */
const MAX_NODES = 4000;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; Numerical Recipes 3rd ed. §6.1; ~1e-15). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ψ(x) = d ln Γ(x)/dx for x > 0 (recurrence to x ≥ 6, then the asymptotic series; Abramowitz & Stegun 6.3.18). */
export function digamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** ∂LD/∂ln C, ∂LD/∂ln β, ∂LD/∂ln γ at each target, when asked for. */
export interface LossDropGrad {
  lnC: Float64Array;
  lnBeta: Float64Array;
  lnGamma: Float64Array;
}

/*
 * e^(−t_n·y) along the nodes, each residue class mod m by repeated squaring (t doubles along it). While
 * the value is near 1 it is carried as D = 1 − value (D ← D·(2 − D)), so that squaring keeps the
 * relative precision of the exponent. The two helpers below fuse that with what is done to each node.
 */

/** a[n] *= e^(−t_n·y) for n < top (a second array b too, when given); returns one past the last non-zero node. */
function decayBy(y: number, t: Float64Array, m: number, top: number, a: Float64Array, b?: Float64Array, c?: Float64Array, d?: Float64Array): number {
  let newTop = 0;
  for (let r = 0; r < m && r < top; r++) {
    let n = r;
    let D = -Math.expm1(-(t[r] as number) * y);
    let E = 0;
    if (b === undefined) {
      for (; n < top && D < 0.5; n += m, D *= 2 - D) a[n] = (a[n] as number) * (1 - D);
      for (E = 1 - D; n < top && E > 1e-300; n += m, E *= E) a[n] = (a[n] as number) * E;
    } else {
      const bb = b, cc = c as Float64Array, dd = d as Float64Array;
      for (; n < top && D < 0.5; n += m, D *= 2 - D) {
        const e = 1 - D;
        a[n] = (a[n] as number) * e;
        bb[n] = (bb[n] as number) * e;
        cc[n] = (cc[n] as number) * e;
        dd[n] = (dd[n] as number) * e;
      }
      for (E = 1 - D; n < top && E > 1e-300; n += m, E *= E) {
        a[n] = (a[n] as number) * E;
        bb[n] = (bb[n] as number) * E;
        cc[n] = (cc[n] as number) * E;
        dd[n] = (dd[n] as number) * E;
      }
    }
    newTop = Math.max(newTop, n < top ? n - m + 1 : top);
    for (; n < top; n += m) {
      a[n] = 0;
      if (b !== undefined) {
        b[n] = 0;
        (c as Float64Array)[n] = 0;
        (d as Float64Array)[n] = 0;
      }
    }
  }
  return newTop;
}

/**
 * a[n] += w·e^(−t_n·y) over the nodes (b, c, d likewise with weights wb, wc, wd, when given); returns
 * one past the last node where the exponential is non-zero.
 */
function addExp(y: number, t: Float64Array, m: number, J: number, w: number, a: Float64Array, wb = 0, b?: Float64Array, wc = 0, c?: Float64Array, wd = 0, d?: Float64Array): number {
  let top = 0;
  for (let r = 0; r < m && r < J; r++) {
    let n = r;
    let D = -Math.expm1(-(t[r] as number) * y);
    let E = 0;
    if (b === undefined) {
      for (; n < J && D < 0.5; n += m, D *= 2 - D) a[n] = (a[n] as number) + w * (1 - D);
      for (E = 1 - D; n < J && E > 1e-300; n += m, E *= E) a[n] = (a[n] as number) + w * E;
    } else {
      const bb = b, cc = c as Float64Array, dd = d as Float64Array;
      for (; n < J && D < 0.5; n += m, D *= 2 - D) {
        const e = 1 - D;
        a[n] = (a[n] as number) + w * e;
        bb[n] = (bb[n] as number) + wb * e;
        cc[n] = (cc[n] as number) + wc * e;
        dd[n] = (dd[n] as number) + wd * e;
      }
      for (E = 1 - D; n < J && E > 1e-300; n += m, E *= E) {
        a[n] = (a[n] as number) + w * E;
        bb[n] = (bb[n] as number) + wb * E;
        cc[n] = (cc[n] as number) + wc * E;
        dd[n] = (dd[n] as number) + wd * E;
      }
    }
    top = Math.max(top, n < J ? n - m + 1 : J);
  }
  return top;
}

/**
 * LD at ascending target steps `tSteps` (with S1 at each in `tS`), in O((targets + changes) × nodes).
 * Returns undefined where the parameters put the nodes out of floating-point range (β·ln(range) past
 * e^±700, or more than MAX_NODES nodes): the caller then uses the defining sum.
 */
export function lossDropFast(p: MultiPowerParams, ch: LrChanges, tSteps: ArrayLike<number>, tS: ArrayLike<number>, q: QuadratureOptions = QUADRATURE_EXACT, grad?: LossDropGrad): Float64Array | undefined {
  const P = tSteps.length;
  const K = ch.step.length;
  const out = new Float64Array(P);
  if (grad) {
    grad.lnC.fill(0);
    grad.lnBeta.fill(0);
    grad.lnGamma.fill(0);
  }
  if (P === 0) return out;
  const { C, beta, gamma } = p;
  if (!(C > 0 && beta > 0 && gamma >= 0 && Number.isFinite(C) && Number.isFinite(beta) && Number.isFinite(gamma))) return undefined;
  const lnC = Math.log(C);
  // Per change: ℓ = ln u = ln C − γ·ln η, p = 1/u. A change to LR 0 is instantaneous (gOne).
  const pk = new Float64Array(K);
  const lam = new Float64Array(K); // −ln η
  let pMin = Infinity;
  let pMax = 0;
  let aMin = Infinity;
  let etaMax = 0;
  for (let k = 0; k < K; k++) etaMax = Math.max(etaMax, ch.eta[k] as number);
  for (let k = 0; k < K; k++) {
    const eta = ch.eta[k] as number;
    // An LR below 1e-30 of the peak is taken as 0 (gOne's limit): its transition scale η^γ/C would
    // need hundreds of octaves of nodes to resolve a change no optimizer can see.
    if (eta === 0 || eta < 1e-30 * etaMax) continue;
    const l = -Math.log(eta);
    lam[k] = l;
    const pv = Math.exp(-(lnC + gamma * l));
    if (!(pv < Infinity)) return undefined;
    if (!(pv > 0)) continue;
    pk[k] = pv;
    if (pv < pMin) pMin = pv;
    if (pv > pMax) pMax = pv;
    if ((ch.before[k] as number) < aMin) aMin = ch.before[k] as number;
  }
  const m = nodesPerOctave(beta, q.accuracy);
  const h = Math.LN2 / m;
  let J = 0;
  let t = new Float64Array(0);
  let v = new Float64Array(0);
  let W = new Float64Array(0);
  const lg = lnGamma(beta);
  const psi = grad ? digamma(beta) : 0;
  let vref = 0;
  if (pMax > 0) {
    const qMax = Math.max((tS[P - 1] as number) - aMin, 0) + pMax;
    // Lower end: below t₀ the integrand is ≈ t^β·(q − p), whose integral is ≤ (t₀·q)^(β+1) of G.
    // Upper end: past y/p_min, (t·p)^β·e^(−t·p)/Γ(β) ≤ e^(−y)·y^β/Γ(β) ≤ 1e-3·tau.
    let y = 40;
    for (let i = 0; i < 8; i++) y = Math.max(1, -Math.log(q.tau * 1e-3) + beta * Math.log(y) - lg);
    const jlo = Math.floor(Math.log(q.tau ** (1 / (beta + 1)) / qMax) / h);
    const jhi = Math.ceil(Math.log(y / pMin) / h);
    J = jhi - jlo + 1;
    if (!(J > 0 && J <= MAX_NODES)) return undefined;
    vref = -0.5 * (Math.log(pMin) + Math.log(pMax));
    t = new Float64Array(J);
    v = new Float64Array(J);
    W = new Float64Array(J);
    for (let n = 0; n < J; n++) {
      v[n] = (jlo + n) * h;
      t[n] = Math.exp(v[n] as number);
      const e = beta * ((v[n] as number) - vref) - lg;
      if (e > 700) return undefined;
      W[n] = h * Math.exp(e);
    }
  }
  // c_k = gap·u^(−β) scaled by e^(β·vref) (W carries e^(−β·vref)): no overflow for either.
  const ck = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    if (pk[k] === 0) continue;
    const e = beta * (vref + Math.log(pk[k] as number));
    if (e > 700) return undefined;
    ck[k] = (ch.gap[k] as number) * Math.exp(e);
  }
  const FA = new Float64Array(J);
  const FB = new Float64Array(J);
  const g = grad !== undefined;
  // gradient sums: Σ c·p·e, Σ c·λ·e, Σ c·p·λ·e over changes (A: e^(−t·p), B: e^(−t·q))
  const FpA = new Float64Array(g ? J : 0), FpB = new Float64Array(g ? J : 0);
  const FlA = new Float64Array(g ? J : 0), FlB = new Float64Array(g ? J : 0);
  const FplA = new Float64Array(g ? J : 0), FplB = new Float64Array(g ? J : 0);
  let kc = 0;
  let prevS = 0;
  let bTop = 0; // nodes ≥ bTop hold 0 in every B sum
  let aTop = 0;
  const zeros: number[] = [];
  let zq = 0;
  let zeroSum = 0;
  for (let i = 0; i < P; i++) {
    const s = tSteps[i] as number;
    const S = tS[i] as number;
    if (bTop > 0 && S > prevS) bTop = g ? decayBy(S - prevS, t, m, bTop, FB, FpB, FlB, FplB) : decayBy(S - prevS, t, m, bTop, FB);
    prevS = S;
    for (; kc < K && (ch.step[kc] as number) <= s; kc++) {
      if (pk[kc] === 0) {
        zeros.push(kc);
        continue;
      }
      const pv = pk[kc] as number;
      const c = ck[kc] as number;
      const yq = S - (ch.before[kc] as number) + pv;
      let ta: number;
      let tb: number;
      if (g) {
        const l = lam[kc] as number;
        ta = addExp(pv, t, m, J, c, FA, c * pv, FpA, c * l, FlA, c * pv * l, FplA);
        tb = addExp(yq, t, m, J, c, FB, c * pv, FpB, c * l, FlB, c * pv * l, FplB);
      } else {
        ta = addExp(pv, t, m, J, c, FA);
        tb = addExp(yq, t, m, J, c, FB);
      }
      if (ta > aTop) aTop = ta;
      if (tb > bTop) bTop = tb;
    }
    for (; zq < zeros.length && S > (ch.before[zeros[zq] as number] as number); zq++) zeroSum += ch.gap[zeros[zq] as number] as number;
    let ld = 0;
    for (let n = 0; n < aTop; n++) ld += (W[n] as number) * ((FA[n] as number) - (FB[n] as number));
    out[i] = ld + zeroSum;
    if (grad) {
      let dC = 0;
      let dG = 0;
      let dB = 0;
      let fl = 0;
      for (let n = 0; n < aTop; n++) {
        const w = W[n] as number;
        const tn = t[n] as number;
        const F = (FA[n] as number) - (FB[n] as number);
        const Fl = (FlA[n] as number) - (FlB[n] as number);
        dC += w * (tn * ((FpA[n] as number) - (FpB[n] as number)) - beta * F);
        dG += w * (tn * ((FplA[n] as number) - (FplB[n] as number)) - beta * Fl);
        dB += w * ((v[n] as number) - psi) * F;
        fl += w * Fl;
      }
      grad.lnC[i] = dC;
      grad.lnGamma[i] = gamma * dG;
      grad.lnBeta[i] = beta * (dB - lnC * ld - gamma * fl);
    }
  }
  return out;
}

/** LD(s) of the multi-power law at one step. */
export function lossDrop(p: MultiPowerParams, sch: PreparedSchedule, s: number): number {
  const r = lossDropFast(p, sch.changes, [s], [sch.cumLr[s] as number]);
  return r ? (r[0] as number) : lossDropDirect(p, sch, s);
}

/**
 * Predicted loss at each of `steps` (any order), in time linear in the number of steps and LR changes.
 * Each G is computed to about 1e-12 (QUADRATURE_EXACT); parameters outside the quadrature's range fall
 * back to the defining sum.
 */
export function predictCurve(p: MultiPowerParams, sch: PreparedSchedule, steps: ArrayLike<number>): Float64Array {
  const n = steps.length;
  const order = Array.from({ length: n }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < n; i++) if ((steps[i] as number) < (steps[i - 1] as number)) sorted = false;
  if (!sorted) order.sort((a, b) => (steps[a] as number) - (steps[b] as number));
  const ts = Int32Array.from(order, (i) => steps[i] as number);
  const tS = Float64Array.from(ts, (s) => sch.cumLr[s] as number);
  const ld = lossDropFast(p, sch.changes, ts, tS);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const s = ts[j] as number;
    const d = ld ? (ld[j] as number) : lossDropDirect(p, sch, s);
    out[order[j] as number] = p.L0 + p.A * (tS[j] as number) ** -p.alpha + p.B * d;
  }
  return out;
}
