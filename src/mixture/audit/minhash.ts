/**
 * MinHash signatures (Broder 1997) with the published pipelines' hash families, value for value:
 * shingle → base hash h (SHA-1 32-bit or XXH64) → for each permutation k,
 *   v_k = ((a_k · h + b_k) mod 2^64) mod (2^61 − 1)        [NumPy uint64 arithmetic wraps at 2^64]
 * masked to 32 bits for the sha1-32 family (datasketch `MinHash.update`: `np.bitwise_and((a * hv + b)
 * % _mersenne_prime, _max_hash)`, datasketch/minhash.py v1.5.9 bc1b7621), kept at 64 bits for
 * xxh64-64 (datatrove `MinhashDedupSignature.get_signature`, minhash.py a649de79); the signature is the
 * minimum of v_k over the document's shingles. a_k ∈ [1, p), b_k ∈ [0, p) from NumPy's
 * `RandomState(seed)` (mt19937.ts).
 *
 * Each document's signature is then cut into bands, and each band is reduced to a 64-bit bucket key
 * (two 32-bit MurmurHash3 finalisers over the band's values and index); only those keys leave the
 * worker, so memory per document is 8 bytes per band, never the text or the full signature.
 */
import type { DedupConfig } from "./config.js";
import { Mt19937, randintU64 } from "./mt19937.js";
import { NORMALIZERS } from "./normalize.js";
import { sha1Hash32 } from "./sha1.js";
import { R } from "./u64.js";
import { wasmMinHash, type WasmMinHash } from "./wasm.js";
import { xxh64 } from "./xxhash64.js";

const MERSENNE_61 = (1n << 61n) - 1n;
const RANGE = new Int32Array(2);

export interface Permutations {
  aHi: Uint32Array;
  aLo: Uint32Array;
  bHi: Uint32Array;
  bLo: Uint32Array;
}

/** a and b as the pipeline draws them (config.ts ParamOrder). */
export function permutations(numPerm: number, seed: number, order: "pairs" | "blocks"): Permutations {
  const rng = new Mt19937(seed);
  const a: bigint[] = [];
  const b: bigint[] = [];
  if (order === "pairs") {
    for (let k = 0; k < numPerm; k++) {
      a.push(randintU64(rng, 1n, MERSENNE_61));
      b.push(randintU64(rng, 0n, MERSENNE_61));
    }
  } else {
    for (let k = 0; k < numPerm; k++) a.push(randintU64(rng, 1n, MERSENNE_61));
    for (let k = 0; k < numPerm; k++) b.push(randintU64(rng, 0n, MERSENNE_61));
  }
  const hi = (x: bigint) => Number(x >> 32n);
  const lo = (x: bigint) => Number(x & 0xffffffffn);
  return { aHi: Uint32Array.from(a, hi), aLo: Uint32Array.from(a, lo), bHi: Uint32Array.from(b, hi), bLo: Uint32Array.from(b, lo) };
}

/** What became of one document. */
export const DOC_OK = 0;
/** Dropped by the preset's length filter (SlimPajama < 200 characters, text-dedup < 5 tokens). */
export const DOC_SHORT = 1;
/** No shingle (shorter than one n-gram): no signature, never a near-duplicate (datatrove skips it). */
export const DOC_EMPTY = 2;

/** Longest normalised document hashed, in UTF-8 bytes; longer ones are hashed on this prefix (reported). */
export const MAX_DOC_BYTES = 64 * 2 ** 20;

export class MinHasher {
  readonly numPerm: number;
  readonly bands: number;
  readonly rows: number;
  private readonly cfg: DedupConfig;
  private readonly normalize: (s: string) => string;
  // permutation parameters in the forms the loops read: a_lo as a double and as int32, a_hi as int32,
  // b_lo as a double, b_hi + 0.5 (the rounding offset of the high word)
  private readonly alf: Float64Array;
  private readonly ali: Int32Array;
  private readonly ah: Int32Array;
  private readonly bl: Float64Array;
  private readonly bhHalf: Float64Array;
  // the document's base hashes: low words as int32 and as doubles, high words (XXH64) as int32
  private hv = new Int32Array(1 << 12);
  private hvf = new Float64Array(1 << 12);
  private hvh = new Int32Array(1 << 12);
  private readonly sig: Uint32Array;
  private bytes = new Uint8Array(1 << 16);
  private starts = new Int32Array(1 << 14);
  private readonly encoder = new TextEncoder();
  /** Documents hashed on a prefix because they exceeded MAX_DOC_BYTES. */
  truncated = 0;
  // WebAssembly for the permutation loop (wasm.ts): a, b at 0 and 8P, the signature at 16P, hashes after
  private readonly wasm: WasmMinHash | null;
  private readonly hvOff: number;

