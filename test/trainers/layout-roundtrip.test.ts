// The emitted config runs the planned layout and architecture (issue 14 item 4, issue 13 item 6): every
// trainer's file is parsed back as that trainer reads it (argv, TOML, YAML, JSON), the Layout and the
// architecture are rebuilt from the keys alone with the trainer's own rules (cited per parser below), and
// compared with the plan's; and lmplan's memory for the rebuilt layout equals the plan's (src/layout
// layoutMemory), so the plan and the config cannot disagree. Where a trainer cannot express a layout,
// the emit result must list it in `unexpressed` and the file's "Before you launch" notes.
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import type { Layout } from "../../src/layout/types.js";
import { findAccelerator } from "../../src/hardware/catalog.js";
import { layoutMemory } from "../../src/layout/memory.js";
import { layoutTime } from "../../src/layout/time.js";
import type { ArchSpec } from "../../src/model/spec.js";
import { plan } from "../../src/plan/plan.js";
import type { Plan } from "../../src/plan/types.js";
import { emit, layoutOf, withLayout } from "./helpers.js";

// ---- the plans -------------------------------------------------------------------------------------

const BASE = plan({ preset: "llama-3.1-8b", tokens: "1T", gpus: 64, parameterization: "sp" });
// a plan without a layout (a saved plan from before issue 14): every GPU data-parallel, tp = pp = cp = 1
const NO_LAYOUT: Plan = (() => {
  const q = structuredClone(plan({ preset: "llama-3.1-8b", tokens: "1T", gpus: 64, parameterization: "sp", tp: 1, pp: 1, cp: 1 }));
  delete q.layout;
  return q;
})();

// Llama 3.1 70B (Meta, "The Llama 3 Herd of Models", arXiv 2407.21783 Table 3: 80 layers, d 8192, 64 heads,
// 8 KV heads, FFN 28672, vocab 128256, RoPE θ 500000), written by hand
const GQA_ROPE = { dModel: 8192, numLayers: 80, numHeads: 64, numKvHeads: 8, dFf: 28672, ffnType: "swiglu", vocabSize: 128256, seqLen: 8192, tiedEmbeddings: false, position: "rope", norm: "rmsnorm", bias: false, ropeTheta: 500000 } as unknown as ArchSpec;
// Mixtral 8x7B (Jiang et al., arXiv 2401.04088 Table 1: d 4096, 32 layers, 32 heads, 8 KV heads, FFN 14336,
// vocab 32000, 8 experts, top-2; RoPE θ 1e6 from its released config.json, secondary), by hand
const MOE = { dModel: 4096, numLayers: 32, numHeads: 32, numKvHeads: 8, dFf: 14336, ffnType: "swiglu", vocabSize: 32000, seqLen: 8192, tiedEmbeddings: false, position: "rope", norm: "rmsnorm", bias: false, ropeTheta: 1000000, moe: { numExperts: 8, topK: 2 } } as unknown as ArchSpec;
// DeepSeekMoE 16B (Dai et al., arXiv 2401.06066 §5.1: 28 layers, d 2048, 16 heads, 2 shared + 64 routed
// experts, top-6, the first layer dense; the widths 1408 (expert) and 10944 (dense FFN) and vocab 102400 are
// from its released config.json — secondary), written by hand
const FINE_MOE = { dModel: 2048, numLayers: 28, numHeads: 16, numKvHeads: 16, dFf: 10944, ffnType: "swiglu", vocabSize: 102400, seqLen: 4096, tiedEmbeddings: false, position: "rope", norm: "rmsnorm", bias: false, ropeTheta: 10000, moe: { numExperts: 64, topK: 6, numSharedExperts: 2, dFfExpert: 1408, firstDenseLayers: 1 } } as unknown as ArchSpec;

type Kind = "dp" | "zero1" | "fsdp" | "hsdp" | "tp+sp" | "pp" | "pp+vpp" | "cp" | "ep" | "full-recompute" | "selective" | "fp8";

/** One layout of each kind; each keeps dp·tp·pp·cp = 64 GPUs and a global batch of 512 sequences. */
const LAYOUTS: Record<Kind, Layout> = {
  dp: layoutOf({ dp: 64, dpShard: 1, zeroStage: 0, gradAccum: 8 }),
  zero1: layoutOf({ dp: 64, zeroStage: 1, gradAccum: 8 }),
  fsdp: layoutOf({ dp: 64, zeroStage: 3, gradAccum: 8 }),
  hsdp: layoutOf({ dp: 64, dpShard: 8, zeroStage: 3, gradAccum: 8 }),
  "tp+sp": layoutOf({ dp: 8, zeroStage: 1, tp: 8, sequenceParallel: true, gradAccum: 64, recompute: "selective" }),
  pp: layoutOf({ dp: 4, zeroStage: 1, tp: 4, sequenceParallel: true, pp: 4, gradAccum: 128 }),
  "pp+vpp": layoutOf({ dp: 2, zeroStage: 1, tp: 8, sequenceParallel: true, pp: 4, vpp: 2, gradAccum: 256, recompute: "selective" }),
  cp: layoutOf({ dp: 8, zeroStage: 1, tp: 4, sequenceParallel: true, cp: 2, gradAccum: 64 }),
  ep: layoutOf({ dp: 16, zeroStage: 1, tp: 4, sequenceParallel: true, ep: 8, gradAccum: 32 }),
  "full-recompute": layoutOf({ dp: 16, zeroStage: 1, tp: 4, sequenceParallel: true, microBatch: 2, gradAccum: 16, recompute: "full" }),
  selective: layoutOf({ dp: 16, zeroStage: 1, tp: 4, sequenceParallel: true, gradAccum: 32, recompute: "selective" }),
  fp8: layoutOf({ dp: 16, zeroStage: 1, tp: 4, sequenceParallel: true, gradAccum: 32, precision: "fp8" }),
};

