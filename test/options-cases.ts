// One case per declared plan option (src/plan/request.ts and src/plan/options/*): a value, the other
// fields it needs, and where its resolved value must arrive in the plan. test/options.test.ts drives each
// through the CLI flag (and every alias), the JSON body and the HTTP API; test/web.test.ts through the
// web form. A new option without a case here fails the enumeration test: an option cannot be added
// without proving it reaches the plan (issue 11: --warmup was refused as unknown for a whole release).
import type { PlanField } from "../src/plan/request.js";
import type { Plan } from "../src/plan/types.js";

export interface OptionCase {
  /** The value as a user types it on the command line (and as a JSON string, unless `json` is given). */
  cli: string;
  /** The value in a JSON body, when it is not the CLI text (file fields carry the file's contents). */
  json?: unknown;
  /** A file field's file contents, written to a temporary file whose path the flag takes. */
  file?: string;
  /** Other fields the case needs (as JSON values; the CLI gets them as flags). */
  with?: Record<string, string>;
  /** Where the value arrives in the plan, and what it must be there. */
  arrives: (p: Plan) => unknown;
  expected: unknown;
}

const base = { params: "1.3B", tpp: "20" };
const sources = [{ name: "web", tokens: 1e12, domain: "web" }];
const wide = { tpp: "20", width: "1024", layers: "8" };

