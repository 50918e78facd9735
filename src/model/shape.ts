/**
 * Choose a transformer shape for a target parameter count.
 *
 * Rule (stated, not tuned): d_model ≈ aspectRatio · n_layers, d_model a multiple of 128, heads of
 * headDim (default 128) so every matmul dimension is a multiple of 64 for tensor cores; d_ff = 4·d for
 * GeLU/ReLU, and for SwiGLU/GeGLU ⌈(8/3)·d⌉ rounded up to a multiple of 256 (Shazeer 2020, arXiv
 * 2002.05202 §2 keeps FFN parameters equal by shrinking d_ff to 2/3; the multiple of 256 is Llama's
 * facebookresearch/llama model.py `multiple_of`). Default aspect ratio 80 = BTLM-3B-8K's 2560/32
 * (Cerebras-GPT 1.3B–2.7B: 85, 80). Loss is flat in the aspect ratio over a wide band at fixed N
 * (Kaplan et al., arXiv 2001.08361 §3.1, Fig. 5), so the ratio is a hardware choice, not a loss one.
 *
 * Parallelism rules (PARALLEL_SHAPE_OPTIONS; each optional, absent = not applied, as in
 * DEFAULT_SHAPE_OPTIONS):
 * - tpDivisor: query heads a multiple of it, and key/value heads a multiple of it when they follow from
 *   the GQA group — Megatron-LM refuses heads not a multiple of the tensor-parallel size
 *   (NVIDIA/Megatron-LM@d98e8a64 megatron/core/transformer/transformer_config.py, the
 *   num_attention_heads and num_query_groups checks). d_model = heads · headDim, so widths are
 *   multiples of tpDivisor·headDim; below smallHeadDimsBelow the chooser also tries the narrower
 *   smallHeadDims before skipping a width.
 * - layersMultipleOf: depth divisible by it, so the blocks split evenly over pipeline stages of any
 *   size dividing it.
 * - makeVocabSizeDivisibleBy: the vocabulary padded up to a multiple of it × tpDivisor, as Megatron-LM
 *   pads it (megatron/core/tokenizers/utils/build_tokenizer.py vocab_size_with_padding:
 *   multiple = make_vocab_size_divisible_by · tensor_model_parallel_size, default 128).
 */
import { totalParams } from "./params.js";
import type { ArchSpec } from "./spec.js";

export type ShapeTemplate = Omit<ArchSpec, "dModel" | "numLayers" | "numHeads" | "numKvHeads" | "dFf">;

export interface ShapeOptions {
  /** d_model / n_layers. */
  aspectRatio: number;
  /** d_model / n_heads. */
  headDim: number;
  /** Query heads per key/value head (1 = multi-head attention). */
  gqaGroup: number;
  /** A fixed key/value head count (Llama 3: 8 at every size) instead of heads / gqaGroup. */
  kvHeads?: number;
  /** Heads (and group-derived KV heads) a multiple of this tensor-parallel degree. */
  tpDivisor?: number;
  /**
   * Narrower head widths tried, in order, where headDim leaves a head count indivisible by tpDivisor
   * and d_model is below smallHeadDimsBelow: small models cannot hold 8 heads of 128.
   */
  smallHeadDims?: readonly number[];
  smallHeadDimsBelow?: number;
  /** Layers a multiple of this (pipeline stages). */
  layersMultipleOf?: number;
  /** Megatron's --make-vocab-size-divisible-by (the vocabulary is padded to it × tpDivisor). */
  makeVocabSizeDivisibleBy?: number;
  /**
   * How far d_model / n_layers may stray from aspectRatio (a factor; default 1.5). Coarse widths
   * (multiples of 1024 under 8-way TP) leave sizes no depth within 1.5× reaches, so the parallel rules
   * widen it and let the aspect pull in the score choose.
   */
  aspectBand?: number;
  /** Llama 3's ffn_dim_multiplier for a gated FFN (see ffnSizeFor); absent = ⌈8d/3⌉ to 256. */
  ffnMultiplier?: number;
  /** Llama 3's multiple_of for a gated FFN (see ffnSizeFor). */
  ffnMultipleOf?: number;
}

export const DEFAULT_SHAPE_OPTIONS: ShapeOptions = { aspectRatio: 80, headDim: 128, gqaGroup: 1 };

/**
 * The chooser's rules for a model that tensor and pipeline parallelism can split: 8-way TP (one
 * 8-GPU node), so from d_model 2048 up widths are multiples of 8·128 = 1024 with heads of 128; below it
 * heads of 64, 96 or 80 may make up the 8 (d_model 768 as 8 heads of 96, 1280 as 16 of 80 — GPT-3 2.7B's
 * and Pythia-2.8B's head width — 1536 as 24 of 64);
 * Megatron's vocabulary padding. Pipeline splitting is not asked by default (layersMultipleOf 1).
 */
