/**
 * Batch and layout: Power Lines' B_opt(D) (arXiv 2505.13738 §4; src/laws/power-lines-batch.ts) is the
 * target; the layout search (src/layout/search.ts) picks the parallel layout of the GPUs and a global
 * batch dp · micro-batch · accumulation near it (within ×1.25, lmplan's tolerance): with tensor,
 * pipeline or context parallelism the batch need not be a multiple of the GPU count. The GPUs are the
 * user's, or the whole nodes that meet a deadline (src/layout/deadline.ts), or one node. A --batch-seqs
 * no layout splits is rounded to the nearest batch one does, with a warning that gives the value asked
 * for and the value used — or refused, when the request says the batch must run exactly as given (a
 * trainer config must: `lmplan emit`, `POST /api/emit`).
 */
import { invalid, type Issue, type Result } from "../../errors.js";
import type { Accelerator } from "../../hardware/catalog.js";
import { gpusForDeadline } from "../../hardware/time.js";
import { countParams } from "../../model/params.js";
import type { Warning } from "../../laws/types.js";
import { powerLinesBatch } from "../../laws/power-lines-batch.js";
import { layoutPinsAndOptions, nodesForDeadline, peakFor, searchLayouts, selectEfficiency, type LayoutMemoryOptions, type LayoutRequestFields, type LayoutSearch, type RankedLayout, type SearchInput } from "../../layout/index.js";
import type { ArchSpec } from "../../model/spec.js";
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

/** The compute efficiency u the layout's time model runs at: the user's --mfu, else the cited table's row (src/layout/calibrate.ts). */
export function planEfficiency(r: ResolvedRequest, spec: ArchSpec): { u: number; given: boolean; caseId: string; source: string; how: string; note?: string } {
  if (r.mfu.from === "user") return { u: r.mfu.value, given: true, caseId: "user", source: "the user's MFU", how: "given" };
  const e = selectEfficiency(countParams(spec).total, r.precision.value, r.req.compile ?? false);
  return { ...e, given: false };
}

/** GPUs: given, or the whole nodes that meet a deadline (any count with --whole-nodes false), or one node. */
export function gpuStage(r: ResolvedRequest, hw: HardwareStage, scale: ScaleStage): GpuStage {
  const days = r.req.days;
  if (r.gpusGiven !== undefined) return { numGpus: r.gpusGiven, num: n(r.gpusGiven, "GPUs", "user", "as given"), warnings: [] };
  if (days !== undefined) {
    const flops = scale.D * scale.fpt.total;
    const eff = planEfficiency(r, scale.spec);
    const peak = peakFor(hw.accel, hw.precision);
    // the count is arithmetic on the deadline; u's own source is named in the derivation
    const effSource = "arithmetic";
    if (r.req.wholeNodes !== false) {
      const nodes = nodesForDeadline(flops, days, hw.accel, peak, eff.u);
      if (nodes.ok) return { numGpus: nodes.value.gpus, num: n(nodes.value.gpus, "GPUs", effSource, `${nodes.value.derivation} (u ${s4(eff.u)}: ${eff.caseId === "user" ? "your --mfu" : eff.source}; whole ${hw.accel.title} nodes — --whole-nodes false for any count)`), warnings: [] };
    }
    const numGpus = Math.min(1e6, gpusForDeadline(flops as never, days, peak, eff.u));
    return { numGpus, num: n(numGpus, "GPUs", effSource, `⌈FLOPs / (deadline × peak × u)⌉ = ⌈${formatFlops(flops)} / (${s4(days)} s × ${s4(peak)} × ${s4(eff.u)})⌉`), warnings: [] };
  }
  return {
    numGpus: DEFAULT_GPUS,
    num: n(DEFAULT_GPUS, "GPUs", "arithmetic", "assumed: one 8-GPU node; pass --gpus"),
    warnings: [{ code: "assumption", source: "user", message: `${DEFAULT_GPUS} GPUs assumed (one node); pass --gpus for your cluster` }],
  };
}

/** The layout the plan runs: the search's best (or, when none fits, the smallest it found), the next few, and how it was chosen. */
export interface LayoutChoice {
  chosen: RankedLayout;
  /** The search's next-ranked layouts (at most 4). */
  others: RankedLayout[];
  fits: boolean;
  search: LayoutSearch;
  memoryOptions: LayoutMemoryOptions;
}

