/**
 * From a uniform sample to the corpus it was drawn from.
 *
 * Sampling each document independently with probability f keeps a duplicate *pair* only when both
 * members are drawn: probability f². So the sample shows about f² of the corpus's duplicate pairs while
 * holding f of its documents, and its duplicate rate understates the corpus's (a corpus cluster of K
 * copies leaves Binomial(K, f) in the sample, often 1: no longer a duplicate).
 *
 * lmplan's correction (a method-of-moments under Bernoulli sampling; lmplan's own, docs/science.md §15):
 * - pairs: P̂ = P_s / f² (unbiased); triples T̂ = T_s / f³;
 * - cluster size: if corpus duplicate clusters had one size K, E[T]/E[P] = (K − 2)/3, so
 *   K̂ = 2 + 3·T_s / (f·P_s) — pairs say how many, triples say how big;
 * - removed documents: R̂ = P̂·(K̂ − 1)/C(K̂, 2) = 2 P̂ / K̂, over N̂ = n_s / f documents.
 * The interval brackets the cluster-size assumption: at least the sample's own rate (a cluster can only
 * look smaller in a sample: E[D_s] ≤ D), at most the rate if every duplicate were a pair
 * (R ≤ P, so D ≤ P̂/N̂); each end widened by its sampling error (Wilson interval on the sample rate,
 * a Poisson interval on the pair count), at 95%.
 */

export interface SampleEstimate {
  fraction: number;
  sampleDocuments: number;
  corpusDocuments: number;
  samplePairs: number;
  sampleTriples: number;
  corpusPairs: { point: number; low: number; high: number };
  /** K̂, the cluster size the pairs and triples imply. */
  clusterSize: number;
  sampleRate: number;
  corpusRate: { point: number; low: number; high: number };
  method: string;
}

const Z = 1.959964;

/** Wilson score interval for a proportion (95%). */
function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const d = 1 + (Z * Z) / n;
  const c = p + (Z * Z) / (2 * n);
  const r = Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n));
  return [Math.max(0, (c - r) / d), Math.min(1, (c + r) / d)];
}

/** Approximate 95% interval for a Poisson count (Wilson–Hilferty for the chi-square bounds). */
function poisson(k: number): [number, number] {
  const lo = k === 0 ? 0 : k * (1 - 1 / (9 * k) - Z / (3 * Math.sqrt(k))) ** 3;
  const k1 = k + 1;
  const hi = k1 * (1 - 1 / (9 * k1) + Z / (3 * Math.sqrt(k1))) ** 3;
  return [Math.max(0, lo), hi];
}

/**
 * @param clusterSizes sizes m ≥ 2 of the sample's duplicate clusters
 * @param sampleDocuments documents in the sample (after the preset's length filter)
 * @param fraction the sampling fraction f in (0, 1]
 */
export function estimateCorpus(clusterSizes: readonly number[], sampleDocuments: number, fraction: number): SampleEstimate {
  const f = fraction;
  let P = 0;
  let T = 0;
  let removed = 0;
  for (const m of clusterSizes) {
    P += (m * (m - 1)) / 2;
    T += (m * (m - 1) * (m - 2)) / 6;
    removed += m - 1;
  }
  const n = sampleDocuments;
  const N = n / f;
  const sampleRate = n > 0 ? removed / n : 0;
  const pairsPoint = P / (f * f);
  const [pLo, pHi] = poisson(P);
  const K = P > 0 ? 2 + (3 * T) / (f * P) : 2;
  const point = N > 0 ? Math.min(1, (2 * pairsPoint) / K / N) : 0;
  const [wLo] = wilson(removed, n);
  const upper = N > 0 ? Math.min(1, pHi / (f * f) / N) : 1;
  const low = Math.min(wLo, point);
  const high = Math.max(upper, point);
  return {
    fraction: f,
    sampleDocuments: n,
    corpusDocuments: N,
    samplePairs: P,
    sampleTriples: T,
    corpusPairs: { point: pairsPoint, low: pLo / (f * f), high: pHi / (f * f) },
    clusterSize: K,
    sampleRate,
    corpusRate: { point, low, high },
    method:
      "a uniform sample at fraction f keeps f of the documents but only f² of the duplicate pairs; pairs are scaled by 1/f², the cluster size K̂ = 2 + 3·T/(f·P) comes from triples vs pairs, removed documents = 2·pairs/K̂; the interval runs from the sample's own rate (clusters look smaller in a sample) to the all-pairs bound, each widened by its 95% sampling error",
  };
}
