/**
 * The Plan, defined once more as a schema: what a saved plan (`lmplan plan --json`, `POST /api/plan`)
 * must be before an emitter may read it back (`emit --plan`, `POST /api/emit {plan}`). Every number
 * finite and in range, every count whole, every choice one of its values, no field the planner does
 * not write, and the arithmetic the emitters rely on (global batch = micro × accumulation × GPUs,
 * tokens = steps × batch, the schedule's length = the steps) checked across fields.
 * Free text (title, source names, derivations) is accepted as text — the emitters write it only as a
 * quoted literal or a sanitised comment (src/emit/serialize.ts) — but must be well-formed and bounded.
 * A compile-time check below keeps z.infer of this schema and the Plan type assignable both ways.
 */
import { LayoutSchema } from "../layout/types.js";
import { DeadlineSectionSchema } from "./deadline-section.js";
import * as z from "zod";
import { conflict, invalid, valueAtPath, type Issue, type Result } from "../errors.js";
import { acceleratorNames } from "../hardware/catalog.js";
import { bytes, type Bytes } from "../units/types.js";
import type { Plan } from "./types.js";

// ---- limits ----------------------------------------------------------------------------------------
// A little above what the planner's request accepts (≤ 1e15 parameters, ≤ 1e18 tokens, ≤ 1e32 FLOPs,
// src/plan/request.ts) so a planned shape that rounds up still reads back; far below where doubles
// stop counting whole sequences.

/** Limits on a saved plan's values, named in the errors. */
export const PLAN_LIMITS = {
  params: 1e18,
  tokens: 1e19,
  flops: 1e38,
  bytes: 1e22,
  /** d_model, d_ff, vocabulary, heads. */
  width: 1e8,
  layers: 1e6,
  seqLen: 1e8,
  gpus: 1e6,
  /** Global batch in sequences: the divisor searches run over it. */
  batchSeqs: 1e12,
  /** Steps: whole numbers that doubles still count exactly. */
  steps: Number.MAX_SAFE_INTEGER,
  /** Characters of free text. */
  title: 1000,
  name: 256,
  text: 10_000,
  /** Entries of a list (sources, warnings, alternatives, comparison rows, ALiBi slopes). */
  list: 100_000,
} as const;

// ---- building blocks -------------------------------------------------------------------------------

/** Text that is well-formed Unicode (no lone surrogates) and at most `max` characters. */
function text(max: number, what = "text") {
  const expected = `${what} of at most ${max} characters`;
  return z
    .string({ error: expected })
    .max(max, { error: expected })
    .refine((s) => !/\p{Cs}/u.test(s), { error: `well-formed ${what} (no lone surrogate code units)` });
}

/** A finite number in [min, max] (or (min, max] when minExclusive), optionally whole. */
function num(o: { min?: number; max?: number; minExclusive?: boolean; whole?: boolean; what?: string } = {}) {
  const min = o.min ?? -Number.MAX_VALUE;
  const max = o.max ?? Number.MAX_VALUE;
  const lo = o.min === undefined ? "" : o.minExclusive ? ` > ${o.min}` : ` ≥ ${o.min}`;
  const hi = o.max === undefined ? "" : ` and ≤ ${fmt(max)}`;
  const expected = `${o.whole ? "a whole number" : "a finite number"}${lo}${hi}${o.what ? ` (${o.what})` : ""}`;
  return z.number({ error: expected }).refine((x) => Number.isFinite(x) && (o.minExclusive ? x > min : x >= min) && x <= max && (!o.whole || Number.isInteger(x)), { error: expected });
}

const fmt = (x: number) => (x >= 1e6 && x !== Number.MAX_SAFE_INTEGER ? x.toExponential().replace("e+", "e") : x === Number.MAX_SAFE_INTEGER ? "2^53 − 1" : String(x));

