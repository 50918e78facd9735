/**
 * The plan request, defined once: this schema is the TypeScript type, the validator, the CLI flags
 * and their --help text, and the JSON body the API will take (zod, STYLE.md). Values may be written
 * as people write them ("1.3B", "627B tokens", "14d", "$2.49/h"); the output type holds numbers in
 * lmplan's units (docs/science.md §0).
 */
import * as z from "zod";
import { describeReceived, valueAtPath, type Issue, type Result } from "../errors.js";
import { count, field, fromParser, inGroup, kebab, numberIn, oneOf, text, withJson, type FieldMeta, type JsonSchema } from "./options/field.js";
import { FittedLawsSchema } from "./fitted-laws.js";
import { ARCH_OPTIONS } from "./options/arch.js";
import { LAYOUT_OPTIONS } from "./options/layout.js";
import { MUP_OPTIONS } from "./options/mup.js";
import { DEADLINE_OPTIONS } from "./options/deadline.js";

export type { FieldMeta };
import { acceleratorNames } from "../hardware/catalog.js";
import { DEFAULT_MFU } from "../hardware/time.js";
import { ALL_MODEL_PRESETS } from "../model/presets.js";
import { MUP_BASES } from "../parameterization/bases.js";
import { SOURCE_PRESETS } from "../mixture/sources.js";
import { parseDuration, parseGpuSpec, parsePrice } from "../units/parse.js";

const PRESET_IDS = ALL_MODEL_PRESETS.map((p) => p.id) as [string, ...string[]];
const SOURCE_IDS = SOURCE_PRESETS.map((p) => p.id) as [string, ...string[]];
const BASE_IDS = MUP_BASES.map((b) => b.id) as [string, ...string[]];

export { FittedLawsSchema, type FittedLaws } from "./fitted-laws.js";
const finite = z.number().refine(Number.isFinite, "a finite number");


