/**
 * Batch decomposition for a trainer config: global batch = micro-batch × gradient accumulation ×
 * data-parallel GPUs. A plan is already decomposed for its own GPU count; `resplitBatch` moves it to
 * another count (the memory model picks the micro-batch again) or says why it cannot. A trainer config
 * must run exactly the batch that was asked for, so nothing here rounds.
 */
import { invalid, type Issue, type Result } from "../errors.js";
import { chooseMicroBatch } from "../model/memory.js";
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

/** Multiples of `unit` nearest `batchSeqs` (for the error message). */
export function nearbyMultiples(batchSeqs: number, unit: number): number[] {
  const lo = Math.max(unit, Math.floor(batchSeqs / unit) * unit);
  return lo === batchSeqs ? [lo] : [lo, lo + unit].filter((x, i, a) => a.indexOf(x) === i);
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
  const perGpu = global / gpus;
  const m = plan.memory;
  const mem = chooseMicroBatch(plan.model.spec, b.seqLen.value, perGpu, gpus, m.zeroStage, "auto", m.capacityBytes.value);
  if (!mem.ok) return mem;
  const { micro, recompute, breakdown } = mem.value;
  const accum = perGpu / micro;
  const why = `re-split for ${gpus} GPUs: ${global} sequences = ${micro} micro × ${accum} accumulation × ${gpus} GPUs; ${micro} is the largest micro-batch that fits (${(breakdown.total / 2 ** 30).toFixed(1)} GiB of ${(m.capacityBytes.value / 2 ** 30).toFixed(0)} GiB${recompute === "full" ? ", full recomputation" : ""})`;
  const oldGpus = plan.hardware.numGpus.value;
  // each context stage picks its own micro-batch for its length (as src/context/stages.ts does)
  const stageMicro = <S extends { seqLen: number; batchSeqs?: number; microBatchSeqs?: number }>(st: S): S => {
    if (st.batchSeqs === undefined) return st;
    const r = chooseMicroBatch(plan.model.spec, st.seqLen, st.batchSeqs / gpus, gpus, m.zeroStage, "auto", m.capacityBytes.value);
    return r.ok ? { ...st, microBatchSeqs: r.value.micro, memory: r.value.breakdown } : st;
  };
  const fits = breakdown.total <= m.capacityBytes.value;
  // the plan's memory warning was about the old split: say it again only if it still holds
  const warnings = plan.warnings.filter((w) => !(w.code === "memory" && w.source === "zero" && w.message.startsWith("memory: ")));
  if (!fits) warnings.push({ code: "memory", source: "zero", message: `memory: ${(breakdown.total / 2 ** 30).toFixed(1)} GiB per GPU at micro-batch ${micro} exceeds the ${plan.hardware.gpuTitle}'s ${(m.capacityBytes.value / 2 ** 30).toFixed(0)} GiB over ${gpus} GPUs; shard further, use more GPUs or a larger-memory accelerator` });
  return {
    ok: true,
    value: {
      ...plan,
      batch: {
        ...b,
        microBatchSeqs: { ...b.microBatchSeqs, value: micro, source: "zero", derivation: why },
        gradAccumSteps: { ...b.gradAccumSteps, value: accum, derivation: why },
        dataParallel: { ...b.dataParallel, value: gpus, source: "user", derivation: "emit --gpus" },
      },
      hardware: {
        ...plan.hardware,
        numGpus: { ...plan.hardware.numGpus, value: gpus, source: "user", derivation: "emit --gpus" },
        // the same GPU-hours spread over a different number of GPUs
        seconds: { ...plan.hardware.seconds, value: (plan.hardware.seconds.value * oldGpus) / gpus },
      },
      memory: { ...m, perGpu: breakdown, totalBytes: { ...m.totalBytes, value: breakdown.total }, fits, recompute },
      context: plan.context ? { ...plan.context, stages: plan.context.stages.map(stageMicro) } : undefined,
      warnings,
    } as Plan,
  };
}
