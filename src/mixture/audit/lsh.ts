/**
 * LSH banding: the probability that a pair becomes a candidate, and datasketch's rule for choosing
 * bands × rows.
 *
 * A pair whose sets have Jaccard similarity J agrees on one MinHash value with probability J (Broder
 * 1997), on a band of r values with probability J^r, and shares at least one of b bands with
 * probability P(J) = 1 − (1 − J^r)^b (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*,
 * ch. 3.4.2): the S-curve. Its steepest point is near (1/b)^(1/r).
 */

/** P(candidate | Jaccard j) for b bands of r rows (MMDS §3.4.2). */
export function candidateProbability(j: number, bands: number, rows: number): number {
  return 1 - (1 - j ** rows) ** bands;
}

/** Where the S-curve crosses 1/2's neighbourhood: (1/b)^(1/r), MMDS §3.4.3's approximate threshold. */
export function sCurveThreshold(bands: number, rows: number): number {
  return (1 / bands) ** (1 / rows);
}

export interface SCurvePoint {
  jaccard: number;
  probability: number;
}

/** The S-curve sampled at the given Jaccard similarities (default 0.1, 0.2, … 1.0 and the threshold). */
export function sCurve(bands: number, rows: number, at: readonly number[] = [0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1]): SCurvePoint[] {
  return at.map((j) => ({ jaccard: j, probability: candidateProbability(j, bands, rows) }));
}

// ---- Gauss–Legendre nodes: exact for the polynomial integrands below -----------------------------

const nodeCache = new Map<number, { x: Float64Array; w: Float64Array }>();

/** n-point Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n; Golub–Welsch would do too). */
function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const cached = nodeCache.get(n);
  if (cached) return cached;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    // Tricomi's initial guess, then Newton's method on the three-term recurrence
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      // p1 = P_n(z), p0 = P_{n−1}(z)
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
    w[n - 1 - i] = w[i] as number;
  }
  const out = { x, w };
  nodeCache.set(n, out);
  return out;
}

/** ∫_lo^hi f(s) ds with n Gauss–Legendre points (exact for polynomials of degree ≤ 2n − 1). */
function integrate(f: (s: number) => number, lo: number, hi: number, n: number): number {
  const { x, w } = gaussLegendre(n);
  const half = (hi - lo) / 2;
  const mid = (hi + lo) / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (w[i] as number) * f(mid + half * (x[i] as number));
  return sum * half;
}

/** Most permutations the parameter search takes (its cost grows as num_perm² · log num_perm). */
export const MAX_NUM_PERM = 1024;

/**
 * datasketch's `_optimal_param(threshold, num_perm, false_positive_weight, false_negative_weight)`
 * (ekzhu/datasketch `datasketch/lsh.py`, unchanged from v1.5.9 bc1b7621 to HEAD 8d4bda1b; copied into
 * text-dedup as `optimal_param`, ChenghaoMou/text-dedup `src/text_dedup/config/algorithms/minhash.py`
 * at 7538f3ec): over every b ≥ 1 and r ≤ ⌊num_perm / b⌋, minimise
 *   w_fp · ∫_0^t P(s) ds + w_fn · ∫_t^1 (1 − P(s)) ds,
 * keeping the first (b, r) reached in that loop order on ties (strict "<"). datasketch integrates with
 * SciPy's adaptive `quad`; the integrands are polynomials of degree r·b ≤ num_perm, which
 * Gauss–Legendre with ⌈(num_perm + 1)/2⌉ + 1 points integrates exactly, so the choice matches SciPy's
 * wherever quad converged (checked against SciPy 1.10.1 for 30 settings in test/audit-lsh.test.ts;
 * threshold 0.8 at 128 permutations gives SlimPajama's 9 bands × 13 rows).
 */
export function optimalParams(threshold: number, numPerm: number, falsePositiveWeight = 0.5, falseNegativeWeight = 0.5): { bands: number; rows: number; falsePositive: number; falseNegative: number } {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold must be in (0, 1), got ${threshold}`);
  if (!Number.isInteger(numPerm) || numPerm < 2 || numPerm > MAX_NUM_PERM) throw new RangeError(`num_perm must be a whole number in 2 … ${MAX_NUM_PERM}, got ${numPerm}`);
  const n = Math.ceil((numPerm + 1) / 2) + 1;
  let best = { bands: 0, rows: 0, falsePositive: 0, falseNegative: 0 };
  let minError = Number.POSITIVE_INFINITY;
  for (let b = 1; b <= numPerm; b++) {
    const maxR = Math.floor(numPerm / b);
    for (let r = 1; r <= maxR; r++) {
      const fp = integrate((s) => candidateProbability(s, b, r), 0, threshold, n);
      const fn = integrate((s) => 1 - candidateProbability(s, b, r), threshold, 1, n);
      const error = fp * falsePositiveWeight + fn * falseNegativeWeight;
      if (error < minError) {
        minError = error;
        best = { bands: b, rows: r, falsePositive: fp, falseNegative: fn };
      }
    }
  }
  return best;
}
