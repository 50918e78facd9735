import { describe, expect, it } from "vitest";
import { computeOptimal, EPOCH_PARAMS, findLaw, findReference, plan, planSafe, powerLinesBatch } from "../src/index.js";
import type { Num, Plan } from "../src/plan/types.js";

function allNums(p: Plan): Num[] {
  const out: Num[] = [];
  const walk = (v: unknown) => {
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.value === "number" && typeof o.source === "string" && typeof o.unit === "string") out.push(o as unknown as Num);
      else for (const x of Object.values(o)) walk(x);
    }
  };
  walk(p);
  return out;
}

describe("plan: solving N and D", () => {
  it("--params with --tokens keeps both (the shape's N is reported)", () => {
    const p = plan({ params: "3B", tokens: "627B", gpu: "h100", gpus: 256 });
    expect(p.budget.tokens.value).toBe(627e9);
    expect(Math.abs(p.model.totalParams.value / 3e9 - 1)).toBeLessThan(0.05);
    expect(p.hardware.numGpus.value).toBe(256);
  });

  it("--compute alone is split compute-optimally on the Epoch frontier", () => {
    const p = plan({ compute: "3e22", gpu: "h100", gpus: 64 });
    const opt = computeOptimal(EPOCH_PARAMS, 3e22);
    expect(Math.abs(p.model.totalParams.value / opt.N - 1)).toBeLessThan(0.05);
    // C is held: D follows the real shape's N.
    expect(6 * p.model.totalParams.value * p.budget.tokens.value).toBeCloseTo(3e22, -18);
    expect(p.budget.tokens.source).toBe("chinchilla-epoch");
  });

  it("--params with --tpp gives D = TPP·N of the real shape", () => {
    const p = plan({ params: "1.3B", tpp: 100 });
    expect(p.budget.tokensPerParam.value).toBeCloseTo(100, 10);
  });

  it("a hardware budget sets the compute so the run fills the deadline", () => {
    const p = plan({ gpu: "h100", gpus: 128, days: "14d", mfu: 0.4 });
    // the budget is GPUs × peak × u × deadline; the run goes at the layout's achieved MFU (u less the
    // bubble, recompute and exposed communication, issue 14), so it fills the deadline scaled by u / achieved
    const achieved = p.hardware.step?.achievedMfu.value ?? 0;
    expect(achieved).toBeLessThanOrEqual(0.4);
    expect((p.hardware.seconds.value * achieved) / 0.4 / (14 * 86400)).toBeCloseTo(1, 2);
  });

  it("--days without --gpus asks for enough GPUs", () => {
    const p = plan({ params: "1.3B", tpp: 20, days: "2d" });
    expect(p.hardware.seconds.value).toBeLessThanOrEqual(2 * 86400 * 1.01);
    expect(p.hardware.numGpus.source).toBe("arithmetic");
  });

  it("warns when a deadline cannot be met", () => {
    const p = plan({ params: "7B", tokens: "2T", gpus: 8, days: "7d" });
    expect(p.warnings.some((w) => w.code === "deadline")).toBe(true);
  });

  it("the BTLM preset plans its published run and compares with it", () => {
    const p = plan({ preset: "btlm-3b-8k", gpu: "h100", gpus: 64 });
    expect(p.budget.tokens.value).toBeCloseTo(627.7e9, -6);
    expect(p.optimizer.hiddenLr.value).toBeCloseTo(1.2e-3, 12);
    const rows = Object.fromEntries((p.comparison?.rows ?? []).map((r) => [r.quantity, r]));
    expect(rows["global batch"]?.published).toContain("1920 × 2048");
    expect(rows["weight decay λ"]?.published).toContain("0.1");
    expect(rows["warmup"]?.published).toBe("95 steps");
  });
});

