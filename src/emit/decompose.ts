/**
 * Batch decomposition for a trainer config: global batch = micro-batch × gradient accumulation ×
 * data-parallel ranks, the data-parallel ranks being GPUs / (tp · pp · cp) of the plan's layout. A plan
 * is already decomposed for its own GPU count; `resplitBatch` moves it to another count by re-running
 * the layout search (src/layout/search.ts) for that many GPUs holding the plan's global batch exactly,
 * then the planner's time and memory stages on the layout it picks, or says why it cannot. A trainer
 * config must run exactly the batch that was asked for, so nothing here rounds.
 */
import { invalid, type Issue, type Result } from "../errors.js";
import { layoutStageMemory } from "../context/stages.js";
import { findAccelerator } from "../hardware/catalog.js";
import { chooseLayout } from "../plan/stages/batch.js";
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
  return invalid(field, `a GPU count some layout of which splits the ${what} of ${batch} sequences into data-parallel ranks × micro-batch × accumulation (GPU counts dividing it, near ${gpus}: ${nearbyDivisors(batch, gpus).join(", ")})`, gpus);
}

/** The plan's global batch run on `gpus` GPUs: the layout the search picks for them, its time and memory, or why no layout runs it. */
export function resplitBatch(plan: Plan, gpus: number): Result<Plan> {
  if (!Number.isInteger(gpus) || gpus < 1 || gpus > MAX_GPUS) return { ok: false, issues: [invalid("gpus", `a whole number of GPUs ≥ 1 and ≤ ${MAX_GPUS.toExponential().replace("e+", "e")}`, gpus)] };
  const b = plan.batch;
  const global = b.globalBatchSeqs.value;
  const accel = findAccelerator(plan.hardware.gpu);
  if (!accel) return { ok: false, issues: [invalid("plan.hardware.gpu", "an accelerator lmplan knows", plan.hardware.gpu)] };
  const m = plan.memory;
  const h = plan.hardware;
  const spec = plan.model.spec;
  const seqLen = b.seqLen.value;
  const capacity = { ...accel, memoryBytes: m.capacityBytes.value };
  const precision = plan.layout?.precision ?? (accel.peakFp8 === h.peakFlopsPerGpu.value ? "fp8" : "bf16");
  // the longest context stage's batch must split over the new data-parallel ranks too
  const stages = (plan.context?.stages ?? []).filter((st) => st.batchSeqs !== undefined);
  const ratios = stages.map((st) => global / (st.batchSeqs as number));
  const stageRatio = ratios.length > 0 && ratios.every(Number.isInteger) ? Math.max(...ratios) : undefined;
  // The search runs on the plan's own efficiency, precision and memory convention; the batch is the
  // plan's (a trainer config runs the batch that was planned). Pins are not in a saved plan: every degree is searched.
  const choice = chooseLayout(
    {
      spec,
      seqLen,
      gpus,
      accel: capacity,
      precision,
      req: { ...(m.convention !== undefined ? { memoryConvention: m.convention } : {}), ...(plan.layout ? { mainGrads: plan.layout.mainGrads } : {}) },
      mfu: h.mfu.value,
      totalTokens: plan.budget.tokens.value,
      ...(stageRatio !== undefined && stageRatio > 1 ? { stageRatio } : {}),
      wholeNodes: false,
    },
    { exact: global },
  );
  if (!choice.ok) return { ok: false, issues: choice.issues.map((i) => (i.path[0] === "gpus" && i.code === "conflict" ? splitIssue("gpus", global, gpus, "plan's global batch") : i)) };
  const c = choice.value;
  const l = c.chosen.layout;
  for (const st of stages) {
    if ((st.batchSeqs as number) % l.dp !== 0) return { ok: false, issues: [splitIssue("gpus", st.batchSeqs as number, gpus, `${st.seqLen}-token stage's batch (over ${l.dp} data-parallel ranks)`)] };
  }
  const mem = memoryStage({ accel: capacity, D: plan.budget.tokens.value, batchSeqs: global, choice: c });
  if (!mem.ok) return mem;
  const numGpus = n(gpus, "GPUs", "user", "emit --gpus");
  const time = timeStage({
    accel,
    precision,
    step: c.chosen.time,
    efficiency: { u: h.mfu.value, caseId: "user", source: "the plan's", how: "the saved plan's compute efficiency" },
    ...(h.pricePerGpuHour?.source === "user" ? { priceGiven: h.pricePerGpuHour.value } : {}),
    ...(h.deadlineSeconds ? { deadlineSeconds: h.deadlineSeconds.value } : {}),
    hardwareBudget: false,
    totalFlops: plan.budget.computeTotal.value,
    numGpus,
  });
  // each context stage picks its own micro-batch for its length on the new layout (as src/context/stages.ts does)
  const stageMicro = <S extends { seqLen: number; batchSeqs?: number; microBatchSeqs?: number }>(st: S): S => {
    if (st.batchSeqs === undefined) return st;
    const r = layoutStageMemory(spec, st.seqLen, st.batchSeqs / l.dp, l, m.capacityBytes.value, c.memoryOptions);
    return { ...st, microBatchSeqs: r.micro, memory: r.breakdown };
  };
  // the plan's memory and deadline warnings were about the old split: the stages say them again if they still hold
  const stale = (w: Plan["warnings"][number]) => (w.code === "memory" && w.source === "zero") || w.code === "deadline";
  const warnings = dedupe([...plan.warnings.filter((w) => !stale(w)), ...time.warnings.filter((w) => w.code !== "assumption"), ...mem.value.warnings]);
  const split = `micro-batch ${l.microBatch} × seq ${seqLen} × accumulation ${l.gradAccum} × data-parallel ${l.dp} = ${global * seqLen}`;
  return {
    ok: true,
    value: {
      ...plan,
      batch: {
        ...b,
        globalBatchSeqs: { ...b.globalBatchSeqs, derivation: `${b.globalBatchSeqs.derivation}; split over ${gpus} GPUs by emit --gpus` },
        globalBatchTokens: n(global * seqLen, "tokens", "arithmetic", split),
        microBatchSeqs: n(l.microBatch, "sequences", "arithmetic", `the layout search's for ${gpus} GPUs (emit --gpus)`),
        gradAccumSteps: n(l.gradAccum, "steps", "arithmetic", `${global} sequences / (data-parallel ${l.dp} × micro-batch ${l.microBatch})`),
        dataParallel: n(l.dp, "ranks", "user", `emit --gpus: ${gpus} GPUs / (tp ${l.tp} · pp ${l.pp} · cp ${l.cp})`),
      },
      hardware: { ...time.section, mfu: h.mfu },
      memory: mem.value.section,
      layout: l,
      context: plan.context ? { ...plan.context, stages: plan.context.stages.map(stageMicro) } : undefined,
      warnings,
    } as Plan,
  };
}
