/**
 * Batch decomposition for a trainer config: global batch = micro-batch × gradient accumulation ×
 * data-parallel GPUs. A plan is already decomposed for its own GPU count; `resplitBatch` moves it to
 * another count by re-running the planner's batch-split, time and memory stages, or says why it cannot. A trainer config
 * must run exactly the batch that was asked for, so nothing here rounds.
 */
import { invalid, type Issue, type Result } from "../errors.js";
import { findAccelerator } from "../hardware/catalog.js";
import { chooseMicroBatch } from "../model/memory.js";
import { dedupe, n } from "../plan/stages/common.js";
import { memoryStage } from "../plan/stages/memory.js";
import { timeStage } from "../plan/stages/time.js";
import type { Plan } from "../plan/types.js";

/** The most GPUs a re-split may ask for (the request's --gpus limit, src/plan/request.ts). */
export const MAX_GPUS = 1e6;
/** How far the divisor search for an error message may look (candidates tried, at most). */
const DIVISOR_SEARCH = 100_000;

/**
 * GPU counts near `gpus` that split `batchSeqs` evenly (for the error message): every divisor pair
 * (d, batch/d) with d ≤ 100,000 — all of them for batches up to 10¹⁰ — and the divisors within
 * 100,000 of `gpus`; whatever the sizes, a message never costs √batch steps.
 */
export function nearbyDivisors(batchSeqs: number, gpus: number, count = 4): number[] {
  if (!Number.isSafeInteger(batchSeqs) || batchSeqs < 1) return [];
  const center = Math.min(Math.max(1, Math.round(Number.isFinite(gpus) ? gpus : 1)), batchSeqs);
  const out = new Set<number>();
  for (let d = 1; d <= DIVISOR_SEARCH && d * d <= batchSeqs; d++) if (batchSeqs % d === 0) out.add(d).add(batchSeqs / d);
  for (let k = 0; k <= DIVISOR_SEARCH; k++) for (const d of [center - k, center + k]) if (d >= 1 && d <= batchSeqs && batchSeqs % d === 0) out.add(d);
  return [...out].sort((a, b) => Math.abs(a - center) - Math.abs(b - center) || a - b).slice(0, count).sort((a, b) => a - b);
}

function splitIssue(field: string, batch: number, gpus: number, what: string): Issue {
  return invalid(field, `a GPU count that divides the ${what} of ${batch} sequences (near ${gpus}: ${nearbyDivisors(batch, gpus).join(", ")})`, gpus);
}

/** The plan's batch split over `gpus` data-parallel GPUs, with the micro-batch that fits, or why it cannot be. */
export function resplitBatch(plan: Plan, gpus: number): Result<Plan> {
  if (!Number.isInteger(gpus) || gpus < 1 || gpus > MAX_GPUS) return { ok: false, issues: [invalid("gpus", `a whole number of GPUs ≥ 1 and ≤ ${MAX_GPUS.toExponential().replace("e+", "e")}`, gpus)] };
  const b = plan.batch;
  const global = b.globalBatchSeqs.value;
  if (global % gpus !== 0) return { ok: false, issues: [splitIssue("gpus", global, gpus, "plan's global batch")] };
  for (const st of plan.context?.stages ?? []) {
    if (st.batchSeqs !== undefined && st.batchSeqs % gpus !== 0) return { ok: false, issues: [splitIssue("gpus", st.batchSeqs, gpus, `${st.seqLen}-token stage's batch`)] };
  }
  const accel = findAccelerator(plan.hardware.gpu);
  if (!accel) return { ok: false, issues: [invalid("plan.hardware.gpu", "an accelerator lmplan knows", plan.hardware.gpu)] };
  const m = plan.memory;
  // The split, the time and the memory are re-derived by the planner's own stages for the new GPU
  // count; the batch itself is the plan's (a trainer config runs the batch that was planned).
  const mem = memoryStage({ accel: { ...accel, memoryBytes: m.capacityBytes.value }, spec: plan.model.spec, seqLen: b.seqLen.value, D: plan.budget.tokens.value, batchSeqs: global, dp: gpus, zeroStage: m.zeroStage, recompute: "auto" });
  if (!mem.ok) return mem;
  const h = plan.hardware;
  const numGpus = n(gpus, "GPUs", "user", "emit --gpus");
  const time = timeStage({
    hw: { accel, peak: h.peakFlopsPerGpu.value, mfu: h.mfu.value, precision: accel.peakFp8 === h.peakFlopsPerGpu.value ? "fp8" : "bf16" },
    mfuGiven: h.mfu.source === "user",
    ...(h.pricePerGpuHour?.source === "user" ? { priceGiven: h.pricePerGpuHour.value } : {}),
    ...(h.deadlineSeconds ? { deadlineSeconds: h.deadlineSeconds.value } : {}),
    hardwareBudget: false,
    totalFlops: plan.budget.computeTotal.value,
    numGpus,
  });
  // each context stage picks its own micro-batch for its length (as src/context/stages.ts does)
  const stageMicro = <S extends { seqLen: number; batchSeqs?: number; microBatchSeqs?: number }>(st: S): S => {
    if (st.batchSeqs === undefined) return st;
    const r = chooseMicroBatch(plan.model.spec, st.seqLen, st.batchSeqs / gpus, gpus, m.zeroStage, "auto", m.capacityBytes.value);
    return r.ok ? { ...st, microBatchSeqs: r.value.micro, memory: r.value.breakdown } : st;
  };
  // the plan's memory and deadline warnings were about the old split: the stages say them again if they still hold
  const stale = (w: Plan["warnings"][number]) => (w.code === "memory" && w.source === "zero") || w.code === "deadline";
  const warnings = dedupe([...plan.warnings.filter((w) => !stale(w)), ...time.warnings, ...mem.value.warnings]);
  return {
    ok: true,
    value: {
      ...plan,
      batch: {
        ...b,
        globalBatchSeqs: { ...b.globalBatchSeqs, derivation: `${b.globalBatchSeqs.derivation}; split over ${gpus} GPUs by emit --gpus` },
        ...mem.value.nums,
        dataParallel: n(gpus, "ranks", "user", "emit --gpus: every GPU is a data-parallel rank"),
      },
      hardware: time.section,
      memory: mem.value.section,
      context: plan.context ? { ...plan.context, stages: plan.context.stages.map(stageMicro) } : undefined,
      warnings,
    } as Plan,
  };
}
