/**
 * Exact-Jaccard verification of LSH candidates (text-dedup's `check_false_positive`, which compares
 * shingle sets of candidate pairs and keeps those at or above the threshold): a second streaming pass
 * over the documents involved. Each candidate's partner was read earlier, so its shingle set is held
 * only until its last partner has been read; the sets held together are capped, and an edge whose
 * partner could not be held is joined unverified and counted.
 */
import type { AuditEngine } from "./engine.js";
import { jaccard, type MinHasher } from "./minhash.js";

/** Default cap on shingles held at once during verification (4 bytes each: 256 MiB). */
export const DEFAULT_MAX_HELD_SHINGLES = 64 * 2 ** 20;

export interface VerifyStats {
  /** Candidate pairs checked against their exact Jaccard similarity. */
  checked: number;
  /** Of those, pairs at or above the threshold (joined). */
  confirmed: number;
  /** Pairs below the threshold: LSH false positives (dropped). */
  rejected: number;
  /** Pairs joined without a check (partner's set over the memory cap, or the edge store was full). */
  unverified: number;
  /** Exact Jaccard of the checked pairs in bins of 0.05 (bin i covers [0.05 i, 0.05 (i + 1))). */
  histogram: number[];
}

export interface Verifier {
  /** Ids the second pass must deliver, ascending. */
  needed: Int32Array;
  /** Feed the needed documents in ascending id order. */
  visit(id: number, text: string): void;
  finish(): VerifyStats;
}

export function makeVerifier(engine: AuditEngine, hasher: MinHasher, threshold: number, maxHeld = DEFAULT_MAX_HELD_SHINGLES): Verifier {
  const E = engine.edgeFrom.length;
  const from = engine.edgeFrom.data;
  const to = engine.edgeTo.data;
  const kind = engine.edgeKind.data;
  // last reader of each partner, and every id involved
  const lastUse = new Map<number, number>();
  const ids = new Set<number>();
  for (let e = 0; e < E; e++) {
    const a = from[e] as number;
    const b = to[e] as number;
    lastUse.set(b, Math.max(lastUse.get(b) ?? -1, a));
    ids.add(a);
    ids.add(b);
  }
  const needed = Int32Array.from(ids).sort();
  const held = new Map<number, Uint32Array>();
  const unheld = new Set<number>();
  let heldTotal = 0;
  let e = 0;
  const stats: VerifyStats = { checked: 0, confirmed: 0, rejected: 0, unverified: engine.unverifiedOverflow, histogram: new Array(21).fill(0) };
  // partners to release after each reader, by reader id
  const releaseAt = new Map<number, number[]>();
  for (const [b, a] of lastUse) {
    const list = releaseAt.get(a);
    if (list) list.push(b);
    else releaseAt.set(a, [b]);
  }
  return {
    needed,
    visit(id: number, text: string) {
      let set: Uint32Array | undefined;
      const getSet = () => (set ??= hasher.shingleSet(text));
      // skip edges of documents that never arrived (a file that could not be re-read): join them unverified
      while (e < E && (from[e] as number) < id) {
        engine.ufG.union(from[e] as number, to[e] as number);
        if ((kind[e] as number) & 2) engine.ufL.union(from[e] as number, to[e] as number);
        stats.unverified++;
        e++;
      }
      while (e < E && (from[e] as number) === id) {
        const partner = to[e] as number;
        const k = kind[e] as number;
        const other = held.get(partner);
        let join = true;
        if (other) {
          const j = jaccard(getSet(), other);
          stats.checked++;
          const bin = Math.min(20, Math.floor(j * 20));
          stats.histogram[bin] = (stats.histogram[bin] as number) + 1;
          join = j >= threshold;
          if (join) stats.confirmed++;
          else stats.rejected++;
        } else stats.unverified++;
        if (join) {
          engine.ufG.union(id, partner);
          if (k & 2) engine.ufL.union(id, partner);
        }
        e++;
      }
      if (lastUse.has(id)) {
        const s = getSet();
        if (heldTotal + s.length <= maxHeld) {
          held.set(id, s);
          heldTotal += s.length;
        } else unheld.add(id);
      }
      for (const b of releaseAt.get(id) ?? []) {
        const s = held.get(b);
        if (s) heldTotal -= s.length;
        held.delete(b);
        unheld.delete(b);
      }
    },
    finish() {
      while (e < E) {
        engine.ufG.union(from[e] as number, to[e] as number);
        if ((kind[e] as number) & 2) engine.ufL.union(from[e] as number, to[e] as number);
        stats.unverified++;
        e++;
      }
      return stats;
    },
  };
}
