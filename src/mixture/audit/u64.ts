/**
 * Unsigned 64-bit arithmetic on (hi, lo) pairs of uint32 — what NumPy's uint64 does with wrap-around
 * (mod 2^64), without BigInt (ten to fifty times slower in the hashing loops). Results are returned in
 * the module's two registers HI and LO, read right after the call; nothing is allocated.
 */

export const R = new Uint32Array(2); // R[0] = hi, R[1] = lo

/** High 32 bits of the 64-bit product of two uint32 (16-bit limbs: every partial product is exact). */
export function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const a1b0 = a1 * b0;
  const a0b1 = a0 * b1;
  const mid = ((a0 * b0) >>> 16) + (a1b0 & 0xffff) + (a0b1 & 0xffff);
  return (a1 * b1 + (a1b0 >>> 16) + (a0b1 >>> 16) + (mid >>> 16)) >>> 0;
}

/** (ah·2^32 + al) × (bh·2^32 + bl) mod 2^64 → R. */
export function mul64(ah: number, al: number, bh: number, bl: number): void {
  R[0] = (mulHi32(al, bl) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  R[1] = Math.imul(al, bl) >>> 0;
}

/** a + b mod 2^64 → R. */
export function add64(ah: number, al: number, bh: number, bl: number): void {
  const lo = (al >>> 0) + (bl >>> 0);
  R[1] = lo >>> 0;
  R[0] = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** Rotate left by r (0 < r < 64) → R. */
export function rotl64(h: number, l: number, r: number): void {
  if (r >= 32) {
    const t = h;
    h = l;
    l = t;
    r -= 32;
  }
  if (r === 0) {
    R[0] = h;
    R[1] = l;
    return;
  }
  R[0] = ((h << r) | (l >>> (32 - r))) >>> 0;
  R[1] = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/**
 * x mod (2^61 − 1) for a 64-bit x → R: 2^61 ≡ 1, so x ≡ (x & p) + (x >> 61), then one conditional
 * subtraction (the sum is at most 2^61 + 6).
 */
export function modMersenne61(h: number, l: number): void {
  const top = h >>> 29;
  let rh = h & 0x1fffffff;
  let rl = l + top;
  if (rl > 0xffffffff) {
    rl -= 4294967296;
    rh += 1;
  }
  if (rh > 0x1fffffff || (rh === 0x1fffffff && rl === 0xffffffff)) {
    // r − p = r − 2^61 + 1
    rl += 1;
    if (rl > 0xffffffff) {
      rl -= 4294967296;
      rh += 1;
    }
    rh -= 0x20000000;
  }
  R[0] = rh >>> 0;
  R[1] = rl >>> 0;
}

/** A uint64 as a decimal string (for reports and tests), exact. */
export function u64String(h: number, l: number): string {
  return ((BigInt(h >>> 0) << 32n) | BigInt(l >>> 0)).toString();
}
