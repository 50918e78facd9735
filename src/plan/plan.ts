/**
 * plan(): compose units, model, hardware, laws, parameterization and schedules into a Plan in which
 * every number carries its source and its arithmetic. Pure: no I/O, no clock, no environment.
 */
import { conflict, invalid, missing, LmplanError, type Issue, type Result } from "../errors.js";
import { acceleratorNames, findAccelerator } from "../hardware/catalog.js";
import { DEFAULT_MFU, gpusForDeadline, trainingTime } from "../hardware/time.js";
import { EPOCH_PARAMS, chinchillaEpoch } from "../laws/chinchilla-epoch.js";
import { chinchillaLoss, optimalTokensForParams, type ChinchillaParams } from "../laws/chinchilla-form.js";
import { HOFFMANN_PARAMS, chinchillaHoffmann } from "../laws/chinchilla-hoffmann.js";
import { dataConstrained } from "../laws/data-constrained.js";
import { deepseek, deepseekFlopsPerToken } from "../laws/deepseek.js";
import { porian } from "../laws/porian.js";
import { powerLinesBatch } from "../laws/power-lines-batch.js";
import { powerLinesTau } from "../laws/power-lines-tau.js";
import { POWER_SCHEDULER_CHOSEN, powerScheduler } from "../laws/power-scheduler.js";
import { stepLaw } from "../laws/step-law.js";
import { defineLaw, outOfRange, type AnyLaw, type Warning } from "../laws/types.js";
import { flopsPerToken } from "../model/flops.js";
import { chooseMicroBatch } from "../model/memory.js";
import { countParams } from "../model/params.js";
import { findPreset, type ModelPreset } from "../model/presets.js";
import { DEFAULT_SHAPE_OPTIONS, chooseShape, reachableParams, shapeAt, type ShapeTemplate } from "../model/shape.js";
import type { ArchSpec } from "../model/spec.js";
import { findMupBase, type MupBase } from "../parameterization/bases.js";
import { completeP, mup, sp, type Parameterization } from "../parameterization/mup.js";
import { adamwTimescale, weightDecayForTimescale } from "../schedules/ema.js";
import { lrAt, type ScheduleSpec } from "../schedules/schedule.js";
import { formatCount, formatFlops, formatSig } from "../units/format.js";
import { SECONDS_PER_DAY } from "../units/types.js";
import { parsePlanRequest, type PlanRequest, type PlanRequestInput } from "./request.js";
import { parseStages, planContext, type ContextPlan, type StageSpec } from "../context/stages.js";
import { parseUpsample, planMixture, weightsForMix } from "../mixture/plan.js";
import { findSourcePreset } from "../mixture/sources.js";
import { solveScale, type ScaleConstraints, type Target } from "./solve.js";
import type { Alternative, ComparisonRow, Num, Plan } from "./types.js";

/** Architecture for a model lmplan shapes itself: BTLM-3B-8K's block (the default μP base's). */
export const DEFAULT_TEMPLATE: ShapeTemplate = {
  ffnType: "swiglu",
  vocabSize: 50257,
  seqLen: 2048,
  tiedEmbeddings: true,
  position: "alibi",
  norm: "layernorm",
  bias: true,
};

const DEFAULT_GPUS = 8;
const LOSS_LAWS = {
  "chinchilla-epoch": { law: chinchillaEpoch, params: EPOCH_PARAMS },
  "chinchilla-hoffmann": { law: chinchillaHoffmann, params: HOFFMANN_PARAMS },
} as const;

const n = (value: number, unit: string, source: string, derivation: string): Num => ({ value, unit, source, derivation });
const c = (x: number) => formatCount(x, 4);
const s4 = (x: number) => formatSig(x, 4);

/** Plan a run; throws LmplanError (with issues as data) on bad or conflicting input. */
export function plan(input: PlanRequestInput): Plan {
  const r = planSafe(input);
  if (!r.ok) throw new LmplanError(r.issues);
  return r.value;
}

/** Plan a run; answers issues instead of throwing. */
/**
 * What a global batch (in sequences) must be a multiple of. With longer later stages the batch (same
 * tokens per step) must split into whole sequences per GPU in every stage: dp × (longest / first
 * length) when that ratio is whole, else dp.
 */
export function batchUnit(dp: number, stages: readonly { seqLen: number }[] | undefined, seqLen: number): { ratio: number; unit: number } {
  const ratio = stages ? Math.max(...stages.map((x) => x.seqLen)) / seqLen : 1;
  return { ratio, unit: Number.isInteger(ratio) ? dp * ratio : dp };
}

export function planSafe(input: unknown): Result<Plan> {
  const parsed = parsePlanRequest(input);
  if (!parsed.ok) return parsed;
  return planFromRequest(parsed.value);
}

