import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATALOG_BEGIN, CATALOG_END, renderLawCatalog } from "../src/laws/catalog.js";
import { chinchillaLaw, chinchillaLoss, coef, computeOptimal, EPOCH_PARAMS, HOFFMANN_PARAMS, LAWS, porian, porianBeta2, powerLinesBatch, powerLinesTau, stepLaw } from "../src/laws/index.js";
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

  it("marks the secondary-source laws unverified (docs/science.md [S])", () => {
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

describe("each law owns its coefficients, formula text, derivation text and examples", () => {
  it.each(LAWS.map((l) => [l.id, l] as const))("%s lists its coefficients and examples that name its own inputs and outputs", (_id, law) => {
    // McCandlish's trade-off is analytic: it has no fitted constant.
    if (law.id !== "mccandlish") expect(Object.keys(law.coefficients).length).toBeGreaterThan(0);
    for (const v of Object.values(law.coefficients)) expect(Number.isFinite(v)).toBe(true);
    expect(law.examples.length).toBeGreaterThan(0);
    for (const ex of law.examples) {
      expect(Object.keys(ex.input).sort()).toEqual(Object.keys(law.inputs).sort());
      expect(Object.keys(law.outputs)).toContain(ex.output);
      expect(ex.source.length).toBeGreaterThan(0);
    }
  });

  it("prints the planner's B_opt derivation from the law's own numbers", () => {
    // 0.0306 · (3e9)^0.383: ln 3e9 = 21.8219, × 0.383 = 8.3578, e^8.3578 = 4263.0, × 0.0306 = 130.45
    expect(powerLinesBatch.derive({ D: 3e9, N: 150e6 })).toBe("B_opt = 0.0306 · D^0.383 = 0.0306 · 3B^0.383 = 130.5 sequences of 2048");
    expect(powerLinesBatch.formula).toBe("B_opt = 0.0306 · D^0.383   (B in sequences of 2048 tokens, D in tokens)");
  });

  it("prints Step Law's and τ_opt's derivations with a true minus sign", () => {
    expect(stepLaw.derive({ N: 5e8, D: 2e10 }, "eta")).toBe("Step Law η = 1.79·N^−0.713·D^0.307 with non-embedding N = 500M, D = 20B");
    expect(stepLaw.derive({ N: 5e8, D: 2e10 }, "Btokens")).toBe("Step Law B = 0.58·D^0.571 with non-embedding N = 500M, D = 20B");
    expect(powerLinesTau.derive({ TPP: 20, N: 1e9 })).toBe("τ_opt = 1.084 · TPP^−0.527 at TPP 20");
    expect(coef(-0.527)).toBe("−0.527");
    expect(coef(8.8e13)).toBe("8.8e13");
  });

  it("applies Porian's β2 rule at the 192-sequence edge, in the law and for the planner", () => {
    expect(porianBeta2(192)).toMatchObject({ beta2: 0.99, smallBatch: true });
    expect(porianBeta2(192.5)).toMatchObject({ beta2: 0.95, smallBatch: false });
    expect(porianBeta2(128).rule).toBe("batch 128 ≤ 192 sequences of 2048: β2 = 0.99 (Porian et al.) [unverified]");
    // N = 1e9: B* = 0.00037 · 1e9^0.703 = 0.00037 · 10^6.327 = 0.00037 · 2.1232e6 = 785.6 sequences > 192 → 0.95
    expect(porian.evaluate({ N: 1e9 }).value.BSeqs).toBeCloseTo(785.6, 0);
    expect(porian.evaluate({ N: 1e9 }).value.beta2).toBe(0.95);
  });

  it("builds a fitted Chinchilla-form law from the one loss body", () => {
    const params = { E: 2, A: 400, B: 1000, alpha: 0.3, beta: 0.3 };
    const law = chinchillaLaw({ id: "fitted:loss", title: "your fitted loss law", citation: { short: "lmplan fit loss", locator: "your runs" }, verified: true, params, fitRange: { N: [5e7, 2e8] } });
    // 2 + 400/1e9^0.3 + 1000/2e10^0.3 = 2 + 400/501.19 + 1000/1231.14 = 2 + 0.79810 + 0.81226 = 3.61036
    expect(law.evaluate({ N: 1e9, D: 2e10 }).value.L).toBeCloseTo(3.61036, 4);
    expect(law.evaluate({ N: 1e9, D: 2e10 }).value.L).toBe(chinchillaLoss(params, 1e9, 2e10));
    expect(law.evaluate({ N: 1e9, D: 2e10 }).warnings.map((w) => w.message).join(" ")).toMatch(/N 1e9 outside 5e7–2e8/);
    expect(law.formula).toBe("L = 2 + 400/N^0.3 + 1000/D^0.3;  N_opt = G(C/6)^(β/(α+β))");
  });
});

describe("one home per coefficient", () => {
  // A law's distinctive constants (three or more significant figures: 0.0306, 1.084, −0.527, 0.3118 …)
  // may be written only in src/laws/; elsewhere code reads them from the law (coefficients, derive, the
  // *_TERM texts), so changing a coefficient is one edit in one file.
  const ROOT = new URL("..", import.meta.url).pathname;
  const distinctive = (v: number) => {
    const s = String(Math.abs(v));
    return !Number.isInteger(v) && !s.includes("e") && s.replace(/^0\.0*/, "").replace(".", "").length >= 3;
  };
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : /\.(ts|js)$/.test(name) ? [path] : [];
    });

  it("writes no law's coefficient outside src/laws/", () => {
    const coefficients = [...new Set(LAWS.flatMap((l) => Object.values(l.coefficients).filter(distinctive).map((v) => String(Math.abs(v)))))];
    expect(coefficients).toEqual(expect.arrayContaining(["0.0306", "0.383", "1.084", "0.527", "1.79", "0.713", "0.307", "0.462"]));
    const pattern = new RegExp(`(?<![\\d.])(${coefficients.map((c) => c.replace(".", "\\.")).join("|")})(?![\\d])`);
    const repeats: string[] = [];
    for (const file of [...files(join(ROOT, "src")), ...files(join(ROOT, "web/src"))]) {
      const rel = relative(ROOT, file);
      if (rel.startsWith("src/laws/")) continue;
      readFileSync(file, "utf8").split("\n").forEach((line, i) => {
        const m = pattern.exec(line);
        if (m) repeats.push(`${rel}:${i + 1} repeats ${m[1]}`);
      });
    }
    expect(repeats).toEqual([]);
  });
});

describe("docs/science.md", () => {
  it("carries the law catalogue exactly as the laws print it (npm run docs:science rewrites it)", () => {
    const path = new URL("../docs/science.md", import.meta.url);
    const text = readFileSync(path, "utf8");
    const begin = text.indexOf(CATALOG_BEGIN);
    const end = text.indexOf(CATALOG_END);
    expect(begin, "docs/science.md has the catalogue's begin marker").toBeGreaterThanOrEqual(0);
    expect(end, "docs/science.md has the catalogue's end marker").toBeGreaterThan(begin);
    const current = text.slice(begin, end + CATALOG_END.length);
    const wanted = renderLawCatalog();
    if (process.env.LMPLAN_UPDATE_DOCS === "1" && current !== wanted) {
      writeFileSync(path, text.slice(0, begin) + wanted + text.slice(end + CATALOG_END.length));
      return;
    }
    expect(current).toBe(wanted);
  });

  it("has every law's id, formula and source in the catalogue", () => {
    const catalogue = renderLawCatalog();
    for (const law of LAWS) {
      expect(catalogue).toContain(`\`${law.id}\``);
      expect(catalogue).toContain(law.citation.short);
    }
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