const specFor = (k: Kind): ArchSpec => (k === "ep" ? MOE : GQA_ROPE);
const planFor = (k: Kind, spec = specFor(k)): Plan => withLayout(BASE, LAYOUTS[k], spec);

/**
 * What the rebuilt layout must match: lmplan's memory (src/layout/memory.ts layoutMemory) and step time
 * (src/layout/time.ts layoutTime, at the plan's GPU and MFU) for it are the plan's layout's, exactly.
 */
function sameMemory(p: Plan, rebuilt: Layout) {
  const want = layoutMemory(p.model.spec, p.batch.seqLen.value, p.layout as Layout);
  const got = layoutMemory(p.model.spec, p.batch.seqLen.value, rebuilt);
  expect(got.totalBytes).toBe(want.totalBytes);
  const accel = findAccelerator(p.hardware.gpu);
  if (!accel) throw new Error(`no accelerator ${p.hardware.gpu}`);
  const o = { efficiency: p.hardware.mfu.value, explain: false };
  expect(layoutTime(p.model.spec, p.batch.seqLen.value, rebuilt, accel, o).stepSeconds).toBe(layoutTime(p.model.spec, p.batch.seqLen.value, p.layout as Layout, accel, o).stepSeconds);
}

// ---- Megatron-LM: argv -------------------------------------------------------------------------------

/** The flags of the launch script's MODEL_ARGS / TRAINING_ARGS arrays, as argparse sees them (last value wins). */
function megatronArgv(text: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of text.split("\n").filter((x) => /^\s+--/.test(x))) {
    const [f, ...rest] = l.trim().split(/\s+/);
    m.set(f as string, rest.map((w) => w.replace(/^'(.*)'$/, "$1").replace(/^"(.*)"$/, "$1")));
  }
  return m;
}

/** The world size the script launches: GPUS_PER_NODE × NNODES defaults. */
function megatronWorld(text: string): number {
  const g = Number(/GPUS_PER_NODE=\$\{GPUS_PER_NODE:-(\d+)\}/.exec(text)?.[1]);
  const n = Number(/NNODES=\$\{NNODES:-(\d+)\}/.exec(text)?.[1] ?? 1);
  return g * n;
}

/**
 * The Layout Megatron-LM @ d98e8a64 runs for these flags, by its own rules: arguments.py
 * (data_parallel_size = world / (tp·pp·cp); gradient accumulation = global / (micro · dp); SP dropped at TP 1;
 * virtual_pipeline_model_parallel_size = --num-virtual-stages-per-pipeline-rank), the distributed optimizer
 * shards over dp / --num-distributed-optimizer-instances, Megatron-FSDP strategy optim_grads = ZeRO-2,
 * optim_grads_params = ZeRO-3; bf16 main gradients only with --grad-reduce-in-bf16.
 */
function megatronLayout(text: string): Layout {
  const f = megatronArgv(text);
  const n = (k: string, d = 1) => (f.has(k) ? Number(f.get(k)?.[0]) : d);
  const tp = n("--tensor-model-parallel-size");
  const pp = n("--pipeline-model-parallel-size");
  const cp = n("--context-parallel-size");
  const dp = megatronWorld(text) / (tp * pp * cp);
  const micro = n("--micro-batch-size");
  const fsdp = f.get("--data-parallel-sharding-strategy")?.[0];
  const zeroStage = f.has("--use-megatron-fsdp") ? (fsdp === "optim_grads_params" ? 3 : fsdp === "optim_grads" ? 2 : 0) : f.has("--use-distributed-optimizer") ? 1 : 0;
  const gran = f.get("--recompute-granularity")?.[0];
  const method = f.get("--recompute-method")?.[0];
  const l: Layout = {
    dp,
    dpShard: zeroStage === 0 ? 1 : dp / n("--num-distributed-optimizer-instances"),
    zeroStage: zeroStage as Layout["zeroStage"],
    tp,
    sequenceParallel: f.has("--sequence-parallel") && tp > 1,
    pp,
    vpp: n("--num-virtual-stages-per-pipeline-rank"),
    cp,
    ep: n("--expert-model-parallel-size"),
    microBatch: micro,
    gradAccum: n("--global-batch-size") / (micro * dp),
    recompute: gran === "full" ? "full" : gran === "selective" ? "selective" : "none",
    precision: f.has("--fp8-format") ? "fp8" : "bf16",
    mainGrads: f.has("--grad-reduce-in-bf16") ? "bf16" : "fp32",
  };
  if (gran === "full" && method === "block") l.recomputeLayers = n("--recompute-num-layers");
  return l;
}

/** The architecture Megatron builds from the flags (transformer_config.py fields they set). */
function megatronArch(text: string) {
  const f = megatronArgv(text);
  const n = (k: string) => (f.has(k) ? Number(f.get(k)?.[0]) : undefined);
  const heads = n("--num-attention-heads") as number;
  const freq = f.get("--moe-layer-freq")?.[0];
  return {
    dModel: n("--hidden-size"),
    numLayers: n("--num-layers"),
    numHeads: heads,
    // num_query_groups only with --group-query-attention; otherwise MHA
    kvHeads: f.has("--group-query-attention") ? n("--num-query-groups") : heads,
    dFf: n("--ffn-hidden-size"),
    ffnType: f.has("--swiglu") ? "swiglu" : "gelu",
    position: f.get("--position-embedding-type")?.[0] === "rope" ? "rope" : f.get("--position-embedding-type")?.[0],
    ropeTheta: n("--rotary-base") ?? 10000,
    norm: f.get("--normalization")?.[0] === "RMSNorm" ? "rmsnorm" : "layernorm",
    bias: !f.has("--disable-bias-linear"),
    tiedEmbeddings: !f.has("--untie-embeddings-and-output-weights"),
    moe: f.has("--num-experts")
      ? {
          numExperts: n("--num-experts"),
          topK: n("--moe-router-topk"),
          dFfExpert: n("--moe-ffn-hidden-size"),
          sharedWidth: n("--moe-shared-expert-intermediate-size") ?? 0,
          // "([0]*k+[1]*(L-k))": the count of leading zeros
          firstDenseLayers: freq ? Number(/^\(\[0\]\*(\d+)\+\[1\]\*(\d+)\)$/.exec(freq)?.[1]) : 0,
        }
      : undefined,
  };
}