export const PlanRequestSchema = z.strictObject({
  preset: field(oneOf(PRESET_IDS), {
    flag: "--preset <id>",
    description: `a published model (its shape, and its recipe side by side with lmplan's): ${PRESET_IDS.join(", ")}`,
    unit: "",
    group: "budget",
  }),
  compute: field(count({ label: "FLOP count", example: "3e22", unitWords: ["flops", "flop"], max: 1e32 }), {
    flag: "--compute <flops>",
    description: "training compute budget C = 6·N·D (Chinchilla's convention), e.g. 3e22",
    unit: "FLOPs",
    group: "budget",
  }),
  params: field(count({ label: "parameter count", example: "1.3B or 7e9", unitWords: ["params", "parameters", "p"], max: 1e15 }), {
    flag: "--params <count>",
    description: "total parameters N, e.g. 1.3B (lmplan picks a shape; see --aspect-ratio)",
    unit: "params",
    group: "budget",
  }),
  tokens: field(count({ label: "token count", example: "627B or 1.2T", unitWords: ["tokens", "token", "tok"], max: 1e18 }), {
    flag: "--tokens <count>",
    description: "training tokens D, e.g. 627B",
    unit: "tokens",
    group: "budget",
  }),
  tpp: field(numberIn({ min: 0, max: 1e6, minExclusive: true, what: "tokens per parameter D/N" }), {
    flag: "--tpp <ratio>",
    description: "tokens per parameter D/N, e.g. 20 (Chinchilla-optimal ≈ 20)",
    unit: "tokens/param",
    group: "budget",
  }),
  uniqueTokens: field(count({ label: "token count", example: "25B", unitWords: ["tokens", "token", "tok"], max: 1e18 }), {
    flag: "--unique-tokens <count>",
    description: "unique tokens available; adds the data-constrained loss (Muennighoff) for repeated data",
    unit: "tokens",
    group: "budget",
  }),
  gpu: field(withJson(fromParser(parseGpuSpec), { type: "string", maxLength: 64, examples: ["h100", "256xH100"] }), {
    flag: "--gpu <name>",
    description: `accelerator, or count×accelerator ("256xH100"): ${acceleratorNames().join(", ")}`,
    unit: "",
    group: "hardware",
    default: "h100",
    defaultNote: "h100",
  }),
  gpus: field(numberIn({ min: 1, max: 1e6, integer: true, what: "number of accelerators" }), {
    flag: "--gpus <n>",
    description: "number of accelerators (all data-parallel)",
    unit: "GPUs",
    group: "hardware",
    defaultNote: "8 (one node), or enough to meet --days",
  }),
  days: field(withJson(fromParser(parseDuration), { anyOf: [{ type: "number", exclusiveMinimum: 0, description: "seconds" }, { type: "string", maxLength: 64, examples: ["14d", "36h"] }] }), {
    flag: "--days <duration>",
    description: 'wall-clock budget or deadline, e.g. "14d", "36h"; with --gpus and no size it sets the compute',
    unit: "s",
    group: "budget",
  }),
  mfu: field(numberIn({ min: 0, max: 1, minExclusive: true, what: "model FLOPs utilisation, a fraction" }), {
    flag: "--mfu <fraction>",
    description: "model FLOPs utilisation (PaLM App. B count)",
    unit: "fraction",
    group: "hardware",
    default: DEFAULT_MFU,
    defaultSource: "torchtitan-mfu",
    defaultNote: "0.337 (TorchTitan, Llama 3.1 8B on H100)",
  }),
  price: field(withJson(fromParser(parsePrice), { anyOf: [{ type: "number", minimum: 0 }, { type: "string", maxLength: 64, examples: ["$2.49/h"] }] }), {
    flag: "--price <usd-per-gpu-hour>",
    description: 'price per GPU-hour, e.g. "$2.49/h"',
    unit: "USD/GPU-h",
    group: "hardware",
    defaultNote: "H100: $2.49 (Trillion-7B, arXiv 2504.15431); others: none",
  }),
  precision: field(oneOf(["bf16", "fp8"] as const), {
    flag: "--precision <p>",
    description: "matmul precision for the peak FLOP/s: bf16 or fp8",
    unit: "",
    group: "hardware",
    default: "bf16",
    defaultNote: "bf16",
  }),
  seqLen: field(numberIn({ min: 1, max: 1e7, integer: true, what: "sequence length in tokens" }), {
    flag: "--seq-len <tokens>",
    description: "training sequence length",
    unit: "tokens",
    group: "batch",
    defaultNote: "the preset's, else 2048",
  }),
  batchSeqs: field(numberIn({ min: 1, max: 1e9, integer: true, what: "global batch in sequences" }), {
    flag: "--batch-seqs <n>",
    description: "override the global batch, in sequences (lmplan still shows B_opt)",
    unit: "sequences",
    group: "batch",
  }),
  weightDecay: field(numberIn({ min: 0, max: 10, what: "AdamW weight_decay λ" }), {
    flag: "--weight-decay <lambda>",
    description: "override λ (PyTorch AdamW weight_decay); lmplan still shows λ_opt from τ_opt",
    unit: "",
    group: "optimizer",
  }),
  lossLaw: field(oneOf(["chinchilla-epoch", "chinchilla-hoffmann"] as const), {
    flag: "--loss-law <id>",
    description: "law for the compute-optimal N, D and the predicted loss",
    unit: "",
    group: "optimizer",
    default: "chinchilla-epoch",
    defaultSource: "chinchilla-epoch",
    defaultNote: "chinchilla-epoch",
  }),
  parameterization: field(oneOf(["mup", "completep", "sp"] as const), {
    flag: "--parameterization <p>",
    description: "mup (transfer from a tuned base), completep (μP + depth), sp (LR from Step Law)",
    unit: "",
    group: "optimizer",
    default: "mup",
    defaultNote: "mup",
  }),
  muBase: field(oneOf(BASE_IDS), {
    flag: "--mu-base <id>",
    description: `tuned μP base: ${BASE_IDS.join(", ")} (the CLI also takes a base file's path here, as --mu-base-spec does)`,
    unit: "",
    group: "optimizer",
    defaultNote: "the preset's base, else btlm (completep: cerebras-gpt, whose proxy depth is recorded)",
  }),
  schedule: field(oneOf(["linear", "cosine", "wsd", "constant", "power"] as const), {
    flag: "--schedule <kind>",
    description: "LR schedule after warmup: linear (to --min-lr-ratio, default 0 = D2Z), cosine, wsd, constant, power",
    unit: "",
    group: "schedule",
    default: "linear",
    defaultSource: "straight-to-zero",
    defaultNote: "linear to zero (arXiv 2502.15938)",
  }),
  warmupFraction: field(numberIn({ min: 0, max: 0.5, what: "fraction of steps" }), {
    flag: "--warmup-fraction <fraction>",
    aliases: ["--warmup"],
    description: "linear warmup as a fraction of steps",
    unit: "fraction",
    group: "schedule",
    default: 0.1,
    defaultSource: "straight-to-zero",
    defaultNote: "0.1 (Straight to Zero, Power Lines setups)",
  }),
  minLrRatio: field(numberIn({ min: 0, max: 1, what: "final LR as a fraction of peak" }), {
    flag: "--min-lr-ratio <fraction>",
    description: "final LR / peak LR",
    unit: "fraction",
    group: "schedule",
    defaultNote: "0 (linear, wsd, power), 0.1 (cosine)",
  }),
  decayFraction: field(numberIn({ min: 0, max: 1, what: "fraction of steps" }), {
    flag: "--decay-fraction <fraction>",
    description: "wsd/power: final decay as a fraction of all steps",
    unit: "fraction",
    group: "schedule",
    defaultNote: "0.1 for wsd (MiniCPM), 0 for power",
  }),
  decayShape: field(oneOf(["linear", "cosine", "1-sqrt", "exponential"] as const), {
    flag: "--decay-shape <shape>",
    description: "wsd/power: shape of the final decay",
    unit: "",
    group: "schedule",
    default: "linear",
    defaultNote: "linear",
  }),
  dataSources: field(oneOf(SOURCE_IDS), {
    flag: "--data-sources <preset>",
    description: `training data for the Data section: ${SOURCE_IDS.join(", ")} (the preset's data by default)`,
    unit: "",
    group: "data",
  }),
  dataSourcesTable: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200),
        tokens: finite.positive().max(1e18),
        domain: z.string().min(1).max(200),
      }),
    )
    .min(1)
    .max(10_000)
    .optional()
    .meta({
      flag: "--data-sources-table <file.csv>",
      aliases: ["--data-sources-file"],
      description: "your own data sources instead of a preset: a CSV of name,tokens[,domain] (unique tokens per source), e.g. what lmplan data audit --out-sources writes",
      unit: "",
      group: "data",
      file: "sources-csv",
    } as unknown as Record<string, unknown>),
  mix: field(text('a mix preset (dc-1 … dc-6) or weights such as "web:0.7,code:0.2,books:0.1"'), {
    flag: "--mix <mix>",
    description: 'mix preset dc-1…dc-6 (SlimPajama-DC, unverified) or weights by source or domain, e.g. "web:0.7,code:0.3"',
    unit: "",
    group: "data",
    defaultNote: "the sources' own shares",
  }),
  capEpochs: field(numberIn({ min: 0, max: 1e6, minExclusive: true, what: "epochs" }), {
    flag: "--cap-epochs <epochs>",
    description: "keep every data source at or below this many epochs",
    unit: "epochs",
    group: "data",
  }),
  upsampleFinal: field(text('fraction:names[@factor], e.g. "0.15:code,books"'), {
    flag: "--upsample-final <spec>",
    description: 'end-of-training upsampling: fraction:names[@factor], e.g. "0.15:code,books" (Blakeney et al.)',
    unit: "",
    group: "data",
  }),
  contextStages: field(text('length:share stages such as "2048:0.75,8192:0.25"'), {
    flag: "--context-stages <stages>",
    aliases: ["--context"],
    description: 'context-length stages at the same tokens per step, e.g. "2048:0.75,8192:0.25"',
    unit: "",
    group: "data",
    defaultNote: "the preset's stages, else one stage at --seq-len",
  }),
  targetContext: field(numberIn({ min: 1, max: 1e8, integer: true, what: "inference length in tokens" }), {
    flag: "--target-context <tokens>",
    description: "inference length to reach: ALiBi slopes, interpolation factor and the published limits",
    unit: "tokens",
    group: "data",
  }),
  fittedLaws: FittedLawsSchema.optional().meta({
    flag: "--fitted-laws <file>",
    aliases: ["--laws"],
    description: "plan with your own laws: a file written by lmplan fit … --out (loss, timescale, lr-batch)",
    unit: "",
    group: "optimizer",
    file: "fitted-laws",
  } as unknown as Record<string, unknown>),
  ...inGroup("shape", ARCH_OPTIONS),
  ...inGroup("layout", LAYOUT_OPTIONS),
  ...inGroup("optimizer", MUP_OPTIONS),
  ...inGroup("deadline", DEADLINE_OPTIONS),
});