const positive = (max = Number.MAX_VALUE, what?: string) => num({ min: 0, minExclusive: true, max, what });
const nonNegative = (max = Number.MAX_VALUE, what?: string) => num({ min: 0, max, what });
const whole = (min: number, max: number, what?: string) => num({ min, max, whole: true, what });
const fraction = (what?: string) => num({ min: 0, max: 1, what });
const anyFinite = num();
const byteCount = nonNegative(PLAN_LIMITS.bytes, "bytes").transform((x): Bytes => bytes(x));

function list<T extends z.ZodType>(item: T, max: number = PLAN_LIMITS.list) {
  return z.array(item, { error: "a list" }).max(max, { error: `a list of at most ${max} entries` });
}

/** A plan number: its value (checked by `value`), unit, source and derivation. */
function numOf(value: z.ZodType<number> = anyFinite) {
  return z.strictObject({ value, unit: text(64, "a unit"), source: text(PLAN_LIMITS.name, "a source id"), derivation: text(PLAN_LIMITS.text, "a derivation") });
}

const WarningSchema = z.strictObject({
  code: z.enum(["extrapolation", "unverified", "range-unknown", "schedule", "batch", "memory", "deadline", "rounding", "cost", "shape", "assumption"]),
  message: text(PLAN_LIMITS.text, "a message"),
  source: text(PLAN_LIMITS.name, "a source id"),
});

const MemoryBreakdownSchema = z.strictObject({ weights: byteCount, gradients: byteCount, optimizer: byteCount, activations: byteCount, logits: byteCount, total: byteCount });

const W = PLAN_LIMITS.width;
const ArchSpecSchema = z
  .strictObject({
    dModel: whole(1, W, "d_model"),
    numLayers: whole(1, PLAN_LIMITS.layers, "transformer blocks"),
    numHeads: whole(1, W, "attention heads"),
    numKvHeads: whole(1, W, "key/value heads").optional(),
    headDim: whole(1, W, "per-head dimension").optional(),
    dFf: whole(1, W, "feed-forward size"),
    ffnType: z.enum(["gelu", "swiglu", "geglu", "relu"]),
    vocabSize: whole(1, W, "vocabulary size"),
    seqLen: whole(1, PLAN_LIMITS.seqLen, "tokens"),
    tiedEmbeddings: z.boolean(),
    position: z.enum(["alibi", "rope", "learned", "none"]),
    ropeTheta: positive(1e12, "RoPE base").optional(),
    norm: z.enum(["layernorm", "rmsnorm"]),
    bias: z.boolean(),
    qkvBias: z.boolean().optional(),
    qkNorm: z.boolean().optional(),
    moe: z
      .strictObject({
        numExperts: whole(1, 1e6, "experts"),
        topK: whole(1, 1e6, "experts per token"),
        numSharedExperts: whole(0, 1e6, "shared experts").optional(),
        dFfExpert: whole(1, W, "expert feed-forward size").optional(),
        firstDenseLayers: whole(0, PLAN_LIMITS.layers, "leading dense blocks").optional(),
        capacityFactor: positive(1e6, "capacity factor").optional(),
      })
      .optional(),
    mla: z
      .strictObject({
        qLoraRank: whole(1, W, "query latent rank").optional(),
        kvLoraRank: whole(1, W, "key/value latent rank"),
        qkNopeHeadDim: whole(1, W, "query/key head dim"),
        qkRopeHeadDim: whole(1, W, "RoPE head dim"),
        vHeadDim: whole(1, W, "value head dim"),
      })
      .optional(),
    mtpModules: whole(0, 1e3, "MTP modules").optional(),
  })
  .superRefine((s, ctx) => {
    // the emitters write head_size = d_model / heads and KV groups = heads / KV heads as whole numbers
    // (an explicit headDim, or MLA, carries its own head widths)
    if (s.headDim === undefined && s.mla === undefined && s.dModel % s.numHeads !== 0) ctx.addIssue({ code: "custom", path: ["numHeads"], message: `a head count that divides dModel ${s.dModel}` });
    if (s.numHeads % (s.numKvHeads ?? s.numHeads) !== 0) ctx.addIssue({ code: "custom", path: ["numKvHeads"], message: `a key/value head count that divides numHeads ${s.numHeads}` });
    if (s.moe && s.moe.topK > s.moe.numExperts) ctx.addIssue({ code: "custom", path: ["moe", "topK"], message: `at most numExperts ${s.moe.numExperts}` });
  });

