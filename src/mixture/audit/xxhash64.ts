/**
 * XXH64 (Yann Collet, xxHash specification `doc/xxhash_spec.md` §"XXH64 algorithm"), seed 0: the shingle
 * hash of datatrove's default MinHash (`HashConfig(precision=64, hash_fc="xxhash")` → `xxhash.xxh64_intdigest`,
 * huggingface/datatrove `src/datatrove/utils/hashing.py` and `utils/hashes/xxhash.py` at a649de79).
 * Checked against python3-xxhash 3.2.0 (Debian) in test/audit-hash.test.ts.
 */
import { add64, mul64, R, rotl64 } from "./u64.js";

// the five 64-bit primes of the specification, as (hi, lo)
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

function read32(b: Uint8Array, i: number): number {
  return ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0;
}

// round(acc, input) = rotl(acc + input·P2, 31)·P1 → R
function round(ah: number, al: number, ih: number, il: number): void {
  mul64(ih, il, P2H, P2L);
  add64(ah, al, R[0] as number, R[1] as number);
  rotl64(R[0] as number, R[1] as number, 31);
  mul64(R[0] as number, R[1] as number, P1H, P1L);
}

/** XXH64 of bytes[start, end), seed 0 → R (hi, lo). */
export function xxh64(bytes: Uint8Array, start: number, end: number): void {
  const len = end - start;
  let p = start;
  let hh: number;
  let hl: number;
  if (len >= 32) {
    // v1 = P1 + P2, v2 = P2, v3 = 0, v4 = −P1 (seed 0)
    add64(P1H, P1L, P2H, P2L);
    let v1h = R[0] as number, v1l = R[1] as number;
    let v2h = P2H, v2l = P2L;
    let v3h = 0, v3l = 0;
    // −P1 mod 2^64 = ~P1 + 1
    add64(~P1H >>> 0, ~P1L >>> 0, 0, 1);
    let v4h = R[0] as number, v4l = R[1] as number;
    const limit = end - 32;
    while (p <= limit) {
      round(v1h, v1l, read32(bytes, p + 4), read32(bytes, p));
      v1h = R[0] as number; v1l = R[1] as number;
      round(v2h, v2l, read32(bytes, p + 12), read32(bytes, p + 8));
      v2h = R[0] as number; v2l = R[1] as number;
      round(v3h, v3l, read32(bytes, p + 20), read32(bytes, p + 16));
      v3h = R[0] as number; v3l = R[1] as number;
      round(v4h, v4l, read32(bytes, p + 28), read32(bytes, p + 24));
      v4h = R[0] as number; v4l = R[1] as number;
      p += 32;
    }
    rotl64(v1h, v1l, 1);
    let ah = R[0] as number, al = R[1] as number;
    rotl64(v2h, v2l, 7);
    add64(ah, al, R[0] as number, R[1] as number);
    ah = R[0] as number; al = R[1] as number;
    rotl64(v3h, v3l, 12);
    add64(ah, al, R[0] as number, R[1] as number);
    ah = R[0] as number; al = R[1] as number;
    rotl64(v4h, v4l, 18);
    add64(ah, al, R[0] as number, R[1] as number);
    hh = R[0] as number; hl = R[1] as number;
    for (const [vh, vl] of [[v1h, v1l], [v2h, v2l], [v3h, v3l], [v4h, v4l]] as const) {
      // mergeRound(acc, v) = (acc ^ round(0, v))·P1 + P4
      round(0, 0, vh, vl);
      mul64((hh ^ (R[0] as number)) >>> 0, (hl ^ (R[1] as number)) >>> 0, P1H, P1L);
      add64(R[0] as number, R[1] as number, P4H, P4L);
      hh = R[0] as number; hl = R[1] as number;
    }
  } else {
    hh = P5H;
    hl = P5L;
  }
  // h += len (lengths here are < 2^32)
  add64(hh, hl, 0, len >>> 0);
  hh = R[0] as number; hl = R[1] as number;
  while (p + 8 <= end) {
    round(0, 0, read32(bytes, p + 4), read32(bytes, p));
    rotl64((hh ^ (R[0] as number)) >>> 0, (hl ^ (R[1] as number)) >>> 0, 27);
    mul64(R[0] as number, R[1] as number, P1H, P1L);
    add64(R[0] as number, R[1] as number, P4H, P4L);
    hh = R[0] as number; hl = R[1] as number;
    p += 8;
  }
  if (p + 4 <= end) {
    mul64(0, read32(bytes, p), P1H, P1L);
    rotl64((hh ^ (R[0] as number)) >>> 0, (hl ^ (R[1] as number)) >>> 0, 23);
    mul64(R[0] as number, R[1] as number, P2H, P2L);
    add64(R[0] as number, R[1] as number, P3H, P3L);
    hh = R[0] as number; hl = R[1] as number;
    p += 4;
  }
  while (p < end) {
    mul64(0, bytes[p] as number, P5H, P5L);
    rotl64((hh ^ (R[0] as number)) >>> 0, (hl ^ (R[1] as number)) >>> 0, 11);
    mul64(R[0] as number, R[1] as number, P1H, P1L);
    hh = R[0] as number; hl = R[1] as number;
    p += 1;
  }
  // avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32
  hl = (hl ^ (hh >>> 1)) >>> 0;
  mul64(hh, hl, P2H, P2L);
  hh = R[0] as number; hl = R[1] as number;
  hl = (hl ^ ((hl >>> 29) | (hh << 3))) >>> 0;
  hh = (hh ^ (hh >>> 29)) >>> 0;
  mul64(hh, hl, P3H, P3L);
  hh = R[0] as number; hl = R[1] as number;
  R[0] = hh;
  R[1] = (hl ^ hh) >>> 0;
}