export interface BatchStage {
  dp: number;
  batchSeqs: number;
  batchTokens: number;
  boptTokens: number;
  steps: number;
  tokensTrained: number;
  layout: LayoutChoice;
  /** The batch section's numbers this stage decides. */
  nums: { seqLen: Num; optimalBatchTokens: Num; globalBatchSeqs: Num; globalBatchTokens: Num; microBatchSeqs: Num; gradAccumSteps: Num; dataParallel: Num; steps: Num; tokensTrained: Num };
  warnings: Warning[];
}

/** What a layout search for the plan needs besides the batch: the model, the GPUs and the request's pins and options. */
export interface LayoutQuery {
  spec: ArchSpec;
  seqLen: number;
  gpus: number;
  accel: Accelerator;
  precision: "bf16" | "fp8";
  /** The request's layout fields (pins, memory convention, --mfu …). */
  req: LayoutRequestFields;
  /** The user's efficiency, else the search takes the cited table's. */
  mfu?: number;
  /** Tokens of the run, for each layout's run time. */
  totalTokens?: number;
  /** With context stages: the global batch must be a multiple of dp × this (the longest stage splits too). */
  stageRatio?: number;
  /** GPUs given by the user: whole nodes only when --whole-nodes true is asked for. */
  wholeNodes: boolean;
}

const KEEP = 5;

/**
 * Search the layouts for an exact global batch or a target in tokens. Nothing fits: the layout that
 * needs the least memory (the search at the smallest capacity that admits one), with fits false.
 * Nothing divides the batch: the search's issue (path "gpus").
 */
export function chooseLayout(q: LayoutQuery, batch: { exact: number } | { targetTokens: number; tolerance?: number }): Result<LayoutChoice> {
  const { pins, options } = layoutPinsAndOptions({ ...q.req, precision: q.precision, ...(q.mfu !== undefined ? { mfu: q.mfu } : {}) });
  const base: SearchInput = {
    spec: q.spec,
    seqLen: q.seqLen,
    gpus: q.gpus,
    accel: q.accel,
    pins,
    options: { ...options, wholeNodes: q.wholeNodes, top: q.stageRatio !== undefined ? 50 : KEEP, ...(q.totalTokens !== undefined ? { totalTokens: q.totalTokens } : {}), ...("targetTokens" in batch && batch.tolerance !== undefined ? { batchTolerance: batch.tolerance } : {}) },
    ...("exact" in batch ? { globalBatchSeqs: batch.exact } : { batchTargetTokens: Math.min(1e13, Math.max(q.seqLen, batch.targetTokens)) }),
  };
  const splits = (x: RankedLayout) => q.stageRatio === undefined || x.batchSeqs % (x.layout.dp * q.stageRatio) === 0;
  const memoryOptions = options.memory ?? {};
  const found = searchLayouts(base);
  if (found.ok) {
    const ok = found.value.ranked.filter(splits);
    if (ok.length > 0 || q.stageRatio === undefined) {
      const ranked = ok.length > 0 ? ok : found.value.ranked;
      return { ok: true, value: { chosen: ranked[0] as RankedLayout, others: ranked.slice(1, KEEP), fits: true, search: found.value, memoryOptions } };
    }
    // none of the best splits the longest stage's batch: the nearest batch that does for each of the
    // best layouts' data-parallel sizes (a multiple of dp × ratio), run exactly; at worst GPUs × ratio
    const r = q.stageRatio;
    const tried = new Set<number>();
    for (const x of [...found.value.ranked.slice(0, KEEP).map((y) => Math.max(1, Math.round(y.batchSeqs / (y.layout.dp * r))) * y.layout.dp * r), q.gpus * r]) {
      if (tried.has(x) || "exact" in batch) continue;
      tried.add(x);
      const again = chooseLayout(q, { exact: x });
      if (again.ok && splits(again.value.chosen)) return again;
    }
    const ranked = found.value.ranked;
    return { ok: true, value: { chosen: ranked[0] as RankedLayout, others: ranked.slice(1, KEEP), fits: true, search: found.value, memoryOptions } };
  }
  if (!found.issues.every((i) => i.path[0] === "gpus" && i.code === "conflict")) return found;
  // Nothing fits? Find the least memory any layout needs: the smallest capacity at which the search
  // finds one (doubling, then 16 bisection steps: within 2⁻¹⁶ of the minimum; both loops bounded).
  const capacity = q.accel.memoryBytes;
  const at = (bytes: number) => searchLayouts({ ...base, accel: { ...q.accel, memoryBytes: bytes } });
  let hi = capacity * 2;
  let best = at(hi);
  for (let i = 0; i < 60 && !best.ok; i++) {
    hi *= 2;
    best = at(hi);
  }
  if (!best.ok) return found; // nothing divides the batch: the search's own issue
  let lo = capacity;
  for (let i = 0; i < 16; i++) {
    const mid = (lo + hi) / 2;
    const r = at(mid);
    if (r.ok) {
      hi = mid;
      best = r;
    } else lo = mid;
  }
  const pool = best.value.ranked.filter(splits);
  if (pool.length === 0 && q.stageRatio !== undefined && "targetTokens" in batch) {
    // the longest stage's batch must split too: the nearest batch that does for the least-memory layout's dp, else GPUs × ratio
    const r = q.stageRatio;
    const y = best.value.ranked[0] as RankedLayout;
    for (const x of new Set([Math.max(1, Math.round(y.batchSeqs / (y.layout.dp * r))) * y.layout.dp * r, q.gpus * r])) {
      const again = chooseLayout(q, { exact: x });
      if (again.ok && splits(again.value.chosen)) return again;
    }
  }
  const least = (pool.length > 0 ? pool : best.value.ranked).reduce((a, x) => (x.memory.totalBytes < a.memory.totalBytes ? x : a));
  const chosen: RankedLayout = { ...least, headroomBytes: capacity - least.memory.totalBytes, why: `nothing fits in ${s4(capacity / 2 ** 30)} GiB: the layout that needs the least memory` };
  const search: LayoutSearch = { ...best.value, capacityBytes: capacity, fitting: 0, derivation: `no layout of ${q.gpus} × ${q.accel.title} fits in ${s4(capacity / 2 ** 30)} GiB; the least memory any needs is ${s4(least.memory.totalBytes / 2 ** 30)} GiB (the search at capacities bisected down to it)` };
  return { ok: true, value: { chosen, others: [], fits: false, search, memoryOptions } };
}