const GroupSchema = z.strictObject({ lr: nonNegative(), initStd: positive().optional() });
const ParameterizationSchema = z.strictObject({
  kind: z.enum(["sp", "mup", "completep"]),
  source: text(PLAN_LIMITS.name, "a source id"),
  widthMultiplier: positive(),
  depthMultiplier: positive(),
  embedding: z.strictObject({ lr: nonNegative(), initStd: positive().optional(), outputMultiplier: anyFinite }),
  hidden: GroupSchema,
  outProjection: GroupSchema,
  normAndBias: GroupSchema,
  outputLogitsScale: positive(),
  attentionDivisor: positive(),
  residualMultiplier: positive(),
  hiddenWeightDecayMultiplier: positive(),
  adamEpsMultiplier: positive(),
}).superRefine((p, ctx) => {
  // μP and CompleteP are their init: the emitters write σ for each group
  if (p.kind === "sp") return;
  for (const g of ["embedding", "hidden", "outProjection"] as const) {
    if (p[g].initStd === undefined) ctx.addIssue({ code: "custom", path: [g, "initStd"], message: `an init std (μP sets one for ${g})` });
  }
});

const ScheduleSpecSchema = z.strictObject({
  kind: z.enum(["linear", "cosine", "wsd", "constant", "power"]),
  peakLr: positive(),
  totalSteps: whole(1, PLAN_LIMITS.steps, "optimizer steps"),
  warmupSteps: whole(0, PLAN_LIMITS.steps, "optimizer steps"),
  minLrRatio: fraction("final LR / peak LR"),
  decayFraction: fraction("fraction of steps").optional(),
  decayShape: z.enum(["linear", "cosine", "1-sqrt", "exponential"]).optional(),
  power: z.strictObject({ tokensPerStep: positive(), batchSeqs4096: positive(), a: anyFinite, b: anyFinite }).optional(),
});

const StagePlanSchema = z.strictObject({
  seqLen: whole(1, PLAN_LIMITS.seqLen, "tokens"),
  share: num({ min: 0, minExclusive: true, max: 1, what: "share of tokens" }),
  tokens: nonNegative(PLAN_LIMITS.tokens).optional(),
  batchSeqs: whole(1, PLAN_LIMITS.batchSeqs, "sequences").optional(),
  steps: whole(0, PLAN_LIMITS.steps, "optimizer steps").optional(),
  attentionFlopsPerToken: nonNegative(PLAN_LIMITS.flops).optional(),
  flopsPerToken: nonNegative(PLAN_LIMITS.flops).optional(),
  totalFlops: nonNegative(PLAN_LIMITS.flops).optional(),
  microBatchSeqs: whole(1, PLAN_LIMITS.batchSeqs, "sequences").optional(),
  memory: MemoryBreakdownSchema.optional(),
});

const ContextPlanSchema = z.strictObject({
  stages: list(StagePlanSchema, 1000).min(1, { error: "at least one context stage" }),
  batchTokens: positive(PLAN_LIMITS.tokens).optional(),
  totalFlops: nonNegative(PLAN_LIMITS.flops).optional(),
  extrapolation: z
    .strictObject({
      position: z.enum(["alibi", "rope", "learned", "none"]),
      trainedLength: whole(1, PLAN_LIMITS.seqLen, "tokens"),
      targetLength: whole(1, PLAN_LIMITS.seqLen, "tokens"),
      interpolationFactor: positive(),
      slopes: list(anyFinite).optional(),
      scaledSlopes: list(anyFinite).optional(),
      // spread into the Cerebras model section as it is: exactly this key, nothing else
      cerebrasConfig: z.strictObject({ alibi_scaling: z.strictObject({ type: z.literal("linear"), factor: positive() }) }).optional(),
    })
    .optional(),
  warnings: list(WarningSchema),
});

