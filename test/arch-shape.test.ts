// The shape chooser's parallelism rules (src/model/shape.ts PARALLEL_SHAPE_OPTIONS) and the default rules
// they leave untouched until the planner switches to them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ARCH_TEMPLATES, BTLM_TEMPLATE, resolveArch } from "../src/model/arch.js";
import { chooseShape, chooseShapeReport, DEFAULT_SHAPE_OPTIONS, ffnSizeFor, headsFor, paddedVocab, PARALLEL_SHAPE_OPTIONS, reachableParams } from "../src/model/shape.js";
import { countParams } from "../src/model/params.js";
import { headDim, kvHeads } from "../src/model/spec.js";

const logUniform = (lo: number, hi: number) => fc.double({ min: Math.log10(lo), max: Math.log10(hi), noNaN: true }).map((e) => 10 ** e);

describe("PARALLEL_SHAPE_OPTIONS", () => {
  it("never returns heads or KV heads indivisible by 8 over 1e8–1e12 parameters, for every template", () => {
    fc.assert(
      fc.property(logUniform(1e8, 1e12), fc.constantFrom(...ARCH_TEMPLATES), (N, t) => {
        // the rules the planner gets for --arch <id> once PARALLEL_SHAPE_OPTIONS are its base
        const r = resolveArch({ arch: t.id }, undefined, PARALLEL_SHAPE_OPTIONS);
        if (!r.ok) throw new Error(t.id);
        const s = chooseShape(N, r.value.template, r.value.shapeOptions);
        expect(s.numHeads % 8).toBe(0);
        expect(kvHeads(s) % 8).toBe(0);
        // d_model = heads · head dim, head dims from the stated list
        expect(s.numHeads * headDim(s)).toBe(s.dModel);
        expect([128, 64, 96, 80]).toContain(headDim(s));
        // Megatron's padding: a multiple of 128 × TP 8
        expect(s.vocabSize % 1024).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("lands within 5% of targets the BTLM block can reach (1e8–1e12)", () => {
    fc.assert(
      fc.property(logUniform(1e8, 1e12), (N) => {
        const s = chooseShape(N, BTLM_TEMPLATE, PARALLEL_SHAPE_OPTIONS);
        expect(Math.abs(countParams(s).total / N - 1)).toBeLessThan(0.05);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps heads of 128 from d_model 2048 up (widths a multiple of 8·128)", () => {
    for (const N of [1.3e9, 7e9, 70e9, 405e9]) {
      const s = chooseShape(N, BTLM_TEMPLATE, PARALLEL_SHAPE_OPTIONS);
      if (s.dModel >= 2048) {
        expect(headDim(s), `${N}`).toBe(128);
        expect(s.dModel % 1024).toBe(0);
      }
    }
  });

  it("keeps layers a multiple of --layers-multiple-of when asked", () => {
    for (const N of [3e8, 7e9, 70e9]) {
      const s = chooseShape(N, BTLM_TEMPLATE, { ...PARALLEL_SHAPE_OPTIONS, layersMultipleOf: 4 });
      expect(s.numLayers % 4).toBe(0);
    }
  });

  it("lets the tensor-parallel rule be turned off or changed", () => {
    const s = chooseShape(7e9, BTLM_TEMPLATE, { ...PARALLEL_SHAPE_OPTIONS, tpDivisor: 16 });
    expect(s.numHeads % 16).toBe(0);
    const none = chooseShape(7e9, BTLM_TEMPLATE, { ...PARALLEL_SHAPE_OPTIONS, tpDivisor: 1, makeVocabSizeDivisibleBy: 1 });
    expect(none.vocabSize).toBe(50257);
  });

  it("keeps a fixed KV count that divides the TP degree (Megatron accepts a multiple or a divisor)", () => {
    const s = chooseShape(7e9, BTLM_TEMPLATE, { ...PARALLEL_SHAPE_OPTIONS, kvHeads: 4 });
    expect(s.numKvHeads).toBe(4);
    // a fixed count must divide the heads: 32 heads of 128 cannot have 3 KV heads, and nothing falls back to MHA
    expect(headsFor(4096, { ...PARALLEL_SHAPE_OPTIONS, kvHeads: 3 })).toBeUndefined();
    // neither a multiple nor a divisor of TP 8: no width qualifies, so nothing is reachable (and the search ends)
    expect(reachableParams(BTLM_TEMPLATE, { ...PARALLEL_SHAPE_OPTIONS, kvHeads: 3 })).toEqual({ min: Infinity, max: 0 });
  });

  it("reports what it rounded: the vocabulary padding and the parameter miss", () => {
    const r = chooseShapeReport(1.3e9, BTLM_TEMPLATE, PARALLEL_SHAPE_OPTIONS);
    const vocab = r.rounding.find((x) => x.field === "vocabSize");
    // Megatron-LM build_tokenizer.py: ceil(50257 / (128·8)) · 1024 = 50 · 1024
    expect(vocab).toMatchObject({ from: 50257, to: 51200 });
    const params = r.rounding.find((x) => x.field === "params");
    expect(params?.to).toBe(countParams(r.spec).total);
    expect(chooseShapeReport(1.3e9, BTLM_TEMPLATE).rounding.some((x) => x.field === "vocabSize")).toBe(false);
  });

  it("pads the vocabulary as Megatron-LM does: multiple = make_vocab_size_divisible_by × TP", () => {
    expect(paddedVocab(50257, { ...DEFAULT_SHAPE_OPTIONS, makeVocabSizeDivisibleBy: 128, tpDivisor: 1 })).toBe(50304); // GPT-2 in Megatron at TP 1
    expect(paddedVocab(128256, { ...DEFAULT_SHAPE_OPTIONS, makeVocabSizeDivisibleBy: 128, tpDivisor: 8 })).toBe(129024);
    expect(paddedVocab(50257, DEFAULT_SHAPE_OPTIONS)).toBe(50257);
  });

  it("reaches from a few tens of millions to past 1e12 parameters", () => {
    const r = reachableParams(BTLM_TEMPLATE, PARALLEL_SHAPE_OPTIONS);
    expect(r.min).toBeLessThan(1e8);
    expect(r.max).toBeGreaterThan(1e13);
  });
});

describe("d_ff rules", () => {
  it("follow TorchTitan's compute_ffn_hidden_dim for Llama 3 (torchtitan@b5bcd76c models/llama3/__init__.py)", () => {
    // _8b: multiple_of 1024, × 1.3; _70b: 4096, × 1.3; _405b: 4096, × 1.2 — the published 14336, 28672, 53248
    expect(ffnSizeFor("swiglu", 4096, { ffnMultiplier: 1.3, ffnMultipleOf: 1024 })).toBe(14336);
    expect(ffnSizeFor("swiglu", 8192, { ffnMultiplier: 1.3, ffnMultipleOf: 4096 })).toBe(28672);
    expect(ffnSizeFor("swiglu", 16384, { ffnMultiplier: 1.2, ffnMultipleOf: 4096 })).toBe(53248);
  });
  it("keep ⌈8d/3⌉ to 256 without them (OLMo 2's 11008 at 4096 and 13824 at 5120) and 4·d for GeLU", () => {
    expect(ffnSizeFor("swiglu", 4096)).toBe(11008);
    expect(ffnSizeFor("geglu", 5120)).toBe(13824);
    expect(ffnSizeFor("relu", 768, { ffnMultiplier: 1.3 })).toBe(3072);
  });
});

describe("DEFAULT_SHAPE_OPTIONS behave as before issue 13", () => {
  // Shapes the planner chose before issue 13 (the previous shape.ts, built in dist/ on 2026-12-01):
  // the parallel rules are opt-in until the planner switches, so these must not move.
  it.each([
    [1.3e9, 1920, 27, 15, 5120],
    [7e9, 3584, 44, 28, 9728],
    [70e9, 7680, 98, 60, 20480],
    [405e9, 13824, 176, 108, 36864],
  ])("%d parameters → d_model %d, %d layers, %d heads, d_ff %d", (N, d, L, H, f) => {
    const s = chooseShape(N, BTLM_TEMPLATE);
    expect([s.dModel, s.numLayers, s.numHeads, s.numKvHeads, s.dFf, s.vocabSize]).toEqual([d, L, H, H, f, 50257]);
  });
});
