/**
 * plan(): compose units, model, hardware, laws, parameterization and schedules into a Plan in which
 * every number carries its source and its arithmetic. Pure: no I/O, no clock, no environment.
 *
 * The plan is a pipeline: resolve (every default, tagged with where it came from), then one stage per
 * section, each in its own file under stages/ and each returning its numbers, derivations and warnings:
 * hardware → scale (N, D, shape) → GPUs, and the batch with the parallel layout the search picks for it
 * (src/layout) → learning rate → schedule → weight decay → loss → context and data → time and cost (the
 * layout's step) → memory (the layout's components) → alternatives → comparison with the published recipe.
 */
import { LmplanError, type Result } from "../errors.js";
import type { Warning } from "../laws/types.js";
import { parsePlanRequest, type PlanRequest, type PlanRequestInput } from "./request.js";
import { resolveRequest } from "./resolve.js";
import { buildAlternatives, fittedLrBatchAlternative } from "./stages/alternatives.js";
import { batchStage, gpuStage, type BatchPolicy } from "./stages/batch.js";
import { dedupe, n } from "./stages/common.js";
import { compareWithRecipe } from "./stages/comparison.js";
import { contextStage, mixtureStage } from "./stages/data.js";
import { hardwareStage } from "./stages/hardware.js";
import { lossStage } from "./stages/loss.js";
import { memoryInputs, memoryStage } from "./stages/memory.js";
import { lrStage, optimizerStage } from "./stages/optimizer.js";
import { scaleStage } from "./stages/scale.js";
import { scheduleStage } from "./stages/schedule.js";
import { fittedStage } from "./stages/fitted.js";
import { timeInputs, timeStage } from "./stages/time.js";
import { formatFlops } from "../units/format.js";
import { c } from "./stages/common.js";
import type { Plan } from "./types.js";

/** The block lmplan shapes a model with when none is named: BTLM-3B-8K's (src/model/arch.ts). */
export { BTLM_TEMPLATE as DEFAULT_TEMPLATE } from "../model/arch.js";
export { batchUnit, nearbyMultiples, type BatchPolicy } from "./stages/batch.js";

/** Plan a run; throws LmplanError (with issues as data) on bad or conflicting input. */
export function plan(input: PlanRequestInput): Plan {
  const r = planSafe(input);
  if (!r.ok) throw new LmplanError(r.issues);
  return r.value;
}

/** Plan a run; answers issues instead of throwing. */
export function planSafe(input: unknown, options: PlanOptions = {}): Result<Plan> {
  const parsed = parsePlanRequest(input);
  if (!parsed.ok) return parsed;
  return planFromRequest(parsed.value, options);
}

export interface PlanOptions {
  /**
   * A requested --batch-seqs that does not split over the data-parallel GPUs: "round" plans the nearest
   * batch that does (with a warning naming both); "exact" refuses, as a trainer config must run the
   * batch that was asked for.
   */
  batchPolicy?: BatchPolicy;
}