export function planFromRequest(req: PlanRequest): Result<Plan> {
  const issues: Issue[] = [];
  const warnings: Warning[] = [];

  // ---- hardware --------------------------------------------------------------------------------
  const gpuName = req.gpu?.name ?? "h100";
  const accel = findAccelerator(gpuName);
  if (!accel) issues.push(invalid("gpu", `one of ${acceleratorNames().join(", ")}`, req.gpu?.name));
  if (req.gpu?.count !== undefined && req.gpus !== undefined && req.gpu.count !== req.gpus) {
    issues.push(conflict(["gpu", "gpus"], `--gpu says ${req.gpu.count} accelerators and --gpus says ${req.gpus}; give the count once`));
  }
  const preset = req.preset ? findPreset(req.preset) : undefined;
  const parameterization = req.parameterization ?? "mup";
  const baseId = req.muBase ?? preset?.recipe?.muBase ?? (parameterization === "completep" ? "cerebras-gpt" : "btlm");
  const base = findMupBase(baseId) as MupBase; // the schema admits only known ids
  if (parameterization === "completep" && base.numLayersBase === undefined) {
    issues.push(conflict(["muBase", "parameterization"], `CompleteP needs the proxy's depth, which the ${base.id} base does not record; use --mu-base cerebras-gpt`));
  }
  if ((req.schedule === "wsd" || req.schedule === "power") && req.decayShape === "exponential" && (req.minLrRatio ?? 0) === 0) {
    issues.push(invalid("minLrRatio", "a value > 0 with an exponential decay (it never reaches zero)", req.minLrRatio ?? 0));
  }
  if (issues.length > 0 || !accel) return { ok: false, issues };

  const precision = req.precision ?? "bf16";
  const peak = precision === "fp8" ? accel.peakFp8 : accel.peakBf16;
  if (peak === undefined) return { ok: false, issues: [invalid("precision", `bf16 (the ${accel.title} has no fp8)`, precision)] };
  const mfu = req.mfu ?? DEFAULT_MFU;
  if (req.mfu === undefined) warnings.push({ code: "assumption", source: "torchtitan-mfu", message: `MFU ${mfu} assumed (TorchTitan's measured Llama 3.1 8B on H100); time and cost scale with 1/MFU — pass --mfu with your own measurement` });
  const gpusGiven = req.gpus ?? req.gpu?.count;

  // ---- N and D ---------------------------------------------------------------------------------
  const fitted = req.fittedLaws;
  if (fitted?.loss && req.lossLaw !== undefined) {
    return { ok: false, issues: [conflict(["lossLaw", "fittedLaws"], "--loss-law and a fitted loss law in --laws both choose the loss law; give one")] };
  }
  const lossChoice = fitted?.loss ? fittedLossLaw(fitted.loss.params) : LOSS_LAWS[req.lossLaw ?? "chinchilla-epoch"];
  // Context stages: given, or the preset's; the first stage's length is the plan's sequence length.
  let stages: StageSpec[] | undefined;
  if (req.contextStages !== undefined) {
    const st = parseStages(req.contextStages, "contextStages");
    if (!st.ok) return st;
    stages = st.value;
    if (req.seqLen !== undefined && req.seqLen !== stages[0]?.seqLen) {
      return { ok: false, issues: [conflict(["seqLen", "contextStages"], `--seq-len ${req.seqLen} differs from the first stage's length ${stages[0]?.seqLen}; give one`)] };
    }
  } else if (preset?.recipe?.stages && req.seqLen === undefined) {
    const total = preset.recipe.stages.reduce((a, x) => a + x.tokens, 0);
    stages = preset.recipe.stages.map((x) => ({ seqLen: x.seqLen, share: x.tokens / total }));
  }
  const seqLen = stages?.[0]?.seqLen ?? req.seqLen ?? preset?.model.seqLen ?? DEFAULT_TEMPLATE.seqLen;
  const template: ShapeTemplate = { ...DEFAULT_TEMPLATE, seqLen };
  const shapeOpts = { ...DEFAULT_SHAPE_OPTIONS, aspectRatio: req.aspectRatio ?? DEFAULT_SHAPE_OPTIONS.aspectRatio };
  // --width (and --layers) fix the shape the way a preset does
  if (req.width !== undefined && preset) return { ok: false, issues: [conflict(["width", "preset"], `--width sets the shape and --preset ${preset.id} fixes it too; give one of them`)] };
  if (req.layers !== undefined && req.width === undefined) return { ok: false, issues: [missing(["width"], "--layers needs --width (the depth of an explicit shape)")] };
  if (req.width !== undefined && req.width % 64 !== 0) return { ok: false, issues: [invalid("width", "a multiple of 64 (whole heads of 64 or 128)", req.width)] };
  // from 1024 up heads are 128 wide (shapeAt), so the width must hold whole ones
  if (req.width !== undefined && req.width >= 1024 && req.width % shapeOpts.headDim !== 0) return { ok: false, issues: [invalid("width", `a multiple of ${shapeOpts.headDim} from 1024 up (whole heads of ${shapeOpts.headDim})`, req.width)] };
  const fixedShape = req.width !== undefined ? shapeAt(req.width, req.layers ?? Math.max(1, Math.round(req.width / shapeOpts.aspectRatio)), template, shapeOpts) : undefined;
  const shapeFor = (N: number): ArchSpec => (preset ? { ...preset.model, seqLen } : (fixedShape ?? chooseShape(N, template, shapeOpts)));
  const presetN = preset
    ? { id: preset.id, N: countParams({ ...preset.model, seqLen }).total }
    : fixedShape
      ? { id: `--width ${fixedShape.dModel} --layers ${fixedShape.numLayers}`, N: countParams(fixedShape).total }
      : undefined;

  const constraints: ScaleConstraints = { compute: req.compute, params: req.params, tokens: req.tokens, tpp: req.tpp };
  const givenScale = [req.compute, req.params, req.tokens, req.tpp].filter((x) => x !== undefined).length;
  const hardwareBudget = req.days !== undefined && gpusGiven !== undefined && req.compute === undefined && givenScale + (preset ? 1 : 0) < 2;
  let presetSource: string | undefined;
  if (preset?.recipe && givenScale === 0 && !hardwareBudget) {
    if (preset.recipe.tokens !== undefined) constraints.tokens = preset.recipe.tokens;
    else if (preset.recipe.tpp !== undefined) constraints.tpp = preset.recipe.tpp;
    presetSource = `preset:${preset.id}`;
  }

  let target: Target;
  let spec: ArchSpec;
  let D: number;
  let dDerivation: string;
  const lawRef = { id: lossChoice.law.id, params: lossChoice.params };
  if (hardwareBudget) {
    // Hardware FLOPs include attention; the laws speak in 6·N·D. Iterate the split until the
    // chosen shape's full FLOPs per token spend exactly the GPU budget.
    const Chw = (gpusGiven as number) * peak * mfu * (req.days as number);
    let C6 = Chw;
    let t: Result<Target> = { ok: false, issues: [] };
    let shape: ArchSpec | undefined;
    for (let i = 0; i < 6; i++) {
      t = solveScale({ ...constraints, compute: C6 }, lawRef, presetN);
      if (!t.ok) return t;
      shape = shapeFor(t.value.N);
      const dHere = t.value.keep === "tokens" && constraints.tokens !== undefined ? constraints.tokens : Chw / flopsPerToken(shape).total;
      C6 = 6 * countParams(shape).total * dHere;
    }
    if (!t.ok) return t;
    target = { ...t.value, how: `GPU budget ${gpusGiven} × ${s4(peak)} FLOP/s × MFU ${mfu} × ${s4((req.days as number) / SECONDS_PER_DAY)} days = ${formatFlops(Chw)} FLOPs; ${t.value.how}` };
    spec = shape as ArchSpec; // the loop above ran at least once
    D = constraints.tokens ?? Chw / flopsPerToken(spec).total;
    dDerivation = constraints.tokens !== undefined ? "as given" : `D = GPU FLOPs / FLOPs per token = ${formatFlops(Chw)} / ${formatFlops(flopsPerToken(spec).total)}`;
  } else {
    const t = solveScale(constraints, lawRef, presetN);
    if (!t.ok) return t;
    target = t.value;
    spec = shapeFor(target.N);
    const Nshape = countParams(spec).total;
    switch (target.keep) {
      case "tokens":
        D = target.D;
        dDerivation = constraints.tokens !== undefined ? (presetSource ? `as ${preset?.title} trained` : "as given") : target.how;
        break;
      case "tpp":
        D = (constraints.tpp as number) * Nshape;
        dDerivation = `D = TPP·N = ${s4(constraints.tpp as number)} · ${c(Nshape)}${presetSource ? ` (${preset?.title}'s recipe)` : ""}`;
        break;
      case "compute":
        D = (constraints.compute ?? 6 * target.N * target.D) / (6 * Nshape);
        dDerivation = `D = C/(6N) = ${formatFlops(constraints.compute ?? 6 * target.N * target.D)} / (6 · ${c(Nshape)})`;
        break;
      case "optimal-for-N":
        D = optimalTokensForParams(lossChoice.params, Nshape);
        dDerivation = `compute-optimal D for N = ${c(Nshape)} on the ${lossChoice.law.id} frontier (Hoffmann Eq. 4)`;
        break;
    }
  }
  const counts = countParams(spec);
  const N = counts.total;
  // A size outside the chooser's range is refused, never answered with a different model (issue 10:
  // 30T became 6.7M). Inside it, widths come in steps of 128, so a small target may land a step away:
  // that is the shape warning below.
  const reach = !preset && !fixedShape ? reachableParams(template, shapeOpts) : undefined;
  if (reach && (target.N < reach.min / 1.1 || target.N > reach.max * 1.1)) {
    const r = reach;
    const field = req.params !== undefined ? "params" : req.compute !== undefined ? "compute" : req.tokens !== undefined ? "tokens" : "days";
    return { ok: false, issues: [invalid(field, `a size lmplan's shape rule can reach with this architecture and aspect ratio ${shapeOpts.aspectRatio}: ${c(r.min)} … ${c(r.max)} parameters; or give --width and --layers`, field === "params" ? req.params : `a target of ${c(target.N)} parameters`)] };
  }
  if (!preset && !fixedShape && Math.abs(N / target.N - 1) > 0.02) {
    warnings.push({ code: "shape", source: "shape-rule", message: `shape: the target was ${c(target.N)} parameters; the closest shape under the aspect-ratio rule has ${c(N)} (${signedPct(N / target.N - 1)}); the plan uses ${c(N)}` });
  }
  const tpp = D / N;
  const fpt = flopsPerToken(spec, seqLen);
  const dSource = presetSource ?? (target.source === "user" || constraints.tokens !== undefined ? "user" : target.source);

  // ---- batch -----------------------------------------------------------------------------------
  const bopt = powerLinesBatch.evaluate({ D, N });
  warnings.push(...bopt.warnings);
  const boptSeqsHere = bopt.value.BoptTokens / seqLen;
  // GPUs: given, or enough to meet a deadline, or one node.
  let numGpus: number;
  let gpusSource = "user";
  let gpusDerivation = "as given";
  const totalFlopsEstimate = D * fpt.total;
  if (gpusGiven !== undefined) numGpus = gpusGiven;
  else if (req.days !== undefined) {
    numGpus = gpusForDeadline(totalFlopsEstimate as never, req.days, peak, mfu);
    gpusSource = "arithmetic";
    gpusDerivation = `⌈FLOPs / (deadline × peak × MFU)⌉ = ⌈${formatFlops(totalFlopsEstimate)} / (${s4(req.days)} s × ${s4(peak)} × ${mfu})⌉`;
  } else {
    numGpus = DEFAULT_GPUS;
    gpusSource = "arithmetic";
    gpusDerivation = "assumed: one 8-GPU node; pass --gpus";
    warnings.push({ code: "assumption", source: "user", message: `${DEFAULT_GPUS} GPUs assumed (one node); pass --gpus for your cluster` });
  }
  const dp = numGpus;
  const { ratio, unit } = batchUnit(dp, stages, seqLen);
  let batchSeqs: number;
  let batchDerivation: string;
  let batchSource: string;
  if (req.batchSeqs !== undefined) {
    batchSeqs = req.batchSeqs;
    batchSource = "user";
    batchDerivation = "as given";
    if (batchSeqs % unit !== 0) {
      const used = Math.max(unit, Math.round(batchSeqs / unit) * unit);
      warnings.push({ code: "rounding", source: "user", message: `batch: --batch-seqs ${batchSeqs} is not a multiple of ${unit} (${dp} data-parallel ranks${unit !== dp ? ` × ${ratio} for the longest stage` : ""}); using ${used}` });
      batchDerivation = `--batch-seqs ${batchSeqs} rounded to a multiple of ${unit}`;
      batchSeqs = used;
    }
  } else {
    batchSeqs = Math.max(unit, Math.round(boptSeqsHere / unit) * unit);
    batchSource = "power-lines-batch";
    batchDerivation = `B_opt = ${s4(bopt.value.BoptTokens)} tokens = ${s4(boptSeqsHere)} sequences of ${seqLen}, rounded to a multiple of ${unit} (${dp} data-parallel ranks${unit !== dp ? ` × ${ratio}, so the ${seqLen * ratio}-token stage splits evenly` : ""})`;
  }
  const batchTokens = batchSeqs * seqLen;
  const batchRatio = batchTokens / bopt.value.BoptTokens;
  if (batchRatio > 2) {
    warnings.push({ code: "batch", source: "power-lines-batch", message: `batch: ${batchSeqs} sequences (${c(batchTokens)} tokens) is ${s4(batchRatio)}× Power Lines' B_opt (${c(bopt.value.BoptTokens)} tokens); above B_opt loss rises at fixed tokens${req.batchSeqs === undefined ? " — each of the " + dp + " GPUs needs at least one sequence per step; fewer data-parallel ranks (tensor/pipeline parallelism) would allow a smaller batch" : ""}` });
  } else if (batchRatio < 0.5) {
    warnings.push({ code: "batch", source: "power-lines-batch", message: `batch: ${batchSeqs} sequences is ${s4(batchRatio)}× Power Lines' B_opt; smaller batches take more steps for the same tokens` });
  }
  const steps = Math.ceil(D / batchTokens);
  const tokensTrained = steps * batchTokens;

  // ---- learning rate and parameterization ------------------------------------------------------
  const target3 = { dModel: spec.dModel, numLayers: spec.numLayers, numHeads: spec.numHeads };
  let p: Parameterization;
  let lrSource: string;
  let lrDerivation: string;
  const step = stepLaw.evaluate({ N: counts.nonEmbedding, D });
  if (parameterization === "sp" && fitted?.lrBatch) {
    const l = fitted.lrBatch.law;
    const eta = Math.exp(l.lrIntercept) * counts.nonEmbedding ** l.lrExpN * D ** l.lrExpD;
    p = sp(eta, 0.02, target3);
    lrSource = "fitted:lr-batch";
    lrDerivation = `your fit η = ${s4(Math.exp(l.lrIntercept))}·N^${s4(l.lrExpN)}·D^${s4(l.lrExpD)} with non-embedding N = ${c(counts.nonEmbedding)}, D = ${c(D)}`;
  } else if (parameterization === "sp") {
    p = sp(step.value.eta, 0.02, target3);
    lrSource = "step-law";
    lrDerivation = `Step Law η = 1.79·N^−0.713·D^0.307 with non-embedding N = ${c(counts.nonEmbedding)}, D = ${c(D)}`;
    warnings.push(...step.warnings);
  } else if (parameterization === "completep") {
    p = completeP(base as MupBase & { numLayersBase: number }, target3);
    lrSource = "completep";
    lrDerivation = `CompleteP: η_base/m_N · m_L^0 = ${base.lrBase}/${s4(p.widthMultiplier)} (m_N = ${spec.dModel}/${base.dModelBase}, m_L = ${spec.numLayers}/${base.numLayersBase}; ${base.title})`;
  } else {
    p = mup(base, target3);
    lrSource = "mup-cerebras";
    lrDerivation = `μP: η_base/m_d = ${base.lrBase}/${s4(p.widthMultiplier)} (m_d = ${spec.dModel}/${base.dModelBase}; ${base.title})`;
  }
  let hiddenLr = p.hidden.lr;

  // ---- schedule --------------------------------------------------------------------------------
  const kind = req.schedule ?? "linear";
  const warmupFraction = req.warmupFraction ?? 0.1;
  const warmupSteps = Math.round(warmupFraction * steps);
  const minLrRatio = req.minLrRatio ?? (kind === "cosine" ? 0.1 : 0);
  const schedule: ScheduleSpec = { kind, peakLr: hiddenLr, totalSteps: steps, warmupSteps, minLrRatio };
  let scheduleSource = kind === "wsd" ? "wsd-minicpm" : kind === "power" ? "power-scheduler" : "straight-to-zero";
  if (kind === "wsd" || kind === "power") {
    schedule.decayFraction = req.decayFraction ?? (kind === "wsd" ? 0.1 : 0);
    schedule.decayShape = req.decayShape ?? "linear";
  }
  if (kind === "power") {
    // The Power Scheduler sets its own LR from batch and tokens seen; η_max caps it (arXiv 2408.13359 §4).
    schedule.peakLr = POWER_SCHEDULER_CHOSEN.etaMax;
    schedule.power = { tokensPerStep: batchTokens, batchSeqs4096: batchTokens / 4096, a: POWER_SCHEDULER_CHOSEN.a, b: POWER_SCHEDULER_CHOSEN.b };
    hiddenLr = lrAt(schedule, Math.max(warmupSteps, 1));
    lrSource = "power-scheduler";
    lrDerivation = `Power Scheduler: min(0.02, β·4·n^−0.51) at the end of warmup, β = ${s4(batchTokens / 4096)} sequences of 4096`;
    warnings.push({ code: "schedule", source: "power-scheduler", message: "schedule: the Power Scheduler sets the LR itself (IBM's μP setup), replacing the μP-transferred hidden LR" });
  }
  if (kind === "linear" && minLrRatio === 0 && tpp < 4) {
    warnings.push({ code: "schedule", source: "straight-to-zero", message: `schedule: at ${s4(tpp)} tokens/param (< ≈4), cosine-to-10% beat linear decay-to-zero in Bergsma et al. [unverified]; consider --schedule cosine` });
  }
  if (kind === "cosine" && tpp >= 20 && minLrRatio > 0) {
    warnings.push({ code: "schedule", source: "straight-to-zero", message: `schedule: at ${s4(tpp)} tokens/param linear decay to zero beat cosine-to-10% (610M, 20 TPP: 0.77% lower loss; 200 TPP: 2.8%)` });
  }

  // ---- weight decay from the AdamW timescale ---------------------------------------------------
  const tau = fitted?.timescale
    ? // your fit: τ_opt = c·TPP^m
      { value: { tauOpt: fitted.timescale.coefficient * tpp ** fitted.timescale.exponent }, warnings: [] as Warning[] }
    : powerLinesTau.evaluate({ TPP: tpp, N });
  const tauSource = fitted?.timescale ? "fitted:timescale" : "power-lines-tau";
  const tauFormula = fitted?.timescale ? `τ_opt = ${s4(fitted.timescale.coefficient)} · TPP^${s4(fitted.timescale.exponent)} (your fit)` : "τ_opt = 1.084 · TPP^−0.527";
  warnings.push(...tau.warnings);
  const lambdaOpt = weightDecayForTimescale(batchTokens, hiddenLr, tau.value.tauOpt, D);
  const lambda = req.weightDecay ?? lambdaOpt;
  const tauUsed = lambda > 0 ? adamwTimescale(batchTokens, hiddenLr, lambda, D) : Infinity;
  if (req.weightDecay !== undefined && lambda > 0 && (tauUsed / tau.value.tauOpt > 2 || tauUsed / tau.value.tauOpt < 0.5)) {
    warnings.push({ code: "assumption", source: "power-lines-tau", message: `weight decay: λ = ${lambda} gives τ = ${s4(tauUsed)}, ${s4(tauUsed / tau.value.tauOpt)}× τ_opt = ${s4(tau.value.tauOpt)}; λ_opt = ${s4(lambdaOpt)}` });
  }
  const beta2FromPorian = batchTokens / 2048 <= 192;

  // ---- loss ------------------------------------------------------------------------------------
  const loss = lossChoice.law.evaluate({ N, D });
  warnings.push(...loss.warnings);
  let dataConstrainedLoss: Num | undefined;
  if (req.uniqueTokens !== undefined) {
    const dc = dataConstrained.evaluate({ N, D, U: req.uniqueTokens });
    const epochs = D / req.uniqueTokens;
    dataConstrainedLoss = n(dc.value.L, "nats/token", "data-constrained", `Muennighoff: ${s4(epochs)} epochs of ${c(req.uniqueTokens)} unique tokens → effective D' = ${c(dc.value.Dprime)}`);
    if (epochs > 4) warnings.push({ code: "schedule", source: "data-constrained", message: `data: ${s4(epochs)} epochs over the unique tokens; beyond ~4 epochs repeated data is worth much less (D'/D = ${s4(dc.value.Dprime / D)})` });
  }

  // ---- context stages and data mixture -------------------------------------------------------------
  let context: ContextPlan | undefined;
  if (stages || req.targetContext !== undefined) {
    const c = planContext({
      stages: stages ?? [{ seqLen, share: 1 }],
      tokens: tokensTrained,
      batchTokens,
      spec,
      ...(req.targetContext !== undefined ? { targetLength: req.targetContext } : {}),
      memory: { dataParallel: dp, zeroStage: (req.zeroStage ?? 3) as 0 | 1 | 2 | 3, capacityBytes: accel.memoryBytes },
    });
    if (!c.ok) return { ok: false, issues: c.issues.map((i) => ({ ...i, path: i.path[0] === "train" ? ["contextStages", ...i.path.slice(1)] : i.path[0] === "target" ? ["targetContext", ...i.path.slice(1)] : i.path })) };
    context = c.value;
    warnings.push(...context.warnings);
  }
  let data: Plan["data"];
  if (req.dataSources !== undefined && req.dataSourcesTable !== undefined) {
    return { ok: false, issues: [conflict(["dataSources", "dataSourcesTable"], "--data-sources names a preset and --data-sources-file gives your own sources; give one of them")] };
  }
  const table = req.dataSourcesTable;
  const sourcesId = table ? `your ${table.length} source${table.length === 1 ? "" : "s"}` : (req.dataSources ?? (req.mix !== undefined || req.capEpochs !== undefined || req.upsampleFinal !== undefined ? "slimpajama-627b" : preset?.recipe?.data?.sources));
  if (sourcesId !== undefined) {
    const sources = table ?? findSourcePreset(sourcesId)?.sources ?? [];
    const w = weightsForMix(sources, req.mix ?? (req.dataSources === undefined && !table ? preset?.recipe?.data?.mix : undefined));
    if (!w.ok) return w;
    const up = req.upsampleFinal !== undefined ? parseUpsample(req.upsampleFinal) : undefined;
    if (up && !up.ok) return up;
    const m = planMixture(sources, w.value.weights, { tokens: D, params: N, ...(req.capEpochs !== undefined ? { capEpochs: req.capEpochs } : {}), ...(up ? { upsample: up.value } : {}) });
    if (!m.ok) return m;
    data = { ...m.value, sourcesPreset: sourcesId, mix: w.value.label, verified: w.value.verified };
    warnings.push(...m.value.warnings);
  }

  // ---- time, cost ------------------------------------------------------------------------------
  // With stages, each stage's tokens pay the attention FLOPs of its own length.
  const totalFlops = context?.totalFlops ?? tokensTrained * fpt.total;
  const price = req.price ?? accel.pricePerHour?.usd;
  const time = trainingTime(totalFlops as never, numGpus, peak, mfu, price);
  if (price === undefined) warnings.push({ code: "cost", source: "hardware-catalog", message: `cost: lmplan has no sourced price for the ${accel.title}; pass --price (USD per GPU-hour)` });
  if (req.days !== undefined && !hardwareBudget && time.seconds > req.days * 1.0001) {
    const need = gpusForDeadline(totalFlops as never, req.days, peak, mfu);
    warnings.push({ code: "deadline", source: "arithmetic", message: `deadline: ${s4(time.seconds / SECONDS_PER_DAY)} days on ${numGpus} GPUs exceeds --days ${s4(req.days / SECONDS_PER_DAY)}; about ${need} GPUs would finish in time` });
  }

  // ---- memory and micro-batch -----------------------------------------------------------------
  const perGpuSeqs = batchSeqs / dp;
  // a run this size is outside every law's range and every machine; refuse rather than grind on it
  if (!Number.isFinite(batchSeqs) || perGpuSeqs > 1e12 || !Number.isFinite(D) || D > 1e18) {
    return { ok: false, issues: [conflict(["tokens"], `this request works out to ${c(D)} tokens and a batch of ${c(batchSeqs)} sequences, beyond what lmplan plans (≤ 1e18 tokens); check the budget's units`)] };
  }
  const zeroStage = (req.zeroStage ?? 3) as 0 | 1 | 2 | 3;
  const mem = chooseMicroBatch(spec, seqLen, perGpuSeqs, dp, zeroStage, req.recompute ?? "auto", accel.memoryBytes, req.microBatch);
  if (!mem.ok) return mem;
  const { micro, recompute, breakdown } = mem.value;
  const fits = breakdown.total <= accel.memoryBytes;
  if (!fits) {
    warnings.push({ code: "memory", source: "zero", message: `memory: ${gib(breakdown.total)} GiB per GPU at micro-batch ${micro} exceeds the ${accel.title}'s ${gib(accel.memoryBytes)} GiB; shard further (tensor/pipeline parallelism), use more GPUs or a larger-memory accelerator` });
  }

  // ---- alternatives: the other laws' η and B, side by side -------------------------------------
  const alternatives = buildAlternatives({ N, counts, D, spec, seqLen, batchTokens, tauOpt: tau.value.tauOpt, hiddenLr, lambda, bopt: bopt.value.BoptTokens });
  if (fitted?.lrBatch) {
    const l = fitted.lrBatch.law;
    const eta = Math.exp(l.lrIntercept) * counts.nonEmbedding ** l.lrExpN * D ** l.lrExpD;
    const B = Math.exp(l.bsIntercept) * D ** l.bsExpD;
    alternatives.push({ source: "fitted:lr-batch", title: "your lr-batch fit", verified: true, peakLr: eta, batchTokens: B, weightDecay: weightDecayForTimescale(B, eta, tau.value.tauOpt, D) });
  }

  const planOut: Plan = {
    lmplanPlanVersion: 1,
    title: preset ? `${preset.title} (preset ${preset.id})` : `${c(N)}-parameter model, ${c(D)} tokens`,
    model: {
      ...(preset ? { preset: preset.id } : {}),
      spec,
      totalParams: n(N, "params", preset ? `preset:${preset.id}` : "shape-rule", preset ? `${preset.title}'s published shape (${preset.citation.short})` : `shape for ${c(target.N)} (${target.how}): d_model ${spec.dModel}, ${spec.numLayers} layers, aspect ratio ${s4(spec.dModel / spec.numLayers)}`),
      nonEmbeddingParams: n(counts.nonEmbedding, "params", "arithmetic", "all parameters except token/position tables and an untied head"),
      activeParams: n(counts.active, "params", "arithmetic", spec.moe ? `top-${spec.moe.topK} of ${spec.moe.numExperts} experts` : "dense: all parameters are active"),
      flopsPerToken: n(fpt.total, "FLOPs/token", "palm-flops", `6N + 12·L·H·Q·T = 6·${c(counts.flops)} + 12·${spec.numLayers}·${spec.numHeads}·${spec.dModel / spec.numHeads}·${seqLen} = ${formatFlops(fpt.dense)} + ${formatFlops(fpt.attention)}`),
    },
    budget: {
      tokens: n(D, "tokens", dSource, dDerivation),
      tokensPerParam: n(tpp, "tokens/param", "arithmetic", `D/N = ${c(D)} / ${c(N)}`),
      compute6ND: n(6 * N * D, "FLOPs", "arithmetic", `6·N·D = 6 · ${c(N)} · ${c(D)} (the laws' convention)`),
      computeTotal: n(
        totalFlops,
        "FLOPs",
        "palm-flops",
        context?.totalFlops !== undefined
          ? `Σ over stages of tokens × FLOPs/token at that length = ${context.stages.map((x) => `${c(x.tokens ?? 0)} × ${formatFlops(x.flopsPerToken ?? 0)} (seq ${x.seqLen})`).join(" + ")}`
          : `tokens trained × FLOPs/token = ${c(tokensTrained)} × ${formatFlops(fpt.total)}`,
      ),
      predictedLoss: n(loss.value.L, "nats/token", lossChoice.law.id, `${lossChoice.law.formula} at N = ${c(N)}, D = ${c(D)}`),
      ...(dataConstrainedLoss ? { dataConstrainedLoss } : {}),
    },
    batch: {
      seqLen: n(seqLen, "tokens/sequence", req.seqLen !== undefined ? "user" : preset ? `preset:${preset.id}` : "arithmetic", req.seqLen !== undefined ? "as given" : preset ? `${preset.title}'s sequence length` : "default 2048"),
      optimalBatchTokens: n(bopt.value.BoptTokens, "tokens", "power-lines-batch", `B_opt = 0.0306 · D^0.383 = 0.0306 · ${c(D)}^0.383 = ${s4(bopt.value.BoptSeqs)} sequences of 2048`),
      globalBatchSeqs: n(batchSeqs, "sequences", batchSource, batchDerivation),
      globalBatchTokens: n(batchTokens, "tokens", "arithmetic", `micro-batch ${micro} × seq ${seqLen} × accumulation ${perGpuSeqs / micro} × data-parallel ${dp} = ${batchTokens}`),
      microBatchSeqs: n(micro, "sequences", req.microBatch !== undefined ? "user" : "zero", req.microBatch !== undefined ? "as given" : `largest divisor of ${perGpuSeqs} sequences per GPU that fits in ${gib(accel.memoryBytes)} GiB`),
      gradAccumSteps: n(perGpuSeqs / micro, "steps", "arithmetic", `${perGpuSeqs} sequences per GPU / micro-batch ${micro}`),
      dataParallel: n(dp, "ranks", gpusSource, "every GPU is a data-parallel rank"),
      steps: n(steps, "steps", "arithmetic", `⌈D / batch⌉ = ⌈${c(D)} / ${batchTokens}⌉`),
      tokensTrained: n(tokensTrained, "tokens", "arithmetic", `steps × batch = ${steps} × ${batchTokens}`),
    },
    optimizer: {
      parameterization: p,
      baseLr: n(p.embedding.lr, "LR", lrSource === "power-scheduler" ? "power-scheduler" : p.source, parameterization === "sp" ? "SP: one LR for every group" : `η_base of the ${base.title} (embeddings, norms, biases)`),
      hiddenLr: n(hiddenLr, "LR", lrSource, lrDerivation),
      tauOpt: n(tau.value.tauOpt, "fraction of training", tauSource, `${tauFormula} at TPP ${s4(tpp)}`),
      weightDecay: n(lambda, "", req.weightDecay !== undefined ? "user" : tauSource, req.weightDecay !== undefined ? `as given (λ_opt would be ${s4(lambdaOpt)})` : `λ = B/(η·τ_opt·D) = ${batchTokens} / (${s4(hiddenLr)} · ${s4(tau.value.tauOpt)} · ${c(D)}), with η the hidden-weight LR. Other conventions: CompleteP Table 1 and microsoft/mup MuAdam scale hidden λ by m_d; Cerebras configs keep 0.1`),
      tau: n(tauUsed, "fraction of training", tauSource, `τ = B/(η·λ·D) = ${batchTokens} / (${s4(hiddenLr)} · ${s4(lambda)} · ${c(D)})`),
      beta1: n(0.9, "", "mup-cerebras", "AdamW β1 of the Cerebras-GPT and BTLM configs"),
      beta2: beta2FromPorian ? n(0.99, "", "porian", `batch ${s4(batchTokens / 2048)} ≤ 192 sequences of 2048: β2 = 0.99 (Porian et al.) [unverified]`) : n(0.95, "", "mup-cerebras", "AdamW β2 of the Cerebras-GPT and BTLM configs (Porian et al.: 0.95 above 192 sequences)"),
      eps: n(1e-8 * p.adamEpsMultiplier, "", p.kind === "completep" ? "completep" : "mup-cerebras", p.kind === "completep" ? `1e-8 × m_N^−1·m_L^−1 = 1e-8 × ${s4(p.adamEpsMultiplier)}` : "AdamW ε of the Cerebras-GPT and BTLM configs"),
      gradClip: n(1, "", "mup-cerebras", "max gradient norm of the Cerebras-GPT and BTLM configs"),
    },
    schedule: {
      spec: schedule,
      warmupSteps: n(warmupSteps, "steps", req.warmupFraction !== undefined ? "user" : "straight-to-zero", `${warmupFraction} × ${steps} steps`),
      finalLr: n(lrAt(schedule, steps), "LR", scheduleSource, kind === "linear" && minLrRatio === 0 ? "linear decay to zero (D2Z)" : `${minLrRatio} × peak`),
      source: scheduleSource,
    },
    hardware: {
      gpu: accel.id,
      gpuTitle: accel.title,
      numGpus: n(numGpus, "GPUs", gpusSource, gpusDerivation),
      peakFlopsPerGpu: n(peak, "FLOP/s", "hardware-catalog", `dense ${precision} peak of the ${accel.title} (${accel.source})`),
      mfu: n(mfu, "fraction", req.mfu !== undefined ? "user" : "torchtitan-mfu", req.mfu !== undefined ? "as given" : "TorchTitan's measured MFU for Llama 3.1 8B on H100"),
      seconds: n(time.seconds, "s", "palm-flops", `FLOPs / (GPUs × peak × MFU) = ${formatFlops(totalFlops)} / (${numGpus} × ${s4(peak)} × ${mfu})`),
      gpuHours: n(time.gpuHours, "GPU-h", "arithmetic", `${numGpus} GPUs × ${s4(time.seconds / 3600)} h`),
      ...(time.costUsd !== undefined && price !== undefined
        ? {
            costUsd: n(time.costUsd, "USD", req.price !== undefined ? "user" : "hardware-catalog", `${s4(time.gpuHours)} GPU-h × $${s4(price)}/GPU-h`),
            pricePerGpuHour: n(price, "USD/GPU-h", req.price !== undefined ? "user" : "hardware-catalog", req.price !== undefined ? "as given" : accel.pricePerHour?.source ?? ""),
          }
        : {}),
      ...(req.days !== undefined ? { deadlineSeconds: n(req.days, "s", "user", "as given") } : {}),
    },
    memory: {
      perGpu: breakdown,
      capacityBytes: n(accel.memoryBytes, "bytes", "hardware-catalog", accel.title),
      totalBytes: n(breakdown.total, "bytes", "zero", `weights ${gib(breakdown.weights)} + gradients ${gib(breakdown.gradients)} + optimizer ${gib(breakdown.optimizer)} + activations ${gib(breakdown.activations)} + logits ${gib(breakdown.logits)} GiB (ZeRO-${zeroStage} over ${dp} ranks, recompute ${recompute})`),
      fits,
      zeroStage,
      recompute,
      flashAttention: true,
    },
    alternatives,
    ...(data ? { data } : {}),
    ...(context ? { context } : {}),
    warnings: dedupe(warnings),
  };
  if (preset?.recipe) planOut.comparison = compareWithRecipe(preset, planOut, base);
  return { ok: true, value: planOut };
}

/** A Chinchilla-form law with the user's fitted parameters (from lmplan fit loss). */
function fittedLossLaw(params: ChinchillaParams) {
  const law = defineLaw<{ N: number; D: number }, { L: number }>({
    id: "fitted:loss",
    title: "your fitted loss law",
    citation: { short: "lmplan fit loss", locator: "your runs" },
    verified: true,
    formula: `L = ${s4(params.E)} + ${s4(params.A)}/N^${s4(params.alpha)} + ${s4(params.B)}/D^${s4(params.beta)} (your fit)`,
    notes: [],
    inputs: { N: { unit: "params", description: "total parameters" }, D: { unit: "tokens", description: "training tokens" } },
    outputs: { L: { unit: "nats/token", description: "predicted final loss" } },
    fitRange: {},
    fitRangeNote: "the range of your runs",
    compute: ({ N, D }) => ({ L: chinchillaLoss(params, N, D) }),
  });
  return { law, params };
}

function buildAlternatives(x: {
  N: number;
  counts: ReturnType<typeof countParams>;
  D: number;
  spec: ArchSpec;
  seqLen: number;
  batchTokens: number;
  tauOpt: number;
  hiddenLr: number;
  lambda: number;
  bopt: number;
}): Alternative[] {
  const lam = (eta: number, B: number) => weightDecayForTimescale(B, eta, x.tauOpt, x.D);
  const caveat = (law: AnyLaw, input: Record<string, number>) => {
    const outside = outOfRange(law, input);
    if (outside.length > 0) return `extrapolated: ${outside.join("; ")}`;
    return Object.keys(law.fitRange).length === 0 ? "fit range unknown" : undefined;
  };
  const out: Alternative[] = [
    { source: "lmplan", title: "lmplan (μP transfer + Power Lines B_opt, τ_opt)", verified: false, peakLr: x.hiddenLr, batchTokens: x.batchTokens, weightDecay: x.lambda },
    { source: "power-lines-batch", title: powerLinesBatch.title, verified: powerLinesBatch.verified, batchTokens: x.bopt, weightDecay: lam(x.hiddenLr, x.bopt) },
  ];
  const st = stepLaw.evaluate({ N: x.counts.nonEmbedding, D: x.D });
  out.push({ source: stepLaw.id, title: stepLaw.title, verified: stepLaw.verified, peakLr: st.value.eta, batchTokens: st.value.Btokens, weightDecay: lam(st.value.eta, st.value.Btokens), caveat: caveat(stepLaw, { N: x.counts.nonEmbedding, D: x.D }) });
  const M = deepseekFlopsPerToken(x.spec.numLayers, x.spec.dModel, x.seqLen);
  const ds = deepseek.evaluate({ C: M * x.D });
  out.push({ source: deepseek.id, title: deepseek.title, verified: deepseek.verified, peakLr: ds.value.eta, batchTokens: ds.value.Btokens, weightDecay: lam(ds.value.eta, ds.value.Btokens), caveat: caveat(deepseek, { C: M * x.D }) });
  const po = porian.evaluate({ N: x.counts.flops });
  out.push({ source: porian.id, title: porian.title, verified: porian.verified, peakLr: po.value.eta, batchTokens: po.value.Btokens, weightDecay: lam(po.value.eta, po.value.Btokens), caveat: caveat(porian, { N: x.counts.flops }) });
  const ps = powerScheduler.evaluate({ batchSeqs: x.batchTokens / 4096, T: x.D, a: POWER_SCHEDULER_CHOSEN.a });
  out.push({ source: powerScheduler.id, title: `${powerScheduler.title} at T = D (a = 4)`, verified: powerScheduler.verified, peakLr: ps.value.eta, batchTokens: x.batchTokens, weightDecay: lam(ps.value.eta, x.batchTokens), caveat: caveat(powerScheduler, { batchSeqs: x.batchTokens / 4096, T: x.D, a: POWER_SCHEDULER_CHOSEN.a }) });
  return out;
}

function compareWithRecipe(preset: ModelPreset, plan: Plan, base: MupBase): { against: string; rows: ComparisonRow[] } {
  const r = preset.recipe;
  if (!r) return { against: preset.title, rows: [] };
  const rows: ComparisonRow[] = [];
  const D = plan.budget.tokens.value;
  const N = plan.model.totalParams.value;
  const tokens = r.tokens ?? (r.tpp !== undefined ? r.tpp * N : undefined);
  if (tokens !== undefined) rows.push({ quantity: "tokens", published: c(tokens), recommended: c(D), note: r.stages ? r.stages.map((st) => `${c(st.tokens)} at seq ${st.seqLen} (batch ${st.batchSeqs})`).join(", then ") : undefined });
  const seq0 = r.stages?.[0]?.seqLen ?? preset.model.seqLen;
  if (r.batchSeqs !== undefined) {
    rows.push({
      quantity: "global batch",
      published: `${r.batchSeqs} × ${seq0} = ${c(r.batchSeqs * seq0)} tokens`,
      recommended: `${plan.batch.globalBatchSeqs.value} × ${plan.batch.seqLen.value} = ${c(plan.batch.globalBatchTokens.value)} tokens`,
      note: `Power Lines B_opt = ${c(plan.batch.optimalBatchTokens.value)} tokens`,
    });
  }
  const md = preset.model.dModel / base.dModelBase;
  if (r.peakLr !== undefined) {
    const publishedHidden = r.lrKind === "mup-base" ? r.peakLr / md : r.peakLr;
    rows.push({
      quantity: "peak LR (hidden weights)",
      published: r.lrKind === "mup-base" ? `${s4(publishedHidden)} (η_base ${r.peakLr} / m_d ${s4(md)})` : s4(publishedHidden),
      recommended: s4(plan.optimizer.hiddenLr.value),
      note: plan.optimizer.hiddenLr.source,
    });
    if (r.weightDecay !== undefined && r.batchSeqs !== undefined && tokens !== undefined) {
      const tauPublished = adamwTimescale(r.batchSeqs * seq0, publishedHidden, r.weightDecay, tokens);
      rows.push({
        quantity: "weight decay λ",
        published: `${r.weightDecay} (τ = ${s4(tauPublished)})`,
        recommended: `${s4(plan.optimizer.weightDecay.value)} (τ = ${s4(plan.optimizer.tau.value)})`,
        note: `τ_opt(TPP ${s4(plan.budget.tokensPerParam.value)}) = ${s4(plan.optimizer.tauOpt.value)}`,
      });
    }
  }
  if (r.warmupSteps !== undefined) rows.push({ quantity: "warmup", published: `${r.warmupSteps} steps`, recommended: `${plan.schedule.warmupSteps.value} steps` });
  if (r.decay !== undefined) {
    const end = r.endLr !== undefined && r.peakLr !== undefined ? `${r.decay} to ${s4(r.endLr / r.peakLr)}× peak` : r.decay;
    const k = plan.schedule.spec;
    rows.push({ quantity: "schedule", published: end, recommended: k.kind === "linear" && k.minLrRatio === 0 ? "linear to zero (D2Z)" : `${k.kind} to ${k.minLrRatio}× peak` });
  }
  return { against: preset.title, rows };
}

function dedupe(ws: Warning[]): Warning[] {
  const seen = new Set<string>();
  return ws.filter((w) => (seen.has(w.message) ? false : (seen.add(w.message), true)));
}

function gib(b: number): string {
  return formatSig(b / 2 ** 30, 3);
}

function signedPct(x: number): string {
  return `${x >= 0 ? "+" : ""}${formatSig(x * 100, 2)}%`;
}
