/**
 * The audit's bookkeeping, one document at a time in reading order: exact duplicates by content hash,
 * LSH band buckets for near-duplicates, and two union–finds — global (across sources) and local (within
 * a source). Memory per document is a few dozen bytes plus 12–24 bytes per band bucket; no text is kept.
 *
 * Candidate pairs follow SlimPajama's `generate_duplicate_pairs.py` (Cerebras/modelzoo 4e2a4e02): in
 * each band, a document is paired with the first document that reached its bucket. For the local
 * (within-source) dedup each document is also paired with the first document of its own source in the
 * bucket, so a bucket opened by another source does not hide a within-source duplicate.
 */
import { createHash } from "node:crypto";
import type { DedupConfig } from "./config.js";
import { DOC_EMPTY, DOC_OK, DOC_SHORT } from "./minhash.js";
import { grow, IntList, KeyTable, UnionFind } from "./tables.js";

/** How tokens are counted without a tokenizer. */
export type TokenEstimate = "chars/4" | "bytes/4" | "words";
export const TOKEN_ESTIMATES: readonly TokenEstimate[] = ["chars/4", "bytes/4", "words"];
export const TOKEN_ESTIMATE_TEXT: Record<TokenEstimate, string> = {
  "chars/4": "characters (Unicode code points) / 4 — OpenAI's rule of thumb for English with a GPT-2-style BPE, not a tokenizer",
  "bytes/4": "UTF-8 bytes / 4 — a BPE-like estimate that charges non-Latin scripts more, not a tokenizer",
  words: "whitespace-separated words, counted exactly (not subword tokens)",
};

const SURROGATE_PAIR = /[\ud800-\udbff][\udc00-\udfff]/g;

