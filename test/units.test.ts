import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCount, formatDuration, formatFlops, parseCount, parseDuration, parseGpuSpec, parsePrice } from "../src/units/index.js";

const tok = { label: "token count", example: "627B", unitWords: ["tokens"] };

describe("parseCount", () => {
  it.each([
    ["1.3B", 1.3e9],
    ["627B", 627e9],
    ["1.2T", 1.2e12],
    ["3e22", 3e22],
    ["2.5M tokens", 2.5e6],
    ["627b", 627e9],
    ["1_000", 1000],
    [7e9, 7e9],
  ])("%s → %d", (text, value) => {
    const r = parseCount(text, "tokens", tok);
    expect(r).toEqual({ ok: true, value });
  });

  it("rejects an unknown suffix and names it", () => {
    const r = parseCount("3X", "params", tok);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]?.path).toEqual(["params"]);
      expect(r.issues[0]?.expected).toContain('unknown suffix "X"');
    }
  });

  it.each(["-3B", "abc", "0", "", "NaN", "Infinity", "1e999", "3B flops"])("rejects %j", (text) => {
    expect(parseCount(text, "tokens", tok).ok).toBe(false);
  });
});

describe("other quantities", () => {
  it("parses durations", () => {
    expect(parseDuration("14d", "days")).toEqual({ ok: true, value: 14 * 86400 });
    expect(parseDuration("1d12h", "days")).toEqual({ ok: true, value: 1.5 * 86400 });
    expect(parseDuration("2 weeks", "days")).toEqual({ ok: true, value: 14 * 86400 });
    expect(parseDuration("14", "days").ok).toBe(false);
    expect(parseDuration("14 fortnights", "days").ok).toBe(false);
  });
  it("parses prices and GPU specs", () => {
    expect(parsePrice("$2.49/h", "price")).toEqual({ ok: true, value: 2.49 });
    expect(parsePrice("-1", "price").ok).toBe(false);
    expect(parseGpuSpec("256xH100", "gpu")).toEqual({ ok: true, value: { count: 256, name: "h100" } });
    expect(parseGpuSpec("h100", "gpu")).toEqual({ ok: true, value: { name: "h100" } });
    expect(parseGpuSpec("256 x", "gpu").ok).toBe(false);
  });
  it("formats the way people write", () => {
    expect(formatCount(1.3e9)).toBe("1.3B");
    expect(formatCount(627e9)).toBe("627B");
    expect(formatCount(999.96e9)).toBe("1T");
    expect(formatFlops(3e22)).toBe("3e22");
    expect(formatDuration(14 * 86400)).toBe("14 days");
  });
});

describe("properties", () => {
  it("parseCount ∘ formatCount round-trips within the printed precision", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e25, noNaN: true }), (x) => {
        const r = parseCount(formatCount(x, 6), "x", { label: "count", example: "1B" });
        return r.ok && Math.abs(r.value / x - 1) <= 5e-6;
      }),
    );
  });
  it("parseCount ∘ formatFlops round-trips", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e10, max: 1e30, noNaN: true }), (x) => {
        const r = parseCount(formatFlops(x, 6), "x", { label: "FLOP count", example: "3e22" });
        return r.ok && Math.abs(r.value / x - 1) <= 5e-6;
      }),
    );
  });
});
