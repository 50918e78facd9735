/**
 * The layout's memory and time model against its published references:
 * - Korthikanti et al. arXiv 2205.05198 Table 2, term by term (GPT-3 175B's shape from their Table 3);
 * - Megatron-LM megatron/training/theoretical_memory_usage.py at d98e8a64ddf34856e74b24714e3bedb2f5a39553,
 *   run (Python, its one utility import stubbed) for Llama-3.1-70B at TP8·PP4·DP2: it printed
 *   "weight and optimizer=25995.77 MB, activation=20512.03 MB, total=46507.80 MB" (MiB);
 * - TorchTitan benchmarks/llama3_h100_202412_torchtitan.md Tables 1 and 3 (tokens/s/GPU).
 */
import { describe, expect, it } from "vitest";
import { findAccelerator } from "../src/hardware/catalog.js";
import { MEASURED_THROUGHPUT, mfuFromThroughput } from "../src/hardware/time.js";
import { layerActivationSplit } from "../src/layout/activations.js";
import { calibrate, measuredLayout, selectEfficiency } from "../src/layout/calibrate.js";
import { tableTwoBytesPerLayer } from "../src/layout/korthikanti.js";
import { inFlightMicroBatches, layoutMemory } from "../src/layout/memory.js";
import { megatronPaddedVocab } from "../src/layout/megatron.js";
import { paramGroups } from "../src/layout/params.js";
import { layoutTime } from "../src/layout/time.js";
import type { Layout } from "../src/layout/types.js";
import { findPreset } from "../src/model/presets.js";
import type { ArchSpec } from "../src/model/spec.js";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const h100 = findAccelerator("h100")!;
const llama = (id: string) => findPreset(id)!.model;

// GPT-3 175B as Korthikanti Table 3 runs it: a = 96 heads, h = 12288, s = 2048, L = 96, t = 8
const GPT3: ArchSpec = { dModel: 12288, numLayers: 96, numHeads: 96, dFf: 4 * 12288, ffnType: "gelu", vocabSize: 51200, seqLen: 2048, tiedEmbeddings: true, position: "learned", norm: "layernorm", bias: true } as ArchSpec;
const s = 2048;
const b = 1;
const h = 12288;
const a = 96;

function split(tp: number, sp: boolean) {
  return layerActivationSplit(paramGroups(GPT3), { tp, sequenceParallel: sp, flashAttention: false, dropout: true, numHeads: a, seqLen: s, ffnType: "gelu", dModel: h }, false);
}

