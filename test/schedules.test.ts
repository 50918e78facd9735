import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adamwTimescale, EMA_EXACT_STEPS, emaCoefficients, lrAt, lrArea, sampleEma, weightDecayForTimescale, type ScheduleSpec } from "../src/schedules/index.js";

const arbSpec: fc.Arbitrary<ScheduleSpec> = fc
  .record({
    kind: fc.constantFrom("linear", "cosine", "wsd", "constant", "power") as fc.Arbitrary<ScheduleSpec["kind"]>,
    totalSteps: fc.integer({ min: 10, max: 5000 }),
    warmFrac: fc.double({ min: 0, max: 0.5, noNaN: true }),
    minLrRatio: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
    decayFraction: fc.double({ min: 0, max: 0.5, noNaN: true }),
    decayShape: fc.constantFrom("linear", "cosine", "1-sqrt", "exponential") as fc.Arbitrary<NonNullable<ScheduleSpec["decayShape"]>>,
  })
  .map((r) => ({
    kind: r.kind,
    peakLr: r.kind === "power" ? 0.02 : 3e-4,
    totalSteps: r.totalSteps,
    warmupSteps: Math.floor(r.warmFrac * r.totalSteps),
    minLrRatio: r.minLrRatio,
    decayFraction: r.decayFraction,
    decayShape: r.decayShape,
    power: { tokensPerStep: 4e6, batchSeqs4096: 1024, a: 4, b: -0.51 },
  }));

describe("schedule properties", () => {
  it("stay within [min, peak] after warmup and [0, peak] during it", () => {
    fc.assert(
      fc.property(arbSpec, (s) => {
        for (let i = 0; i <= s.totalSteps; i++) {
          const lr = lrAt(s, i);
          if (!(lr >= 0 && lr <= s.peakLr * (1 + 1e-12))) return false;
          if (i >= s.warmupSteps && s.kind !== "power" && lr < s.minLrRatio * s.peakLr * (1 - 1e-12)) return false;
        }
        return true;
      }),
    );
  });
  it("are non-increasing after warmup", () => {
    fc.assert(
      fc.property(arbSpec, (s) => {
        for (let i = s.warmupSteps + 1; i <= s.totalSteps; i++) if (lrAt(s, i) > lrAt(s, i - 1) * (1 + 1e-12)) return false;
        return true;
      }),
    );
  });
});

describe("schedules", () => {
  const d2z: ScheduleSpec = { kind: "linear", peakLr: 1e-3, totalSteps: 1000, warmupSteps: 100, minLrRatio: 0 };
  it("D2Z warms up linearly and ends at zero", () => {
    expect(lrAt(d2z, 0)).toBe(0);
    expect(lrAt(d2z, 50)).toBeCloseTo(5e-4, 15);
    expect(lrAt(d2z, 100)).toBe(1e-3);
    expect(lrAt(d2z, 550)).toBeCloseTo(5e-4, 15);
    expect(lrAt(d2z, 1000)).toBe(0);
  });
  it("cosine-to-10% ends at 10% of peak; WSD holds the peak until the decay", () => {
    expect(lrAt({ ...d2z, kind: "cosine", minLrRatio: 0.1 }, 1000)).toBeCloseTo(1e-4, 15);
    const wsd: ScheduleSpec = { ...d2z, kind: "wsd", decayFraction: 0.1, decayShape: "linear" };
    expect(lrAt(wsd, 899)).toBe(1e-3);
    expect(lrAt(wsd, 950)).toBeCloseTo(5e-4, 15);
  });
  it("LR area of D2Z is the triangle-plus-trapezoid", () => {
    // Σ over 0..99 of 1e-3·s/100 + Σ over 100..999 of 1e-3·(1000−s)/900
    let expected = 0;
    for (let s = 0; s < 100; s++) expected += (1e-3 * s) / 100;
    for (let s = 100; s < 1000; s++) expected += (1e-3 * (1000 - s)) / 900;
    expect(lrArea(d2z)).toBeCloseTo(expected, 12);
  });
  it("EMA coefficients and the initial-weight share sum to one", () => {
    for (const s of [d2z, { ...d2z, kind: "cosine" as const, minLrRatio: 0.1 }, { ...d2z, kind: "constant" as const }]) {
      const { coefficients, initWeight } = emaCoefficients(s, 0.1);
      const total = coefficients.reduce((a, b) => a + b, 0) + initWeight;
      expect(total).toBeCloseTo(1, 12);
    }
  });
  it("D2Z spreads the final weights over more late updates than a constant LR", () => {
    // The last update's LR is near zero under D2Z, so the last 1% of updates weigh less than under constant.
    const tail = (s: ScheduleSpec) => {
      const c = emaCoefficients(s, 1).coefficients;
      return c.slice(990).reduce((a, b) => a + b, 0);
    };
    expect(tail(d2z)).toBeLessThan(tail({ ...d2z, kind: "constant" }));
  });
  it("sampleEma equals emaCoefficients at its samples for runs it walks step by step", () => {
    for (const s of [d2z, { ...d2z, kind: "cosine" as const, minLrRatio: 0.1 }, { ...d2z, kind: "wsd" as const, decayFraction: 0.2, decayShape: "linear" as const }]) {
      const exact = emaCoefficients(s, 0.1).coefficients;
      const pts = sampleEma(s, 0.1, 51);
      expect(pts).toHaveLength(51);
      expect(pts[50]?.step).toBe(999);
      for (const p of pts) expect(p.c).toBeCloseTo(exact[p.step] as number, 15);
    }
  });
  it("sampleEma past EMA_EXACT_STEPS stays within 0.1% of the exact coefficients (midpoint rule over nodes)", () => {
    const T = EMA_EXACT_STEPS * 4;
    const long: ScheduleSpec = { ...d2z, totalSteps: T, warmupSteps: T / 10, peakLr: 3e-4 };
    const exact = emaCoefficients(long, 0.1).coefficients;
    for (const p of sampleEma(long, 0.1, 101)) {
      if (p.step === 0) continue; // c_0 = 0: warmup starts at zero LR
      expect(Math.abs(p.c / (exact[p.step] as number) - 1)).toBeLessThan(1e-3);
    }
  });
  it("sampleEma of a 1e10-step run (a 1e16-token plan) answers 201 points without a per-step array", () => {
    const pts = sampleEma({ ...d2z, totalSteps: 1e10, warmupSteps: 1e9, peakLr: 3e-4 }, 0.1, 201);
    expect(pts).toHaveLength(201);
    expect(pts.every((p) => Number.isFinite(p.c) && p.c >= 0)).toBe(true);
  });
  it("timescale and weight decay are inverses", () => {
    const tau = adamwTimescale(516096, 0.002, 0.1, 12.2e9);
    expect(weightDecayForTimescale(516096, 0.002, tau, 12.2e9)).toBeCloseTo(0.1, 14);
  });
});