describe("plan: the recipe", () => {
  const p = plan({ params: "1.3B", tpp: 20, gpu: "h100", gpus: 64 });

  it("every number carries a known source and a derivation", () => {
    const nums = allNums(p);
    expect(nums.length).toBeGreaterThan(30);
    for (const x of nums) {
      const known = x.source === "user" || x.source.startsWith("preset:") || findLaw(x.source) !== undefined || findReference(x.source) !== undefined;
      expect(known, `${x.source}`).toBe(true);
      expect(x.derivation.length, x.source).toBeGreaterThan(0);
    }
  });

  it("tokens per step = micro × seq × accumulation × data-parallel, and steps × batch covers D", () => {
    const b = p.batch;
    expect(b.microBatchSeqs.value * b.seqLen.value * b.gradAccumSteps.value * b.dataParallel.value).toBe(b.globalBatchTokens.value);
    expect(b.tokensTrained.value).toBe(b.steps.value * b.globalBatchTokens.value);
    expect(b.tokensTrained.value).toBeGreaterThanOrEqual(p.budget.tokens.value);
    expect(b.tokensTrained.value - p.budget.tokens.value).toBeLessThan(b.globalBatchTokens.value);
  });

  it("the batch is B_opt rounded to the data-parallel size", () => {
    const bopt = powerLinesBatch.evaluate({ D: p.budget.tokens.value, N: p.model.totalParams.value }).value.BoptTokens / 2048;
    expect(p.batch.globalBatchSeqs.value % 64).toBe(0);
    expect(Math.abs(p.batch.globalBatchSeqs.value - bopt)).toBeLessThanOrEqual(32);
  });

  it("λ puts τ at τ_opt with the hidden-weight LR", () => {
    expect(p.optimizer.tau.value).toBeCloseTo(p.optimizer.tauOpt.value, 12);
    const m = p.model.spec.dModel / 256;
    expect(p.optimizer.hiddenLr.value).toBeCloseTo(0.012 / m, 15);
  });

  it("defaults to linear warmup then decay to zero", () => {
    expect(p.schedule.spec.kind).toBe("linear");
    expect(p.schedule.finalLr.value).toBe(0);
    expect(p.schedule.warmupSteps.value).toBe(Math.round(0.1 * p.batch.steps.value));
  });

  it("shows Step Law, DeepSeek and Porian beside its own choice", () => {
    const ids = p.alternatives.map((a) => a.source);
    for (const id of ["lmplan", "step-law", "deepseek", "porian", "power-lines-batch", "power-scheduler"]) expect(ids).toContain(id);
  });

  it("memory fits on H100 and reports its components", () => {
    expect(p.memory.fits).toBe(true);
    const m = p.memory.perGpu;
    // the layout's components add up to the total: the ZeRO-3 working set and the reserve are in it now (issue 14)
    const k = p.memory.components;
    expect(k).toBeDefined();
    if (!k) return;
    expect(m.total).toBeCloseTo(k.weights.value + k.gradients.value + k.masterWeights.value + k.optimizerStates.value + k.activations.value + k.logits.value + k.zeroWorkingSet.value + k.reserve.value, 0);
    expect(m.optimizer).toBeCloseTo(k.masterWeights.value + k.optimizerStates.value, 0);
  });
});

describe("plan: presets take their own family's μP base", () => {
  it("every Cerebras-GPT preset takes the Cerebras-GPT μP base (η_base 6e-3), not BTLM's (issue 11)", () => {
    for (const id of ["cerebras-gpt-111m", "cerebras-gpt-256m", "cerebras-gpt-1.3b"]) {
      const p = plan({ preset: id, gpus: 8 });
      expect(p.optimizer.baseLr.value).toBe(6e-3);
      expect(p.optimizer.baseLr.derivation).toMatch(/Cerebras-GPT μP base/);
    }
    expect(plan({ preset: "btlm-3b-8k", gpus: 8 }).optimizer.baseLr.value).toBe(0.012);
    expect(plan({ preset: "cerebras-gpt-256m", gpus: 8, muBase: "btlm" }).optimizer.baseLr.value).toBe(0.012); // the user's choice wins
  });
});

describe("plan: warnings", () => {
  it("warns below ~4 TPP that cosine-to-10% may beat D2Z", () => {
    const p = plan({ params: "1B", tpp: 2 });
    expect(p.warnings.some((w) => w.code === "schedule" && w.source === "straight-to-zero")).toBe(true);
  });
  it("warns about extrapolation with the range", () => {
    const p = plan({ params: "70B", tokens: "15T", gpus: 1024 });
    expect(p.warnings.some((w) => w.code === "extrapolation" && /outside/.test(w.message))).toBe(true);
  });
  it("warns when the GPU count forces a batch far above B_opt", () => {
    // every GPU data-parallel (tp, pp, cp pinned to 1): at least 1024 sequences
    const p = plan({ params: "125M", tpp: 20, gpus: 1024, tp: 1, pp: 1, cp: 1 });
    expect(p.warnings.some((w) => w.code === "batch")).toBe(true);
    // searched, model parallelism absorbs the GPUs and the batch stays near B_opt (issue 14)
    const q = plan({ params: "125M", tpp: 20, gpus: 1024 });
    expect(q.batch.globalBatchTokens.value / q.batch.optimalBatchTokens.value).toBeLessThan(2);
  });
  it("warns when memory does not fit", () => {
    const p = plan({ preset: "llama-3.1-405b", tokens: "1T", gpus: 8, zeroStage: 0 });
    expect(p.memory.fits).toBe(false);
    expect(p.warnings.some((w) => w.code === "memory")).toBe(true);
  });
  it("rounds a user batch to the data-parallel size with a warning, never silently", () => {
    // every GPU data-parallel (tp, pp, cp pinned to 1): 1000 does not split over 64, 1024 does
    const p = plan({ params: "1B", tpp: 20, gpus: 64, batchSeqs: 1000, tp: 1, pp: 1, cp: 1 });
    expect(p.batch.globalBatchSeqs.value).toBe(1024);
    expect(p.warnings.some((w) => w.code === "rounding" && w.message.includes("1000"))).toBe(true);
    // searched, a layout with dp 8 (1000 = 8 × 125) runs it as asked (issue 14)
    const q = plan({ params: "1B", tpp: 20, gpus: 64, batchSeqs: 1000 });
    expect(q.batch.globalBatchSeqs.value).toBe(1000);
    expect(q.warnings.some((w) => w.code === "rounding")).toBe(false);
  });
});

