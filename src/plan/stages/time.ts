/**
 * Time and cost on the plan's layout: one optimizer step from src/layout/time.ts layoutTime (compute at
 * the efficiency u, recompute's extra forward, the pipeline bubble, the collectives that do not overlap),
 * the run at that step's achieved model-FLOP rate (PaLM App. B's accounting, arXiv 2204.02311: each
 * context stage paying the attention of its own length), and GPU-hours × price. u is the user's --mfu or
 * the cited table's row for the model's size, precision and compile setting (src/layout/calibrate.ts).
 */
import { nodesForDeadline, type Efficiency, type TimeBreakdown } from "../../layout/index.js";
import { trainingTime } from "../../hardware/time.js";
import type { Accelerator } from "../../hardware/catalog.js";
import type { Warning } from "../../laws/types.js";
import { formatFlops } from "../../units/format.js";
import { SECONDS_PER_DAY } from "../../units/types.js";
import type { ResolvedRequest } from "../resolve.js";
import type { Num, Plan, StepTime } from "../types.js";
import type { LayoutChoice } from "./batch.js";
import { n, s4 } from "./common.js";

export interface TimeInputs {
  accel: Accelerator;
  precision: "bf16" | "fp8";
  /** The step on the plan's layout (layoutTime, with its derivation). */
  step: TimeBreakdown;
  /** Where u came from: the user's --mfu, or the table's row. */
  efficiency: Efficiency | { u: number; caseId: "user"; source: string; how: string };
  /** USD per GPU-hour given by the user (else the catalog's sourced price, if any). */
  priceGiven?: number;
  /** The deadline, seconds, when one was given. */
  deadlineSeconds?: number;
  /** The GPU budget set the compute, so the deadline holds by construction. */
  hardwareBudget: boolean;
  totalFlops: number;
  numGpus: Num;
}

/** The time stage's inputs: the plan's layout (chosen by the batch stage) and the request's price and deadline. */
export function timeInputs(r: ResolvedRequest, choice: LayoutChoice, x: Pick<TimeInputs, "totalFlops" | "numGpus" | "hardwareBudget">): TimeInputs {
  return { ...x, accel: r.accel, precision: r.precision.value, step: choice.chosen.time, efficiency: choice.search.efficiency, ...(r.req.price !== undefined ? { priceGiven: r.req.price } : {}), ...(r.req.days !== undefined ? { deadlineSeconds: r.req.days } : {}) };
}

const PLAN_ASSUMED = [
  "the run's time is its FLOPs at the step's achieved MFU; context stages at other lengths are assumed to run at the same MFU",
];