const ALL_KINDS = Object.keys(LAYOUTS) as Kind[];

describe("Megatron-LM: the launch script's flags rebuild the plan's layout", () => {
  it.each(ALL_KINDS)("%s", (k) => {
    const p = planFor(k);
    const r = emit("megatron", p);
    const rebuilt = megatronLayout(r.text);
    // HSDP under Megatron-FSDP is the one layout Megatron is not known to express: it must say so
    if (k === "hsdp") {
      expect(r.unexpressed.join(" ")).toMatch(/HSDP/);
      expect(rebuilt).toEqual({ ...p.layout, dpShard: 64 });
      return;
    }
    expect(rebuilt).toEqual(p.layout);
    sameMemory(p, rebuilt);
    expect(r.unexpressed.filter((u) => !/data mixture|μP|Adam ε/.test(u))).toEqual([]);
  });
  it("full recompute of some layers: block method with --recompute-num-layers (transformer_config.py recompute_method)", () => {
    const l = { ...LAYOUTS["full-recompute"], recomputeLayers: 10 };
    const p = withLayout(BASE, l, GQA_ROPE);
    const rebuilt = megatronLayout(emit("megatron", p).text);
    expect(rebuilt).toEqual(l);
    sameMemory(p, rebuilt);
  });
  it("ZeRO-2: Megatron-FSDP optim_grads, with the checkpoint format it requires", () => {
    const l = layoutOf({ dp: 64, zeroStage: 2, gradAccum: 8 });
    const p = withLayout(BASE, l, GQA_ROPE);
    const r = emit("megatron", p);
    expect(megatronLayout(r.text)).toEqual(l);
    expect(r.text).toMatch(/--ckpt-format fsdp_dtensor/);
  });
  it("bf16 main gradients: --grad-reduce-in-bf16", () => {
    const l = { ...LAYOUTS.zero1, mainGrads: "bf16" as const };
    expect(megatronLayout(emit("megatron", withLayout(BASE, l, GQA_ROPE)).text)).toEqual(l);
  });
  it("selective recompute takes no --recompute-method (arguments.py asserts it)", () => {
    const f = megatronArgv(emit("megatron", planFor("selective")).text);
    expect(f.get("--recompute-granularity")).toEqual(["selective"]);
    expect(f.has("--recompute-method")).toBe(false);
  });
  it("GQA + RoPE dense spec: every field rebuilt", () => {
    const a = megatronArch(emit("megatron", planFor("tp+sp")).text);
    expect(a).toEqual({ dModel: 8192, numLayers: 80, numHeads: 64, kvHeads: 8, dFf: 28672, ffnType: "swiglu", position: "rope", ropeTheta: 500000, norm: "rmsnorm", bias: false, tiedEmbeddings: false, moe: undefined });
  });
  it("MoE (Mixtral 8x7B): experts, top-k, expert width; EP 8", () => {
    const a = megatronArch(emit("megatron", planFor("ep")).text);
    expect(a.moe).toEqual({ numExperts: 8, topK: 2, dFfExpert: 14336, sharedWidth: 0, firstDenseLayers: 0 });
    expect(a.kvHeads).toBe(8);
    expect(a.ropeTheta).toBe(1000000);
  });
  it("fine-grained MoE (DeepSeekMoE 16B): shared experts' width 2 × 1408, first layer dense", () => {
    const p = withLayout(BASE, layoutOf({ dp: 64, zeroStage: 1, ep: 8, gradAccum: 8 }), FINE_MOE);
    const r = emit("megatron", p);
    const a = megatronArch(r.text);
    expect(a.moe).toEqual({ numExperts: 64, topK: 6, dFfExpert: 1408, sharedWidth: 2816, firstDenseLayers: 1 });
    expect(a.dFf).toBe(10944);
    // the layer pattern has brackets the functional-test launcher would change: left out of the YAML, and said
    const y = emit("megatron-yaml", p);
    expect((parseYaml(y.text) as Record<string, Record<string, unknown>>).MODEL_ARGS?.["--moe-layer-freq"]).toBeUndefined();
    expect(y.unexpressed.join(" ")).toMatch(/--moe-layer-freq/);
  });
  it("the YAML map carries the same layout flags as the script", () => {
    const p = planFor("pp+vpp");
    const y = (parseYaml(emit("megatron-yaml", p).text) as Record<string, Record<string, unknown>>).MODEL_ARGS ?? {};
    expect(y["--tensor-model-parallel-size"]).toBe(8);
    expect(y["--pipeline-model-parallel-size"]).toBe(4);
    expect(y["--num-virtual-stages-per-pipeline-rank"]).toBe(2);
    expect(y["--sequence-parallel"]).toBe(true);
    expect(y["--use-distributed-optimizer"]).toBe(true);
  });
  it("a layout that does not divide the model is noted, not silently written (TP 16 over 64 heads / 8 KV heads is fine; TP 3 is not)", () => {
    const l = layoutOf({ dp: 2, zeroStage: 1, tp: 3, gradAccum: 1 });
    const r = emit("megatron", withLayout(BASE, l, GQA_ROPE));
    expect(r.unexpressed.join(" ")).toMatch(/tensor parallel 3 does not divide the 64 attention heads/);
  });
  it("without a layout the script is as before: pure data parallel from plan.memory", () => {
    const r = emit("megatron", NO_LAYOUT);
    const f = megatronArgv(r.text);
    expect(f.has("--tensor-model-parallel-size")).toBe(false);
    expect(f.has("--use-distributed-optimizer")).toBe(NO_LAYOUT.memory.zeroStage >= 1);
  });
});