  constructor(cfg: DedupConfig, useWasm = true) {
    this.cfg = cfg;
    this.numPerm = cfg.numPerm;
    this.bands = cfg.bands;
    this.rows = cfg.rows;
    this.normalize = NORMALIZERS[cfg.normalizer];
    const p = permutations(cfg.numPerm, cfg.seed, cfg.paramOrder);
    this.alf = Float64Array.from(p.aLo);
    this.ali = Int32Array.from(p.aLo, (x) => x | 0);
    this.ah = Int32Array.from(p.aHi, (x) => x | 0);
    this.bl = Float64Array.from(p.bLo);
    this.bhHalf = Float64Array.from(p.bHi, (x) => x + 0.5);
    this.sig = new Uint32Array(cfg.hash === "xxh64-64" ? 2 * cfg.numPerm : cfg.numPerm);
    this.hvOff = 24 * cfg.numPerm;
    this.wasm = useWasm ? wasmMinHash() : null;
    if (this.wasm) {
      const need = this.hvOff + 8 * 4096;
      const have = this.wasm.memory.buffer.byteLength;
      if (need > have) this.wasm.memory.grow(Math.ceil((need - have) / 65536));
      const u32 = new Uint32Array(this.wasm.memory.buffer);
      for (let k = 0; k < cfg.numPerm; k++) {
        u32[2 * k] = p.aLo[k] as number;
        u32[2 * k + 1] = p.aHi[k] as number;
        u32[2 * (cfg.numPerm + k)] = p.bLo[k] as number;
        u32[2 * (cfg.numPerm + k) + 1] = p.bHi[k] as number;
      }
    }
  }

  /** True when the permutation loop runs in WebAssembly. */
  get usesWasm(): boolean {
    return this.wasm !== null;
  }

  /** Words per signature value: 1 (32-bit) or 2 (64-bit, hi then lo). */
  get width(): number {
    return this.cfg.hash === "xxh64-64" ? 2 : 1;
  }

  /**
   * Normalise and cut into shingles: fills this.bytes with the UTF-8 text and returns the shingles'
   * byte ranges as [start, end) pairs in this.starts (count returned), or a DOC_ status.
   */
  private shingles(text: string): { status: number; count: number; chars: number } {
    let norm = this.normalize(text);
    const n = this.cfg.ngram;
    if (this.cfg.shingle === "words") {
      const words = norm.split(" ").filter((w) => w.length > 0);
      if (words.length < this.cfg.minWords) return { status: DOC_SHORT, count: 0, chars: 0 };
      norm = words.join(" ");
    }
    const need = norm.length * 3;
    if (need > this.bytes.length) this.bytes = new Uint8Array(Math.min(Math.max(need, this.bytes.length * 2), MAX_DOC_BYTES + 16));
    if (need > MAX_DOC_BYTES) {
      // a 64 MiB document is hashed on its first 64 MiB (characters are at most 3 UTF-8 bytes per UTF-16 unit)
      norm = norm.slice(0, Math.floor(MAX_DOC_BYTES / 3));
      this.truncated++;
    }
    const { written } = this.encoder.encodeInto(norm, this.bytes);
    const bytes = this.bytes;
    const len = written;
    if (this.cfg.shingle === "chars") {
      // code point starts: bytes that are not UTF-8 continuation bytes (10xxxxxx)
      let cps = 0;
      if (this.starts.length < len + 2) this.starts = new Int32Array(Math.max(len + 2, this.starts.length * 2));
      const st = this.starts;
      for (let i = 0; i < len; i++) if (((bytes[i] as number) & 0xc0) !== 0x80) st[cps++] = i;
      st[cps] = len;
      if (cps < this.cfg.minChars) return { status: DOC_SHORT, count: 0, chars: cps };
      // nltk.ngrams yields nothing for a string shorter than n
      const count = Math.max(0, cps - n + 1);
      if (count === 0) return { status: DOC_EMPTY, count: 0, chars: cps };
      return { status: DOC_OK, count, chars: cps };
    }
    // words: starts of words and the byte after each word's end
    let words = 0;
    if (this.starts.length < len + 2) this.starts = new Int32Array(Math.max(len + 2, this.starts.length * 2));
    const st = this.starts;
    let i = 0;
    while (i < len) {
      st[2 * words] = i;
      while (i < len && bytes[i] !== 0x20) i++;
      st[2 * words + 1] = i;
      words++;
      i++;
    }
    let count = words >= n ? words - n + 1 : 0;
    if (count === 0 && this.cfg.shortDocOneShingle && words > 0) count = 1;
    if (count === 0) return { status: DOC_EMPTY, count: 0, chars: 0 };
    return { status: DOC_OK, count, chars: words };
  }

