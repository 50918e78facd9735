/**
 * SHA-1 (FIPS 180-4 §6.1) reduced to the 32-bit value datasketch hashes a shingle to:
 * `struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]` (ekzhu/datasketch `datasketch/hashfunc.py`
 * `sha1_hash32`, v1.5.9 bc1b7621 and HEAD 8d4bda1b), i.e. the first 4 digest bytes read little-endian.
 * text-dedup's `sha1_hash(d=32)` (ChenghaoMou/text-dedup `src/text_dedup/utils/hashfunc.py`, 7538f3ec)
 * and datatrove's `sha1_hash32` (huggingface/datatrove `src/datatrove/utils/hashes/sha1.py`, a649de79)
 * are the same function.
 *
 * Written here rather than calling node:crypto: a shingle is 13–60 bytes, and crypto's per-call cost
 * (~1 µs: object, digest buffer) is several times the compression itself.
 */

// one padded block and the message schedule, reused: hashing allocates nothing
const BLOCK = new Uint8Array(64);
const W = new Int32Array(80);

/** SHA-1 of bytes[start, end) → the first digest word byte-swapped (datasketch's "<I" of digest[:4]). */
export function sha1Hash32(bytes: Uint8Array, start: number, end: number): number {
  const len = end - start;
  // padded length: message, 0x80, zeros, 64-bit big-endian bit length (FIPS 180-4 §5.1.1)
  const blocks = ((len + 8) >>> 6) + 1;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  for (let blk = 0; blk < blocks; blk++) {
    const base = start + blk * 64;
    const take = Math.max(0, Math.min(64, end - base));
    // every block is staged in BLOCK so that the word loads below need no bounds tests (a byte loop:
    // subarray() + set() would allocate a view per shingle)
    for (let i = 0; i < take; i++) BLOCK[i] = bytes[base + i] as number;
    if (take < 64) {
      for (let i = take; i < 64; i++) BLOCK[i] = 0;
      if (end - base >= 0) BLOCK[end - base] = 0x80;
      if (blk === blocks - 1) {
        // bit length; inputs here are < 2^29 bytes, so the high word is 0
        const bits = len * 8;
        BLOCK[60] = bits >>> 24;
        BLOCK[61] = (bits >>> 16) & 0xff;
        BLOCK[62] = (bits >>> 8) & 0xff;
        BLOCK[63] = bits & 0xff;
      }
    }
    for (let i = 0; i < 16; i++) {
      const j = i * 4;
      W[i] = ((BLOCK[j] as number) << 24) | ((BLOCK[j + 1] as number) << 16) | ((BLOCK[j + 2] as number) << 8) | (BLOCK[j + 3] as number);
    }
    for (let i = 16; i < 80; i++) {
      const x = (W[i - 3] as number) ^ (W[i - 8] as number) ^ (W[i - 14] as number) ^ (W[i - 16] as number);
      W[i] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let t: number;
    // the four 20-round stages, each with its own f and K (FIPS 180-4 §4.1.1, §4.2.1)
    for (let i = 0; i < 20; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + (W[i] as number)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 20; i < 40; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + (W[i] as number)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 40; i < 60; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e - 0x70e44324 + (W[i] as number)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (let i = 60; i < 80; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e - 0x359d3e2a + (W[i] as number)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  // digest bytes 0..3 are h0 big-endian; "<I" reads them little-endian: a byte swap
  return (((h0 & 0xff) << 24) | ((h0 & 0xff00) << 8) | ((h0 >>> 8) & 0xff00) | (h0 >>> 24)) >>> 0;
}