/** A data source's name (a path component for the trainers): text without control characters. */
const name = text(PLAN_LIMITS.name, "a name").refine((s) => s !== "" && !/\p{Cc}/u.test(s), { error: "a name: non-empty text without control characters (newlines, tabs, NUL, escapes)" });
const label = text(PLAN_LIMITS.name, "a name");
const MixtureSchema = z.strictObject({
  sources: list(
    z.strictObject({ name, domain: name, uniqueTokens: nonNegative(PLAN_LIMITS.tokens), weight: fraction("share of tokens"), tokens: nonNegative(PLAN_LIMITS.tokens), epochs: nonNegative(), effectiveTokens: nonNegative(PLAN_LIMITS.tokens) }),
    10_000,
  ),
  phases: list(
    z.strictObject({
      name: z.enum(["main", "final"]),
      fraction: num({ min: 0, minExclusive: true, max: 1, what: "share of tokens" }),
      tokens: nonNegative(PLAN_LIMITS.tokens),
      weights: z.record(name, fraction("a weight")).refine((w) => Object.keys(w).length <= 10_000, { error: "at most 10000 weights" }),
    }),
    2,
  ).min(1, { error: "a main phase" }),
  totalTokens: nonNegative(PLAN_LIMITS.tokens),
  totalEffectiveTokens: nonNegative(PLAN_LIMITS.tokens),
  lossPenalty: z.strictObject({ freshLoss: anyFinite, repeatedLoss: anyFinite, delta: anyFinite, source: z.literal("data-constrained") }).optional(),
  warnings: list(WarningSchema),
  sourcesPreset: label,
  mix: text(PLAN_LIMITS.text, "a mix"),
  verified: z.boolean(),
});

const positiveNum = (max?: number, what?: string) => numOf(positive(max, what));
const bytesNum = numOf(nonNegative(PLAN_LIMITS.bytes, "bytes"));
const countNum = (max: number, what: string) => numOf(whole(1, max, what));
const GPU_IDS = acceleratorNames() as [string, ...string[]];

