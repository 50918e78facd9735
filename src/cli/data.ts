/**
 * `lmplan data` (mixtures) and `lmplan context` (context stages and extrapolation): parse → core → text.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { registerAudit } from "./audit.js";
import { BadInput } from "./shared.js";
import { conflict, invalid, type Issue } from "../errors.js";
import { acceleratorNames, findAccelerator } from "../hardware/catalog.js";
import { MAX_CONTEXT_LENGTH, MAX_HEADS, parseStages, planContext, type ContextPlan } from "../context/stages.js";
import { RANGES } from "../io/ranges.js";
import { readSources } from "../io/sources.js";
import { cellNumber } from "../io/table.js";
import { countParams } from "../model/params.js";
import { findPreset } from "../model/presets.js";
import { chooseShape } from "../model/shape.js";
import type { ArchSpec } from "../model/spec.js";
import { MIX_PRESETS } from "../mixture/mixes.js";
import { parseUpsample, planMixture, weightsForMix, type MixturePlan } from "../mixture/plan.js";
import { findSourcePreset, SOURCE_PRESETS, type DataSource } from "../mixture/sources.js";
import { DEFAULT_TEMPLATE } from "../plan/plan.js";
import { formatCount, formatFlops, formatPercent, formatSig } from "../units/format.js";
import { MAX_GPU_COUNT, parseCount } from "../units/parse.js";

export class DataInputError extends BadInput {}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; issues: Issue[] }): T {
  if (!r.ok) throw new DataInputError(r.issues);
  return r.value;
}

/** A count ("1T", "1.3B") at most `max`: the planner's own limits (params ≤ 1e15, tokens ≤ 1e18). */
function count(v: unknown, field: string, label: string, example: string, unitWords: string[] = [], max: number = RANGES.tokens.max): number {
  const x = unwrap(parseCount(v, field, { label, example, unitWords }));
  if (x > max) throw new DataInputError([invalid(field, `a ${label} such as ${example}, at most ${max.toExponential().replace("e+", "e")}`, v)]);
  return x;
}

/** A whole number in [min, max] written as a plain decimal ("0x10" is not 16, "1e9" heads is refused). */
function whole(v: unknown, field: string, what: string, min: number, max: number): number {
  const x = cellNumber(v);
  if (!Number.isInteger(x) || x < min || x > max) throw new DataInputError([invalid(field, `${what} ${min} … ${max >= 1e6 ? max.toExponential().replace("e+", "e") : max}`, v)]);
  return x;
}

/** Tokens per step in the context plan: at most 1e10 (a 1e9-sequence batch of length 10). */
const MAX_BATCH_TOKENS = 1e10;