export function timeStage(x: TimeInputs): { section: Plan["hardware"]; warnings: Warning[] } {
  const { accel, precision, step: t, efficiency: e } = x;
  const numGpus = x.numGpus.value;
  const peak = t.peakFlopsPerGpu;
  const days = x.deadlineSeconds;
  const warnings: Warning[] = [];
  const price = x.priceGiven ?? accel.pricePerHour?.usd;
  const achieved = t.mfu;
  const time = trainingTime(x.totalFlops as never, numGpus, peak, achieved, price);
  const given = e.caseId === "user";
  if (!given) {
    warnings.push({ code: "assumption", source: e.caseId.startsWith("megatron") ? "megatron-mfu" : "torchtitan-mfu", message: `compute efficiency u ${s4(e.u)} from ${e.source} (${e.how}${"note" in e && e.note ? `; ${e.note}` : ""}); time and cost scale with 1/u — pass --mfu with your own measurement` });
  }
  if (price === undefined) warnings.push({ code: "cost", source: "hardware-catalog", message: `cost: lmplan has no sourced price for the ${accel.title}; pass --price (USD per GPU-hour)` });
  if (days !== undefined && !x.hardwareBudget && time.seconds > days * 1.0001) {
    const need = nodesForDeadline(x.totalFlops, days, accel, peak, achieved);
    warnings.push({ code: "deadline", source: "arithmetic", message: `deadline: ${s4(time.seconds / SECONDS_PER_DAY)} days on ${numGpus} GPUs exceeds --days ${s4(days / SECONDS_PER_DAY)}; about ${need.ok ? `${need.value.gpus} GPUs (${need.value.nodes} nodes)` : "more GPUs"} would finish in time` });
  }
  const line = (re: RegExp) => t.derivation.find((d) => re.test(d)) ?? "";
  const sec = (v: number, re: RegExp, none: string) => n(v, "s", "arithmetic", line(re) || none);
  const step: StepTime = {
    seconds: n(t.stepSeconds, "s", "arithmetic", line(/^step:/) || "the sum of the terms"),
    compute: n(t.computeSeconds, "s", "palm-flops", line(/^compute:/)),
    recompute: sec(t.recomputeSeconds, /^recompute/, "no recomputation"),
    bubble: sec(t.bubbleSeconds, /^bubble/, "no pipeline (pp 1)"),
    tpComm: sec(t.tpCommSeconds, /^TP:/, "no tensor parallelism (tp 1)"),
    moeComm: sec(t.moeCommSeconds, /^MoE/, "no expert parallelism (ep 1)"),
    ppComm: sec(t.ppCommSeconds, /^PP sends/, "no pipeline (pp 1)"),
    cpExposed: sec(t.cpExposedSeconds, /^CP:/, "no context parallelism (cp 1)"),
    dpExposed: sec(t.dpExposedSeconds, /^DP /, "one data-parallel rank"),
    tokensPerSecondPerGpu: n(t.tokensPerSecondPerGpu, "tokens/s/GPU", "arithmetic", `${t.tokensPerStep} tokens per step / ${s4(t.stepSeconds)} s / ${numGpus} GPUs`),
    achievedMfu: n(achieved, "fraction", "palm-flops", `model FLOPs per second / peak = ${s4(t.tokensPerSecondPerGpu)} tokens/s/GPU × FLOPs/token / ${s4(peak)} FLOP/s`),
  };
  const section: Plan["hardware"] = {
    gpu: accel.id,
    gpuTitle: accel.title,
    numGpus: x.numGpus,
    peakFlopsPerGpu: n(peak, "FLOP/s", "hardware-catalog", `dense ${precision} peak of the ${accel.title} (${accel.source})`),
    mfu: n(e.u, "fraction", given ? "user" : e.caseId.startsWith("megatron") ? "megatron-mfu" : "torchtitan-mfu", given ? "as given (the time model's compute efficiency u)" : `compute efficiency u from ${e.caseId}: ${e.source}; ${e.how}`),
    seconds: n(time.seconds, "s", "palm-flops", `FLOPs / (GPUs × peak × achieved MFU) = ${formatFlops(x.totalFlops)} / (${numGpus} × ${s4(peak)} × ${s4(achieved)}) — steps × ${s4(t.stepSeconds)} s per step`),
    gpuHours: n(time.gpuHours, "GPU-h", "arithmetic", `${numGpus} GPUs × ${s4(time.seconds / 3600)} h`),
    ...(time.costUsd !== undefined && price !== undefined
      ? {
          costUsd: n(time.costUsd, "USD", x.priceGiven !== undefined ? "user" : "hardware-catalog", `${s4(time.gpuHours)} GPU-h × $${s4(price)}/GPU-h`),
          pricePerGpuHour: n(price, "USD/GPU-h", x.priceGiven !== undefined ? "user" : "hardware-catalog", x.priceGiven !== undefined ? "as given" : accel.pricePerHour?.source ?? ""),
        }
      : {}),
    ...(days !== undefined ? { deadlineSeconds: n(days, "s", "user", "as given") } : {}),
    step,
    modelled: [...t.modelled],
    assumed: [...t.assumed, ...PLAN_ASSUMED],
  };
  return { section, warnings };
}
