/**
 * The audit's numbers, from the engine's union–finds: per source and overall, documents and tokens
 * dropped as too short, removed as exact and near duplicates, removed under local-only vs global dedup,
 * the unique tokens each leaves, who keeps whose duplicates (the source matrix), and the largest clusters.
 */
import type { AuditEngine } from "./engine.js";
import { F_EXACT_GLOBAL } from "./engine.js";
import { DOC_SHORT } from "./minhash.js";

export interface Count {
  documents: number;
  tokens: number;
}

export interface SourceResult {
  name: string;
  domain?: string;
  /** Everything read. */
  read: Count;
  /** Dropped by the preset's length filter (SlimPajama: < 200 normalised characters). */
  short: Count;
  /** Under global dedup: removed because the same text was read earlier (any source). */
  exact: Count;
  /** Under global dedup: removed as near-duplicates (not exact copies). */
  near: Count;
  /** Removed by dedup within this source only. */
  removedLocal: Count;
  /** Removed by dedup across all sources. */
  removedGlobal: Count;
  /** Tokens left: read − short − removed. */
  uniqueTokensLocal: number;
  uniqueTokensGlobal: number;
  /** Documents with a duplicate in another source. */
  crossSourceDocuments: number;
}

export interface ClusterResult {
  size: number;
  tokens: number;
  /** Members by source name. */
  sources: Record<string, number>;
  /** The first members (ids) in reading order; the first is the one kept. */
  memberIds: number[];
}

export interface AuditNumbers {
  sources: SourceResult[];
  overall: SourceResult;
  /** removedBy.documents[i][j]: documents of source i removed under global dedup whose kept copy is in source j. */
  removedBy?: { documents: number[][]; tokens: number[][] };
  /** overlap[i][j]: documents of source i with a duplicate (same cluster) in source j ≠ i. */
  overlap?: number[][];
  clusters: { count: number; documentsInClusters: number; largest: ClusterResult[] };
  /** Sizes of all duplicate clusters (≥ 2), for the sample-to-corpus estimate. */
  clusterSizes: number[];
  /** Documents after the length filter. */
  keptByFilter: number;
}

/** Sources for which matrices are computed (a per-file source list of 10,000 would make 10^8 cells). */
export const MAX_MATRIX_SOURCES = 256;

const zero = (): Count => ({ documents: 0, tokens: 0 });

function emptySource(name: string, domain?: string): SourceResult {
  return { name, ...(domain !== undefined ? { domain } : {}), read: zero(), short: zero(), exact: zero(), near: zero(), removedLocal: zero(), removedGlobal: zero(), uniqueTokensLocal: 0, uniqueTokensGlobal: 0, crossSourceDocuments: 0 };
}