// ---- TorchTitan v0.2.2: TOML -------------------------------------------------------------------------

type Toml = Record<string, Record<string, unknown>>;

/**
 * The Layout TorchTitan v0.2.2 runs for this TOML (torchtitan/distributed/parallel_dims.py: dp =
 * replicate × shard; FSDP2 is ZeRO-3, or ZeRO-2 with fsdp_reshard_after_forward "never"; shard 1 = DDP;
 * TP is always with SequenceParallel; pipeline_parallel.py: microbatches = local_batch_size /
 * pipeline_parallel_microbatch_size, stages = ceil((L + first_less + last_less) / layers_per_stage), 2
 * per rank for a looped schedule without it; gradient accumulation = global / (local · dp)).
 */
function torchtitanLayout(doc: Toml, numLayers: number): Layout {
  const par = doc.parallelism ?? {};
  const tr = doc.training ?? {};
  const n = (k: string, d = 1) => (par[k] === undefined ? d : Number(par[k]));
  const replicate = n("data_parallel_replicate_degree");
  const shard = n("data_parallel_shard_degree");
  const dp = replicate * shard;
  const tp = n("tensor_parallel_degree");
  const pp = n("pipeline_parallel_degree");
  const local = Number(tr.local_batch_size);
  const micro = pp > 1 ? n("pipeline_parallel_microbatch_size") : local;
  const looped = String(par.pipeline_parallel_schedule ?? "1F1B").startsWith("Interleaved");
  const lps = par.pipeline_parallel_layers_per_stage;
  const stages = lps === undefined ? pp * (looped ? 2 : 1) : Math.ceil((numLayers + n("pipeline_parallel_first_stage_less_layers") + n("pipeline_parallel_last_stage_less_layers")) / Number(lps));
  const accumOuter = Number(tr.global_batch_size) / (local * dp);
  const mode = String(doc.activation_checkpoint?.mode ?? "selective");
  const converters = (doc.model?.converters as string[] | undefined) ?? [];
  return {
    dp,
    dpShard: shard,
    zeroStage: shard === 1 ? 0 : par.fsdp_reshard_after_forward === "never" ? 2 : 3,
    tp,
    sequenceParallel: tp > 1,
    pp,
    vpp: pp > 1 ? stages / pp : 1,
    cp: n("context_parallel_degree"),
    ep: n("expert_parallel_degree"),
    microBatch: micro,
    gradAccum: accumOuter * (local / micro),
    recompute: mode === "full" ? "full" : mode === "selective" ? "selective" : "none",
    precision: converters.includes("quantize.linear.float8") ? "fp8" : "bf16",
    mainGrads: tr.mixed_precision_reduce === "float32" || tr.mixed_precision_reduce === undefined ? "fp32" : "bf16",
  };
}

describe("TorchTitan: the TOML rebuilds the plan's layout", () => {
  it.each(ALL_KINDS)("%s", (k) => {
    const p = planFor(k);
    const r = emit("torchtitan", p);
    const doc = parseToml(r.text) as Toml;
    const rebuilt = torchtitanLayout(doc, p.model.spec.numLayers);
    if (k === "zero1" || k === "tp+sp" || k === "pp" || k === "pp+vpp" || k === "cp" || k === "ep" || k === "full-recompute" || k === "selective" || k === "fp8") {
      // TorchTitan has no ZeRO-1: ZeRO-2 is written, and said
      expect(rebuilt).toEqual({ ...p.layout, zeroStage: 2 });
      expect(r.unexpressed.join(" ")).toMatch(/ZeRO-1/);
      return;
    }
    expect(rebuilt).toEqual(p.layout);
    sameMemory(p, rebuilt);
  });
  it.each(["fsdp", "hsdp", "dp"] as Kind[])("%s with TP+SP, PP+VPP, CP: exact", (k) => {
    const base = LAYOUTS[k];
    // 64 GPUs = dp 4 · tp 4 · pp 2 · cp 2; HSDP shards over 2 of the 4
    const l = { ...base, dp: base.dp / 16, dpShard: k === "hsdp" ? 2 : k === "dp" ? 1 : 4, tp: 4, sequenceParallel: true, pp: 2, vpp: 2, cp: 2, gradAccum: base.gradAccum * 16 };
    const p = withLayout(BASE, l, GQA_ROPE);
    const rebuilt = torchtitanLayout(parseToml(emit("torchtitan", p).text) as Toml, 80);
    expect(rebuilt).toEqual(l);
    sameMemory(p, rebuilt);
  });
  it("TP without SP cannot be expressed: noted", () => {
    const l = layoutOf({ dp: 16, tp: 4, gradAccum: 32 });
    expect(emit("torchtitan", withLayout(BASE, l, GQA_ROPE)).unexpressed.join(" ")).toMatch(/TP without sequence parallelism/);
  });
  it("the flavor to register carries the architecture: TransformerModelArgs whose FFN formula gives d_ff exactly", () => {
    const r = emit("torchtitan", planFor("fsdp"));
    const line = /TransformerModelArgs\(([^)]*)\)/.exec(r.text)?.[1] ?? "";
    const kv = Object.fromEntries(line.split(", ").map((x) => x.split("=")).map(([k, v]) => [k, Number(v)]));
    expect(kv).toMatchObject({ dim: 8192, n_layers: 80, n_heads: 64, n_kv_heads: 8, vocab_size: 128256, rope_theta: 500000 });
    // torchtitan/models/llama3/model/model.py FeedForward: h = int(2·(4·dim)/3); h = int(mult·h); round up to multiple_of
    let h = Math.trunc((2 * 4 * (kv.dim as number)) / 3);
    h = Math.trunc((kv.ffn_dim_multiplier as number) * h);
    const m = kv.multiple_of as number;
    expect(m * Math.ceil(h / m)).toBe(28672);
  });
  it("MoE cannot be held by the llama3 flavor: noted", () => {
    expect(emit("torchtitan", planFor("ep")).unexpressed.join(" ")).toMatch(/MoE/);
  });
  it("without a layout the TOML is as before", () => {
    const doc = parseToml(emit("torchtitan", NO_LAYOUT).text) as Toml;
    expect(doc.parallelism).toEqual({ data_parallel_shard_degree: NO_LAYOUT.batch.dataParallel.value });
  });
});