export type PlanRequestInput = z.input<typeof PlanRequestSchema>;
export type PlanRequest = z.output<typeof PlanRequestSchema>;
export type PlanField = keyof PlanRequest;

export function fieldMeta(key: PlanField): FieldMeta {
  return PlanRequestSchema.shape[key].meta() as unknown as FieldMeta;
}

/** Every declared option, in declaration order. */
export function planFields(): PlanField[] {
  return Object.keys(PlanRequestSchema.shape) as PlanField[];
}

/** A field's declared default, when it does not depend on other fields (else undefined: a rule in the resolve step). */
export function declaredDefault<K extends PlanField>(key: K): { value: NonNullable<PlanRequest[K]>; source: string } {
  const m = fieldMeta(key);
  if (m.default === undefined) throw new Error(`${key} declares no default`); // a programming error, caught by the tests
  return { value: m.default as NonNullable<PlanRequest[K]>, source: m.defaultSource ?? "default" };
}

/**
 * The request body as JSON Schema, for OpenAPI: each field's accepted types, enum and range from its
 * builder, its description, unit and default from its declaration.
 */
export function planRequestJsonSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const key of planFields()) {
    const m = fieldMeta(key);
    const wire = m.json ?? (m.file ? z.toJSONSchema(PlanRequestSchema.shape[key], { unrepresentable: "any", io: "input" }) : {});
    properties[key] = {
      ...wire,
      description: `${m.description}${m.unit ? ` [${m.unit}]` : ""}${m.defaultNote && m.default === undefined ? ` (default: ${m.defaultNote})` : ""}`,
      ...(m.default !== undefined ? { default: m.default } : {}),
      "x-cli-flag": m.flag.split(" ")[0],
      ...(m.group ? { "x-group": m.group } : {}),
    };
  }
  return { type: "object", additionalProperties: false, properties };
}

export { kebab };

/** Validate and parse a request, returning lmplan Issues (never a zod error) on failure. */
export function parsePlanRequest(input: unknown): Result<PlanRequest> {
  const r = PlanRequestSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, issues: r.error.issues.map((i) => toIssue(i, input)) };
}

function toIssue(i: z.core.$ZodIssue, input: unknown): Issue {
  const path = i.path.map(String);
  const received = valueAtPath(input, path);
  if (i.code === "unrecognized_keys") {
    const known = Object.keys(PlanRequestSchema.shape).join(", ");
    return { code: "invalid_value", path, expected: `only known fields (${known})`, received: `unknown field(s) ${i.keys.join(", ")}` };
  }
  if (i.code === "invalid_type" && path.length === 0) {
    return { code: "invalid_value", path: ["request"], expected: "a JSON object of plan fields", received: describeReceived(input) };
  }
  const expected = (i.code === "custom" && typeof i.params?.expected === "string" ? i.params.expected : undefined) ?? (path[0] === "fittedLaws" ? `a fitted-laws file written by lmplan fit --out (${i.message})` : i.message);
  return { code: "invalid_value", path, expected, received: describeReceived(received) };
}