export function computeNumbers(engine: AuditEngine, sources: readonly { name: string; domain?: string }[], largest = 5, membersShown = 3): AuditNumbers {
  const n = engine.n;
  const S = sources.length;
  const rows = sources.map((s) => emptySource(s.name, s.domain));
  const overall = emptySource("all");
  const withMatrix = S <= MAX_MATRIX_SOURCES;
  const removedDocs = withMatrix ? Array.from({ length: S }, () => new Array<number>(S).fill(0)) : undefined;
  const removedTok = withMatrix ? Array.from({ length: S }, () => new Array<number>(S).fill(0)) : undefined;
  // cluster sizes by root (global)
  const size = new Int32Array(n);
  const rootOf = new Int32Array(n);
  let kept = 0;
  for (let d = 0; d < n; d++) {
    const s = engine.src[d] as number;
    const t = engine.tokens[d] as number;
    const row = rows[s] as SourceResult;
    row.read.documents++;
    row.read.tokens += t;
    if (engine.status(d) === DOC_SHORT) {
      row.short.documents++;
      row.short.tokens += t;
      rootOf[d] = -1;
      continue;
    }
    kept++;
    const rg = engine.ufG.find(d);
    const rl = engine.ufL.find(d);
    rootOf[d] = rg;
    size[rg] = (size[rg] as number) + 1;
    if (rl !== d) {
      row.removedLocal.documents++;
      row.removedLocal.tokens += t;
    }
    if (rg !== d) {
      row.removedGlobal.documents++;
      row.removedGlobal.tokens += t;
      const part = ((engine.flags[d] as number) & F_EXACT_GLOBAL) !== 0 ? row.exact : row.near;
      part.documents++;
      part.tokens += t;
      if (removedDocs && removedTok) {
        const j = engine.src[rg] as number;
        (removedDocs[s] as number[])[j] = ((removedDocs[s] as number[])[j] as number) + 1;
        (removedTok[s] as number[])[j] = ((removedTok[s] as number[])[j] as number) + t;
      }
    }
  }
  // clusters: sources present per cluster, the largest ones, and the cross-source overlap
  const clusterSizes: number[] = [];
  let inClusters = 0;
  for (let d = 0; d < n; d++) {
    const m = size[d] as number;
    if (m >= 2) {
      clusterSizes.push(m);
      inClusters += m;
    }
  }
  const top: number[] = [];
  for (let d = 0; d < n; d++) {
    const m = size[d] as number;
    if (m < 2) continue;
    if (top.length < largest || m > (size[top[top.length - 1] as number] as number)) {
      top.push(d);
      top.sort((a, b) => (size[b] as number) - (size[a] as number) || a - b);
      if (top.length > largest) top.pop();
    }
  }
  const chosen = new Map<number, ClusterResult>(top.map((r) => [r, { size: size[r] as number, tokens: 0, sources: {}, memberIds: [] }]));
  const present = new Map<number, Set<number>>();
  for (let d = 0; d < n; d++) {
    const r = rootOf[d] as number;
    if (r < 0 || (size[r] as number) < 2) continue;
    const s = engine.src[d] as number;
    let set = present.get(r);
    if (!set) present.set(r, (set = new Set()));
    set.add(s);
    const c = chosen.get(r);
    if (c) {
      const name = (sources[s] as { name: string }).name;
      c.sources[name] = (c.sources[name] ?? 0) + 1;
      c.tokens += engine.tokens[d] as number;
      if (c.memberIds.length < membersShown) c.memberIds.push(d);
    }
  }
  const overlap = withMatrix ? Array.from({ length: S }, () => new Array<number>(S).fill(0)) : undefined;
  for (let d = 0; d < n; d++) {
    const r = rootOf[d] as number;
    if (r < 0 || (size[r] as number) < 2) continue;
    const set = present.get(r) as Set<number>;
    if (set.size < 2) continue;
    const s = engine.src[d] as number;
    (rows[s] as SourceResult).crossSourceDocuments++;
    if (overlap) for (const j of set) if (j !== s) (overlap[s] as number[])[j] = ((overlap[s] as number[])[j] as number) + 1;
  }
  for (const row of rows) {
    row.uniqueTokensLocal = row.read.tokens - row.short.tokens - row.removedLocal.tokens;
    row.uniqueTokensGlobal = row.read.tokens - row.short.tokens - row.removedGlobal.tokens;
    for (const k of ["read", "short", "exact", "near", "removedLocal", "removedGlobal"] as const) {
      overall[k].documents += row[k].documents;
      overall[k].tokens += row[k].tokens;
    }
    overall.uniqueTokensLocal += row.uniqueTokensLocal;
    overall.uniqueTokensGlobal += row.uniqueTokensGlobal;
    overall.crossSourceDocuments += row.crossSourceDocuments;
  }
  return {
    sources: rows,
    overall,
    ...(removedDocs && removedTok ? { removedBy: { documents: removedDocs, tokens: removedTok } } : {}),
    ...(overlap ? { overlap } : {}),
    clusters: { count: clusterSizes.length, documentsInClusters: inClusters, largest: top.map((r) => chosen.get(r) as ClusterResult) },
    clusterSizes,
    keptByFilter: kept,
  };
}
