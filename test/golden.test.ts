// Golden tests: every published number SCIENCE.md §1–§8 gives for the core, reproduced.
// Each row names its reference (see src/verify.ts); `lmplan verify` prints the same table.
import { describe, expect, it } from "vitest";
import { GOLDENS } from "../src/verify.js";

describe("reproductions of published numbers", () => {
  it.each(GOLDENS.map((g) => [g.what, g] as const))("%s", (_what, g) => {
    const computed = g.computed();
    expect(Number.isFinite(computed)).toBe(true);
    expect(Math.abs(computed / g.published - 1)).toBeLessThanOrEqual(g.relTol);
  });

  it("covers every golden the core issue lists", () => {
    const ids = new Set(GOLDENS.map((g) => g.id));
    for (const id of [
      "tau-tpp1", "tau-tpp20", "tau-tpp200", "tau-610m", "lambda-610m", "bopt-3e9",
      "mup-111m-hidden-std", "mup-111m-out-std", "mup-111m-logits", "mup-111m-lr",
      "mup-btlm-hidden-std", "mup-btlm-out-std", "mup-btlm-logits", "mup-btlm-lr",
      "completep-residual", "completep-lr", "completep-wd", "completep-eps",
      "power-scheduler-eq5", "step-law-lr", "step-law-batch", "deepseek-7b-lr",
      "muennighoff-1", "muennighoff-2", "epoch-frontier-n", "epoch-frontier-d", "epoch-frontier-tpp",
      "epoch-loss-chinchilla", "llama31-8b-mfu", "mccandlish", "kaplan-bcrit",
    ]) expect(ids.has(id), id).toBe(true);
  });
});