/** Python's str.isspace() set (normalize.ts), so that a word count agrees with `len(text.split())` in the datatrove script. */
function isPySpace(c: number): boolean {
  return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Whitespace-separated words, counted without building them. */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isPySpace(text.charCodeAt(i));
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

export function estimateTokens(text: string, how: TokenEstimate): number {
  if (how === "words") return countWords(text);
  if (how === "bytes/4") return Buffer.byteLength(text, "utf8") / 4;
  return (text.length - (text.match(SURROGATE_PAIR) ?? []).length) / 4;
}

// flags per document
export const F_EXACT_GLOBAL = 1; // same text as an earlier document (any source)
export const F_EXACT_LOCAL = 2; // same text as an earlier document of its own source (not hashed)
export const F_STATUS_SHIFT = 2; // bits 2–3: DOC_OK / DOC_SHORT / DOC_EMPTY
export const F_HASHED = 16; // band keys applied

/** Most documents one audit holds (about 300 bytes each: 30 GB at this cap is refused earlier by --max-docs). */
export const MAX_DOCS_LIMIT = 100_000_000;
/** Candidate edges stored for exact-Jaccard verification (9 bytes each). */
export const DEFAULT_MAX_EDGES = 20_000_000;

export interface EngineOptions {
  config: DedupConfig;
  numSources: number;
  tokenEstimate: TokenEstimate;
  /** Store candidate edges for exact-Jaccard verification instead of joining them at once. */
  verify: boolean;
  maxDocs: number;
  maxEdges: number;
}

export class AuditEngine {
  readonly opts: EngineOptions;
  n = 0;
  src = new Uint16Array(1024);
  tokens = new Float64Array(1024);
  flags = new Uint8Array(1024);
  /** First document with the same text anywhere / in the same source, or −1. */
  gTwin = new Int32Array(1024);
  lTwin = new Int32Array(1024);
  readonly ufG = new UnionFind();
  readonly ufL = new UnionFind();
  private readonly exactG = new KeyTable();
  private readonly exactL = new KeyTable();
  private readonly bucketsG = new KeyTable();
  private readonly bucketsL = new KeyTable();
  /** Candidate edges (verify mode): from, to, kind bits (1 global, 2 local). */
  readonly edgeFrom = new IntList();
  readonly edgeTo = new IntList();
  readonly edgeKind = new IntList();
  /** Candidate pairs produced by LSH (distinct per document), by kind. */
  candidatePairs = 0;
  candidateLocalPairs = 0;
  /** Edges joined without verification because the edge store was full. */
  unverifiedOverflow = 0;
  /** Documents whose hashing was pending when they were registered, in id order. */
  private nextToApply = 0;

  constructor(opts: EngineOptions) {
    this.opts = opts;
  }

  /** Bytes held by the per-document arrays and tables (for the report). */
  get memoryBytes(): number {
    return this.src.byteLength + this.tokens.byteLength + this.flags.byteLength + this.gTwin.byteLength + this.lTwin.byteLength + this.ufG.parent.byteLength + this.ufL.parent.byteLength + this.exactG.bytes + this.exactL.bytes + this.bucketsG.bytes + this.bucketsL.bytes + (this.edgeFrom.data.byteLength + this.edgeTo.data.byteLength + this.edgeKind.data.byteLength);
  }

  /**
   * Register the next document (in reading order): its tokens and its exact-duplicate status. Returns its
   * id and whether it still needs MinHash band keys (a text already seen in its own source does not).
   */
  register(source: number, text: string): { id: number; needsHash: boolean } {
    const id = this.n;
    if (id >= this.opts.maxDocs) throw new RangeError(`more than ${this.opts.maxDocs} documents`);
    this.n = id + 1;
    const want = id + 1;
    if (want > this.src.length) {
      this.src = grow(this.src, want, (l) => new Uint16Array(l));
      this.tokens = grow(this.tokens, want, (l) => new Float64Array(l));
      this.flags = grow(this.flags, want, (l) => new Uint8Array(l));
      this.gTwin = grow(this.gTwin, want, (l) => new Int32Array(l));
      this.lTwin = grow(this.lTwin, want, (l) => new Int32Array(l));
    }
    this.ufG.ensure(want, id);
    this.ufL.ensure(want, id);
    this.src[id] = source;
    this.tokens[id] = estimateTokens(text, this.opts.tokenEstimate);
    // content hash: SHA-256 of the raw text (SlimPajama's exact dedup uses SHA-256, dedup/dedup_train.py);
    // the table keys on its first 64 bits (collision chance ~n²/2^65, under 3e-4 at 1e8 documents)
    const d = createHash("sha256").update(text).digest();
    const h0 = d.readUInt32LE(0);
    const h1 = d.readUInt32LE(4);
    const g = this.exactG.get(h0, h1);
    const lk = (h0 ^ Math.imul(source + 1, 0x9e3779b1)) >>> 0;
    const l = this.exactL.get(lk, h1);
    this.gTwin[id] = g;
    this.lTwin[id] = l;
    let f = 0;
    if (g < 0) this.exactG.set(h0, h1, id);
    else {
      f |= F_EXACT_GLOBAL;
      this.ufG.union(id, g);
    }
    if (l < 0) this.exactL.set(lk, h1, id);
    else {
      f |= F_EXACT_LOCAL;
      this.ufL.union(id, l);
    }
    this.flags[id] = f;
    return { id, needsHash: l < 0 };
  }

  /**
   * Band keys (2 uint32 per band) and status for document `id`; ids must arrive in increasing order
   * (the first document of a bucket is the one read first).
   */
  applyKeys(id: number, status: number, keys: Uint32Array, offset: number): void {
    if (id < this.nextToApply) throw new Error(`band keys out of order: ${id} after ${this.nextToApply}`);
    this.nextToApply = id + 1;
    this.flags[id] = ((this.flags[id] as number) & 3) | (status << F_STATUS_SHIFT) | F_HASHED;
    if (status !== DOC_OK) return;
    const s = this.src[id] as number;
    const bands = this.opts.config.bands;
    const seen: number[] = [];
    for (let b = 0; b < bands; b++) {
      const k1 = keys[offset + 2 * b] as number;
      const k2 = keys[offset + 2 * b + 1] as number;
      const g = this.bucketsG.get(k1, k2);
      if (g < 0) {
        this.bucketsG.set(k1, k2, id);
        continue;
      }
      if ((this.src[g] as number) === s) this.edge(id, g, 3, seen);
      else {
        this.edge(id, g, 1, seen);
        const lk = (k1 ^ Math.imul(s + 1, 0x85ebca6b)) >>> 0;
        const l = this.bucketsL.get(lk, k2);
        if (l < 0) this.bucketsL.set(lk, k2, id);
        else this.edge(id, l, 2, seen);
      }
    }
  }

  private edge(a: number, b: number, kind: number, seen: number[]): void {
    // one edge per (document, partner): bands that agree on the same partner add nothing
    for (let i = 0; i < seen.length; i += 2) {
      if (seen[i] === b) {
        if (((seen[i + 1] as number) & kind) === kind) return;
        kind &= ~(seen[i + 1] as number);
        seen[i + 1] = (seen[i + 1] as number) | kind;
        this.join(a, b, kind);
        return;
      }
    }
    seen.push(b, kind);
    this.candidatePairs++;
    if (kind & 2) this.candidateLocalPairs++;
    this.join(a, b, kind);
  }

  private join(a: number, b: number, kind: number): void {
    if (this.opts.verify && this.edgeFrom.length < this.opts.maxEdges) {
      this.edgeFrom.push(a);
      this.edgeTo.push(b);
      this.edgeKind.push(kind);
      return;
    }
    if (this.opts.verify) this.unverifiedOverflow++;
    this.ufG.union(a, b);
    if (kind & 2) this.ufL.union(a, b);
  }

  /** Status of a document (DOC_OK / DOC_SHORT / DOC_EMPTY); a text seen in its source takes its twin's. */
  status(id: number): number {
    const f = this.flags[id] as number;
    if (f & F_HASHED) return (f >>> F_STATUS_SHIFT) & 3;
    const t = this.lTwin[id] as number;
    return t >= 0 ? this.status(t) : DOC_EMPTY;
  }
}

export { DOC_EMPTY, DOC_OK, DOC_SHORT };