// ---- every flag and key the layout adds is the trainer's own ------------------------------------------

const MEGATRON_FLAGS = new Set(readFileSync(new URL("../fixtures/megatron_flags.txt", import.meta.url), "utf8").split("\n").filter((l) => l.startsWith("--")));
// pytorch/torchtitan v0.2.2 torchtitan/config/job_config.py: the Parallelism, ActivationCheckpoint, Training
// (the fields written) and Quantize → QuantizedLinear → Float8Linear dataclass fields
const TT_KEYS: Record<string, string[]> = {
  parallelism: ["data_parallel_replicate_degree", "data_parallel_shard_degree", "fsdp_reshard_after_forward", "tensor_parallel_degree", "disable_loss_parallel", "enable_async_tensor_parallel", "pipeline_parallel_degree", "module_fqns_per_model_part", "pipeline_parallel_first_stage_less_layers", "pipeline_parallel_last_stage_less_layers", "pipeline_parallel_layers_per_stage", "pipeline_parallel_schedule", "pipeline_parallel_schedule_csv", "pipeline_parallel_microbatch_size", "pipeline_parallel_expert_parallel_overlap", "context_parallel_degree", "context_parallel_load_balancer", "context_parallel_rotate_method", "expert_parallel_degree", "expert_tensor_parallel_degree", "expert_parallel_comm_backend"],
  activation_checkpoint: ["mode", "selective_ac_option", "per_op_sac_force_recompute_mm_shapes_by_fqns", "early_stop", "memory_budget", "visualize_memory_budget_pareto", "preserve_rng_state", "determinism_check", "debug"],
  float8: ["enable_fsdp_float8_all_gather", "precompute_float8_dynamic_scale_for_fsdp", "recipe_name", "filter_fqns", "emulate"],
};

describe("the keys the layout adds are the trainer's", () => {
  it.each(ALL_KINDS)("Megatron flags for %s are in Megatron-LM @ d98e8a64 (test/fixtures/megatron_flags.txt)", (k) => {
    for (const p of [planFor(k), withLayout(BASE, LAYOUTS[k], FINE_MOE)]) for (const f of megatronArgv(emit("megatron", p).text).keys()) expect(MEGATRON_FLAGS.has(f), f).toBe(true);
  });
  it("Megatron-FSDP ZeRO-2/3 flags are Megatron's", () => {
    for (const z of [2, 3] as const) for (const f of megatronArgv(emit("megatron", withLayout(BASE, layoutOf({ dp: 64, zeroStage: z, gradAccum: 8 }), GQA_ROPE)).text).keys()) expect(MEGATRON_FLAGS.has(f), f).toBe(true);
  });
  it.each(ALL_KINDS)("TorchTitan keys for %s are v0.2.2's", (k) => {
    const doc = parseToml(emit("torchtitan", planFor(k)).text) as Toml;
    for (const key of Object.keys(doc.parallelism ?? {})) expect(TT_KEYS.parallelism, key).toContain(key);
    for (const key of Object.keys(doc.activation_checkpoint ?? {})) expect(TT_KEYS.activation_checkpoint, key).toContain(key);
    const q = doc.quantize as { linear?: { float8?: Record<string, unknown> } } | undefined;
    if (q) for (const key of Object.keys(q.linear?.float8 ?? {})) expect(TT_KEYS.float8, key).toContain(key);
    expect(Object.keys(q ?? {}).every((x) => x === "linear")).toBe(true);
  });
});

// ---- nanotron: YAML ----------------------------------------------------------------------------------

/**
 * nanotron @ 2411b022 (config/parallelism_config.py ParallelismArgs, config/config.py OptimizerArgs,
 * parallel/context.py world = tp·pp·cp·dp): tp_mode REDUCE_SCATTER is SP; recompute_layer is full
 * recompute; zero_stage 1 shards over all dp; accumulate_grad_in_fp32 is fp32 main gradients.
 */
function nanotronLayout(y: Record<string, Record<string, unknown>>): Layout {
  const par = y.parallelism ?? {};
  const tok = y.tokens ?? {};
  const opt = y.optimizer ?? {};
  const dp = Number(par.dp);
  const zero = Number(opt.zero_stage);
  return {
    dp,
    dpShard: zero === 1 ? dp : 1,
    zeroStage: zero as Layout["zeroStage"],
    tp: Number(par.tp),
    sequenceParallel: par.tp_mode === "REDUCE_SCATTER",
    pp: Number(par.pp),
    vpp: 1,
    cp: Number(par.context_parallel_size ?? 1),
    ep: Number(par.expert_parallel_size ?? 1),
    microBatch: Number(tok.micro_batch_size),
    gradAccum: Number(tok.batch_accumulation_per_replica),
    recompute: par.recompute_layer === true ? "full" : "none",
    precision: "bf16",
    mainGrads: opt.accumulate_grad_in_fp32 === true ? "fp32" : "bf16",
  };
}