  /** Byte range of shingle i (after shingles()): start in RANGE[0], end in RANGE[1] (no allocation). */
  private range(i: number, words: number): void {
    const n = this.cfg.ngram;
    if (this.cfg.shingle === "chars") {
      RANGE[0] = this.starts[i] as number;
      RANGE[1] = this.starts[i + n] as number;
      return;
    }
    const last = Math.min(i + n, words) - 1;
    RANGE[0] = this.starts[2 * i] as number;
    RANGE[1] = this.starts[2 * last + 1] as number;
  }

  /**
   * The document's MinHash signature into this.sig; returns its status. Exposed for tests and the
   * benchmark; audits use bandKeys().
   */
  signature(text: string): { status: number; shingles: number; chars: number; sig: Uint32Array } {
    const sh = this.shingles(text);
    const sig = this.sig;
    sig.fill(0xffffffff);
    if (sh.status !== DOC_OK) return { status: sh.status, shingles: 0, chars: sh.chars, sig };
    const P = this.numPerm;
    const bytes = this.bytes;
    const words = sh.chars;
    const count = sh.count;
    if (this.hv.length < count) {
      this.hv = new Int32Array(Math.max(count, this.hv.length * 2));
      this.hvf = new Float64Array(this.hv.length);
      this.hvh = new Int32Array(this.hv.length);
    }
    const hv = this.hv;
    const hvf = this.hvf;
    if (this.wasm) {
      const w = this.wasm;
      const wide = this.cfg.hash === "xxh64-64";
      const need = this.hvOff + 8 * count;
      if (need > w.memory.buffer.byteLength) w.memory.grow(Math.ceil((need - w.memory.buffer.byteLength) / 65536));
      const u32 = new Uint32Array(w.memory.buffer);
      const base = this.hvOff >>> 2;
      for (let s = 0; s < count; s++) {
        this.range(s, words);
        if (wide) {
          xxh64(bytes, RANGE[0] as number, RANGE[1] as number);
          u32[base + 2 * s] = R[1] as number;
          u32[base + 2 * s + 1] = R[0] as number;
        } else u32[base + s] = sha1Hash32(bytes, RANGE[0] as number, RANGE[1] as number);
      }
      if (wide) {
        w.mh64(P, count, 0, 8 * P, this.hvOff, 16 * P);
        // little-endian uint64 → (hi, lo) pairs
        const o = (16 * P) >>> 2;
        for (let k = 0; k < P; k++) {
          sig[2 * k] = u32[o + 2 * k + 1] as number;
          sig[2 * k + 1] = u32[o + 2 * k] as number;
        }
      } else {
        w.mh32(P, count, 0, 8 * P, this.hvOff, 16 * P);
        sig.set(u32.subarray((16 * P) >>> 2, ((16 * P) >>> 2) + P));
      }
      return { status: DOC_OK, shingles: sh.count, chars: sh.chars, sig };
    }
    if (this.cfg.hash === "sha1-32") {
      for (let s = 0; s < count; s++) {
        this.range(s, words);
        const h = sha1Hash32(bytes, RANGE[0] as number, RANGE[1] as number);
        hv[s] = h | 0;
        hvf[s] = h;
      }
      // permutations outside, shingles inside: a_k, b_k and the running minimum stay in registers
      const alf = this.alf, ali = this.ali, ah = this.ah, bl = this.bl, bhh = this.bhHalf;
      for (let k = 0; k < P; k++) {
        const a = alf[k] as number;
        const aI = ali[k] as number;
        const aH = ah[k] as number;
        const b = bl[k] as number;
        const bHalf = bhh[k] as number;
        let m = 4294967295;
        for (let s = 0; s < count; s++) {
          const hI = hv[s] as number;
          // (h·a + b) mod 2^64 as (xhi, xlo): the low word of h·a_lo exactly by Math.imul; its high word
          // from the double product h·a_lo (error ≤ 2^11 ≪ 2^31), corrected by the exact low word and
          // rounded (+ 0.5 then truncation); h·a_hi contributes its low 32 bits to the high word
          const lu = Math.imul(hI, aI) >>> 0;
          const lo = lu + b;
          const carry = (lo * 2.3283064365386963e-10) | 0;
          const xhi = (((hvf[s] as number) * a - lu) * 2.3283064365386963e-10 + bHalf + carry + (Math.imul(hI, aH) >>> 0)) >>> 0;
          // mod 2^61 − 1 (2^61 ≡ 1), low 32 bits; the conditional subtraction of p adds 1 to the low word
          let rl = (lo >>> 0) + (xhi >>> 29);
          if ((xhi & 0x1fffffff) === 0x1fffffff && rl >= 4294967295) rl += 1;
          const v = rl >>> 0;
          if (v < m) m = v;
        }
        sig[k] = m;
      }
    } else {
      const hvh = this.hvh;
      for (let s = 0; s < count; s++) {
        this.range(s, words);
        xxh64(bytes, RANGE[0] as number, RANGE[1] as number);
        hvh[s] = (R[0] as number) | 0;
        hv[s] = (R[1] as number) | 0;
        hvf[s] = R[1] as number;
      }
      const alf = this.alf, ali = this.ali, ah = this.ah, bl = this.bl, bhh = this.bhHalf;
      for (let k = 0; k < P; k++) {
        const a = alf[k] as number;
        const aI = ali[k] as number;
        const aH = ah[k] as number;
        const b = bl[k] as number;
        const bHalf = bhh[k] as number;
        let mh = 4294967295;
        let ml = 4294967295;
        for (let s = 0; s < count; s++) {
          const xl = hv[s] as number;
          // (x·a + b) mod 2^64: x_lo·a_lo in full (as above), x_hi·a_lo and x_lo·a_hi mod 2^32
          const lu = Math.imul(xl, aI) >>> 0;
          const lo = lu + b;
          const carry = (lo * 2.3283064365386963e-10) | 0;
          const cross = (Math.imul(hvh[s] as number, aI) + Math.imul(xl, aH)) >>> 0;
          const xhi = (((hvf[s] as number) * a - lu) * 2.3283064365386963e-10 + bHalf + carry + cross) >>> 0;
          // mod 2^61 − 1, all 61 bits kept
          let rl = (lo >>> 0) + (xhi >>> 29);
          let rh = xhi & 0x1fffffff;
          if (rl > 4294967295) {
            rl -= 4294967296;
            rh += 1;
          }
          if (rh > 0x1fffffff || (rh === 0x1fffffff && rl === 4294967295)) {
            rl += 1;
            if (rl > 4294967295) {
              rl -= 4294967296;
              rh += 1;
            }
            rh -= 0x20000000;
          }
          if (rh < mh || (rh === mh && rl < ml)) {
            mh = rh;
            ml = rl;
          }
        }
        sig[2 * k] = mh;
        sig[2 * k + 1] = ml;
      }
    }
    return { status: DOC_OK, shingles: sh.count, chars: sh.chars, sig };
  }