export const PARALLEL_SHAPE_OPTIONS: ShapeOptions = {
  aspectRatio: 80,
  headDim: 128,
  gqaGroup: 1,
  tpDivisor: 8,
  smallHeadDims: [64, 96, 80],
  smallHeadDimsBelow: 2048,
  layersMultipleOf: 1,
  makeVocabSizeDivisibleBy: 128,
  aspectBand: 2.5,
};

/**
 * d_ff for a width. With opts.ffnMultiplier / ffnMultipleOf a gated FFN follows Llama 3's rule as
 * TorchTitan writes it (pytorch/torchtitan@b5bcd76c torchtitan/models/common/feed_forward.py
 * compute_ffn_hidden_dim: ⌊8d/3⌋, times the multiplier and floored, rounded up to multiple_of; Llama 3 8B
 * and 70B: 1.3 and 1024 → 14336 at d 4096, 28672 at 8192).
 */
export function ffnSizeFor(ffnType: ArchSpec["ffnType"], d: number, opts?: Pick<ShapeOptions, "ffnMultiplier" | "ffnMultipleOf">): number {
  if (ffnType === "gelu" || ffnType === "relu") return 4 * d;
  if (opts?.ffnMultiplier === undefined && opts?.ffnMultipleOf === undefined) return Math.ceil((8 / 3) * d / 256) * 256;
  let hidden = Math.floor((2 * 4 * d) / 3);
  if (opts.ffnMultiplier !== undefined) hidden = Math.floor(opts.ffnMultiplier * hidden);
  const m = opts.ffnMultipleOf ?? 256;
  return m * Math.ceil(hidden / m);
}

/** The vocabulary as Megatron pads it: up to a multiple of makeVocabSizeDivisibleBy × tpDivisor. */
export function paddedVocab(vocabSize: number, opts: ShapeOptions): number {
  if (opts.makeVocabSizeDivisibleBy === undefined) return vocabSize;
  const multiple = opts.makeVocabSizeDivisibleBy * (opts.tpDivisor ?? 1);
  return Math.ceil(vocabSize / multiple) * multiple;
}

function kvFor(H: number, opts: ShapeOptions): number {
  if (opts.kvHeads !== undefined) return H % opts.kvHeads === 0 ? opts.kvHeads : H;
  return H % opts.gqaGroup === 0 ? H / opts.gqaGroup : H;
}

/** Heads for a width under the options, or undefined when the tensor-parallel rule rejects it. */
export function headsFor(d: number, opts: ShapeOptions): { numHeads: number; numKvHeads: number; headDim: number } | undefined {
  const tp = opts.tpDivisor ?? 1;
  const small = opts.smallHeadDims !== undefined && d < (opts.smallHeadDimsBelow ?? Infinity) ? opts.smallHeadDims : [];
  for (let i = -1; i < small.length; i++) {
    const hd = i < 0 ? opts.headDim : (small[i] as number);
    if (d % hd !== 0) continue;
    const H = d / hd;
    // a fixed KV count must divide the heads (no silent fall-back to multi-head attention)
    if (opts.kvHeads !== undefined && H % opts.kvHeads !== 0) continue;
    const KV = kvFor(H, opts);
    // a fixed KV count may also divide tp (Megatron accepts both); a group-derived one must be a multiple
    const kvOk = KV % tp === 0 || (opts.kvHeads !== undefined && KV === opts.kvHeads && tp % KV === 0);
    if (H % tp === 0 && kvOk) return { numHeads: H, numKvHeads: KV, headDim: hd };
  }
  return undefined;
}

/**
 * An explicit width × depth (a μP proxy, or a shape you already chose) with the rules above for the
 * rest: heads of headDim (64 below d_model 1024, so a 256-wide proxy keeps 4 heads), d_ff from the FFN type.
 * The caller checks that width is a multiple of 64.
 */
export function shapeAt(width: number, layers: number, template: ShapeTemplate, opts: ShapeOptions = DEFAULT_SHAPE_OPTIONS): ArchSpec {
  const headDim = width < 1024 ? 64 : opts.headDim;
  const numHeads = width / headDim;
  const numKvHeads = kvFor(numHeads, opts);
  return { ...template, dModel: width, numLayers: layers, numHeads, numKvHeads, dFf: ffnSizeFor(template.ffnType, width, opts) };
}

/** Deepest model the chooser tries (Llama 3.1 405B has 126 blocks; 512 leaves room for 20T+). */
export const MAX_CHOSEN_LAYERS = 512;