/** Sources from a preset id or a CSV file. */
export function loadSources(spec: string, readFile: (p: string) => string): DataSource[] {
  const preset = findSourcePreset(spec);
  if (preset) return preset.sources;
  if (!/\.csv$/i.test(spec)) throw new DataInputError([invalid("sources", `a preset (${SOURCE_PRESETS.map((p) => p.id).join(", ")}) or a CSV file of name,tokens[,domain,quality]`, spec)]);
  let text: string;
  try {
    text = readFile(spec);
  } catch (e) {
    throw new DataInputError([invalid("sources", "a readable CSV file", `${spec} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)]);
  }
  return unwrap(readSources(text)).sources;
}

export function mixWeights(sources: DataSource[], mix: string | undefined): { weights: Record<string, number>; label: string } {
  const r = unwrap(weightsForMix(sources, mix));
  return { weights: r.weights, label: r.verified ? r.label : `${r.label} [unverified]` };
}

export function renderMixture(p: MixturePlan, label: string, sourcesLabel: string): string {
  const lines = [
    `lmplan data · ${sourcesLabel}, mix ${label}, ${formatCount(p.totalTokens, 4)} tokens`,
    "",
    "  source          domain   unique     weight    tokens     epochs   effective (Muennighoff)",
    ...p.sources.map((s) => `  ${s.name.padEnd(15)} ${s.domain.padEnd(8)} ${formatCount(s.uniqueTokens, 4).padEnd(10)} ${formatPercent(s.weight).padEnd(9)} ${formatCount(s.tokens, 4).padEnd(10)} ${formatSig(s.epochs, 3).padEnd(8)} ${formatCount(s.effectiveTokens, 4)}`),
    `  total effective tokens ${formatCount(p.totalEffectiveTokens, 4)} of ${formatCount(p.totalTokens, 4)} (${formatPercent(p.totalEffectiveTokens / p.totalTokens)})`,
  ];
  if (p.phases.length > 1) {
    lines.push("", "PHASES (end-of-training upsampling, Blakeney et al. arXiv 2406.03476)");
    for (const ph of p.phases) lines.push(`  ${ph.name.padEnd(6)} ${formatPercent(ph.fraction).padEnd(6)} of tokens (${formatCount(ph.tokens, 4)}): ${Object.entries(ph.weights).filter(([, w]) => w > 0).map(([k, w]) => `${k} ${formatPercent(w)}`).join(" · ")}`);
  }
  if (p.lossPenalty) lines.push("", `LOSS COST OF REPETITION (data-constrained law, arXiv 2305.16264): ${formatSig(p.lossPenalty.freshLoss, 5)} with all-fresh data → ${formatSig(p.lossPenalty.repeatedLoss, 5)} (+${formatSig(p.lossPenalty.delta, 3)} nats/token)`);
  if (p.warnings.length > 0) lines.push("", "WARNINGS", ...p.warnings.map((w) => `  ! ${w.message}`));
  return `${lines.join("\n")}\n`;
}

export function renderContext(c: ContextPlan): string {
  const lines = ["lmplan context · stages at the same tokens per step (BTLM-3B-8K's recipe: arXiv 2309.11568)", ""];
  lines.push("  length  share    tokens     batch (seqs)  steps     attention FLOPs/token  FLOPs/token  total FLOPs  micro-batch  memory/GPU");
  for (const s of c.stages) {
    const f = (x: number | undefined, g: (v: number) => string) => (x === undefined ? "—" : g(x));
    lines.push(
      `  ${String(s.seqLen).padEnd(7)} ${formatPercent(s.share).padEnd(8)} ${f(s.tokens, (v) => formatCount(v, 4)).padEnd(10)} ${f(s.batchSeqs, String).padEnd(13)} ${f(s.steps, String).padEnd(9)} ${f(s.attentionFlopsPerToken, (v) => formatFlops(v)).padEnd(22)} ${f(s.flopsPerToken, (v) => formatFlops(v)).padEnd(12)} ${f(s.totalFlops, (v) => formatFlops(v)).padEnd(12)} ${f(s.microBatchSeqs, String).padEnd(12)} ${s.memory ? `${formatSig(s.memory.total / 2 ** 30, 3)} GiB` : "—"}`,
    );
  }
  if (c.totalFlops !== undefined) lines.push(`  total ${formatFlops(c.totalFlops)} FLOPs`);
  const ex = c.extrapolation;
  if (ex) {
    lines.push("", `EXTRAPOLATION · trained to ${ex.trainedLength}, target ${ex.targetLength}: interpolation factor s = ${formatSig(ex.interpolationFactor, 4)}`);
    if (ex.slopes) {
      lines.push(`  ALiBi slopes (Press et al. arXiv 2108.12409): ${ex.slopes.map((m) => formatSig(m, 4)).join(", ")}`);
      lines.push(`  with position interpolation (slopes / s, arXiv 2310.13017): ${ex.scaledSlopes?.map((m) => formatSig(m, 4)).join(", ")}`);
      lines.push(`  Cerebras modelzoo: alibi_scaling: {type: linear, factor: ${formatSig(ex.interpolationFactor, 6)}}`);
    }
  }
  if (c.warnings.length > 0) lines.push("", "WARNINGS", ...c.warnings.map((w) => `  ! ${w.message}`));
  return `${lines.join("\n")}\n`;
}

export function registerData(program: Command, io: { out: (s: string) => void }): void {
  const dataCommand = program
    .command("data")
    .description("plan a data mixture: tokens and epochs per source, effective tokens under repetition, end-of-training upsampling")
    .requiredOption("--sources <preset|file.csv>", `source preset (${SOURCE_PRESETS.map((p) => p.id).join(", ")}) or a CSV of name,tokens[,domain,quality]`)
    .option("--mix <mix>", `mix preset (${MIX_PRESETS.map((m) => m.id).join(", ")}) or weights by source or domain, e.g. "web:0.7,code:0.2,books:0.1" (default: the sources' own shares)`)
    .requiredOption("--tokens <count>", "training tokens, e.g. 1T")
    .option("--params <count>", "model size, for the loss cost of repetition (data-constrained law)")
    .option("--cap <epochs>", "keep every source at or below this many epochs (the excess moves to the other sources)")
    .option("--upsample-final <spec>", 'final phase: fraction:names[@factor], e.g. "0.15:code,books" (factor 2 by default, lmplan\'s assumption)')
    .option("--json", "print the mixture plan as JSON")
    .action((o: Record<string, string | boolean | undefined>) => {
      const sources = loadSources(o.sources as string, (p) => readFileSync(p, "utf8"));
      const { weights, label } = mixWeights(sources, o.mix as string | undefined);
      const tokens = count(o.tokens, "tokens", "token count", "1T", ["tokens"]);
      const params = o.params !== undefined ? count(o.params, "params", "parameter count", "1.3B", [], RANGES.params.max) : undefined;
      let capEpochs: number | undefined;
      if (o.cap !== undefined) {
        capEpochs = cellNumber(o.cap);
        if (!(capEpochs > 0) || !(capEpochs <= 1e6)) throw new DataInputError([invalid("cap", "a positive number of epochs such as 4, at most 1e6", o.cap)]);
      }
      const upsample = typeof o.upsampleFinal === "string" ? unwrap(parseUpsample(o.upsampleFinal)) : undefined;
      const plan = unwrap(planMixture(sources, weights, { tokens, ...(params !== undefined ? { params } : {}), ...(capEpochs !== undefined ? { capEpochs } : {}), ...(upsample ? { upsample } : {}) }));
      io.out(o.json ? `${JSON.stringify({ mix: label, ...plan }, null, 2)}\n` : renderMixture(plan, label, o.sources as string));
    });
  // `lmplan data audit` (src/cli/audit.ts): the near-duplicate audit whose unique tokens feed --sources
  registerAudit(dataCommand, io);

  program
    .command("context")
    .description("plan context-length stages (same tokens per step) and check extrapolation to a target length (ALiBi slopes, position interpolation)")
    .requiredOption("--train <stages>", 'length:share stages, e.g. "2048:0.75,8192:0.25"')
    .option("--target <tokens>", "inference length to reach")
    .option("--position <kind>", "alibi, rope or learned (default: the model's)")
    .option("--heads <n>", "attention heads (default: the model's)")
    .option("--preset <id>", "a published model for FLOPs and memory per stage, e.g. btlm-3b-8k")
    .option("--params <count>", "or a model size lmplan shapes itself")
    .option("--tokens <count>", "training tokens across all stages")
    .option("--batch-tokens <count>", "tokens per step (every stage)")
    .option("--gpu <name>", `accelerator for memory per stage: ${acceleratorNames().join(", ")}`, "h100")
    .option("--gpus <n>", "data-parallel GPUs for memory per stage")
    .option("--json", "print the context plan as JSON")
    .action((o: Record<string, string | boolean | undefined>) => {
      const stages = unwrap(parseStages(o.train as string));
      let spec: ArchSpec | undefined;
      if (o.preset !== undefined) {
        const p = findPreset(o.preset as string);
        if (!p) throw new DataInputError([invalid("preset", "a model preset id (see lmplan plan --help)", o.preset)]);
        spec = p.model;
      } else if (o.params !== undefined) {
        const target = count(o.params, "params", "parameter count", "1.3B", [], RANGES.params.max);
        spec = chooseShape(target, DEFAULT_TEMPLATE);
        // A size the shape chooser cannot reach is an error, not a model far from it (issue 10).
        const got = countParams(spec).total;
        if (got > 1.25 * target || got < target / 1.25) throw new DataInputError([invalid("params", `a parameter count lmplan can shape (the nearest shape has ${formatCount(got, 3)} parameters)`, o.params)]);
      }
      const position = (o.position as string | undefined)?.toLowerCase();
      if (position !== undefined && !["alibi", "rope", "learned"].includes(position)) throw new DataInputError([invalid("position", "alibi, rope or learned", o.position)]);
      let heads: number | undefined;
      if (o.heads !== undefined) {
        heads = whole(o.heads, "heads", "a whole number of attention heads", 1, MAX_HEADS);
        if (spec && spec.dModel % heads !== 0) throw new DataInputError([conflict(["heads"], `${heads} heads do not divide the model's width d_model = ${spec.dModel}`, String(heads))]);
      }
      if (spec && (position !== undefined || heads !== undefined)) spec = { ...spec, ...(position ? { position: position as ArchSpec["position"] } : {}), ...(heads ? { numHeads: heads } : {}) };
      let target: number | undefined;
      if (o.target !== undefined) target = whole(o.target, "target", "a whole number of tokens", 1, MAX_CONTEXT_LENGTH);
      if (target !== undefined && !spec && (position === undefined || heads === undefined)) {
        throw new DataInputError([invalid("position", "--position and --heads (or --preset / --params) to check extrapolation", "missing")]);
      }
      let memory: { dataParallel: number; zeroStage: 3; capacityBytes: number } | undefined;
      if (o.gpus !== undefined) {
        const acc = findAccelerator(o.gpu as string);
        if (!acc) throw new DataInputError([invalid("gpu", `one of ${acceleratorNames().join(", ")}`, o.gpu)]);
        const gpus = whole(o.gpus, "gpus", "a whole number of GPUs", 1, MAX_GPU_COUNT);
        memory = { dataParallel: gpus, zeroStage: 3, capacityBytes: acc.memoryBytes };
      }
      const plan = unwrap(
        planContext({
          stages,
          ...(o.tokens !== undefined ? { tokens: count(o.tokens, "tokens", "token count", "627B", ["tokens"]) } : {}),
          ...(o.batchTokens !== undefined ? { batchTokens: count(o.batchTokens, "batchTokens", "token count", "4M", ["tokens"], MAX_BATCH_TOKENS) } : {}),
          ...(spec ? { spec } : {}),
          ...(!spec && position && heads ? { attention: { position: position as ArchSpec["position"], numHeads: heads } } : {}),
          ...(target !== undefined ? { targetLength: target } : {}),
          ...(memory ? { memory } : {}),
        }),
      );
      io.out(o.json ? `${JSON.stringify(plan, null, 2)}\n` : renderContext(plan));
    });
}
