// Golden tests: every published number and law evaluation docs/science.md lists, reproduced.
// Each row names its reference (src/laws/*.ts `examples`, src/verify.ts); `lmplan verify` prints the same table.
import { describe, expect, it } from "vitest";
import { LAWS } from "../src/laws/index.js";
import { GOLDENS, runGoldens } from "../src/verify.js";

describe("reproductions of published numbers", () => {
  it.each(GOLDENS.map((g) => [`[${g.kind}] ${g.what}`, g] as const))("%s", (_what, g) => {
    const computed = g.computed();
    expect(Number.isFinite(computed)).toBe(true);
    expect(Math.abs(computed / g.published - 1)).toBeLessThanOrEqual(g.relTol);
  });

  it("covers every golden the core issue lists, with unique ids", () => {
    const ids = GOLDENS.map((g) => g.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      "tau-tpp1", "tau-tpp20", "tau-tpp200", "tau-610m", "lambda-610m", "bopt-3e9",
      "mup-111m-hidden-std", "mup-111m-out-std", "mup-111m-logits", "mup-111m-lr",
      "mup-btlm-hidden-std", "mup-btlm-out-std", "mup-btlm-logits", "mup-btlm-lr",
      "completep-residual", "completep-lr", "completep-wd", "completep-eps",
      "power-scheduler-eq5", "step-law-lr", "step-law-batch", "deepseek-7b-lr", "deepseek-7b-lr-run",
      "muennighoff-1", "muennighoff-2", "epoch-frontier-n", "epoch-frontier-d", "epoch-frontier-tpp",
      "epoch-loss-chinchilla", "llama31-8b-mfu", "mccandlish", "kaplan-bcrit",
    ]) expect(ids, id).toContain(id);
  });

  it("gives every law at least one row, each read from the law's own examples", () => {
    for (const law of LAWS.filter((l) => l.id !== "multi-power-law")) {
      expect(GOLDENS.filter((g) => g.law === law.id).length, law.id).toBeGreaterThan(0);
    }
  });

  it("separates published numbers from law re-evaluations", () => {
    const r = runGoldens();
    expect(r.allPass).toBe(true);
    expect(r.published.length + r.law.length).toBe(GOLDENS.length);
    // The published rows are the ones a source prints: the datablations README's two losses, the Power
    // Scheduler's worked example, the DeepSeek 7B run's learning rate, Hoffmann's printed E.
    expect(r.published.map((x) => x.golden.id).sort()).toEqual(["deepseek-7b-lr-run", "hoffmann-e-printed", "muennighoff-1", "muennighoff-2", "power-scheduler-eq5"]);
  });

  it("says why a published row's tolerance is wider than its printed digits", () => {
    for (const g of GOLDENS.filter((x) => x.kind === "published" && x.relTol > 1e-6)) {
      expect(g.tolerance, g.id).toBeTruthy();
    }
  });

  it("compares the DeepSeek 7B row with the released run's 4.2e-4, within that number's two-figure rounding", () => {
    const g = GOLDENS.find((x) => x.id === "deepseek-7b-lr-run");
    expect(g?.published).toBe(4.2e-4);
    // 4.2e-4 stands for anything in [4.15e-4, 4.25e-4): half a unit in the second figure, 1.19%.
    expect(g?.relTol).toBeCloseTo(0.05 / 4.2, 12);
    // DeepSeek §3.1 by hand: M = 72·30·4096² + 12·30·4096·4096 = 4.2279e10; C = M·2e12 = 8.4557e22;
    // η = 0.3118 · C^−0.125 = 4.246e-4, 1.1% above the run's LR.
    expect(g?.computed()).toBeCloseTo(4.246e-4, 6);
  });

  it("fails a row whose computed value leaves the tolerance", () => {
    const bad = { ...GOLDENS[0]!, computed: () => GOLDENS[0]!.published * (1 + 2 * GOLDENS[0]!.relTol + 1e-9) };
    expect(runGoldens([bad]).allPass).toBe(false);
  });
});