/** Width step of the search: 128, or the head width if larger. */
const widthUnit = (opts: ShapeOptions) => Math.max(128, opts.headDim);

/** A template with the options' vocabulary padding applied. */
function padded(template: ShapeTemplate, opts: ShapeOptions): ShapeTemplate {
  const v = paddedVocab(template.vocabSize, opts);
  return v === template.vocabSize ? template : { ...template, vocabSize: v };
}

/**
 * The smallest and largest total parameter counts chooseShape can reach for a template: one block at
 * the narrowest width, and the deepest block count at the widest width its aspect band allows. A target
 * outside is refused by the planner rather than answered with a shape far from it (issue 10: 30T
 * parameters became a 6.7M-parameter model).
 */
export function reachableParams(template: ShapeTemplate, opts: ShapeOptions = DEFAULT_SHAPE_OPTIONS): { min: number; max: number } {
  const t = padded(template, opts);
  const unit = widthUnit(opts);
  const at = (L: number, d: number) => {
    const h = headsFor(d, opts);
    // The default rules count multi-head attention here, as they always did.
    const heads = (opts.tpDivisor === undefined && opts.kvHeads === undefined) || !h ? { numHeads: d / opts.headDim, numKvHeads: d / opts.headDim } : h;
    return totalParams({ ...t, dModel: d, numLayers: L, numHeads: heads.numHeads, numKvHeads: heads.numKvHeads, dFf: ffnSizeFor(t.ffnType, d, opts) } as ArchSpec);
  };
  const minL = Math.max(1, opts.layersMultipleOf ?? 1);
  const maxL = Math.floor(MAX_CHOSEN_LAYERS / minL) * minL;
  let narrow = unit;
  const rules = opts.tpDivisor !== undefined || opts.kvHeads !== undefined;
  let wide = Math.max(unit, Math.floor((opts.aspectRatio * MAX_CHOSEN_LAYERS * (opts.aspectBand ?? 1.5)) / unit) * unit);
  // both walks stop at the other end of the width range
  while (rules && narrow <= wide && !headsFor(narrow, opts)) narrow += unit;
  while (rules && wide > narrow && !headsFor(wide, opts)) wide -= unit;
  // no width the rules accept (a fixed KV count neither a multiple nor a divisor of the TP degree): nothing is reachable
  if (rules && !headsFor(narrow, opts)) return { min: Infinity, max: 0 };
  return { min: at(minL, narrow), max: at(maxL, wide) };
}

/** What the chooser rounded, so the plan can say so (STYLE.md: never adjust silently). */
export interface ShapeRounding {
  field: "vocabSize" | "numHeads" | "headDim" | "numLayers" | "params";
  from: number;
  to: number;
  rule: string;
}

/**
 * The shape whose total parameter count is closest to `targetParams`, among d_model multiples of 128
 * within 1.5× of aspectRatio·L that the options' parallelism rules accept; a 1.35× departure from the
 * ratio weighs as much as 3% of N.
 */