export const PlanSchema = z
  .strictObject({
    lmplanPlanVersion: z.literal(1, { error: "1 (a plan written by lmplan plan --json)" }),
    title: text(PLAN_LIMITS.title, "a title"),
    model: z.strictObject({
      preset: label.optional(),
      spec: ArchSpecSchema,
      totalParams: positiveNum(PLAN_LIMITS.params, "parameters"),
      nonEmbeddingParams: numOf(nonNegative(PLAN_LIMITS.params, "parameters")),
      activeParams: positiveNum(PLAN_LIMITS.params, "parameters"),
      flopsPerToken: positiveNum(PLAN_LIMITS.flops, "FLOPs per token"),
      architecture: z.strictObject({
        template: label,
        title: text(PLAN_LIMITS.text, "a title"),
        flopsConvention: z.enum(["palm", "megatron"]),
        overrides: list(label, 100),
        notes: list(text(PLAN_LIMITS.text, "a note"), 100),
      }),
    }),
    budget: z.strictObject({
      tokens: positiveNum(PLAN_LIMITS.tokens, "tokens"),
      tokensPerParam: positiveNum(),
      compute6ND: positiveNum(PLAN_LIMITS.flops, "FLOPs"),
      computeTotal: positiveNum(PLAN_LIMITS.flops, "FLOPs"),
      predictedLoss: numOf(),
      dataConstrainedLoss: numOf().optional(),
    }),
    batch: z.strictObject({
      seqLen: countNum(PLAN_LIMITS.seqLen, "tokens"),
      optimalBatchTokens: positiveNum(PLAN_LIMITS.tokens, "tokens"),
      globalBatchSeqs: countNum(PLAN_LIMITS.batchSeqs, "sequences"),
      globalBatchTokens: countNum(PLAN_LIMITS.tokens, "tokens"),
      microBatchSeqs: countNum(PLAN_LIMITS.batchSeqs, "sequences"),
      gradAccumSteps: countNum(PLAN_LIMITS.batchSeqs, "micro-batches"),
      dataParallel: countNum(PLAN_LIMITS.gpus, "GPUs"),
      steps: countNum(PLAN_LIMITS.steps, "optimizer steps"),
      tokensTrained: countNum(PLAN_LIMITS.tokens, "tokens"),
    }),
    optimizer: z.strictObject({
      parameterization: ParameterizationSchema,
      baseLr: positiveNum(),
      hiddenLr: positiveNum(),
      tauOpt: positiveNum(),
      weightDecay: numOf(nonNegative()),
      tau: numOf(nonNegative()),
      beta1: numOf(num({ min: 0, max: 1, what: "Adam β1" })),
      beta2: numOf(num({ min: 0, max: 1, what: "Adam β2" })),
      eps: positiveNum(1, "Adam ε"),
      gradClip: numOf(nonNegative()),
    }),
    schedule: z.strictObject({
      spec: ScheduleSpecSchema,
      warmupSteps: numOf(whole(0, PLAN_LIMITS.steps, "optimizer steps")),
      finalLr: numOf(nonNegative()),
      source: text(PLAN_LIMITS.name, "a source id"),
    }),
    hardware: z.strictObject({
      gpu: z.enum(GPU_IDS, { error: `one of ${GPU_IDS.join(", ")}` }),
      gpuTitle: label,
      numGpus: countNum(PLAN_LIMITS.gpus, "GPUs"),
      peakFlopsPerGpu: positiveNum(PLAN_LIMITS.flops, "FLOP/s"),
      mfu: numOf(num({ min: 0, minExclusive: true, max: 1, what: "a fraction" })),
      seconds: numOf(nonNegative()),
      gpuHours: numOf(nonNegative()),
      costUsd: numOf(nonNegative()).optional(),
      pricePerGpuHour: numOf(nonNegative()).optional(),
      deadlineSeconds: positiveNum().optional(),
      step: z
        .strictObject({
          seconds: numOf(nonNegative()),
          compute: numOf(nonNegative()),
          recompute: numOf(nonNegative()),
          bubble: numOf(nonNegative()),
          tpComm: numOf(nonNegative()),
          moeComm: numOf(nonNegative()),
          ppComm: numOf(nonNegative()),
          cpExposed: numOf(nonNegative()),
          dpExposed: numOf(nonNegative()),
          tokensPerSecondPerGpu: numOf(nonNegative()),
          achievedMfu: numOf(fraction("a fraction")),
        })
        .optional(),
      modelled: list(text(PLAN_LIMITS.text, "a sentence"), 100).optional(),
      assumed: list(text(PLAN_LIMITS.text, "a sentence"), 100).optional(),
    }),
    memory: z.strictObject({
      perGpu: MemoryBreakdownSchema,
      capacityBytes: positiveNum(PLAN_LIMITS.bytes, "bytes"),
      totalBytes: numOf(nonNegative(PLAN_LIMITS.bytes, "bytes")),
      fits: z.boolean(),
      zeroStage: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)], { error: "a ZeRO stage 0, 1, 2 or 3" }),
      recompute: z.enum(["none", "selective", "full"]),
      flashAttention: z.boolean(),
      components: z
        .strictObject({
          weights: bytesNum,
          gradients: bytesNum,
          masterWeights: bytesNum,
          optimizerStates: bytesNum,
          activations: bytesNum,
          logits: bytesNum,
          zeroWorkingSet: bytesNum,
          reserve: bytesNum,
        })
        .optional(),
      stage: whole(0, PLAN_LIMITS.layers, "pipeline stage").optional(),
      convention: z.enum(["lmplan", "megatron"]).optional(),
      assumptions: list(text(PLAN_LIMITS.text, "a sentence"), 100).optional(),
      search: text(PLAN_LIMITS.text, "a derivation").optional(),
      layouts: list(
        z.strictObject({
          layout: LayoutSchema,
          description: text(PLAN_LIMITS.text, "a layout"),
          batchSeqs: whole(1, PLAN_LIMITS.batchSeqs, "sequences"),
          totalBytes: nonNegative(PLAN_LIMITS.bytes, "bytes"),
          stepSeconds: nonNegative(),
          tokensPerSecondPerGpu: nonNegative(),
          why: text(PLAN_LIMITS.text, "a reason"),
        }),
        5,
      ).optional(),
    }),
    layout: LayoutSchema.optional(),
    deadline: DeadlineSectionSchema.optional(),
    mupBridge: z
      .strictObject({
        proxyTpp: positive().optional(),
        proxyBatchTokens: positive().optional(),
        notes: list(text(PLAN_LIMITS.text, "a note"), 100),
        horizon: list(z.strictObject({ source: label, title: text(PLAN_LIMITS.text, "a title"), lrFactor: positive().optional(), verified: z.boolean(), note: text(PLAN_LIMITS.text, "a note") }), 100),
      })
      .optional(),
    alternatives: list(
      z.strictObject({
        source: text(PLAN_LIMITS.name, "a source id"),
        title: text(PLAN_LIMITS.text, "a title"),
        verified: z.boolean(),
        peakLr: positive().optional(),
        batchTokens: positive().optional(),
        weightDecay: nonNegative().optional(),
        caveat: text(PLAN_LIMITS.text, "a caveat").optional(),
      }),
      1000,
    ),
    data: MixtureSchema.optional(),
    context: ContextPlanSchema.optional(),
    comparison: z
      .strictObject({
        against: label,
        rows: list(z.strictObject({ quantity: label, published: text(PLAN_LIMITS.text), recommended: text(PLAN_LIMITS.text), note: text(PLAN_LIMITS.text).optional() }), 1000),
      })
      .optional(),
    warnings: list(WarningSchema),
  })
  .superRefine((p, ctx) => {
    // the arithmetic the emitters write as it stands (DESIGN.md: people recompute it)
    const b = p.batch;
    const add = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message, params: { conflict: true } });
    if (b.microBatchSeqs.value * b.gradAccumSteps.value * b.dataParallel.value !== b.globalBatchSeqs.value) {
      add(["batch"], `the global batch ${b.globalBatchSeqs.value} is not micro-batch ${b.microBatchSeqs.value} × accumulation ${b.gradAccumSteps.value} × ${b.dataParallel.value} GPUs; re-plan with lmplan plan`);
    }
    if (b.globalBatchSeqs.value * b.seqLen.value !== b.globalBatchTokens.value) {
      add(["batch", "globalBatchTokens"], `${b.globalBatchTokens.value} tokens is not ${b.globalBatchSeqs.value} sequences × ${b.seqLen.value} tokens`);
    }
    if (!close(b.steps.value * b.globalBatchTokens.value, b.tokensTrained.value)) {
      add(["batch", "tokensTrained"], `${b.tokensTrained.value} tokens is not ${b.steps.value} steps × ${b.globalBatchTokens.value} tokens per step`);
    }
    const sp = p.schedule.spec;
    if (sp.totalSteps !== b.steps.value) add(["schedule", "spec", "totalSteps"], `the schedule's ${sp.totalSteps} steps are not the batch's ${b.steps.value}`);
    if (sp.warmupSteps > sp.totalSteps) add(["schedule", "spec", "warmupSteps"], `a warmup of ${sp.warmupSteps} steps is longer than the ${sp.totalSteps} steps of training`);
    if (p.schedule.warmupSteps.value !== sp.warmupSteps) add(["schedule", "warmupSteps"], `${p.schedule.warmupSteps.value} warmup steps here and ${sp.warmupSteps} in schedule.spec`);
    const l = p.layout;
    if (l === undefined) {
      if (p.hardware.numGpus.value !== b.dataParallel.value) add(["hardware", "numGpus"], `${p.hardware.numGpus.value} GPUs but a data-parallel size of ${b.dataParallel.value} (a plan without a layout runs every GPU data-parallel)`);
    } else {
      // the layout is what the emitters write: its degrees must be the plan's GPUs and batch split
      const gpus = l.dp * l.tp * l.pp * l.cp;
      if (p.hardware.numGpus.value !== gpus) add(["hardware", "numGpus"], `${p.hardware.numGpus.value} GPUs but the layout's dp ${l.dp} × tp ${l.tp} × pp ${l.pp} × cp ${l.cp} = ${gpus}`);
      if (b.dataParallel.value !== l.dp) add(["batch", "dataParallel"], `a data-parallel size of ${b.dataParallel.value} but the layout's dp ${l.dp}`);
      if (b.microBatchSeqs.value !== l.microBatch || b.gradAccumSteps.value !== l.gradAccum) add(["batch", "microBatchSeqs"], `micro-batch ${b.microBatchSeqs.value} × accumulation ${b.gradAccumSteps.value} but the layout's ${l.microBatch} × ${l.gradAccum}`);
    }
    const m = p.memory;
    if (m.totalBytes.value !== m.perGpu.total) add(["memory", "totalBytes"], `${m.totalBytes.value} bytes here and ${m.perGpu.total} in memory.perGpu.total`);
    if (m.fits !== m.perGpu.total <= m.capacityBytes.value) add(["memory", "fits"], `fits is ${m.fits} but ${m.perGpu.total} bytes per GPU ${m.fits ? "exceed" : "are within"} the ${m.capacityBytes.value}-byte capacity`);
    for (const [i, st] of (p.context?.stages ?? []).entries()) {
      // a plan's stages always have their batch and steps (the emitters write each stage's run)
      if (st.batchSeqs === undefined || st.steps === undefined) add(["context", "stages", String(i)], "a stage with its batchSeqs and steps, as lmplan plan --json writes it");
      else if (st.batchSeqs % b.dataParallel.value !== 0) add(["context", "stages", String(i), "batchSeqs"], `a stage batch of ${st.batchSeqs} sequences does not split over ${b.dataParallel.value} GPUs`);
    }
    if (p.data) {
      const total = p.data.phases.reduce((s, ph) => s + ph.fraction, 0);
      if (!close(total, 1, 1e-9)) add(["data", "phases"], `the phases' fractions add up to ${total}, not 1`);
      if (p.data.phases[0]?.name !== "main" || (p.data.phases[1] !== undefined && p.data.phases[1].name !== "final")) add(["data", "phases"], "a main phase, then optionally a final one");
    }
  });