describe("activations: Korthikanti Table 2 term by term", () => {
  const sbh = s * b * h;
  it("no parallelism: 34·s·b·h + 5·a·s²·b", () => {
    const hand = 34 * sbh + 5 * a * s * s * b;
    expect(tableTwoBytesPerLayer("none", { s, b, h, a, t: 1 })).toBe(hand);
    expect(split(1, false).total * s * b).toBeCloseTo(hand, 0);
    // §4.1: attention block 11·s·b·h + 5·a·s²·b, MLP 19·s·b·h, the two layer norms 4·s·b·h
    const x = split(1, false);
    expect((x.attention + x.attentionCore + x.dropoutMasks / 2) * s * b).toBeCloseTo(11 * sbh + 5 * a * s * s * b, 0);
    expect((x.ffn + x.dropoutMasks / 2) * s * b).toBeCloseTo(19 * sbh, 0);
    expect(x.norms * s * b).toBe(4 * sbh);
  });
  it("tensor parallel t = 8: s·b·h·(10 + 24/t + 5·a·s/(h·t))", () => {
    const hand = sbh * (10 + 24 / 8 + (5 * a * s) / (h * 8));
    expect(tableTwoBytesPerLayer("tensor", { s, b, h, a, t: 8 })).toBeCloseTo(hand, 0);
    expect(split(8, false).total * s * b).toBeCloseTo(hand, 0);
  });
  it("tensor + sequence parallel: s·b·h·(34/t + 5·a·s/(h·t))", () => {
    const hand = sbh * (34 / 8 + (5 * a * s) / (h * 8));
    expect(split(8, true).total * s * b).toBeCloseTo(hand, 0);
  });
  it("selective recompute drops the 5·a·s/h attention core: s·b·h·(10 + 24/t), and s·b·h·34/t with SP", () => {
    const x = split(8, false);
    expect((x.total - x.attentionCore) * s * b).toBeCloseTo(sbh * (10 + 24 / 8), 0);
    const y = split(8, true);
    expect((y.total - y.attentionCore) * s * b).toBeCloseTo((sbh * 34) / 8, 0);
    expect(tableTwoBytesPerLayer("tensorSequenceSelective", { s, b, h, a, t: 8 })).toBeCloseTo((sbh * 34) / 8, 0);
  });
  it("full recompute keeps 2·s·b·h per layer (plus one live layer while it is recomputed)", () => {
    const layout: Layout = { dp: 1, dpShard: 1, zeroStage: 0, tp: 1, sequenceParallel: false, pp: 1, vpp: 1, cp: 1, ep: 1, microBatch: b, gradAccum: 1, recompute: "full", precision: "bf16", mainGrads: "fp32" };
    const m = layoutMemory(GPT3, s, layout, { flashAttention: false, dropout: true });
    const oneLayer = 34 * sbh + 5 * a * s * s * b;
    expect(m.activationsBytes).toBeCloseTo(96 * 2 * sbh + oneLayer, -3);
    expect(tableTwoBytesPerLayer("full", { s, b, h, a, t: 1 })).toBe(2 * sbh);
  });
  it("GQA and SwiGLU supply their own terms: Llama 3.1 70B, TP8 + SP, flash, per token per layer", () => {
    const s70 = llama("llama-3.1-70b");
    const x = layerActivationSplit(paramGroups(s70), { tp: 8, sequenceParallel: true, flashAttention: true, dropout: false, numHeads: 64, seqLen: 8192, ffnType: "swiglu", dModel: 8192 }, false);
    // norms 4d/8; QKV input 2d/8 + (Q 2·8192 + K,V 2·2·1024 + out-proj input 2·8192)/8; FFN input 2d/8 + 3 · 2·28672/8
    expect(x.norms).toBe(4096);
    expect(x.attention).toBe(2048 + (16384 + 4096 + 16384) / 8);
    expect(x.ffn).toBe(2048 + (6 * 28672) / 8);
    expect(x.attentionCore).toBe((4 * 64) / 8); // flash's fp32 log-sum-exp per head
  });
});

describe("memory: Megatron-LM's estimator reproduced (Llama-3.1-70B, TP8·PP4·DP2, seq 8192, SP + selective)", () => {
  const spec = llama("llama-3.1-70b");
  const layout: Layout = { dp: 2, dpShard: 2, zeroStage: 1, tp: 8, sequenceParallel: true, pp: 4, vpp: 1, cp: 1, ep: 1, microBatch: 1, gradAccum: 8, recompute: "selective", precision: "bf16", mainGrads: "fp32" };
  it("padded vocabulary 129,024 (128·tp multiples above 128,256)", () => {
    expect(megatronPaddedVocab(128256, 8)).toBe(129024);
  });
  it("weights + optimizer 25,995.77 MiB, activations 20,512.03 MiB, total 46,507.80 MiB (≈ 25.4 / 20.0 / 45.4 GiB)", () => {
    const m = layoutMemory(spec, 8192, layout, { convention: "megatron" });
    const states = m.weightsBytes + m.gradientsBytes + m.masterWeightsBytes + m.optimizerStatesBytes;
    expect(states / MIB).toBeCloseTo(25995.77, 1);
    expect(m.activationsBytes / MIB).toBeCloseTo(20512.03, 1);
    expect(m.totalBytes / MIB).toBeCloseTo(46507.8, 1);
    expect(+(states / GIB).toFixed(1)).toBe(25.4);
    expect(+(m.activationsBytes / GIB).toFixed(1)).toBe(20.0);
    expect(+(m.totalBytes / GIB).toFixed(1)).toBe(45.4);
  });
  it("lmplan's own model holds the same model states (2 + 4 + 12/dp bytes per parameter), GQA/SwiGLU-exact activations", () => {
    const m = layoutMemory(spec, 8192, layout, { vocabPadding: "megatron" });
    const states = m.weightsBytes + m.gradientsBytes + m.masterWeightsBytes + m.optimizerStatesBytes;
    // Megatron puts the final norm's 8,192 weights on every stage (/pp); lmplan on the last only
    expect(Math.abs(states / MIB - 25995.77)).toBeLessThan(0.1);
    // 8192 tokens × 4 micro-batches in flight × 20 layers × (4096 + 6656 + 23552) bytes
    expect(m.activationsBytes).toBe(8192 * 4 * 20 * (4096 + 6656 + 23552));
  });
});

