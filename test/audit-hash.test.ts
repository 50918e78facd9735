/**
 * The hashing reproduces the published pipelines value for value. Reference: bench/audit_reference.py
 * (NumPy 1.24.2 from Debian's python3-numpy, python3-xxhash 3.2.0), which computes datasketch's
 * MinHash (ekzhu/datasketch v1.5.9) on SlimPajama's features and datatrove's default signature; its
 * output is frozen in test/audit/golden-signatures.json (`audit_reference.py golden` regenerates it).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../src/mixture/audit/config.js";
import { estimateTokens } from "../src/mixture/audit/engine.js";
import { MinHasher, permutations } from "../src/mixture/audit/minhash.js";
import { Mt19937, randintU64 } from "../src/mixture/audit/mt19937.js";
import { normalizeDatatrove, normalizeSlimPajama, normalizeTextDedup } from "../src/mixture/audit/normalize.js";
import { sha1Hash32 } from "../src/mixture/audit/sha1.js";
import { R, u64String } from "../src/mixture/audit/u64.js";
import { xxh64 } from "../src/mixture/audit/xxhash64.js";

const golden = JSON.parse(readFileSync(new URL("./audit/golden-signatures.json", import.meta.url), "utf8")) as {
  numpy: string;
  permutations_pairs_seed1: { a: string[]; b: string[] };
  slimpajama: { text: string; signature: number[] }[];
  datatrove: { text: string; simplified?: string; signature: string[] | null }[];
};
const enc = new TextEncoder();

describe("hash primitives", () => {
  it("SHA-1 → datasketch's sha1_hash32 (FIPS 180-4 vectors through Python's struct.unpack('<I', digest[:4]))", () => {
    // hashlib.sha1(b"abc").digest()[:4] = a9 99 3e 36 → little-endian 0x363e99a9 = 910072233
    for (const [s, want] of [["", 4003674586], ["abc", 910072233], ["hello world", 896314922], ["x".repeat(55), 3124033486], ["y".repeat(56), 2446525065], ["z".repeat(200), 632396635]] as const) {
      const b = enc.encode(s);
      expect(sha1Hash32(b, 0, b.length)).toBe(want);
    }
  });
  it("XXH64 seed 0 (python3-xxhash 3.2.0: xxh64_intdigest)", () => {
    for (const [s, want] of [["", "17241709254077376921"], ["abc", "4952883123889572249"], ["hello world", "5020219685658847592"], ["x".repeat(55), "7349461690937472626"], ["z".repeat(200), "298657297195540411"]] as const) {
      const b = enc.encode(s);
      xxh64(b, 0, b.length);
      expect(u64String(R[0] as number, R[1] as number)).toBe(want);
    }
  });
  it("NumPy RandomState(1).randint(1, 2^61 − 1, dtype=uint64): datasketch's first permutations", () => {
    const g = new Mt19937(1);
    const p = (1n << 61n) - 1n;
    const draws = [randintU64(g, 1n, p), randintU64(g, 0n, p), randintU64(g, 1n, p), randintU64(g, 0n, p)];
    expect(draws.map(String)).toEqual([golden.permutations_pairs_seed1.a[0], golden.permutations_pairs_seed1.b[0], golden.permutations_pairs_seed1.a[1], golden.permutations_pairs_seed1.b[1]]);
    const perms = permutations(128, 1, "pairs");
    expect(((BigInt(perms.aHi[3] as number) << 32n) | BigInt(perms.aLo[3] as number)).toString()).toBe(golden.permutations_pairs_seed1.a[3]);
  });
});

describe.each([
  ["WebAssembly", true],
  ["JavaScript", false],
])("signatures equal the NumPy reference (%s loop)", (_label, wasm) => {
  it("SlimPajama: 128 × sha1_hash32 permutations of character 13-grams, value for value", () => {
    const h = new MinHasher({ ...PRESETS.slimpajama, minChars: 0 }, wasm);
    expect(h.usesWasm).toBe(wasm && typeof WebAssembly === "object");
    for (const row of golden.slimpajama) expect(Array.from(h.signature(row.text).sig)).toEqual(row.signature);
  });
  it("datatrove defaults: 112 × 64-bit permutations of XXH64 word 5-grams after simplify_text", () => {
    const h = new MinHasher(PRESETS.datatrove, wasm);
    for (const row of golden.datatrove) {
      const r = h.signature(row.text);
      if (row.signature === null) {
        expect(r.status).not.toBe(0);
        continue;
      }
      expect(normalizeDatatrove(row.text)).toBe(row.simplified);
      const vals = Array.from({ length: 112 }, (_, k) => u64String(r.sig[2 * k] as number, r.sig[2 * k + 1] as number));
      expect(vals).toEqual(row.signature);
    }
  });
});

describe("normalisation matches Python's semantics", () => {
  it("SlimPajama: lowercase, string.punctuation deleted, Python \\s collapsed (U+001C–U+001F and U+0085 are spaces, U+FEFF is not)", () => {
    expect(normalizeSlimPajama("  Hello,   World!\n\tIt's  ")).toBe("hello world its");
    expect(normalizeSlimPajama("a\x1cb\x85c\ufeffd")).toBe("a b c\ufeffd");
    // non-ASCII punctuation is not in string.punctuation: kept
    expect(normalizeSlimPajama("“quoted” — dash")).toBe("“quoted” — dash");
  });
  it("datatrove simplify_text: numbers → 0, its PUNCTUATION → space, diacritics stripped", () => {
    expect(normalizeDatatrove("Café 12,345.67 naïve—résumé")).toBe("cafe 0 0 naive resume");
  });
  it("text-dedup: \\W-split lowercase tokens", () => {
    expect(normalizeTextDedup("Hello, World! snake_case x2")).toBe("hello world snake_case x2");
  });
});

describe("token estimates (stated in every report)", () => {
  it("chars/4 counts code points, words agrees with Python's len(text.split()), bytes/4 counts UTF-8", () => {
    expect(estimateTokens("abcd😀", "chars/4")).toBe(5 / 4);
    expect(estimateTokens("  two\x1cwords \u3000 three\u00a0four ", "words")).toBe(4);
    expect(estimateTokens("é", "bytes/4")).toBe(2 / 4);
  });
});