const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));

// z.infer of the schema and the Plan type must stay assignable both ways, with the same field names
// at every level (assignability alone would let an optional field in one and not the other through):
// a field added to one and not the other stops the build here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameKeys<A, B> = A extends string | number | boolean // leaves, branded numbers (Bytes) included
  ? true
  : A extends readonly (infer X)[]
  ? B extends readonly (infer Y)[] ? SameKeys<X, Y> : false
  : A extends object
    ? B extends object
      ? Same<keyof A, keyof B> extends true
        ? Exclude<{ [K in keyof A]-?: SameKeys<NonNullable<A[K]>, NonNullable<B[K & keyof B]>> }[keyof A], true> extends never ? true : false
        : false
      : false
    : true;
const planSchemaIsPlan: Same<z.infer<typeof PlanSchema>, Plan> = true;
const planSchemaHasPlanKeys: SameKeys<z.infer<typeof PlanSchema>, Plan> = true;
void planSchemaIsPlan;
void planSchemaHasPlanKeys;

// ---- errors ----------------------------------------------------------------------------------------

/**
 * Validate a saved plan. The issues' paths start at "plan" and name the field, the value given
 * (shortened) and what is accepted; a plan from another lmplan version is named as such first.
 */
export function parsePlan(doc: unknown): Result<Plan> {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return { ok: false, issues: [invalid("plan", "a plan written by lmplan plan --json (a JSON object)", shorten(doc))] };
  }
  const version = (doc as Record<string, unknown>).lmplanPlanVersion;
  if (version !== 1) {
    return { ok: false, issues: [invalid(["plan", "lmplanPlanVersion"], "a plan written by lmplan plan --json (lmplanPlanVersion 1)", version === undefined ? "no version" : shorten(version))] };
  }
  // a record drops a "__proto__" key without a word (JSON.parse makes it an own key): say so instead
  const phases = (doc as { data?: { phases?: unknown } }).data?.phases;
  if (Array.isArray(phases)) {
    for (const [i, ph] of phases.entries()) {
      const w = (ph as { weights?: unknown } | null)?.weights;
      if (w !== null && typeof w === "object" && Object.prototype.hasOwnProperty.call(w, "__proto__")) {
        return { ok: false, issues: [invalid(["plan", "data", "phases", String(i), "weights"], "source names other than __proto__", "__proto__")] };
      }
    }
  }
  const r = PlanSchema.safeParse(doc);
  if (r.success) return { ok: true, value: r.data as Plan };
  // one issue per field, the first few: a broken file gets a readable answer, not thousands of lines
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const i of r.error.issues) {
    const issue = toIssue(i, doc);
    const key = issue.path.join(".");
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
    if (issues.length >= 20) break;
  }
  return { ok: false, issues };
}