describe("memory: model states, pipeline, loss", () => {
  const spec = llama("llama-3.1-8b");
  const base: Layout = { dp: 8, dpShard: 8, zeroStage: 0, tp: 1, sequenceParallel: false, pp: 1, vpp: 1, cp: 1, ep: 1, microBatch: 1, gradAccum: 1, recompute: "none", precision: "bf16", mainGrads: "bf16" };
  it("ZeRO shards master + optimizer at 1, gradients at 2, weights at 3 (ZeRO §5), 16 bytes/param unsharded", () => {
    const z0 = layoutMemory(spec, 8192, base);
    const z3 = layoutMemory(spec, 8192, { ...base, zeroStage: 3 });
    expect(z0.weightsBytes + z0.gradientsBytes + z0.masterWeightsBytes + z0.optimizerStatesBytes).toBeCloseTo(16 * z0.paramsOnGpu, -3);
    expect(z3.weightsBytes).toBeCloseTo(z0.weightsBytes / 8, -3);
    expect(z3.gradientsBytes).toBeCloseTo(z0.gradientsBytes / 8, -3);
    expect(z3.optimizerStatesBytes).toBeCloseTo(z0.optimizerStatesBytes / 8, -3);
    expect(z3.zeroWorkingSetBytes).toBeGreaterThan(0);
    expect(z0.zeroWorkingSetBytes).toBe(0);
  });
  it("1F1B: stage i holds min(m, pp − i) micro-batches; interleaving × (1 + (p−1)/(p·v))", () => {
    const l = { pp: 4, vpp: 1, gradAccum: 8 };
    expect(inFlightMicroBatches(l, 0)).toBe(4);
    expect(inFlightMicroBatches(l, 3)).toBe(1);
    expect(inFlightMicroBatches({ pp: 4, vpp: 1, gradAccum: 2 }, 0)).toBe(2);
    expect(inFlightMicroBatches({ pp: 4, vpp: 2, gradAccum: 8 }, 0)).toBeCloseTo(4 * (1 + 3 / 8), 12);
  });
  it("unfused fp32 cross-entropy holds 10 bytes per logit, a fused one 2", () => {
    const fused = layoutMemory(spec, 8192, base, { lossImpl: "fused" });
    const unfused = layoutMemory(spec, 8192, base, { lossImpl: "unfused-fp32" });
    expect(fused.logitsBytes).toBe(8192 * 2 * 128256);
    expect(unfused.logitsBytes).toBe(8192 * 10 * 128256);
  });
  it("context parallelism divides the activations by cp", () => {
    const one = layoutMemory(spec, 131072, { ...base, dp: 1, dpShard: 1 });
    const cp8 = layoutMemory(spec, 131072, { ...base, dp: 1, dpShard: 1, cp: 8 });
    expect(cp8.activationsBytes).toBeCloseTo(one.activationsBytes / 8, -3);
  });
});

describe("memory: MoE experts split over ep (Mixtral 8x7B: 32 MoE layers × 8 experts × 3·4096·14336)", () => {
  const mixtral = findPreset("mixtral-8x7b")!.model;
  const l: Layout = { dp: 8, dpShard: 8, zeroStage: 0, tp: 1, sequenceParallel: false, pp: 1, vpp: 1, cp: 1, ep: 1, microBatch: 1, gradAccum: 1, recompute: "none", precision: "bf16", mainGrads: "fp32" };
  it("ep 8 holds an eighth of the routed experts", () => {
    const one = layoutMemory(mixtral, 4096, l);
    const eight = layoutMemory(mixtral, 4096, { ...l, ep: 8 });
    expect(one.paramsOnGpu - eight.paramsOnGpu).toBe(32 * 8 * 3 * 4096 * 14336 * (1 - 1 / 8));
  });
  it("activations hold the top-2 experts' FFNs: 2 × (2d + 6f) per token beside the 2d input", () => {
    const x = layerActivationSplit(paramGroups(mixtral), { tp: 1, sequenceParallel: false, flashAttention: true, dropout: false, numHeads: 32, seqLen: 4096, ffnType: "swiglu", dModel: 4096 }, true);
    expect(x.ffn).toBe(2 * 4096 + 2 * (2 * 4096 + 6 * 14336));
  });
});