describe("nanotron: the YAML rebuilds the layout it can run, and says what it cannot", () => {
  // "tp+sp" here has selective recompute, which nanotron cannot choose
  const runs: Kind[] = ["dp", "zero1", "pp", "cp", "full-recompute"];
  it.each(ALL_KINDS)("%s", (k) => {
    const p = planFor(k);
    const r = emit("nanotron", p);
    const y = parseYaml(r.text) as Record<string, Record<string, unknown>>;
    if (runs.includes(k)) {
      const rebuilt = nanotronLayout(y);
      expect(rebuilt).toEqual(p.layout);
      sameMemory(p, rebuilt);
      expect(r.unexpressed.filter((u) => /parallel|recompute|ZeRO|fp8|virtual/.test(u))).toEqual([]);
    } else {
      expect(r.unexpressed.length, k).toBeGreaterThan(0);
      expect(r.text).toMatch(/not expressible in this file/);
    }
  });
  it("TP 8 + SP without recompute: tp_mode REDUCE_SCATTER", () => {
    const l = { ...LAYOUTS["tp+sp"], recompute: "none" as const };
    const p = withLayout(BASE, l, GQA_ROPE);
    const rebuilt = nanotronLayout(parseYaml(emit("nanotron", p).text) as Record<string, Record<string, unknown>>);
    expect(rebuilt).toEqual(l);
    sameMemory(p, rebuilt);
  });
  it("GQA + RoPE: num_key_value_heads, rope_theta, intermediate_size; MoE as a Qwen2Config moe_config", () => {
    const mc = (parseYaml(emit("nanotron", planFor("tp+sp")).text) as { model: { model_config: Record<string, unknown> } }).model.model_config;
    expect(mc).toMatchObject({ hidden_size: 8192, num_hidden_layers: 80, num_attention_heads: 64, num_key_value_heads: 8, intermediate_size: 28672, rope_theta: 500000, tie_word_embeddings: false, is_llama_config: true });
    const moe = (parseYaml(emit("nanotron", withLayout(BASE, LAYOUTS.zero1, FINE_MOE)).text) as { model: { model_config: Record<string, unknown> } }).model.model_config;
    expect(moe.is_qwen2_config).toBe(true);
    expect(moe.is_llama_config).toBeUndefined();
    const m = moe.moe_config as { num_experts: number; top_k: number; moe_intermediate_size: number; shared_expert_intermediate_size: number; enable_shared_expert: boolean; layers: number[] };
    expect([m.num_experts, m.top_k, m.moe_intermediate_size, m.shared_expert_intermediate_size, m.enable_shared_expert]).toEqual([64, 6, 1408, 2 * 1408, true]);
    // the first layer is dense: MoE in layers 1 … 27
    expect(m.layers).toEqual(Array.from({ length: 27 }, (_, i) => i + 1));
  });
});

// ---- llm-foundry / Composer: YAML --------------------------------------------------------------------

/** Composer @ 64051888 FSDPConfig: the sharding strategy and mesh degrees; mixed_precision DEFAULT reduces in fp32. */
function foundryLayout(y: Record<string, unknown>, gpus: number): Layout {
  const f = y.fsdp_config as Record<string, unknown>;
  const st = String(f.sharding_strategy);
  const zero = st === "NO_SHARD" ? 0 : st === "FULL_SHARD" || st === "HYBRID_SHARD" ? 3 : 2;
  const shard = f.data_parallel_shard_degree === undefined ? (zero === 0 ? 1 : gpus) : Number(f.data_parallel_shard_degree);
  const micro = Number(y.device_train_microbatch_size);
  return {
    dp: gpus,
    dpShard: shard,
    zeroStage: zero as Layout["zeroStage"],
    tp: 1,
    sequenceParallel: false,
    pp: 1,
    vpp: 1,
    cp: 1,
    ep: 1,
    microBatch: micro,
    gradAccum: Number(y.global_train_batch_size) / (micro * gpus),
    recompute: f.activation_checkpointing === true ? "full" : "none",
    precision: y.precision === "amp_fp8" ? "fp8" : "bf16",
    mainGrads: f.mixed_precision === "PURE" ? "bf16" : "fp32",
  };
}

describe("llm-foundry: fsdp_config rebuilds the data-parallel layouts; the rest is noted", () => {
  it.each(["dp", "fsdp", "hsdp"] as Kind[])("%s", (k) => {
    const p = planFor(k);
    const rebuilt = foundryLayout(parseYaml(emit("llmfoundry", p).text) as Record<string, unknown>, 64);
    expect(rebuilt).toEqual(p.layout);
    sameMemory(p, rebuilt);
  });
  it("ZeRO-2, full recompute, fp8, bf16 reduce: SHARD_GRAD_OP, activation_checkpointing, amp_fp8, PURE", () => {
    const l = layoutOf({ dp: 64, zeroStage: 2, microBatch: 2, gradAccum: 4, recompute: "full", precision: "fp8", mainGrads: "bf16" });
    const p = withLayout(BASE, l, GQA_ROPE);
    expect(foundryLayout(parseYaml(emit("llmfoundry", p).text) as Record<string, unknown>, 64)).toEqual(l);
  });
  it.each(["zero1", "tp+sp", "pp", "pp+vpp", "cp", "ep", "selective"] as Kind[])("%s cannot be run: unexpressed and in the file", (k) => {
    const r = emit("llmfoundry", planFor(k));
    expect(r.unexpressed.length).toBeGreaterThan(0);
    expect(r.text).toMatch(/not expressible in this file/);
  });
  it("GQA + RoPE θ and an MoE (torch_dmoe with every key build_torch_dmoe pops)", () => {
    const m = (parseYaml(emit("llmfoundry", planFor("fsdp")).text) as { model: Record<string, Record<string, unknown>> }).model;
    expect(m.attn_config).toMatchObject({ attn_type: "grouped_query_attention", kv_n_heads: 8, rope: true, rope_theta: 500000 });
    const moe = (parseYaml(emit("llmfoundry", withLayout(BASE, LAYOUTS.fsdp, MOE)).text) as { model: Record<string, Record<string, unknown>> }).model.ffn_config;
    expect(moe).toMatchObject({ ffn_type: "torch_dmoe", moe_num_experts: 8, moe_top_k: 2, ffn_hidden_size: 14336, mlp_type: "glu" });
    for (const k of ["moe_jitter_eps", "moe_normalize_expert_weights", "uniform_expert_assignment"]) expect(moe, k).toHaveProperty(k);
  });
});

