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
};