describe("time: recompute, bubble, collectives", () => {
  const spec = llama("llama-3.1-70b");
  const l: Layout = { dp: 8, dpShard: 8, zeroStage: 1, tp: 8, sequenceParallel: true, pp: 4, vpp: 1, cp: 1, ep: 1, microBatch: 1, gradAccum: 8, recompute: "none", precision: "bf16", mainGrads: "fp32" };
  const t = (x: Partial<Layout>) => layoutTime(spec, 8192, { ...l, ...x }, h100, { efficiency: 0.4 });
  it("bubble = (pp − 1)/(m·v) of the compute (Narayanan §2.2)", () => {
    const a1 = t({});
    expect(a1.bubbleSeconds / a1.computeSeconds).toBeCloseTo(3 / 8, 12);
    const a2 = t({ vpp: 2 });
    expect(a2.bubbleSeconds / a2.computeSeconds).toBeCloseTo(3 / 16, 12);
  });
  it("full recompute adds one forward: ⅓ of the non-head FLOPs (Korthikanti §5, ~33%)", () => {
    const none = t({});
    const full = t({ recompute: "full" });
    expect(full.recomputeSeconds / none.computeSeconds).toBeGreaterThan(0.3);
    expect(full.recomputeSeconds / none.computeSeconds).toBeLessThan(1 / 3);
    expect(t({ recompute: "selective" }).recomputeSeconds).toBeLessThan(0.05 * none.computeSeconds);
  });
  it("TP all-reduce: 4 per layer × 2(t−1)/t × b·s·h·2 bytes over NVLink (450 GB/s per direction)", () => {
    const x = t({});
    expect(x.tpCommSeconds).toBeCloseTo((20 * 8 * 4 * ((2 * 7) / 8) * 8192 * 8192 * 2) / 450e9, 9);
  });
  it("fp8 runs at the fp8 peak", () => {
    expect(t({ precision: "fp8" }).peakFlopsPerGpu).toBe(1979e12);
  });
});

describe("time: TorchTitan's Llama 3.1 8B H100 table as the calibration", () => {
  const spec = llama("llama-3.1-8b");
  const row = (id: string) => MEASURED_THROUGHPUT.find((r) => r.id === id)!;
  it("5,762 tokens/s/GPU is MFU 0.337 at 5.79e10 FLOPs/token (docs/science.md §8)", () => {
    expect(mfuFromThroughput(5762, 6 * 7.505e9 + 12 * 32 * 32 * 128 * 8192, 989e12)).toBeCloseTo(0.337, 3);
  });
  it("reproduces 5,762 (FSDP, bf16) and 8,532 (compile + Float8) on their own layouts", () => {
    const bf16 = selectEfficiency(8.03e9, "bf16", false);
    expect(bf16.caseId).toBe("tt-8b-fsdp");
    expect(layoutTime(spec, 8192, measuredLayout(row("tt-8b-fsdp"))!, h100, { efficiency: bf16.u }).tokensPerSecondPerGpu).toBeCloseTo(5762, 0);
    const fp8 = selectEfficiency(8.03e9, "fp8", true);
    expect(fp8.caseId).toBe("tt-8b-fsdp-compile-fp8");
    expect(layoutTime(spec, 8192, measuredLayout(row("tt-8b-fsdp-compile-fp8"))!, h100, { efficiency: fp8.u }).tokensPerSecondPerGpu).toBeCloseTo(8532, 0);
  });
  it("the 8-GPU calibration predicts the 128-GPU measurement (Table 3: 5,605) within 5%", () => {
    const u = calibrate(row("tt-8b-fsdp")).u;
    const predicted = layoutTime(spec, 8192, measuredLayout(row("tt-8b-fsdp-128"))!, h100, { efficiency: u }).tokensPerSecondPerGpu;
    expect(Math.abs(predicted / 5605 - 1)).toBeLessThan(0.05);
  });
  it("fp8 is no longer the bf16 MFU at the fp8 peak (which would claim 2× 5,762): it gives 8,532/5,762 = 1.48×", () => {
    const l = measuredLayout(row("tt-8b-fsdp-compile"))!;
    const bf16 = layoutTime(spec, 8192, l, h100, { efficiency: selectEfficiency(8.03e9, "bf16", true).u }).tokensPerSecondPerGpu;
    const fp8 = layoutTime(spec, 8192, { ...l, precision: "fp8" }, h100, { efficiency: selectEfficiency(8.03e9, "fp8", true).u }).tokensPerSecondPerGpu;
    expect(fp8 / bf16).toBeCloseTo(8532 / 6667, 2);
  });
  it("Megatron's README MFUs stand for the sizes near them", () => {
    expect(selectEfficiency(405e9, "bf16", false).u).toBe(0.47);
    expect(selectEfficiency(2e9, "bf16", false).u).toBe(0.41);
  });
});