describe("plan: bad input", () => {
  const issuesOf = (req: unknown) => {
    const r = planSafe(req);
    if (r.ok) throw new Error("expected failure");
    return r.issues;
  };
  it("names the conflicting fields", () => {
    const i = issuesOf({ compute: "3e22", params: "3B", tokens: "627B" });
    expect(i[0]?.code).toBe("conflict");
    expect(i[0]?.path).toEqual(["compute", "params", "tokens"]);
  });
  it("rejects --params with a preset", () => {
    expect(issuesOf({ preset: "btlm-3b-8k", params: "3B" })[0]?.path).toEqual(["params", "preset"]);
  });
  it("needs a scale", () => {
    expect(issuesOf({ tpp: 20 })[0]?.code).toBe("missing");
    expect(issuesOf({})[0]?.code).toBe("missing");
  });
  it("names the field, the value and what is accepted", () => {
    const [i] = issuesOf({ gpu: "h900", params: "1B" });
    expect(i?.path).toEqual(["gpu"]);
    expect(i?.received).toBe('"h900"');
    expect(i?.expected).toContain("h100");
  });
  it("rejects NaN and Infinity", () => {
    expect(issuesOf({ params: Number.NaN })[0]?.path).toEqual(["params"]);
    expect(issuesOf({ tpp: Number.POSITIVE_INFINITY, params: "1B" })[0]?.path).toEqual(["tpp"]);
  });
  it("does not mutate its input", () => {
    const req = Object.freeze({ params: "1.3B", tpp: 20 });
    expect(() => plan(req)).not.toThrow();
    expect(req).toEqual({ params: "1.3B", tpp: 20 });
  });
});

describe("plan: data and context sections", () => {
  it("BTLM-3B-8K gets its two context stages and its SlimPajama data", () => {
    const p = plan({ preset: "btlm-3b-8k", gpu: "h100", gpus: 64 });
    expect(p.context?.stages.map((s) => s.seqLen)).toEqual([2048, 8192]);
    const [a, b] = p.context?.stages ?? [];
    expect((a?.batchSeqs as number) * 2048).toBe((b?.batchSeqs as number) * 8192);
    expect((b?.batchSeqs as number) % 64).toBe(0);
    // compute counts each stage's attention at its own length
    const oneStage = p.batch.tokensTrained.value * p.model.flopsPerToken.value;
    expect(p.budget.computeTotal.value).toBeGreaterThan(oneStage);
    expect(p.data?.sourcesPreset).toBe("slimpajama-627b");
    expect(p.data?.sources.every((s) => Math.abs(s.epochs - 627.7 / 627) < 1e-9)).toBe(true);
  });
  it("a mix and a target length on any plan", () => {
    const p = plan({ params: "1.3B", tokens: "300B", gpus: 64, mix: "dc-6", contextStages: "2048:0.8,4096:0.2", targetContext: 8192 });
    expect(p.data?.verified).toBe(false);
    expect(p.context?.extrapolation?.interpolationFactor).toBe(2);
    expect(p.warnings.some((w) => w.source === "alibi-pi")).toBe(true);
  });
  it("refuses stage shares that do not sum to 1, a short target and an unknown mix name, by field", () => {
    const bad = (req: Record<string, unknown>) => {
      const r = planSafe({ params: "1B", tpp: 20, ...req });
      if (r.ok) throw new Error("expected failure");
      return r.issues[0]?.path;
    };
    expect(bad({ contextStages: "2048:0.5,8192:0.25" })).toEqual(["contextStages"]);
    expect(bad({ targetContext: 1024 })).toEqual(["targetContext", "train"]);
    expect(bad({ mix: "reddit:1" })).toEqual(["mix", "reddit"]);
    expect(bad({ mix: "web:-1" })).toEqual(["mix", "web"]);
  });
});
