/** LSH parameters: datasketch's optimal-parameter rule and the S-curve. */
import { describe, expect, it } from "vitest";
import { resolveDedupConfig } from "../src/mixture/audit/config.js";
import { candidateProbability, optimalParams, sCurveThreshold } from "../src/mixture/audit/lsh.js";

// datasketch's _optimal_param (datasketch/lsh.py, v1.5.9 bc1b7621 = HEAD 8d4bda1b) run under SciPy 1.10.1
// (Debian python3-scipy) with weights (0.5, 0.5): threshold, num_perm → bands, rows
const SCIPY: [number, number, number, number][] = [
  [0.5, 64, 14, 4], [0.7, 64, 8, 8], [0.75, 64, 7, 9], [0.8, 64, 5, 11], [0.85, 64, 4, 15], [0.9, 64, 3, 21],
  [0.5, 112, 22, 5], [0.7, 112, 12, 9], [0.75, 112, 11, 10], [0.8, 112, 9, 12], [0.85, 112, 7, 16], [0.9, 112, 5, 22],
  [0.5, 128, 25, 5], [0.7, 128, 14, 9], [0.75, 128, 11, 11], [0.8, 128, 9, 13], [0.85, 128, 8, 16], [0.9, 128, 5, 25],
  [0.5, 240, 40, 6], [0.7, 240, 24, 10], [0.75, 240, 20, 12], [0.8, 240, 16, 15], [0.85, 240, 12, 20], [0.9, 240, 9, 26],
  [0.5, 256, 42, 6], [0.7, 256, 25, 10], [0.75, 256, 21, 12], [0.8, 256, 17, 15], [0.85, 256, 13, 19], [0.9, 256, 9, 28],
];

describe("datasketch's optimal (bands, rows)", () => {
  it("threshold 0.8 at 128 permutations → SlimPajama's 9 bands × 13 rows (Cerebras/modelzoo slimpajama main.py: bands 9, range 13)", () => {
    const p = optimalParams(0.8, 128);
    expect([p.bands, p.rows]).toEqual([9, 13]);
  });
  it.each(SCIPY)("t=%f, num_perm=%i → (%i, %i) as SciPy's quad finds", (t, n, b, r) => {
    const p = optimalParams(t, n);
    expect([p.bands, p.rows]).toEqual([b, r]);
  });
  it("weights (0.3, 0.7) at 0.8/128 → (11, 11), as SciPy finds", () => {
    const p = optimalParams(0.8, 128, 0.3, 0.7);
    expect([p.bands, p.rows]).toEqual([11, 11]);
  });
  it("--threshold and --num-perm re-derive bands × rows; bad values are refused with the range", () => {
    const r = resolveDedupConfig({ preset: "slimpajama", threshold: 0.7 });
    expect(r.ok && [r.value.bands, r.value.rows]).toEqual([14, 9]);
    const bad = resolveDedupConfig({ numPerm: 5000 });
    expect(!bad.ok && bad.issues[0]?.expected).toMatch(/2 … 1024/);
    const over = resolveDedupConfig({ bands: 20, rows: 13 });
    expect(!over.ok && over.issues[0]?.expected).toMatch(/bands × rows ≤ num_perm = 128/);
  });
});

describe("the S-curve", () => {
  it("1 − (1 − J^13)^9: a pair at J = 0.8 is a candidate 39.9% of the time (docs/science.md §15); midpoint (1/9)^(1/13) ≈ 0.845", () => {
    expect(candidateProbability(0.8, 9, 13)).toBeCloseTo(0.399, 3);
    expect(sCurveThreshold(9, 13)).toBeCloseTo(0.8446, 3);
    // datatrove's docstring: P(0.8) = 1 − (1 − 0.8^8)^14 = 0.924, threshold (1/14)^(1/8) ≈ 0.72
    expect(candidateProbability(0.8, 14, 8)).toBeCloseTo(0.924, 3);
    expect(sCurveThreshold(14, 8)).toBeCloseTo(0.719, 3);
  });
});