// ---- Hugging Face Trainer: JSON ----------------------------------------------------------------------

/** TrainingArguments' fsdp string (trainer_utils.py FSDPOption) and deepspeed dict; the world is dp processes. */
function hfLayout(args: Record<string, unknown>, gpus: number, perNode = 8): Layout {
  const fsdp = String(args.fsdp ?? "");
  const ds = args.deepspeed as { zero_optimization?: { stage?: number } } | undefined;
  const zero = fsdp.includes("full_shard") || fsdp.startsWith("hybrid_shard ") ? 3 : fsdp.includes("shard_grad_op") || fsdp.includes("hybrid_shard_zero2") ? 2 : (ds?.zero_optimization?.stage ?? 0);
  const hybrid = fsdp.startsWith("hybrid");
  const micro = Number(args.per_device_train_batch_size);
  return {
    dp: gpus,
    dpShard: zero === 0 ? 1 : hybrid ? Math.min(perNode, gpus) : gpus,
    zeroStage: zero as Layout["zeroStage"],
    tp: 1,
    sequenceParallel: false,
    pp: 1,
    vpp: 1,
    cp: 1,
    ep: 1,
    microBatch: micro,
    gradAccum: Number(args.gradient_accumulation_steps),
    recompute: args.gradient_checkpointing === true ? "full" : "none",
    precision: "bf16",
    mainGrads: "fp32",
  };
}

describe("Hugging Face Trainer: fsdp / deepspeed rebuild the data-parallel layouts; a config.json holds the model", () => {
  it.each(["dp", "zero1", "fsdp", "hsdp"] as Kind[])("%s", (k) => {
    const p = planFor(k);
    const r = emit("hf", p);
    const rebuilt = hfLayout(JSON.parse(r.text) as Record<string, unknown>, 64);
    expect(rebuilt).toEqual(p.layout);
    sameMemory(p, rebuilt);
  });
  it.each(["tp+sp", "pp", "cp", "ep", "selective", "fp8"] as Kind[])("%s cannot be run: unexpressed", (k) => {
    expect(emit("hf", planFor(k)).unexpressed.length).toBeGreaterThan(0);
  });
  it("config.json: LlamaConfig for the GQA + RoPE spec, MixtralConfig for the MoE", () => {
    const llama = JSON.parse(emit("hf", planFor("fsdp")).extraFiles?.[0]?.text ?? "{}") as Record<string, unknown>;
    expect(llama).toMatchObject({ model_type: "llama", hidden_size: 8192, intermediate_size: 28672, num_hidden_layers: 80, num_attention_heads: 64, num_key_value_heads: 8, head_dim: 128, vocab_size: 128256, rope_theta: 500000, tie_word_embeddings: false });
    const mix = JSON.parse(emit("hf", withLayout(BASE, LAYOUTS.fsdp, MOE)).extraFiles?.[0]?.text ?? "{}") as Record<string, unknown>;
    expect(mix).toMatchObject({ model_type: "mixtral", num_local_experts: 8, num_experts_per_tok: 2, intermediate_size: 14336, rope_theta: 1000000 });
  });
});

// ---- LitGPT: YAML ------------------------------------------------------------------------------------

describe("LitGPT: pretrain runs FSDP HYBRID_SHARD within a node; the rest is noted", () => {
  it("HSDP over each node's 8 GPUs is what it runs: rebuilt exactly", () => {
    const p = planFor("hsdp");
    const r = emit("litgpt", p);
    const y = parseYaml(r.text) as { devices: number; num_nodes: number; train: { global_batch_size: number; micro_batch_size: number }; model_config: Record<string, unknown> };
    const dp = y.devices * y.num_nodes;
    const rebuilt: Layout = { ...layoutOf({ dp, dpShard: y.devices, zeroStage: 3, microBatch: y.train.micro_batch_size, gradAccum: y.train.global_batch_size / (y.train.micro_batch_size * dp) }) };
    expect(rebuilt).toEqual(p.layout);
    sameMemory(p, rebuilt);
    expect(r.unexpressed.filter((u) => /ZeRO|parallel|recompute/.test(u))).toEqual([]);
  });
  it.each(["dp", "zero1", "fsdp", "tp+sp", "pp", "cp", "ep", "selective", "full-recompute"] as Kind[])("%s: unexpressed and in the file", (k) => {
    const r = emit("litgpt", planFor(k));
    expect(r.unexpressed.join(" ")).toMatch(/ZeRO|parallel|recompute/);
    expect(r.text).toMatch(/not expressible in this file/);
  });
  it("GQA + RoPE θ; MoE as LLaMAMoE with shared experts and dense leading layers", () => {
    const mc = (parseYaml(emit("litgpt", planFor("hsdp")).text) as { model_config: Record<string, unknown> }).model_config;
    expect(mc).toMatchObject({ n_head: 64, n_query_groups: 8, rope_base: 500000, intermediate_size: 28672, mlp_class_name: "LLaMAMLP" });
    const moe = (parseYaml(emit("litgpt", withLayout(BASE, LAYOUTS.hsdp, FINE_MOE)).text) as { model_config: Record<string, unknown> }).model_config;
    expect(moe).toMatchObject({ mlp_class_name: "LLaMAMoE", n_expert: 64, n_expert_per_token: 6, moe_intermediate_size: 1408, n_shared_expert: 2, first_k_dense_replace: 1, intermediate_size: 10944 });
  });
});

