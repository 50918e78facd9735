/**
 * Scale: the model size N and the tokens D. Any two of compute, params (or a preset, or an explicit
 * width × depth), tokens and tokens-per-parameter fix the run; one of them leaves the other on the loss
 * law's compute-optimal frontier (Hoffmann et al., arXiv 2203.15556 Eq. 4); a GPU × days budget with
 * nothing else spends exactly that budget. The shape rule then turns N into a real transformer, whose
 * own parameter count is the one the rest of the plan uses.
 */
import { conflict, invalid, type Result } from "../../errors.js";
import type { Warning } from "../../laws/types.js";
import { optimalTokensForParams } from "../../laws/chinchilla-form.js";
import { flopsPerToken, type FlopsPerToken } from "../../model/flops.js";
import { countParams, type ParamCounts } from "../../model/params.js";
import { resolveArch, type ResolvedArch } from "../../model/arch.js";
import { flopsDerivation } from "../../model/flops-derivation.js";
import { PARALLEL_SHAPE_OPTIONS, chooseShape, reachableParams, shapeRounding, type ShapeOptions, type ShapeTemplate } from "../../model/shape.js";
import type { ArchSpec } from "../../model/spec.js";
import { formatFlops } from "../../units/format.js";
import { SECONDS_PER_DAY } from "../../units/types.js";
import type { ResolvedRequest } from "../resolve.js";
import { solveScale, type ScaleConstraints, type Target } from "../solve.js";
import type { Plan } from "../types.js";
import { c, n, s4, signedPct } from "./common.js";
import type { HardwareStage } from "./hardware.js";
import { planEfficiency } from "./batch.js";

export interface ScaleStage {
  spec: ArchSpec;
  counts: ParamCounts;
  N: number;
  D: number;
  tpp: number;
  fpt: FlopsPerToken;
  seqLen: number;
  /** The request's size as solved, before the shape rule rounded it to a real model. */
  target: Target;
  /** A GPU × days budget set the compute (no size given). */
  hardwareBudget: boolean;
  model: Plan["model"];
  tokens: Plan["budget"]["tokens"];
  warnings: Warning[];
}

/** How the request fixes the shape: a preset, an explicit --width/--layers, or the shape rule for a target N. */
interface ShapeRule {
  arch: ResolvedArch;
  template: ShapeTemplate;
  opts: ShapeOptions;
  fixed?: ArchSpec;
  shapeFor: (N: number) => ArchSpec;
  /** The fixed model's size, which takes the place of --params in the solve. */
  fixedN?: { id: string; N: number };
}

/**
 * The block and the shape rules: the preset's published spec, or an --arch family's block (BTLM-3B-8K's
 * by default) with the request's overrides, shaped with heads and KV heads divisible by the
 * tensor-parallel degree and the vocabulary padded as Megatron-LM pads it (src/model/arch.ts, shape.ts).
 */
function shapeRule(r: ResolvedRequest): Result<ShapeRule> {
  const { req, preset } = r;
  const seqLen = r.seqLen.value;
  if (req.width !== undefined && preset) return { ok: false, issues: [conflict(["width", "preset"], `--width sets the shape and --preset ${preset.id} fixes it too; give one of them`)] };
  const resolved = resolveArch({ ...req, seqLen }, preset ? { ...preset.model, seqLen } : undefined, PARALLEL_SHAPE_OPTIONS);
  if (!resolved.ok) return resolved;
  const arch = resolved.value;
  const { template, shapeOptions: opts, fixed } = arch;
  const shapeFor = (N: number): ArchSpec => (preset ? { ...preset.model, seqLen } : (fixed ?? chooseShape(N, template, opts)));
  const fixedN = preset
    ? { id: preset.id, N: countParams({ ...preset.model, seqLen }).total }
    : fixed
      ? { id: `--width ${fixed.dModel} --layers ${fixed.numLayers}`, N: countParams(fixed).total }
      : undefined;
  return { ok: true, value: { arch, template, opts, ...(fixed ? { fixed } : {}), shapeFor, ...(fixedN ? { fixedN } : {}) } };
}

interface Solved {
  target: Target;
  spec: ArchSpec;
  D: number;
  dDerivation: string;
  /** "preset:<id>" when the tokens are the preset's published recipe. */
  presetSource?: string;
}