export const OPTION_CASES: Record<PlanField, OptionCase> = {
  preset: { cli: "btlm-3b-8k", arrives: (p) => p.model.preset, expected: "btlm-3b-8k" },
  compute: { cli: "3e21", arrives: (p) => +p.budget.compute6ND.value.toPrecision(9), expected: 3e21 },
  params: { cli: "7B", with: { tpp: "20" }, arrives: (p) => p.model.totalParams.derivation.startsWith("shape for 7B"), expected: true },
  tokens: { cli: "100B", with: { params: "1.3B" }, arrives: (p) => p.budget.tokens.value, expected: 1e11 },
  tpp: { cli: "37", with: { params: "1.3B" }, arrives: (p) => +p.budget.tokensPerParam.value.toPrecision(9), expected: 37 },
  uniqueTokens: { cli: "5B", with: base, arrives: (p) => p.budget.dataConstrainedLoss?.derivation.includes("of 5B unique tokens"), expected: true },
  gpu: { cli: "a100", with: base, arrives: (p) => p.hardware.gpu, expected: "a100" },
  gpus: { cli: "16", with: base, arrives: (p) => p.hardware.numGpus.value, expected: 16 },
  days: { cli: "14d", with: base, arrives: (p) => p.hardware.deadlineSeconds?.value, expected: 14 * 86400 },
  mfu: { cli: "0.41", with: base, arrives: (p) => [p.hardware.mfu.value, p.hardware.mfu.source], expected: [0.41, "user"] },
  price: { cli: "$1.5/h", with: base, arrives: (p) => p.hardware.pricePerGpuHour?.value, expected: 1.5 },
  precision: { cli: "fp8", with: base, arrives: (p) => p.hardware.peakFlopsPerGpu.derivation.startsWith("dense fp8 peak"), expected: true },
  seqLen: { cli: "4096", with: base, arrives: (p) => p.batch.seqLen.value, expected: 4096 },
  batchSeqs: { cli: "96", with: { ...base, gpus: "8" }, arrives: (p) => p.batch.globalBatchSeqs.value, expected: 96 },
  weightDecay: { cli: "0.05", with: base, arrives: (p) => p.optimizer.weightDecay.value, expected: 0.05 },
  lossLaw: { cli: "chinchilla-hoffmann", with: base, arrives: (p) => p.budget.predictedLoss.source, expected: "chinchilla-hoffmann" },
  parameterization: { cli: "sp", with: base, arrives: (p) => p.optimizer.parameterization.kind, expected: "sp" },
  muBase: { cli: "cerebras-gpt", with: base, arrives: (p) => p.optimizer.baseLr.value, expected: 6e-3 },
  schedule: { cli: "cosine", with: base, arrives: (p) => p.schedule.spec.kind, expected: "cosine" },
  warmupFraction: { cli: "0.2", with: base, arrives: (p) => p.schedule.warmupSteps.value === Math.round(0.2 * p.batch.steps.value) && p.schedule.warmupSteps.source, expected: "user" },
  minLrRatio: { cli: "0.05", with: base, arrives: (p) => p.schedule.spec.minLrRatio, expected: 0.05 },
  decayFraction: { cli: "0.25", with: { ...base, schedule: "wsd" }, arrives: (p) => p.schedule.spec.decayFraction, expected: 0.25 },
  decayShape: { cli: "1-sqrt", with: { ...base, schedule: "wsd" }, arrives: (p) => p.schedule.spec.decayShape, expected: "1-sqrt" },
  dataSources: { cli: "slimpajama-627b", with: base, arrives: (p) => p.data?.sourcesPreset, expected: "slimpajama-627b" },
  dataSourcesTable: { cli: "", file: "name,tokens,domain\nweb,1e12,web\n", json: sources, with: base, arrives: (p) => p.data?.sourcesPreset, expected: "your 1 source" },
  mix: { cli: "dc-1", with: base, arrives: (p) => p.data?.mix.startsWith("DC-1:"), expected: true },
  // github at half of 26B tokens would be 0.22 epochs of its 59B: the cap binds
  capEpochs: { cli: "0.1", with: { ...base, dataSources: "slimpajama-627b", mix: "github:0.5,commoncrawl:0.5" }, arrives: (p) => +Math.max(...(p.data?.sources ?? []).map((s) => s.epochs)).toPrecision(9), expected: 0.1 },
  upsampleFinal: { cli: "0.15:github", with: { ...base, dataSources: "slimpajama-627b" }, arrives: (p) => p.data?.phases.find((x) => x.name === "final")?.fraction, expected: 0.15 },
  contextStages: { cli: "2048:0.75,8192:0.25", with: base, arrives: (p) => p.context?.stages.map((s) => s.seqLen), expected: [2048, 8192] },
  targetContext: { cli: "16384", with: base, arrives: (p) => p.context?.extrapolation?.targetLength, expected: 16384 },
  fittedLaws: {
    cli: "",
    file: JSON.stringify({ lmplanFitVersion: 1, laws: { timescale: { form: "power-lines", coefficient: 1.2, exponent: -0.5 } } }),
    json: { timescale: { form: "power-lines", coefficient: 1.2, exponent: -0.5 } },
    with: base,
    arrives: (p) => p.optimizer.tauOpt.source,
    expected: "fitted:timescale",
  },
  width: { cli: "512", with: { tpp: "20" }, arrives: (p) => p.model.spec.dModel, expected: 512 },
  layers: { cli: "9", with: { tpp: "20", width: "512" }, arrives: (p) => p.model.spec.numLayers, expected: 9 },
  aspectRatio: { cli: "40", with: base, arrives: (p) => p.model.spec.dModel / p.model.spec.numLayers < 60, expected: true },
  microBatch: { cli: "1", with: { ...base, gpus: "64" }, arrives: (p) => [p.batch.microBatchSeqs.value, p.batch.microBatchSeqs.source], expected: [1, "user"] },
  zeroStage: { cli: "1", with: base, arrives: (p) => p.memory.zeroStage, expected: 1 },
  recompute: { cli: "full", with: base, arrives: (p) => p.memory.recompute, expected: "full" },
  // the layout options (src/plan/options/layout.ts): each pins the search or sets a memory/time convention
  tp: { cli: "2", with: base, arrives: (p) => p.layout?.tp, expected: 2 },
  pp: { cli: "2", with: base, arrives: (p) => p.layout?.pp, expected: 2 },
  // vpp needs an even pipeline whose stages it divides: 24 layers over pp 4 = 6 per stage
  vpp: { cli: "2", with: { tpp: "20", width: "2048", layers: "24", pp: "4" }, arrives: (p) => [p.layout?.pp, p.layout?.vpp], expected: [4, 2] },
  cp: { cli: "2", with: base, arrives: (p) => p.layout?.cp, expected: 2 },
  ep: { cli: "2", with: { tpp: "20", width: "1024", layers: "8", experts: "8", topK: "2" }, arrives: (p) => p.layout?.ep, expected: 2 },
  dpShard: { cli: "4", with: base, arrives: (p) => [p.layout?.dpShard, p.layout?.zeroStage], expected: [4, 3] },
  sequenceParallel: { cli: "false", with: { ...base, tp: "2" }, arrives: (p) => [p.layout?.tp, p.layout?.sequenceParallel], expected: [2, false] },
  mainGrads: { cli: "bf16", with: base, arrives: (p) => p.layout?.mainGrads, expected: "bf16" },
  // AdamW's m and v in bf16: 2 × 2 bytes per parameter (src/layout/memory.ts)
  optimizerStates: { cli: "bf16", with: base, arrives: (p) => p.memory.components?.optimizerStates.derivation.includes("AdamW states 4 B/param"), expected: true },
  // one pipeline stage holds the logits (the last): pp 1 so it is the stage reported
  lossImpl: { cli: "unfused-fp32", with: { ...base, pp: "1" }, arrives: (p) => p.memory.components?.logits.derivation.includes("× 10 B × V"), expected: true },
  memoryConvention: { cli: "megatron", with: base, arrives: (p) => p.memory.convention, expected: "megatron" },
  // 2 GiB replaces the default 1 GiB + 5%
  memoryReserve: { cli: "2", with: base, arrives: (p) => p.memory.components?.reserve.value, expected: 2 * 1024 ** 3 },
  wholeNodes: { cli: "false", with: { ...base, days: "14d" }, arrives: (p) => p.hardware.numGpus.derivation.startsWith("⌈FLOPs / (deadline × peak × u)⌉"), expected: true },
  // the efficiency row measured with torch.compile (TorchTitan Table 1, FSDP + torch.compile)
  compile: { cli: "true", with: base, arrives: (p) => p.hardware.mfu.derivation.includes("tt-8b-fsdp-compile"), expected: true },
  // deadline on the frontier (issue 16)
  lossTarget: { cli: "2.3", with: { days: "14d" }, arrives: (p) => p.deadline?.lossTarget, expected: 2.3 },
  deadlineBy: { cli: "frontier", with: { compute: "1e22", days: "14d" }, arrives: (p) => p.deadline !== undefined, expected: true },
  maxGpus: { cli: "512", with: { lossTarget: "2.3", days: "30d" }, arrives: (p) => p.deadline?.maxGpus, expected: 512 },
  bcrit: { cli: "4M@20B", with: { lossTarget: "2.3", days: "14d" }, arrives: (p) => p.deadline?.bcrit.title.startsWith("your B_crit 4M at D 20B"), expected: true },
  // μP overrides (issue 15)
  lr: { cli: "0.001", with: base, arrives: (p) => [p.optimizer.hiddenLr.value, p.optimizer.hiddenLr.source], expected: [0.001, "user"] },
  warmupSteps: { cli: "2000", with: base, arrives: (p) => p.schedule.warmupSteps.value, expected: 2000 },
  warmupTokens: { cli: "2B", with: { ...base, gpus: "8", batchSeqs: "512" }, arrives: (p) => p.schedule.warmupSteps.value, expected: Math.round(2e9 / (512 * 2048)) },
  muBaseSpec: {
    cli: "",
    file: JSON.stringify({ lmplanMupBase: 1, base: { dModelBase: 256, lrBase: 0.004, initStdBase: 0.05, embeddingMultiplier: 10, outputLogitsAlpha: 1 } }),
    json: { lmplanMupBase: 1, base: { dModelBase: 256, lrBase: 0.004, initStdBase: 0.05, embeddingMultiplier: 10, outputLogitsAlpha: 1 } },
    with: base,
    arrives: (p) => p.optimizer.baseLr.value,
    expected: 0.004,
  },
  // architecture (issue 13)
  arch: { cli: "llama3", with: base, arrives: (p) => [p.model.spec.vocabSize, p.model.spec.norm], expected: [129024, "rmsnorm"] }, // 128,256 padded to 1024 (Megatron)
  heads: { cli: "16", with: wide, arrives: (p) => p.model.spec.numHeads, expected: 16 },
  kvHeads: { cli: "2", with: wide, arrives: (p) => p.model.spec.numKvHeads, expected: 2 },
  headDim: { cli: "64", with: base, arrives: (p) => p.model.spec.dModel / p.model.spec.numHeads, expected: 64 },
  ffnSize: { cli: "3000", with: wide, arrives: (p) => p.model.spec.dFf, expected: 3000 },
  ffn: { cli: "gelu", with: base, arrives: (p) => p.model.spec.ffnType, expected: "gelu" },
  vocab: { cli: "32000", with: base, arrives: (p) => p.model.spec.vocabSize, expected: 32768 }, // padded to a multiple of 1024, with a warning
  tiedEmbeddings: { cli: "false", json: false, with: base, arrives: (p) => p.model.spec.tiedEmbeddings, expected: false },
  position: { cli: "rope", with: base, arrives: (p) => p.model.spec.position, expected: "rope" },
  ropeTheta: { cli: "500000", with: { ...base, position: "rope" }, arrives: (p) => p.model.spec.ropeTheta, expected: 5e5 },
  norm: { cli: "rmsnorm", with: base, arrives: (p) => p.model.spec.norm, expected: "rmsnorm" },
  bias: { cli: "false", json: false, with: base, arrives: (p) => p.model.spec.bias, expected: false },
  qkvBias: { cli: "true", json: true, with: { ...base, bias: "false" }, arrives: (p) => p.model.spec.qkvBias, expected: true },
  qkNorm: { cli: "true", json: true, with: base, arrives: (p) => p.model.spec.qkNorm, expected: true },
  experts: { cli: "8", with: { ...base, topK: "2" }, arrives: (p) => p.model.spec.moe?.numExperts, expected: 8 },
  topK: { cli: "2", with: { ...base, experts: "8" }, arrives: (p) => p.model.spec.moe?.topK, expected: 2 },
  sharedExperts: { cli: "1", with: { ...base, experts: "8", topK: "2" }, arrives: (p) => p.model.spec.moe?.numSharedExperts, expected: 1 },
  expertFfnSize: { cli: "1024", with: { ...base, experts: "8", topK: "2" }, arrives: (p) => p.model.spec.moe?.dFfExpert, expected: 1024 },
  denseLayers: { cli: "1", with: { ...base, experts: "8", topK: "2" }, arrives: (p) => p.model.spec.moe?.firstDenseLayers, expected: 1 },
  capacityFactor: { cli: "1.25", with: { ...base, experts: "8", topK: "2" }, arrives: (p) => p.model.spec.moe?.capacityFactor, expected: 1.25 },
  mlaKvRank: { cli: "256", with: { ...base, bias: "false" }, arrives: (p) => p.model.spec.mla?.kvLoraRank, expected: 256 },
  mlaQRank: { cli: "512", with: { ...base, bias: "false", mlaKvRank: "256" }, arrives: (p) => p.model.spec.mla?.qLoraRank, expected: 512 },
  mlaRopeHeadDim: { cli: "32", with: { ...base, bias: "false", mlaKvRank: "256" }, arrives: (p) => p.model.spec.mla?.qkRopeHeadDim, expected: 32 },
  mlaNopeHeadDim: { cli: "64", with: { ...base, bias: "false", mlaKvRank: "256" }, arrives: (p) => p.model.spec.mla?.qkNopeHeadDim, expected: 64 },
  mlaVHeadDim: { cli: "64", with: { ...base, bias: "false", mlaKvRank: "256" }, arrives: (p) => p.model.spec.mla?.vHeadDim, expected: 64 },
  mtpModules: { cli: "1", with: base, arrives: (p) => p.model.spec.mtpModules, expected: 1 },
  flopsConvention: { cli: "megatron", with: base, arrives: (p) => p.model.flopsPerToken.source, expected: "megatron-flops" },
  tpDivisor: { cli: "16", with: base, arrives: (p) => p.model.spec.numHeads % 16, expected: 0 },
  layersMultipleOf: { cli: "4", with: base, arrives: (p) => p.model.spec.numLayers % 4, expected: 0 },
  makeVocabSizeDivisibleBy: { cli: "1024", with: { ...base, tpDivisor: "1" }, arrives: (p) => p.model.spec.vocabSize, expected: 51200 },
};