export function chooseShape(targetParams: number, template: ShapeTemplate, opts: ShapeOptions = DEFAULT_SHAPE_OPTIONS): ArchSpec {
  const t = padded(template, opts);
  let best: ArchSpec | undefined;
  let bestScore = Infinity;
  const unit = widthUnit(opts);
  // the parallelism rules, or a fixed KV count, reject some widths; the default rules accept every one
  const rules = opts.tpDivisor !== undefined || opts.kvHeads !== undefined;
  const layerStep = Math.max(1, opts.layersMultipleOf ?? 1);
  // The aspect pull is at most 0.1·ln 1.5 ≈ 0.04, so a depth whose whole width range misses the
  // target by more than e^0.05 can never win: skip it, and stop once even the narrowest is too big.
  const band = opts.aspectBand ?? 1.5;
  const margin = band === 1.5 ? Math.exp(0.05) : Math.exp(0.1 * Math.log(band) + 0.01);
  const specAt = (L: number, d: number): ArchSpec => {
    const h = rules ? headsFor(d, opts) : undefined;
    const numHeads = h ? h.numHeads : d / opts.headDim;
    const numKvHeads = h ? h.numKvHeads : kvFor(numHeads, opts);
    const spec: ArchSpec = { ...t, dModel: d, numLayers: L, numHeads, numKvHeads, dFf: ffnSizeFor(t.ffnType, d, opts) };
    // a head width other than d/numHeads would be carried explicitly; the fallback keeps d = H·headDim
    return spec;
  };
  // One reusable spec for counting candidates: allocation, not arithmetic, dominated the search.
  const scratch: ArchSpec = specAt(layerStep, unit);
  const paramsAt = (L: number, d: number, H?: number, KV?: number) => {
    scratch.numLayers = L;
    scratch.dModel = d;
    scratch.numHeads = H ?? d / opts.headDim;
    scratch.numKvHeads = KV ?? kvFor(scratch.numHeads, opts);
    scratch.dFf = ffnSizeFor(t.ffnType, d, opts);
    return totalParams(scratch);
  };
  for (let L = layerStep; L <= MAX_CHOSEN_LAYERS; L += layerStep) {
    const lo = Math.max(unit, Math.ceil((opts.aspectRatio * L) / band / unit) * unit) / unit;
    const hi = Math.max(lo * unit, Math.floor((opts.aspectRatio * L * band) / unit) * unit) / unit;
    if (paramsAt(L, lo * unit) > targetParams * margin) {
      if (best !== undefined) break;
    } else if (paramsAt(L, hi * unit) * margin < targetParams) continue;
    // N grows with d: binary-search the first width within the margin, then walk while it stays within.
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = Math.floor((a + b) / 2);
      if (paramsAt(L, mid * unit) * margin < targetParams) a = mid + 1;
      else b = mid;
    }
    for (let k = a; k <= hi; k++) {
      const d = k * unit;
      if (d % opts.headDim !== 0) continue;
      let N: number;
      if (rules) {
        const h = headsFor(d, opts);
        if (!h) continue;
        N = paramsAt(L, d, h.numHeads, h.numKvHeads);
      } else N = paramsAt(L, d);
      if (N > targetParams * margin && best !== undefined) break;
      // Parameter error first; a pull toward the stated aspect ratio (1.35× off the ratio costs as much as 3% off N).
      const score = Math.abs(Math.log(N / targetParams)) + 0.1 * Math.abs(Math.log(d / L / opts.aspectRatio));
      if (score < bestScore) {
        bestScore = score;
        best = specAt(L, d);
      }
    }
  }
  // Tiny targets (below any shape) never enter the loop body's search: fall back to the smallest shape.
  if (best) return best;
  if (!rules) return specAt(1, unit);
  // the narrowest width the rules accept, looked for up to the deepest model's band (reachableParams refuses targets below it)
  const widest = Math.max(unit, Math.floor((opts.aspectRatio * MAX_CHOSEN_LAYERS * band) / unit) * unit);
  let d = unit;
  while (d < widest && !headsFor(d, opts)) d += unit;
  return specAt(layerStep, d);
}

/** chooseShape, and what its rules rounded: the vocabulary padding, a narrower head, and the parameter miss. */
export function chooseShapeReport(targetParams: number, template: ShapeTemplate, opts: ShapeOptions = DEFAULT_SHAPE_OPTIONS): { spec: ArchSpec; rounding: ShapeRounding[] } {
  const spec = chooseShape(targetParams, template, opts);
  return { spec, rounding: shapeRounding(spec, targetParams, template, opts) };
}

/** What the rules rounded in a shape chooseShape returned for `targetParams` (without searching again). */
export function shapeRounding(spec: ArchSpec, targetParams: number, template: ShapeTemplate, opts: ShapeOptions = DEFAULT_SHAPE_OPTIONS): ShapeRounding[] {
  const rounding: ShapeRounding[] = [];
  if (spec.vocabSize !== template.vocabSize) {
    const multiple = (opts.makeVocabSizeDivisibleBy ?? 1) * (opts.tpDivisor ?? 1);
    rounding.push({ field: "vocabSize", from: template.vocabSize, to: spec.vocabSize, rule: `padded to a multiple of ${multiple} = make-vocab-size-divisible-by ${opts.makeVocabSizeDivisibleBy} × TP ${opts.tpDivisor ?? 1} (Megatron-LM)` });
  }
  const hd = spec.dModel / spec.numHeads;
  if (hd !== opts.headDim) {
    rounding.push({ field: "headDim", from: opts.headDim, to: hd, rule: `d_model ${spec.dModel} / ${opts.headDim} is not a multiple of ${opts.tpDivisor ?? 1} heads; ${spec.numHeads} heads of ${hd}` });
  }
  if (opts.layersMultipleOf !== undefined && opts.layersMultipleOf > 1) {
    rounding.push({ field: "numLayers", from: spec.numLayers, to: spec.numLayers, rule: `layers a multiple of ${opts.layersMultipleOf} (even pipeline stages)` });
  }
  const N = totalParams(spec);
  if (N !== targetParams) rounding.push({ field: "params", from: targetParams, to: N, rule: `closest shape the rules allow (d_model steps of 128, aspect ratio within ${opts.aspectBand ?? 1.5}× of ${opts.aspectRatio})` });
  return rounding;
}