/**
 * A GPU × days budget: hardware FLOPs include attention while the laws speak in 6·N·D, so iterate the
 * split until the chosen shape's full FLOPs per token spend exactly the budget.
 */
function solveHardwareBudget(r: ResolvedRequest, hw: HardwareStage, rule: ShapeRule, constraints: ScaleConstraints): Result<Solved> {
  const gpus = r.gpusGiven as number;
  const days = r.req.days as number;
  const law = { id: r.lossLaw.value.law.id, params: r.lossLaw.value.params };
  // the efficiency is the cited table's for the model's size class (or --mfu): it moves with the shape,
  // so the split and the efficiency are iterated together
  let mfu = hw.mfu;
  let Chw = gpus * hw.peak * mfu * days;
  let C6 = Chw;
  let t: Result<Target> = { ok: false, issues: [] };
  let shape: ArchSpec | undefined;
  for (let i = 0; i < 6; i++) {
    t = solveScale({ ...constraints, compute: C6 }, law, rule.fixedN);
    if (!t.ok) return t;
    shape = rule.shapeFor(t.value.N);
    mfu = planEfficiency(r, shape).u;
    Chw = gpus * hw.peak * mfu * days;
    const dHere = t.value.keep === "tokens" && constraints.tokens !== undefined ? constraints.tokens : Chw / flopsPerToken(shape, shape.seqLen, rule.arch.flopsConvention).total;
    C6 = 6 * countParams(shape).total * dHere;
  }
  if (!t.ok) return t;
  const spec = shape as ArchSpec; // the loop above ran at least once
  return {
    ok: true,
    value: {
      target: { ...t.value, how: `GPU budget ${gpus} × ${s4(hw.peak)} FLOP/s × efficiency ${s4(mfu)} × ${s4(days / SECONDS_PER_DAY)} days = ${formatFlops(Chw)} FLOPs; ${t.value.how}` },
      spec,
      D: constraints.tokens ?? Chw / flopsPerToken(spec, spec.seqLen, rule.arch.flopsConvention).total,
      dDerivation: constraints.tokens !== undefined ? "as given" : `D = GPU FLOPs / FLOPs per token = ${formatFlops(Chw)} / ${formatFlops(flopsPerToken(spec, spec.seqLen, rule.arch.flopsConvention).total)}`,
    },
  };
}

