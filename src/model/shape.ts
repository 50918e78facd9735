/**
 * Choose a transformer shape for a target parameter count.
 *
 * Rule (stated, not tuned): d_model ≈ aspectRatio · n_layers, d_model a multiple of 128, heads of
 * headDim (default 128) so every matmul dimension is a multiple of 64 for tensor cores; d_ff = 4·d for
 * GeLU, and for SwiGLU ⌈(8/3)·d⌉ rounded up to a multiple of 256 (Shazeer 2020, arXiv 2002.05202 §2
 * keeps FFN parameters equal by shrinking d_ff to 2/3; the multiple of 256 is Llama's
 * facebookresearch/llama model.py `multiple_of`). Default aspect ratio 80 = BTLM-3B-8K's 2560/32
 * (Cerebras-GPT 1.3B–2.7B: 85, 80). Loss is flat in the aspect ratio over a wide band at fixed N
 * (Kaplan et al., arXiv 2001.08361 §3.1, Fig. 5), so the ratio is a hardware choice, not a loss one.
 */
import { countParams } from "./params.js";
import type { ArchSpec } from "./spec.js";

export type ShapeTemplate = Omit<ArchSpec, "dModel" | "numLayers" | "numHeads" | "numKvHeads" | "dFf">;

export interface ShapeOptions {
  /** d_model / n_layers. */
  aspectRatio: number;
  /** d_model / n_heads. */
  headDim: number;
  /** Query heads per key/value head (1 = multi-head attention). */
  gqaGroup: number;
}

export const DEFAULT_SHAPE_OPTIONS: ShapeOptions = { aspectRatio: 80, headDim: 128, gqaGroup: 1 };

export function ffnSizeFor(ffnType: ArchSpec["ffnType"], d: number): number {
  if (ffnType === "gelu") return 4 * d;
  return Math.ceil((8 / 3) * d / 256) * 256;
}

/**
 * An explicit width × depth (a μP proxy, or a shape you already chose) with the rules above for the
 * rest: heads of headDim (64 below d_model 1024, so a 256-wide proxy keeps 4 heads), d_ff from the FFN type.
 * The caller checks that width is a multiple of 64.
 */
export function shapeAt(width: number, layers: number, template: ShapeTemplate, opts: ShapeOptions = DEFAULT_SHAPE_OPTIONS): ArchSpec {
  const headDim = width < 1024 ? 64 : opts.headDim;
  const numHeads = width / headDim;
  const numKvHeads = numHeads % opts.gqaGroup === 0 ? numHeads / opts.gqaGroup : numHeads;
  return { ...template, dModel: width, numLayers: layers, numHeads, numKvHeads, dFf: ffnSizeFor(template.ffnType, width) };
}

/** Deepest model the chooser tries (Llama 3.1 405B has 126 blocks; 512 leaves room for 20T+). */
export const MAX_CHOSEN_LAYERS = 512;

/**
 * The smallest and largest total parameter counts chooseShape can reach for a template: one block at
 * the narrowest width, and the deepest block count at the widest width its aspect band allows. A target
 * outside is refused by the planner rather than answered with a shape far from it (issue 10: 30T
 * parameters became a 6.7M-parameter model).
 */
export function reachableParams(template: ShapeTemplate, opts: ShapeOptions = DEFAULT_SHAPE_OPTIONS): { min: number; max: number } {
  const unit = Math.max(128, opts.headDim);
  const at = (L: number, d: number) => countParams({ ...template, dModel: d, numLayers: L, numHeads: d / opts.headDim, numKvHeads: d / opts.headDim, dFf: ffnSizeFor(template.ffnType, d) }).total;
  const widest = Math.max(unit, Math.floor((opts.aspectRatio * MAX_CHOSEN_LAYERS * 1.5) / unit) * unit);
  return { min: at(1, unit), max: at(MAX_CHOSEN_LAYERS, widest) };
}

/**
 * The shape whose total parameter count is closest to `targetParams`, among d_model multiples of 128
 * within 1.5× of aspectRatio·L; a 1.35× departure from the ratio weighs as much as 3% of N.
 */
export function chooseShape(targetParams: number, template: ShapeTemplate, opts: ShapeOptions = DEFAULT_SHAPE_OPTIONS): ArchSpec {
  let best: ArchSpec | undefined;
  let bestScore = Infinity;
  const unit = Math.max(128, opts.headDim);
  // The aspect pull is at most 0.1·ln 1.5 ≈ 0.04, so a depth whose whole width range misses the
  // target by more than e^0.05 can never win: skip it, and stop once even the narrowest is too big.
  const margin = Math.exp(0.05);
  const specAt = (L: number, d: number): ArchSpec => {
    const numHeads = d / opts.headDim;
    const numKvHeads = numHeads % opts.gqaGroup === 0 ? numHeads / opts.gqaGroup : numHeads;
    return { ...template, dModel: d, numLayers: L, numHeads, numKvHeads, dFf: ffnSizeFor(template.ffnType, d) };
  };
  // One reusable spec for counting candidates: allocation, not arithmetic, dominated the search.
  const scratch: ArchSpec = specAt(1, unit);
  const paramsAt = (L: number, d: number) => {
    scratch.numLayers = L;
    scratch.dModel = d;
    scratch.numHeads = d / opts.headDim;
    scratch.numKvHeads = scratch.numHeads % opts.gqaGroup === 0 ? scratch.numHeads / opts.gqaGroup : scratch.numHeads;
    scratch.dFf = ffnSizeFor(template.ffnType, d);
    return countParams(scratch).total;
  };
  for (let L = 1; L <= MAX_CHOSEN_LAYERS; L++) {
    const lo = Math.max(unit, Math.ceil((opts.aspectRatio * L) / 1.5 / unit) * unit) / unit;
    const hi = Math.max(lo * unit, Math.floor((opts.aspectRatio * L * 1.5) / unit) * unit) / unit;
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
      const N = paramsAt(L, d);
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
  return best ?? specAt(1, unit);
}