export function planFromRequest(req: PlanRequest, options: PlanOptions = {}): Result<Plan> {
  const resolved = resolveRequest(req);
  if (!resolved.ok) return resolved;
  const r = resolved.value;
  const { preset } = r;
  const warnings: Warning[] = [];
  const hw = hardwareStage(r);
  if (!hw.ok) return hw;
  warnings.push(...hw.value.warnings);
  const scale = scaleStage(r, hw.value);
  if (!scale.ok) return scale;
  const sc = scale.value;
  warnings.push(...sc.warnings);
  const gpus = gpuStage(r, hw.value, sc);
  const batch = batchStage(r, sc, gpus, options.batchPolicy ?? "round");
  if (!batch.ok) return batch;
  const b = batch.value;
  warnings.push(...b.warnings);
  const lr0 = lrStage(r, sc);
  warnings.push(...lr0.warnings);
  const schedR = scheduleStage(r, lr0, { steps: b.steps, batchTokens: b.batchTokens, tpp: sc.tpp });
  if (!schedR.ok) return schedR;
  const sched = schedR.value;
  warnings.push(...sched.warnings);
  const opt = optimizerStage(r, sc, b.batchTokens, sched.lr);
  warnings.push(...opt.decay.warnings);
  const loss = lossStage(r, sc.N, sc.D);
  warnings.push(...loss.warnings);
  const context = contextStage(r, sc, { tokensTrained: b.tokensTrained, batchTokens: b.batchTokens, dp: b.dp, layout: b.layout.chosen.layout, layoutOptions: b.layout.memoryOptions });
  if (!context.ok) return context;
  const cx = context.value;
  if (cx) warnings.push(...cx.warnings);
  const mixture = mixtureStage(r, sc.D, sc.N);
  if (!mixture.ok) return mixture;
  warnings.push(...mixture.value.warnings);
  // With stages, each stage's tokens pay the attention FLOPs of its own length.
  const totalFlops = cx?.totalFlops ?? b.tokensTrained * sc.fpt.total;
  const time = timeStage(timeInputs(r, b.layout, { totalFlops, numGpus: b.gpus.num, hardwareBudget: sc.hardwareBudget }));
  warnings.push(...time.warnings);
  const mem = memoryStage(memoryInputs(r, { D: sc.D, batchSeqs: b.batchSeqs, choice: b.layout }));
  if (!mem.ok) return mem;
  warnings.push(...mem.value.warnings);
  const fitted = fittedStage(r, { N: sc.N, nonEmbeddingN: sc.counts.nonEmbedding, D: sc.D, batchTokens: b.batchTokens });
  warnings.push(...fitted.warnings);
  const alternatives = [
    ...buildAlternatives({ N: sc.N, counts: sc.counts, D: sc.D, spec: sc.spec, seqLen: sc.seqLen, batchTokens: b.batchTokens, tauOpt: opt.decay.tauOpt, hiddenLr: sched.lr.hiddenLr, lambda: opt.decay.lambda, bopt: b.boptTokens }),
    ...fittedLrBatchAlternative(req.fittedLaws, { nonEmbedding: sc.counts.nonEmbedding, D: sc.D, tauOpt: opt.decay.tauOpt }),
  ];
  const { N, D } = sc;
  const planOut: Plan = {
    lmplanPlanVersion: 1,
    title: preset ? `${preset.title} (preset ${preset.id})` : `${c(N)}-parameter model, ${c(D)} tokens`,
    model: sc.model,
    budget: {
      tokens: sc.tokens,
      tokensPerParam: n(sc.tpp, "tokens/param", "arithmetic", `D/N = ${c(D)} / ${c(N)}`),
      compute6ND: n(6 * N * D, "FLOPs", "arithmetic", `6·N·D = 6 · ${c(N)} · ${c(D)} (the laws' convention)`),
      computeTotal: n(
        totalFlops,
        "FLOPs",
        "palm-flops",
        cx?.totalFlops !== undefined
          ? `Σ over stages of tokens × FLOPs/token at that length = ${cx.stages.map((x) => `${c(x.tokens ?? 0)} × ${formatFlops(x.flopsPerToken ?? 0)} (seq ${x.seqLen})`).join(" + ")}`
          : `tokens trained × FLOPs/token = ${c(b.tokensTrained)} × ${formatFlops(sc.fpt.total)}`,
      ),
      predictedLoss: loss.predictedLoss,
      ...(loss.dataConstrainedLoss ? { dataConstrainedLoss: loss.dataConstrainedLoss } : {}),
    },
    batch: {
      seqLen: b.nums.seqLen,
      optimalBatchTokens: b.nums.optimalBatchTokens,
      globalBatchSeqs: b.nums.globalBatchSeqs,
      globalBatchTokens: b.nums.globalBatchTokens,
      microBatchSeqs: b.nums.microBatchSeqs,
      gradAccumSteps: b.nums.gradAccumSteps,
      dataParallel: b.nums.dataParallel,
      steps: b.nums.steps,
      tokensTrained: b.nums.tokensTrained,
    },
    optimizer: opt.section,
    schedule: sched.section,
    hardware: time.section,
    memory: mem.value.section,
    layout: b.layout.chosen.layout,
    alternatives,
    ...(mixture.value.data ? { data: mixture.value.data } : {}),
    ...(cx ? { context: cx } : {}),
    ...(fitted.bridge ? { mupBridge: fitted.bridge } : {}),
    warnings: dedupe(warnings),
  };
  if (preset?.recipe) planOut.comparison = compareWithRecipe(preset, planOut, r.muBase.value);
  return { ok: true, value: planOut };
}
