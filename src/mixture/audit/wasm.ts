/**
 * The permutation-and-minimum loop of minhash.ts in WebAssembly, where 64-bit integer multiplication is
 * one instruction instead of a dozen double and int32 operations (about 5× faster here). The module is
 * assembled below from its instructions (no binary blob, no build step): two functions
 *
 *   mh32(P, n, aOff, bOff, hvOff, sigOff)  sig[k] = min_s ((a_k·h_s + b_k) mod 2^64 mod (2^61 − 1)) & (2^32 − 1)
 *   mh64(P, n, aOff, bOff, hvOff, sigOff)  the same with 64-bit h_s and no mask
 *
 * over a memory the caller fills (a, b as uint64 at aOff/bOff, h as uint32 or uint64 at hvOff). i64
 * arithmetic wraps at 2^64 exactly as NumPy's uint64 does. Where WebAssembly is missing the JavaScript
 * loops in minhash.ts run instead; the tests check both against the same golden signatures.
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

const sleb64 = (v: bigint): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
};

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// opcodes (WebAssembly core spec §5.4)
const OP = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b, select: 0x1b,
  get: 0x20, set: 0x21,
  i32const: 0x41, i64const: 0x42,
  i64load: 0x29, i64load32u: 0x35, i64store: 0x37, i64store32: 0x3e,
  i32geU: 0x4f, i64ltU: 0x54, i64geU: 0x5a,
  i32add: 0x6a, i32shl: 0x74,
  i64add: 0x7c, i64sub: 0x7d, i64mul: 0x7e, i64and: 0x83, i64shrU: 0x88,
} as const;
const VOID = 0x40;
const I32 = 0x7f;
const I64 = 0x7e;
const P61 = (1n << 61n) - 1n;

// params 0 P, 1 n, 2 aOff, 3 bOff, 4 hvOff, 5 sigOff; locals 6 k, 7 s (i32), 8 a, 9 b, 10 m, 11 v (i64)
function body(wide: boolean): number[] {
  const addr = (base: number, index: number, shift: number) => [OP.get, base, OP.get, index, OP.i32const, shift, OP.i32shl, OP.i32add];
  const code = [
    OP.i32const, 0, OP.set, 6,
    OP.block, VOID, OP.loop, VOID,
    OP.get, 6, OP.get, 0, OP.i32geU, OP.brIf, 1,
    ...addr(2, 6, 3), OP.i64load, 3, 0, OP.set, 8,
    ...addr(3, 6, 3), OP.i64load, 3, 0, OP.set, 9,
    OP.i64const, ...(wide ? sleb64(-1n) : sleb64(0xffffffffn)), OP.set, 10,
    OP.i32const, 0, OP.set, 7,
    OP.block, VOID, OP.loop, VOID,
    OP.get, 7, OP.get, 1, OP.i32geU, OP.brIf, 1,
    // v = a·h + b (mod 2^64)
    OP.get, 8, ...addr(4, 7, wide ? 3 : 2), ...(wide ? [OP.i64load, 3, 0] : [OP.i64load32u, 2, 0]), OP.i64mul, OP.get, 9, OP.i64add, OP.set, 11,
    // v = (v & p) + (v >> 61); v = v ≥ p ? v − p : v
    OP.get, 11, OP.i64const, ...sleb64(P61), OP.i64and, OP.get, 11, OP.i64const, 61, OP.i64shrU, OP.i64add, OP.set, 11,
    OP.get, 11, OP.i64const, ...sleb64(P61), OP.i64sub, OP.get, 11, OP.get, 11, OP.i64const, ...sleb64(P61), OP.i64geU, OP.select,
    ...(wide ? [] : [OP.i64const, ...sleb64(0xffffffffn), OP.i64and]),
    OP.set, 11,
    // m = min(m, v)
    OP.get, 11, OP.get, 10, OP.get, 11, OP.get, 10, OP.i64ltU, OP.select, OP.set, 10,
    OP.get, 7, OP.i32const, 1, OP.i32add, OP.set, 7,
    OP.br, 0,
    OP.end, OP.end,
    ...addr(5, 6, wide ? 3 : 2), OP.get, 10, ...(wide ? [OP.i64store, 3, 0] : [OP.i64store32, 2, 0]),
    OP.get, 6, OP.i32const, 1, OP.i32add, OP.set, 6,
    OP.br, 0,
    OP.end, OP.end,
    OP.end,
  ];
  const locals = vec([[2, I32], [4, I64]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array {
  const type = section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), 0]]));
  const funcs = section(3, vec([[0], [0]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(7, vec([[...name("mem"), 0x02, 0], [...name("mh32"), 0x00, 0], [...name("mh64"), 0x00, 1]]));
  const code = section(10, [...uleb(2), ...body(false), ...body(true)]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...funcs, ...memory, ...exports, ...code]);
}

export interface WasmMinHash {
  memory: WebAssembly.Memory;
  mh32: (P: number, n: number, aOff: number, bOff: number, hvOff: number, sigOff: number) => void;
  mh64: (P: number, n: number, aOff: number, bOff: number, hvOff: number, sigOff: number) => void;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * A fresh instance (its own memory: one per MinHasher), or null where WebAssembly is unavailable or
 * LMPLAN_NO_WASM is set (the tests run the JavaScript loops that way too).
 */
export function wasmMinHash(): WasmMinHash | null {
  try {
    if (compiled === undefined) compiled = typeof WebAssembly === "object" && !(typeof process !== "undefined" && process.env.LMPLAN_NO_WASM) ? new WebAssembly.Module(moduleBytes() as BufferSource) : null;
    if (compiled === null) return null;
    const e = new WebAssembly.Instance(compiled, {}).exports as unknown as { mem: WebAssembly.Memory; mh32: WasmMinHash["mh32"]; mh64: WasmMinHash["mh64"] };
    return { memory: e.mem, mh32: e.mh32, mh64: e.mh64 };
  } catch {
    compiled = null;
    return null;
  }
}