// ---- nanoGPT and Cerebras: what they cannot express is said --------------------------------------------

describe("nanoGPT (DDP only) and Cerebras (no GPU layout) note the layout", () => {
  it("nanoGPT runs pure DDP as planned (no unexpressed layout item), and notes ZeRO, TP, PP, recompute", () => {
    const ok = emit("nanogpt", planFor("dp"));
    expect(ok.unexpressed.filter((u) => /ZeRO|parallel|recompute/.test(u))).toEqual([]);
    for (const k of ["fsdp", "tp+sp", "pp", "full-recompute"] as Kind[]) {
      const r = emit("nanogpt", planFor(k));
      expect(r.unexpressed.join(" "), k).toMatch(/ZeRO|parallel|recompute/);
      expect(r.text).toMatch(/not expressible in this file/);
    }
  });
  it("Cerebras: the GPU layout does not apply, said in the file", () => {
    const r = emit("cerebras", planFor("tp+sp"));
    expect(r.unexpressed.join(" ")).toMatch(/GPU parallel layout/);
    expect(r.text).toMatch(/not expressible in this file/);
  });
});

describe("the memory/time comparison can fail", () => {
  it("a config that dropped SP, or wrote ZeRO-1 for ZeRO-3, would not match the plan's memory", () => {
    const p = planFor("tp+sp");
    const m = (l: Layout) => layoutMemory(p.model.spec, p.batch.seqLen.value, l).totalBytes;
    const l = p.layout as Layout;
    expect(m({ ...l, sequenceParallel: false })).not.toBe(m(l));
    const f = LAYOUTS.fsdp;
    expect(m({ ...f, zeroStage: 1 })).not.toBe(m(f));
  });
});

describe("Megatron: MLA, MTP, an explicit head dim and QKV biases", () => {
  // DeepSeek-V3 (arXiv 2412.19437 §4.2): 61 layers, d 7168, 128 heads, q LoRA rank 1536, KV LoRA rank 512,
  // per-head q/k 128 (no RoPE) + 64 (RoPE), v 128; 256 routed experts of width 2048, top-8, 1 shared; the
  // first 3 layers dense (FFN 18432); vocab 129280; 1 MTP module. Written by hand.
  const V3 = { dModel: 7168, numLayers: 61, numHeads: 128, numKvHeads: 128, dFf: 18432, ffnType: "swiglu", vocabSize: 129280, seqLen: 4096, tiedEmbeddings: false, position: "rope", norm: "rmsnorm", bias: false, ropeTheta: 10000, moe: { numExperts: 256, topK: 8, numSharedExperts: 1, dFfExpert: 2048, firstDenseLayers: 3 }, mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 }, mtpModules: 1 } as unknown as ArchSpec;
  it("DeepSeek-V3's attention and MoE flags", () => {
    const f = megatronArgv(emit("megatron", withLayout(BASE, layoutOf({ dp: 64, zeroStage: 1, ep: 8, gradAccum: 8 }), V3)).text);
    const v = (k: string) => f.get(k);
    expect(f.has("--multi-latent-attention")).toBe(true);
    expect([v("--q-lora-rank"), v("--kv-lora-rank"), v("--qk-head-dim"), v("--qk-pos-emb-head-dim"), v("--v-head-dim")]).toEqual([["1536"], ["512"], ["128"], ["64"], ["128"]]);
    expect(v("--mtp-num-layers")).toEqual(["1"]);
    expect(v("--moe-layer-freq")).toEqual(["([0]*3+[1]*58)"]);
    expect(v("--moe-shared-expert-intermediate-size")).toEqual(["2048"]);
  });
  it("a head dim other than d/H is --kv-channels; QKV biases alone are --add-qkv-bias (Qwen2.5 7B: d 3584, 28 heads of 128, 4 KV)", () => {
    // Qwen2.5 7B (Qwen team, arXiv 2412.15115 Table 1: 28 layers, 28 Q / 4 KV heads; config.json d 3584, head 128, QKV bias)
    const q = { dModel: 3584, numLayers: 28, numHeads: 28, numKvHeads: 4, dFf: 18944, ffnType: "swiglu", vocabSize: 152064, seqLen: 4096, tiedEmbeddings: false, position: "rope", norm: "rmsnorm", bias: false, ropeTheta: 1000000, qkvBias: true, headDim: 128 } as unknown as ArchSpec;
    const f = megatronArgv(emit("megatron", withLayout(BASE, layoutOf({ dp: 16, zeroStage: 1, tp: 4, sequenceParallel: true, gradAccum: 32 }), q)).text);
    // 3584 / 28 = 128: the given head dim equals d/H, so no --kv-channels is needed
    expect(f.has("--kv-channels")).toBe(false);
    expect(f.has("--add-qkv-bias")).toBe(true);
    const wide = { ...(q as unknown as Record<string, unknown>), headDim: 256 } as unknown as ArchSpec;
    expect(megatronArgv(emit("megatron", withLayout(BASE, layoutOf({ dp: 16, zeroStage: 1, tp: 4, sequenceParallel: true, gradAccum: 32 }), wide)).text).get("--kv-channels")).toEqual(["256"]);
  });
});