function toIssue(i: z.core.$ZodIssue, doc: unknown): Issue {
  return visible(rawIssue(i, doc));
}

/**
 * An issue as a terminal may print it: the value and the path (a record key is the user's text) with
 * the characters JSON leaves raw but a terminal acts on — DEL, C1 controls (CSI starts an escape
 * sequence), line separators, bidi controls — written as \uXXXX.
 */
function visible(issue: Issue): Issue {
  const esc = (s: string) => s.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return { ...issue, path: issue.path.map(esc), received: esc(issue.received) };
}

function rawIssue(i: z.core.$ZodIssue, doc: unknown): Issue {
  const path = ["plan", ...i.path.map(String)];
  if (i.code === "unrecognized_keys") {
    return { code: "invalid_value", path, expected: "only the fields lmplan plan --json writes", received: `unknown field(s) ${i.keys.slice(0, 5).map((k) => JSON.stringify(shortText(k))).join(", ")}${i.keys.length > 5 ? ", …" : ""}` };
  }
  if (i.code === "custom" && (i.params as { conflict?: boolean } | undefined)?.conflict) return conflict(path, i.message);
  if (i.code === "invalid_type" && i.message.startsWith("Invalid input")) {
    const value = valueAtPath(doc, i.path);
    const what = TYPE_WORDS[i.expected] ?? i.expected;
    return invalid(path, value === undefined ? `${what} here, as lmplan plan --json writes it` : what, shorten(value));
  }
  const expected = i.code === "invalid_value" && "values" in i ? `one of ${i.values.map((v) => String(v)).join(", ")}` : i.message;
  return invalid(path, expected, shorten(valueAtPath(doc, i.path)));
}

const TYPE_WORDS: Record<string, string> = { object: "an object", array: "a list", boolean: "true or false", string: "text", number: "a number" };


const shortText = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** What was received, as the error shows it: strings and numbers as given (describeReceived cuts long text), containers by kind. */
function shorten(v: unknown): unknown {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v !== null && typeof v === "object") return "an object";
  return v;
}
