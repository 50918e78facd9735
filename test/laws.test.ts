import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeOptimal, EPOCH_PARAMS, HOFFMANN_PARAMS, LAWS, powerLinesTau, stepLaw } from "../src/laws/index.js";
import { weightDecayForTimescale } from "../src/schedules/ema.js";

describe("law metadata", () => {
  it.each(LAWS.map((l) => [l.id, l] as const))("%s cites its source and documents every input", (_id, law) => {
    expect(law.citation.arxiv ?? law.citation.repo).toBeTruthy();
    expect(law.citation.locator.length).toBeGreaterThan(0);
    expect(law.formula.length).toBeGreaterThan(0);
    for (const q of Object.values(law.inputs) as { unit: string; description: string }[]) expect(q.description.length).toBeGreaterThan(0);
    for (const key of Object.keys(law.fitRange)) expect(Object.keys(law.inputs)).toContain(key);
    if (Object.keys(law.fitRange).length === 0) expect(law.fitRangeNote).toBeTruthy();
  });

  it("marks the secondary-source laws unverified (SCIENCE.md [S])", () => {
    const unverified = LAWS.filter((l) => !l.verified).map((l) => l.id).sort();
    expect(unverified).toEqual(["deepseek", "kaplan-loss", "porian", "power-lines-batch", "power-lines-bcrit", "power-lines-tau", "zhang-bcrit"]);
  });

  it("returns the value and a warning naming the range when extrapolating", () => {
    const inside = stepLaw.evaluate({ N: 5e8, D: 2e10 });
    expect(inside.warnings).toEqual([]);
    const outside = stepLaw.evaluate({ N: 7e9, D: 1.4e12 });
    expect(outside.value.eta).toBeCloseTo(9.1656e-4, 7);
    expect(outside.warnings.map((w) => w.message).join(" ")).toMatch(/N 7e9 outside 2\.1e8–1\.07e9/);
    expect(outside.warnings.every((w) => w.code === "extrapolation" && w.source === "step-law")).toBe(true);
  });

  it("does not mutate its input", () => {
    const input = Object.freeze({ N: 7e9, D: 1.4e12 });
    expect(() => stepLaw.evaluate(input)).not.toThrow();
  });
});

describe("properties", () => {
  it("λ_opt is proportional to B at fixed N, D", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e4, max: 1e8, noNaN: true }), fc.double({ min: 1.01, max: 100, noNaN: true }), (B, k) => {
        const tau = powerLinesTau.evaluate({ TPP: 50, N: 1e9 }).value.tauOpt;
        const l1 = weightDecayForTimescale(B, 1e-3, tau, 5e10);
        const l2 = weightDecayForTimescale(k * B, 1e-3, tau, 5e10);
        return Math.abs(l2 / l1 / k - 1) < 1e-12;
      }),
    );
  });
  it("τ_opt decreases in TPP", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 1e5, noNaN: true }), fc.double({ min: 1.001, max: 10, noNaN: true }), (t, k) => {
        const f = (TPP: number) => powerLinesTau.evaluate({ TPP, N: 1e9 }).value.tauOpt;
        return f(t * k) < f(t);
      }),
    );
  });
  it("compute-optimal N and D increase with C, and 6·N·D = C", () => {
    for (const p of [EPOCH_PARAMS, HOFFMANN_PARAMS]) {
      fc.assert(
        fc.property(fc.double({ min: 1e17, max: 1e27, noNaN: true }), fc.double({ min: 1.01, max: 100, noNaN: true }), (C, k) => {
          const a = computeOptimal(p, C);
          const b = computeOptimal(p, C * k);
          return b.N > a.N && b.D > a.D && Math.abs((6 * a.N * a.D) / C - 1) < 1e-9;
        }),
      );
    }
  });
});
