// --arch templates and the architecture request options (src/model/arch.ts, src/plan/options/arch.ts):
// families' blocks reproduce published models from options alone; contradictions name their fields.
import { describe, expect, it } from "vitest";
import { ARCH_TEMPLATE_IDS, ARCH_TEMPLATES, BTLM_TEMPLATE, findArchTemplate, resolveArch, type ArchRequest } from "../src/model/arch.js";
import { countParams } from "../src/model/params.js";
import { findPreset } from "../src/model/presets.js";
import { chooseShape, PARALLEL_SHAPE_OPTIONS } from "../src/model/shape.js";
import { ArchSpecSchema } from "../src/model/spec.js";
import { ARCH_OPTIONS } from "../src/plan/options/arch.js";
import { parsePlanRequest } from "../src/plan/request.js";
import { planSafe } from "../src/plan/plan.js";
import type { Issue } from "../src/errors.js";

const ok = (req: ArchRequest, preset?: Parameters<typeof resolveArch>[1]) => {
  const r = resolveArch(req, preset);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};
const refused = (req: ArchRequest, preset?: Parameters<typeof resolveArch>[1]): Issue[] => {
  const r = resolveArch(req, preset);
  if (r.ok) throw new Error("accepted");
  return r.issues;
};
const presetTotal = (id: string) => countParams((findPreset(id) ?? { model: undefined as never }).model).total;

describe("--arch templates", () => {
  it("btlm is the default and is the planner's block", () => {
    const p = planSafe({ params: "1.3B", tpp: 20 });
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    expect(p.value.model.architecture.template).toBe("btlm");
    const { dModel: _d, numLayers: _l, numHeads: _h, numKvHeads: _k, dFf: _f, vocabSize, ...block } = p.value.model.spec;
    const { vocabSize: v0, ...btlm } = BTLM_TEMPLATE;
    expect(block).toEqual(btlm);
    // the vocabulary is padded as Megatron-LM pads it (128 × TP 8), and the plan says so
    expect(vocabSize).toBe(Math.ceil(v0 / 1024) * 1024);
    expect(p.value.warnings.map((w) => w.message).join(" ")).toMatch(/vocabSize 50257 → 51200/);
    const r = ok({});
    expect(r.templateId).toBe("btlm");
    expect(r.template).toEqual(BTLM_TEMPLATE);
    expect(r.notes.join(" ")).toMatch(/BTLM-3B-8K's block \(lmplan's default/);
  });
  it.each(ARCH_TEMPLATES.map((t) => [t.id, t] as const))("%s shapes valid specs and cites its source", (_id, t) => {
    expect(t.citation.arxiv ?? t.citation.repo).toBeTruthy();
    for (const N of [1e9, 3e10]) {
      const s = chooseShape(N, t.template, { ...PARALLEL_SHAPE_OPTIONS, ...(t.kvHeads ? { kvHeads: t.kvHeads } : {}) });
      expect(ArchSpecSchema.safeParse(s).success).toBe(true);
    }
  });
  it("accepts cerebras-gpt as gpt2's other name", () => {
    expect(findArchTemplate("cerebras-gpt")?.id).toBe("gpt2");
    expect(ARCH_TEMPLATE_IDS).toContain("cerebras-gpt");
  });
});

