/**
 * Scale: the model size N and the tokens D. Any two of compute, params (or a preset, or an explicit
 * width × depth), tokens and tokens-per-parameter fix the run; one of them leaves the other on the loss
 * law's compute-optimal frontier (Hoffmann et al., arXiv 2203.15556 Eq. 4); a GPU × days budget with
 * nothing else spends exactly that budget. The shape rule then turns N into a real transformer, whose
 * own parameter count is the one the rest of the plan uses.
 */
import { conflict, invalid, missing, type Result } from "../../errors.js";
import type { Warning } from "../../laws/types.js";
import { optimalTokensForParams } from "../../laws/chinchilla-form.js";
import { flopsPerToken, type FlopsPerToken } from "../../model/flops.js";
import { countParams, type ParamCounts } from "../../model/params.js";
import { DEFAULT_SHAPE_OPTIONS, chooseShape, reachableParams, shapeAt, type ShapeOptions, type ShapeTemplate } from "../../model/shape.js";
import type { ArchSpec } from "../../model/spec.js";
import { DEFAULT_TEMPLATE } from "./template.js";
import { formatFlops } from "../../units/format.js";
import { SECONDS_PER_DAY } from "../../units/types.js";
import type { ResolvedRequest } from "../resolve.js";
import { solveScale, type ScaleConstraints, type Target } from "../solve.js";
import type { Plan } from "../types.js";
import { c, n, s4, signedPct } from "./common.js";
import type { HardwareStage } from "./hardware.js";

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
  template: ShapeTemplate;
  opts: ShapeOptions;
  fixed?: ArchSpec;
  shapeFor: (N: number) => ArchSpec;
  /** The fixed model's size, which takes the place of --params in the solve. */
  fixedN?: { id: string; N: number };
}

function shapeRule(r: ResolvedRequest): Result<ShapeRule> {
  const { req, preset } = r;
  const seqLen = r.seqLen.value;
  const template: ShapeTemplate = { ...DEFAULT_TEMPLATE, seqLen };
  const opts = { ...DEFAULT_SHAPE_OPTIONS, aspectRatio: req.aspectRatio ?? DEFAULT_SHAPE_OPTIONS.aspectRatio };
  // --width (and --layers) fix the shape the way a preset does
  if (req.width !== undefined && preset) return { ok: false, issues: [conflict(["width", "preset"], `--width sets the shape and --preset ${preset.id} fixes it too; give one of them`)] };
  if (req.layers !== undefined && req.width === undefined) return { ok: false, issues: [missing(["width"], "--layers needs --width (the depth of an explicit shape)")] };
  if (req.width !== undefined && req.width % 64 !== 0) return { ok: false, issues: [invalid("width", "a multiple of 64 (whole heads of 64 or 128)", req.width)] };
  // from 1024 up heads are 128 wide (shapeAt), so the width must hold whole ones
  if (req.width !== undefined && req.width >= 1024 && req.width % opts.headDim !== 0) return { ok: false, issues: [invalid("width", `a multiple of ${opts.headDim} from 1024 up (whole heads of ${opts.headDim})`, req.width)] };
  const fixed = req.width !== undefined ? shapeAt(req.width, req.layers ?? Math.max(1, Math.round(req.width / opts.aspectRatio)), template, opts) : undefined;
  const shapeFor = (N: number): ArchSpec => (preset ? { ...preset.model, seqLen } : (fixed ?? chooseShape(N, template, opts)));
  const fixedN = preset
    ? { id: preset.id, N: countParams({ ...preset.model, seqLen }).total }
    : fixed
      ? { id: `--width ${fixed.dModel} --layers ${fixed.numLayers}`, N: countParams(fixed).total }
      : undefined;
  return { ok: true, value: { template, opts, ...(fixed ? { fixed } : {}), shapeFor, ...(fixedN ? { fixedN } : {}) } };
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
  const Chw = gpus * hw.peak * hw.mfu * days;
  let C6 = Chw;
  let t: Result<Target> = { ok: false, issues: [] };
  let shape: ArchSpec | undefined;
  for (let i = 0; i < 6; i++) {
    t = solveScale({ ...constraints, compute: C6 }, law, rule.fixedN);
    if (!t.ok) return t;
    shape = rule.shapeFor(t.value.N);
    const dHere = t.value.keep === "tokens" && constraints.tokens !== undefined ? constraints.tokens : Chw / flopsPerToken(shape).total;
    C6 = 6 * countParams(shape).total * dHere;
  }
  if (!t.ok) return t;
  const spec = shape as ArchSpec; // the loop above ran at least once
  return {
    ok: true,
    value: {
      target: { ...t.value, how: `GPU budget ${gpus} × ${s4(hw.peak)} FLOP/s × MFU ${hw.mfu} × ${s4(days / SECONDS_PER_DAY)} days = ${formatFlops(Chw)} FLOPs; ${t.value.how}` },
      spec,
      D: constraints.tokens ?? Chw / flopsPerToken(spec).total,
      dDerivation: constraints.tokens !== undefined ? "as given" : `D = GPU FLOPs / FLOPs per token = ${formatFlops(Chw)} / ${formatFlops(flopsPerToken(spec).total)}`,
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
    return { ok: false, issues: [invalid(field, `a size lmplan's shape rule can reach with this architecture and aspect ratio ${rule.value.opts.aspectRatio}: ${c(reach.min)} … ${c(reach.max)} parameters; or give --width and --layers`, field === "params" ? req.params : `a target of ${c(target.N)} parameters`)] };
  }
  if (shaped && Math.abs(N / target.N - 1) > 0.02) {
    warnings.push({ code: "shape", source: "shape-rule", message: `shape: the target was ${c(target.N)} parameters; the closest shape under the aspect-ratio rule has ${c(N)} (${signedPct(N / target.N - 1)}); the plan uses ${c(N)}` });
  }
  const fpt = flopsPerToken(spec, seqLen);
  const dSource = presetSource ?? (target.source === "user" || constraints.tokens !== undefined ? "user" : target.source);
  const model: Plan["model"] = {
    ...(preset ? { preset: preset.id } : {}),
    spec,
    totalParams: n(N, "params", preset ? `preset:${preset.id}` : "shape-rule", preset ? `${preset.title}'s published shape (${preset.citation.short})` : `shape for ${c(target.N)} (${target.how}): d_model ${spec.dModel}, ${spec.numLayers} layers, aspect ratio ${s4(spec.dModel / spec.numLayers)}`),
    nonEmbeddingParams: n(counts.nonEmbedding, "params", "arithmetic", "all parameters except token/position tables and an untied head"),
    activeParams: n(counts.active, "params", "arithmetic", spec.moe ? `top-${spec.moe.topK} of ${spec.moe.numExperts} experts` : "dense: all parameters are active"),
    flopsPerToken: n(fpt.total, "FLOPs/token", "palm-flops", `6N + 12·L·H·Q·T = 6·${c(counts.flops)} + 12·${spec.numLayers}·${spec.numHeads}·${spec.dModel / spec.numHeads}·${seqLen} = ${formatFlops(fpt.dense)} + ${formatFlops(fpt.attention)}`),
  };
  return { ok: true, value: { spec, counts, N, D, tpp: D / N, fpt, seqLen, target, hardwareBudget, model, tokens: n(D, "tokens", dSource, dDerivation), warnings } };
}