/**
 * The batch and layout for the GPUs. When lmplan chose whole nodes for a deadline (at u) and the layout
 * it then picks runs below u (bubble, recompute, exposed communication), the nodes are recomputed at the
 * layout's achieved MFU and the layout searched again — at most 3 times, each adding nodes — so the
 * plan meets the deadline it was asked for; `gpus` in the answer is the count used.
 */
export function batchStage(r: ResolvedRequest, scale: ScaleStage, gpus: GpuStage, policy: BatchPolicy): Result<BatchStage & { gpus: GpuStage }> {
  let g = gpus;
  let b = batchOn(r, scale, g, policy);
  const days = r.req.days;
  if (r.gpusGiven !== undefined || days === undefined || r.req.wholeNodes === false) return b.ok ? { ok: true, value: { ...b.value, gpus: g } } : b;
  const flops = scale.D * scale.fpt.total;
  for (let i = 0; i < 3 && b.ok; i++) {
    const t = b.value.layout.chosen.time;
    if (!(t.mfu > 0) || flops / (g.numGpus * t.peakFlopsPerGpu * t.mfu) <= days * 1.0001) break;
    const more = nodesForDeadline(flops, days, r.accel, t.peakFlopsPerGpu, t.mfu);
    if (!more.ok || more.value.gpus <= g.numGpus) break;
    g = { ...g, numGpus: more.value.gpus, num: n(more.value.gpus, "GPUs", "arithmetic", `${more.value.derivation} (u = ${s4(t.mfu)}, the achieved MFU of the layout picked for ${g.numGpus} GPUs, which missed the deadline at the table's u; whole ${r.accel.title} nodes)`) };
    const next = batchOn(r, scale, g, policy);
    if (!next.ok) break;
    b = next;
  }
  return b.ok ? { ok: true, value: { ...b.value, gpus: g } } : b;
}