describe("published models from options alone", () => {
  it("--arch llama3 --width 4096 --layers 32 is Llama 3.1 8B to the parameter, and --width 8192 --layers 80 is 70B", () => {
    const r = ok({ arch: "llama3", width: 4096, layers: 32 });
    expect(r.fixed?.numKvHeads).toBe(8);
    // TorchTitan compute_ffn_hidden_dim(4096, multiple_of=1024, ffn_dim_multiplier=1.3): ⌊8·4096/3⌋ = 10922, ×1.3 → 14198, up to 1024 → 14336
    expect(r.fixed?.dFf).toBe(14336);
    expect(countParams(r.fixed as never).total).toBe(8_030_261_248);
    expect(countParams(ok({ arch: "llama3", width: 8192, layers: 80 }).fixed as never).total).toBe(70_553_706_496);
  });
  it("--width 8192 --layers 95 with DeepSeek LLM 67B's GQA, vocabulary and d_ff is 67B, not 77.3B (issue 13)", () => {
    const btlm = ok({ width: 8192, layers: 95 });
    expect(countParams(btlm.fixed as never).total / 1e9).toBeGreaterThan(77);
    const r = ok({ arch: "llama3", width: 8192, layers: 95, kvHeads: 8, vocab: 102400, ffnSize: 22016, ropeTheta: 1e4 });
    expect(countParams(r.fixed as never).total).toBe(presetTotal("deepseek-llm-67b"));
  });
  it("--experts 8 --top-k 2 on a Llama block with Mixtral's vocabulary is Mixtral 8x7B, and so is --arch mixtral at its shape", () => {
    const r = ok({ arch: "llama3", width: 4096, layers: 32, vocab: 32000, ropeTheta: 1e6, experts: 8, topK: 2 });
    expect(countParams(r.fixed as never).total).toBe(presetTotal("mixtral-8x7b"));
    // the block options that moved it off the family's (width and depth are the shape, not the block)
    expect(r.overrides).toEqual(["vocab", "ropeTheta", "experts", "topK"]);
    expect(countParams(ok({ arch: "mixtral", width: 4096, layers: 32 }).fixed as never).total).toBe(presetTotal("mixtral-8x7b"));
  });
  it("--arch deepseek-v3 at DeepSeek-V3's width and depth with 128 heads is DeepSeek-V3", () => {
    const r = ok({ arch: "deepseek-v3", width: 7168, layers: 61, heads: 128, headDim: 128, ffnSize: 18432 });
    expect(countParams(r.fixed as never).total).toBe(presetTotal("deepseek-v3"));
  });
  it("--arch mixtral keeps the family's 8 experts, top 2 and 8 KV heads for the chooser", () => {
    const r = ok({ arch: "mixtral" });
    expect(r.template.moe).toEqual({ numExperts: 8, topK: 2 });
    expect(r.shapeOptions.kvHeads).toBe(8);
    expect(r.shapeOptions).toMatchObject({ ffnMultiplier: 1.3, ffnMultipleOf: 1024 });
    expect(r.notes.join(" ")).toMatch(/Mixtral's 14336/);
  });
  it("passes the chooser's rules through", () => {
    const r = ok({ tpDivisor: 4, layersMultipleOf: 2, makeVocabSizeDivisibleBy: 64, aspectRatio: 100, headDim: 64 });
    expect(r.shapeOptions).toMatchObject({ tpDivisor: 4, layersMultipleOf: 2, makeVocabSizeDivisibleBy: 64, aspectRatio: 100, headDim: 64 });
  });
  it("turns MLA on from --mla-kv-rank with DeepSeek's head widths, and says so", () => {
    const r = ok({ arch: "llama3", mlaKvRank: 512 });
    expect(r.template.mla).toEqual({ kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 });
    expect(r.shapeOptions.kvHeads).toBeUndefined();
    expect(r.notes.join(" ")).toMatch(/DeepSeek-V2\/V3's/);
  });
  it("a preset keeps its published block; only the FLOPs convention and sequence length apply", () => {
    const p = findPreset("llama-3.1-8b")?.model;
    const r = ok({ flopsConvention: "megatron", seqLen: 4096 }, p);
    expect(r.preset).toEqual({ ...p, seqLen: 4096 });
    expect(r.flopsConvention).toBe("megatron");
  });
});

describe("contradictions are refused with the field named", () => {
  const paths = (issues: Issue[]) => issues.map((i) => `${i.code}:${i.path.join(",")}`);
  it.each<[string, ArchRequest, string]>([
    ["experts without top-k", { experts: 16 }, "missing:topK"],
    ["top-k above experts", { experts: 4, topK: 8 }, "invalid_value:topK"],
    ["shared experts on a dense model", { sharedExperts: 1 }, "missing:experts"],
    ["top-k on a dense model", { topK: 2 }, "missing:experts"],
    ["RoPE θ with ALiBi", { ropeTheta: 5e5 }, "conflict:ropeTheta,position"],
    ["KV heads not dividing heads", { width: 4096, layers: 32, kvHeads: 12 }, "invalid_value:kvHeads"],
    ["heads without width", { heads: 32 }, "missing:width"],
    ["d_ff without width", { ffnSize: 11008 }, "missing:width"],
    ["layers without width", { layers: 32 }, "missing:width"],
    ["heads not dividing width", { width: 4096, heads: 24 }, "invalid_value:heads"],
    ["MLA with KV heads", { mlaKvRank: 512, kvHeads: 8, arch: "llama3" }, "conflict:kvHeads,mlaKvRank"],
    ["MLA with biases", { mlaKvRank: 512 }, "conflict:bias,mlaKvRank"],
    ["an MLA detail without MLA", { mlaQRank: 1536 }, "missing:mlaKvRank"],
    ["an unknown family", { arch: "gpt5" }, "invalid_value:arch"],
    ["KV heads neither a multiple nor a divisor of TP", { kvHeads: 3, tpDivisor: 8 }, "invalid_value:kvHeads"],
    ["heads indivisible by an explicit TP degree", { width: 4096, heads: 32, tpDivisor: 24 }, "invalid_value:heads"],
    ["leading dense layers past the depth", { arch: "mixtral", width: 1024, layers: 4, denseLayers: 4 }, "invalid_value:denseLayers"],
  ])("%s", (_what, req, expected) => {
    expect(paths(refused(req))).toContain(expected);
  });
  it("refuses block options on a preset, naming each", () => {
    const issues = refused({ heads: 16, vocab: 32000 }, findPreset("llama-3.1-8b")?.model);
    expect(paths(issues)).toEqual(["conflict:heads,preset", "conflict:vocab,preset"]);
  });
});

describe("the options as the request takes them", () => {
  it("derive every flag from its key in kebab case", () => {
    for (const [key, f] of Object.entries(ARCH_OPTIONS)) {
      const flag = (f.meta() as unknown as { flag: string }).flag.split(" ")[0];
      expect(flag).toBe(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    }
  });
  it("parse booleans from JSON and from flag words, and refuse others by field", () => {
    const r = parsePlanRequest({ arch: "OLMoE", tiedEmbeddings: "false", qkNorm: true, bias: "no", flopsConvention: "megatron", experts: "64", topK: 8 });
    expect(r.ok && r.value).toMatchObject({ arch: "olmoe", tiedEmbeddings: false, qkNorm: true, bias: false, flopsConvention: "megatron", experts: 64, topK: 8 });
    const bad = parsePlanRequest({ tiedEmbeddings: "maybe" });
    expect(!bad.ok && bad.issues[0]?.path).toEqual(["tiedEmbeddings"]);
    const badArch = parsePlanRequest({ arch: "gpt5" });
    expect(!badArch.ok && badArch.issues[0]?.expected).toMatch(/one of btlm, gpt2/);
  });
  it("resolve a parsed request end to end", () => {
    const r = parsePlanRequest({ arch: "llama3", width: "4096", layers: 32 });
    if (!r.ok) throw new Error("parse");
    expect(countParams(ok(r.value).fixed as never).total).toBe(8_030_261_248);
  });
});

// Issue 13's done-when: the two named plans are full plans whose FLOPs per token are TorchTitan's (default)
// or Megatron-LM's (--flops-convention megatron), worked by hand here from each trainer's formula.
describe("full plans in both FLOPs conventions", () => {
  it("plan --preset mixtral-8x7b --tokens 1T --gpus 64: TorchTitan's count, and Megatron's with --flops-convention megatron", () => {
    const p = planSafe({ preset: "mixtral-8x7b", tokens: "1T", gpus: 64 });
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    const T = p.value.batch.seqLen.value;
    // TorchTitan get_moe_model_nparams_and_flops: 6·(blocks' matmuls + router + experts·top_k/E + head) + 12·L·H·Q·T
    const nMatmul = 32 * (2 * 4096 * 4096 + 2 * 4096 * 1024 + 2 * 4096 + 4096 * 8) + 4096 + 32000 * 4096 + (32 * 8 * 3 * 4096 * 14336 * 2) / 8;
    expect(p.value.model.flopsPerToken.value).toBe(6 * nMatmul + 12 * 32 * 32 * 128 * T);
    expect(p.value.model.flopsPerToken.source).toBe("palm-flops");
    expect(p.value.model.activeParams.value / 1e9).toBeCloseTo(12.9, 1);
    expect(p.value.layout).toBeDefined();
    // a preset's block is published: the FLOPs convention is an option that still applies to it.
    // Megatron num_floating_point_operations per token: 6·(attention projections + top-k experts + logits) + 6·L·q·T
    const m = planSafe({ preset: "mixtral-8x7b", tokens: "1T", gpus: 64, flopsConvention: "megatron" });
    if (!m.ok) throw new Error(JSON.stringify(m.issues));
    expect(m.value.model.flopsPerToken.value).toBe(6 * (32 * (4096 * (4096 + 2 * 1024) + 4096 * 4096) + 32 * 4096 * (14336 * 2 * 3) + 4096 * 32000) + 6 * 32 * 4096 * T);
    expect(m.value.model.flopsPerToken.source).toBe("megatron-flops");
  });
  it("plan --arch llama3 --width 4096 --layers 32: Llama 3 8B's count and FLOPs in both conventions", () => {
    for (const convention of ["palm", "megatron"] as const) {
      const p = planSafe({ arch: "llama3", width: 4096, layers: 32, seqLen: 8192, tokens: "15T", gpus: 1024, flopsConvention: convention });
      if (!p.ok) throw new Error(JSON.stringify(p.issues));
      expect(p.value.model.totalParams.value).toBe(8_030_261_248);
      const h = 4096, q = 4096, kv = 1024, L = 32, T = 8192;
      const expected =
        convention === "megatron"
          ? 6 * (L * (h * (q + 2 * kv) + q * h) + L * h * 14336 * 3 + h * 128256) + 6 * L * q * T
          : // TorchTitan: 6·(all parameters but the input table: blocks, final norm, untied head) + 12·L·H·Q·T
            6 * p.value.model.totalParams.value - 6 * 128256 * 4096 + 12 * L * 32 * 128 * T;
      expect(p.value.model.flopsPerToken.value).toBeCloseTo(expected, -3);
    }
  });
});
