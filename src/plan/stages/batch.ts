/**
 * Batch: Power Lines' B_opt(D) = 0.0306·D^0.383 tokens (arXiv 2505.13738 §4), split over the
 * data-parallel GPUs. The GPUs are the user's, or enough to meet a deadline, or one node. A batch that
 * does not split into whole sequences per GPU (in every context stage) is rounded with a warning that
 * gives the value asked for, the unit and the value used — or refused, when the request says the batch
 * must run exactly as given (a trainer config must: `lmplan emit`, `POST /api/emit`).
 */
import { invalid, type Result } from "../../errors.js";
import { gpusForDeadline } from "../../hardware/time.js";
import type { Warning } from "../../laws/types.js";
import { powerLinesBatch } from "../../laws/power-lines-batch.js";
import { formatFlops } from "../../units/format.js";
import type { ResolvedRequest } from "../resolve.js";
import type { Num } from "../types.js";
import { c, n, s4 } from "./common.js";
import type { HardwareStage } from "./hardware.js";
import type { ScaleStage } from "./scale.js";

/** lmplan's GPU count when none is given and no deadline sets one: one 8-GPU node. */
export const DEFAULT_GPUS = 8;

/** What to do with a requested batch that does not split evenly: round it (with a warning) or refuse it. */
export type BatchPolicy = "round" | "exact";

/**
 * What a global batch (in sequences) must be a multiple of. With longer later stages the batch (same
 * tokens per step) must split into whole sequences per GPU in every stage: dp × (longest / first
 * length) when that ratio is whole, else dp.
 */
export function batchUnit(dp: number, stages: readonly { seqLen: number }[] | undefined, seqLen: number): { ratio: number; unit: number } {
  const ratio = stages ? Math.max(...stages.map((x) => x.seqLen)) / seqLen : 1;
  return { ratio, unit: Number.isInteger(ratio) ? dp * ratio : dp };
}

/** Multiples of `unit` nearest `batchSeqs` (for the refusal message). */
export function nearbyMultiples(batchSeqs: number, unit: number): number[] {
  const lo = Math.max(unit, Math.floor(batchSeqs / unit) * unit);
  return lo === batchSeqs ? [lo] : [lo, lo + unit].filter((x, i, a) => a.indexOf(x) === i);
}

export interface GpuStage {
  numGpus: number;
  num: Num;
  warnings: Warning[];
}

/** GPUs: given, or enough to meet a deadline, or one node. */
export function gpuStage(r: ResolvedRequest, hw: HardwareStage, scale: ScaleStage): GpuStage {
  const days = r.req.days;
  if (r.gpusGiven !== undefined) return { numGpus: r.gpusGiven, num: n(r.gpusGiven, "GPUs", "user", "as given"), warnings: [] };
  if (days !== undefined) {
    const flops = scale.D * scale.fpt.total;
    const numGpus = gpusForDeadline(flops as never, days, hw.peak, hw.mfu);
    return { numGpus, num: n(numGpus, "GPUs", "arithmetic", `⌈FLOPs / (deadline × peak × MFU)⌉ = ⌈${formatFlops(flops)} / (${s4(days)} s × ${s4(hw.peak)} × ${hw.mfu})⌉`), warnings: [] };
  }
  return {
    numGpus: DEFAULT_GPUS,
    num: n(DEFAULT_GPUS, "GPUs", "arithmetic", "assumed: one 8-GPU node; pass --gpus"),
    warnings: [{ code: "assumption", source: "user", message: `${DEFAULT_GPUS} GPUs assumed (one node); pass --gpus for your cluster` }],
  };
}

export interface BatchStage {
  dp: number;
  batchSeqs: number;
  batchTokens: number;
  boptTokens: number;
  steps: number;
  tokensTrained: number;
  /** The batch section's numbers this stage decides (the micro-batch split is the memory stage's). */
  nums: { seqLen: Num; optimalBatchTokens: Num; globalBatchSeqs: Num; dataParallel: Num; steps: Num; tokensTrained: Num };
  warnings: Warning[];
}

export function batchStage(r: ResolvedRequest, scale: ScaleStage, gpus: GpuStage, policy: BatchPolicy): Result<BatchStage> {
  const { req, preset } = r;
  const { D, N, seqLen } = scale;
  const warnings: Warning[] = [];
  const bopt = powerLinesBatch.evaluate({ D, N });
  warnings.push(...bopt.warnings);
  const boptSeqsHere = bopt.value.BoptTokens / seqLen;
  const dp = gpus.numGpus;
  warnings.push(...gpus.warnings);
  const { ratio, unit } = batchUnit(dp, r.stages, seqLen);
  let batchSeqs: number;
  let batchDerivation: string;
  let batchSource: string;
  if (req.batchSeqs !== undefined) {
    batchSeqs = req.batchSeqs;
    batchSource = "user";
    batchDerivation = "as given";
    if (batchSeqs % unit !== 0) {
      if (policy === "exact") {
        return { ok: false, issues: [invalid("batchSeqs", `a global batch that splits evenly over the ${dp} data-parallel GPUs${unit !== dp ? ` in every context stage (a multiple of ${unit})` : ""}, e.g. ${nearbyMultiples(batchSeqs, unit).join(" or ")}; or a different --gpus`, batchSeqs)] };
      }
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
  const seqSource = r.seqLen.source;
  const seqDerivation = req.seqLen !== undefined ? "as given" : r.seqLen.from === "user" ? "the first context stage's length" : preset ? `${preset.title}'s sequence length` : "default 2048";
  return {
    ok: true,
    value: {
      dp,
      batchSeqs,
      batchTokens,
      boptTokens: bopt.value.BoptTokens,
      steps,
      tokensTrained,
      nums: {
        seqLen: n(seqLen, "tokens/sequence", seqSource, seqDerivation),
        optimalBatchTokens: n(bopt.value.BoptTokens, "tokens", "power-lines-batch", `B_opt = 0.0306 · D^0.383 = 0.0306 · ${c(D)}^0.383 = ${s4(bopt.value.BoptSeqs)} sequences of 2048`),
        globalBatchSeqs: n(batchSeqs, "sequences", batchSource, batchDerivation),
        dataParallel: n(dp, "ranks", gpus.num.source, "every GPU is a data-parallel rank"),
        steps: n(steps, "steps", "arithmetic", `⌈D / batch⌉ = ⌈${c(D)} / ${batchTokens}⌉`),
        tokensTrained: n(tokensTrained, "tokens", "arithmetic", `steps × batch = ${steps} × ${batchTokens}`),
      },
      warnings,
    },
  };
}
