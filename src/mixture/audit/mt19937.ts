/**
 * NumPy's legacy `np.random.RandomState(seed)` and `randint(low, high, dtype=np.uint64)`: how datasketch,
 * datatrove and text-dedup draw the MinHash permutation parameters a and b. Reproduced so that
 * lmplan's signatures are the published pipelines' signatures, value for value.
 *
 * - MT19937 (Matsumoto & Nishimura 1998), seeded by `init_genrand` — NumPy `_legacy_seeding` →
 *   `mt19937_seed` for an integer seed (numpy/random/src/mt19937/mt19937.c).
 * - uint64 draws: `mt19937_next64` = (next32 << 32) | next32, high word first.
 * - `randint` on a range wider than 32 bits uses masked rejection sampling in RandomState
 *   (numpy/random/src/distributions/distributions.c `bounded_masked_uint64`): value = next64 & mask,
 *   retried while value > high − low − 1, where mask is the smallest 2^k − 1 ≥ high − low − 1.
 * Checked against NumPy 1.24.2 (Debian python3-numpy) in test/audit-hash.test.ts.
 */

const N = 624;
const M = 397;

export class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private mti = N;

  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] as number;
      const x = (prev ^ (prev >>> 30)) >>> 0;
      // 1812433253 · x + i mod 2^32, exactly (Math.imul keeps the low 32 bits)
      mt[i] = (Math.imul(1812433253, x) + i) >>> 0;
    }
  }

  next32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      for (let k = 0; k < N; k++) {
        const y = ((mt[k] as number) & 0x80000000) | ((mt[(k + 1) % N] as number) & 0x7fffffff);
        mt[k] = ((mt[(k + M) % N] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
      }
      this.mti = 0;
    }
    let y = mt[this.mti++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/**
 * `RandomState.randint(low, high, dtype=np.uint64)` for 0 ≤ low < high ≤ 2^63, high − low − 1 > 2^32
 * (the only case these pipelines use: [1, 2^61 − 1) and [0, 2^61 − 1)), as a BigInt.
 */
export function randintU64(rng: Mt19937, low: bigint, high: bigint): bigint {
  const range = high - low - 1n;
  if (range <= 0xffffffffn) throw new RangeError("randintU64 is for ranges wider than 32 bits");
  let mask = range;
  for (const s of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> s;
  // rejection sampling; each draw is accepted with probability > 1/2, so this ends quickly
  for (let tries = 0; tries < 10_000; tries++) {
    const hi = BigInt(rng.next32());
    const lo = BigInt(rng.next32());
    const v = ((hi << 32n) | lo) & mask;
    if (v <= range) return low + v;
  }
  throw new Error("randintU64: no value accepted in 10,000 draws (not reachable with a working generator)");
}