function batchOn(r: ResolvedRequest, scale: ScaleStage, gpus: GpuStage, policy: BatchPolicy): Result<BatchStage> {
  const { req, preset } = r;
  const { D, N, seqLen } = scale;
  const warnings: Warning[] = [];
  const bopt = powerLinesBatch.evaluate({ D, N });
  warnings.push(...bopt.warnings);
  const boptSeqsHere = bopt.value.BoptTokens / seqLen;
  const numGpus = gpus.numGpus;
  warnings.push(...gpus.warnings);
  const { ratio } = batchUnit(1, r.stages, seqLen);
  const stageRatio = r.stages && Number.isInteger(ratio) && ratio > 1 ? ratio : undefined;
  const eff = planEfficiency(r, scale.spec);
  const q: LayoutQuery = {
    spec: scale.spec,
    seqLen,
    gpus: numGpus,
    accel: r.accel,
    precision: r.precision.value,
    req,
    ...(eff.given ? { mfu: eff.u } : {}),
    totalTokens: D,
    ...(stageRatio !== undefined ? { stageRatio } : {}),
    // a count the user gave is theirs; lmplan's own counts (deadline, default) are whole nodes already
    wholeNodes: r.gpusGiven !== undefined ? req.wholeNodes === true : false,
  };
  const stageNote = stageRatio !== undefined ? ` (× ${stageRatio}, so the ${seqLen * stageRatio}-token stage splits too)` : "";
  let choice: LayoutChoice;
  let batchSource: string;
  let batchDerivation: string;
  if (req.batchSeqs !== undefined) {
    const asked = req.batchSeqs;
    const exact = chooseLayout(q, { exact: asked });
    const splitsExactly = exact.ok && (stageRatio === undefined || exact.value.chosen.batchSeqs % (exact.value.chosen.layout.dp * stageRatio) === 0);
    if (exact.ok && splitsExactly) {
      choice = exact.value;
      batchSource = "user";
      batchDerivation = "as given";
    } else {
      if (!exact.ok && !exact.issues.every((i) => i.path[0] === "gpus")) return { ok: false, issues: exact.issues.map(renameBatchPath) };
      const near = nearestLayout(q, asked * seqLen, stageRatio);
      if (!near.ok) return { ok: false, issues: near.issues.map(renameBatchPath) };
      const suggestions = [...new Set([near.value.chosen, ...near.value.others].map((x) => x.batchSeqs))].slice(0, 3).sort((a, b) => a - b);
      if (policy === "exact") {
        return { ok: false, issues: [invalid("batchSeqs", `a global batch that a layout of ${numGpus} GPUs splits into data-parallel ranks × micro-batch × accumulation${stageNote}, e.g. ${suggestions.join(" or ")}; or a different --gpus`, asked)] };
      }
      choice = near.value;
      const used = choice.chosen.batchSeqs;
      warnings.push({ code: "rounding", source: "user", message: `batch: --batch-seqs ${asked} does not split over any layout of ${numGpus} GPUs${stageNote}; using ${used} (${describeSplit(choice.chosen)})` });
      batchSource = "user";
      batchDerivation = `--batch-seqs ${asked} rounded to ${used}, the nearest a layout of ${numGpus} GPUs splits`;
    }
  } else {
    // B_opt as the target: within ×1.25, else as near as any layout of these GPUs allows
    const found = nearestLayout(q, bopt.value.BoptTokens, stageRatio);
    if (!found.ok) return found;
    choice = found.value;
    batchSource = "power-lines-batch";
    batchDerivation = `B_opt = ${s4(bopt.value.BoptTokens)} tokens = ${s4(boptSeqsHere)} sequences of ${seqLen}; the layout's ${describeSplit(choice.chosen)}, the nearest split of ${numGpus} GPUs${stageNote}`;
  }
  const best = choice.chosen;
  const l = best.layout;
  const batchSeqs = best.batchSeqs;
  const batchTokens = batchSeqs * seqLen;
  const batchRatio = batchTokens / bopt.value.BoptTokens;
  if (batchRatio > 2) {
    warnings.push({ code: "batch", source: "power-lines-batch", message: `batch: ${batchSeqs} sequences (${c(batchTokens)} tokens) is ${s4(batchRatio)}× Power Lines' B_opt (${c(bopt.value.BoptTokens)} tokens); above B_opt loss rises at fixed tokens${req.batchSeqs === undefined ? ` — no layout of ${numGpus} GPUs runs a smaller batch (each of the ${l.dp} data-parallel ranks needs a sequence per step); fewer GPUs or more model parallelism (--tp, --pp, --cp) would allow one` : ""}` });
  } else if (batchRatio < 0.5) {
    warnings.push({ code: "batch", source: "power-lines-batch", message: `batch: ${batchSeqs} sequences is ${s4(batchRatio)}× Power Lines' B_opt; smaller batches take more steps for the same tokens` });
  }
  const steps = Math.ceil(D / batchTokens);
  const tokensTrained = steps * batchTokens;
  const seqSource = r.seqLen.source;
  const seqDerivation = req.seqLen !== undefined ? "as given" : r.seqLen.from === "user" ? "the first context stage's length" : preset ? `${preset.title}'s sequence length` : "default 2048";
  const mp = l.tp * l.pp * l.cp;
  return {
    ok: true,
    value: {
      dp: l.dp,
      batchSeqs,
      batchTokens,
      boptTokens: bopt.value.BoptTokens,
      steps,
      tokensTrained,
      layout: choice,
      nums: {
        seqLen: n(seqLen, "tokens/sequence", seqSource, seqDerivation),
        optimalBatchTokens: n(bopt.value.BoptTokens, "tokens", "power-lines-batch", powerLinesBatch.derive({ D, N })),
        globalBatchSeqs: n(batchSeqs, "sequences", batchSource, batchDerivation),
        globalBatchTokens: n(batchTokens, "tokens", "arithmetic", `micro-batch ${l.microBatch} × seq ${seqLen} × accumulation ${l.gradAccum} × data-parallel ${l.dp} = ${batchTokens}`),
        microBatchSeqs: n(l.microBatch, "sequences", req.microBatch !== undefined ? "user" : "arithmetic", req.microBatch !== undefined ? "as given" : `the layout search's: the fastest micro-batch that fits in ${s4(r.accel.memoryBytes / 2 ** 30)} GiB (src/layout/search.ts)`),
        gradAccumSteps: n(l.gradAccum, "steps", "arithmetic", `${batchSeqs} sequences / (data-parallel ${l.dp} × micro-batch ${l.microBatch})${l.pp > 1 ? " — the pipeline's micro-batches per step" : ""}`),
        dataParallel: n(l.dp, "ranks", gpus.num.source, mp > 1 ? `GPUs / (tp · pp · cp) = ${numGpus} / (${l.tp} · ${l.pp} · ${l.cp})` : "every GPU is a data-parallel rank (tp = pp = cp = 1)"),
        steps: n(steps, "steps", "arithmetic", `⌈D / batch⌉ = ⌈${c(D)} / ${batchTokens}⌉`),
        tokensTrained: n(tokensTrained, "tokens", "arithmetic", `steps × batch = ${steps} × ${batchTokens}`),
      },
      warnings,
    },
  };
}

/** A target in tokens: within ×1.25 (the search's tolerance), else within ×100, else one sequence per GPU (every layout runs it). */
function nearestLayout(q: LayoutQuery, targetTokens: number, stageRatio: number | undefined): Result<LayoutChoice> {
  const onlyBatch = (r: Result<LayoutChoice>) => !r.ok && r.issues.every((i) => i.path[0] === "gpus");
  let found = chooseLayout(q, { targetTokens });
  if (onlyBatch(found)) found = chooseLayout(q, { targetTokens, tolerance: 100 });
  if (onlyBatch(found)) found = chooseLayout(q, { exact: q.gpus * (stageRatio ?? 1) });
  return found;
}

const describeSplit = (x: RankedLayout) => `dp ${x.layout.dp} × micro-batch ${x.layout.microBatch} × accumulation ${x.layout.gradAccum} = ${x.batchSeqs} sequences`;

/** The search names the batch "globalBatchSeqs"; the request calls it batchSeqs. */
function renameBatchPath(i: Issue): Issue {
  return i.path[0] === "globalBatchSeqs" ? { ...i, path: ["batchSeqs", ...i.path.slice(1)] } : i;
}