/** The target's N and D held as the user gave them, on the real shape's N. */
function solveGiven(r: ResolvedRequest, rule: ShapeRule, constraints: ScaleConstraints, presetSource: string | undefined): Result<Solved> {
  const law = r.lossLaw.value;
  const t = solveScale(constraints, { id: law.law.id, params: law.params }, rule.fixedN);
  if (!t.ok) return t;
  const target = t.value;
  const spec = rule.shapeFor(target.N);
  const Nshape = countParams(spec).total;
  const title = r.preset?.title;
  switch (target.keep) {
    case "tokens":
      return { ok: true, value: { target, spec, D: target.D, dDerivation: constraints.tokens !== undefined ? (presetSource ? `as ${title} trained` : "as given") : target.how } };
    case "tpp":
      return { ok: true, value: { target, spec, D: (constraints.tpp as number) * Nshape, dDerivation: `D = TPP·N = ${s4(constraints.tpp as number)} · ${c(Nshape)}${presetSource ? ` (${title}'s recipe)` : ""}` } };
    case "compute": {
      const C = constraints.compute ?? 6 * target.N * target.D;
      return { ok: true, value: { target, spec, D: C / (6 * Nshape), dDerivation: `D = C/(6N) = ${formatFlops(C)} / (6 · ${c(Nshape)})` } };
    }
    case "optimal-for-N":
      return { ok: true, value: { target, spec, D: optimalTokensForParams(law.params, Nshape), dDerivation: `compute-optimal D for N = ${c(Nshape)} on the ${law.law.id} frontier (Hoffmann Eq. 4)` } };
  }
}

export function scaleStage(r: ResolvedRequest, hw: HardwareStage): Result<ScaleStage> {
  const { req, preset } = r;
  const seqLen = r.seqLen.value;
  const rule = shapeRule(r);
  if (!rule.ok) return rule;
  const constraints: ScaleConstraints = { compute: req.compute, params: req.params, tokens: req.tokens, tpp: req.tpp };
  const givenScale = [req.compute, req.params, req.tokens, req.tpp].filter((x) => x !== undefined).length;
  const hardwareBudget = req.days !== undefined && r.gpusGiven !== undefined && req.compute === undefined && givenScale + (preset ? 1 : 0) < 2;
  let presetSource: string | undefined;
  // A preset with nothing else given trains as published.
  if (preset?.recipe && givenScale === 0 && !hardwareBudget) {
    if (preset.recipe.tokens !== undefined) constraints.tokens = preset.recipe.tokens;
    else if (preset.recipe.tpp !== undefined) constraints.tpp = preset.recipe.tpp;
    presetSource = `preset:${preset.id}`;
  }
  const solved = hardwareBudget ? solveHardwareBudget(r, hw, rule.value, constraints) : solveGiven(r, rule.value, constraints, presetSource);
  if (!solved.ok) return solved;
  const { target, spec, D, dDerivation } = solved.value;
  const counts = countParams(spec);
  const N = counts.total;
  const warnings: Warning[] = [];
  // A size outside the chooser's range is refused, never answered with a different model (issue 10:
  // 30T became 6.7M). Inside it, widths come in steps of 128, so a small target may land a step away:
  // that is the shape warning below.
  const shaped = !preset && !rule.value.fixed;
  const reach = shaped ? reachableParams(rule.value.template, rule.value.opts) : undefined;
  if (reach && (target.N < reach.min / 1.1 || target.N > reach.max * 1.1)) {
    const field = req.params !== undefined ? "params" : req.compute !== undefined ? "compute" : req.tokens !== undefined ? "tokens" : "days";
    return { ok: false, issues: [invalid(field, `a size lmplan's shape rule can reach with the ${rule.value.arch.templateId} block and aspect ratio ${rule.value.opts.aspectRatio}: ${c(reach.min)} … ${c(reach.max)} parameters; or give --width and --layers`, field === "params" ? req.params : `a target of ${c(target.N)} parameters`)] };
  }
  if (shaped && Math.abs(N / target.N - 1) > 0.02) {
    warnings.push({ code: "shape", source: "shape-rule", message: `shape: the target was ${c(target.N)} parameters; the closest shape under the aspect-ratio rule has ${c(N)} (${signedPct(N / target.N - 1)}); the plan uses ${c(N)}` });
  }
  const fpt = flopsPerToken(spec, seqLen, rule.value.arch.flopsConvention);
  // what the shape rule rounded (the vocabulary padded, a head width other than the rule's), said once
  if (shaped) {
    for (const x of shapeRounding(spec, target.N, rule.value.template, rule.value.opts).filter((x) => x.field !== "params" && x.field !== "numLayers")) {
      warnings.push({ code: "shape", source: "shape-rule", message: `shape: ${x.field} ${x.from} → ${x.to}: ${x.rule}` });
    }
  }
  const dSource = presetSource ?? (target.source === "user" || constraints.tokens !== undefined ? "user" : target.source);
  const model: Plan["model"] = {
    ...(preset ? { preset: preset.id } : {}),
    spec,
    totalParams: n(N, "params", preset ? `preset:${preset.id}` : "shape-rule", preset ? `${preset.title}'s published shape (${preset.citation.short})` : `shape for ${c(target.N)} (${target.how}): d_model ${spec.dModel}, ${spec.numLayers} layers, aspect ratio ${s4(spec.dModel / spec.numLayers)}`),
    nonEmbeddingParams: n(counts.nonEmbedding, "params", "arithmetic", "all parameters except token/position tables and an untied head"),
    activeParams: n(counts.active, "params", "arithmetic", spec.moe ? `top-${spec.moe.topK} of ${spec.moe.numExperts} experts` : "dense: all parameters are active"),
    flopsPerToken: n(fpt.total, "FLOPs/token", fpt.convention === "megatron" ? "megatron-flops" : "palm-flops", flopsDerivation(spec, seqLen, fpt)),
    architecture: {
      template: rule.value.arch.templateId,
      title: rule.value.arch.templateTitle,
      flopsConvention: fpt.convention,
      overrides: rule.value.arch.overrides,
      notes: rule.value.arch.notes,
    },
  };
  return { ok: true, value: { spec, counts, N, D, tpp: D / N, fpt, seqLen, target, hardwareBudget, model, tokens: n(D, "tokens", dSource, dDerivation), warnings } };
}