  /**
   * The document's band keys: 2 uint32 per band into out[offset …], from signature(). Returns the status.
   */
  bandKeys(text: string, out: Uint32Array, offset: number): number {
    const r = this.signature(text);
    if (r.status !== DOC_OK) return r.status;
    const w = this.width;
    const rows = this.rows;
    for (let b = 0; b < this.bands; b++) {
      const from = b * rows * w;
      const to = from + rows * w;
      out[offset + 2 * b] = murmurWords(r.sig, from, to, 0x9747b28c ^ b);
      out[offset + 2 * b + 1] = murmurWords(r.sig, from, to, 0x1b873593 + Math.imul(b, 0x85ebca6b));
    }
    return DOC_OK;
  }

  /** The document's shingle set as sorted distinct 32-bit base hashes (low word for XXH64), for exact Jaccard. */
  shingleSet(text: string): Uint32Array {
    const sh = this.shingles(text);
    if (sh.status !== DOC_OK) return new Uint32Array(0);
    const out = new Uint32Array(sh.count);
    for (let s = 0; s < sh.count; s++) {
      this.range(s, sh.chars);
      const from = RANGE[0] as number;
      const to = RANGE[1] as number;
      if (this.cfg.hash === "sha1-32") out[s] = sha1Hash32(this.bytes, from, to);
      else {
        xxh64(this.bytes, from, to);
        out[s] = R[1] as number;
      }
    }
    out.sort();
    let m = 0;
    for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[m - 1]) out[m++] = out[i] as number;
    return out.slice(0, m);
  }
}

/** MurmurHash3_x86_32 (Appleby) over words[from, to): the bucket key halves. */
export function murmurWords(words: Uint32Array, from: number, to: number, seed: number): number {
  let h = seed | 0;
  for (let i = from; i < to; i++) {
    let k = Math.imul(words[i] as number, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= (to - from) * 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** |A ∩ B| / |A ∪ B| of two sorted distinct arrays. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}
