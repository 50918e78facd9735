/**
 * Time and cost: the run's model FLOPs (each context stage paying the attention of its own length)
 * over GPUs × peak × MFU (PaLM App. B's accounting, arXiv 2204.02311), and GPU-hours × price.
 */
import { gpusForDeadline, trainingTime } from "../../hardware/time.js";
import type { Warning } from "../../laws/types.js";
import { formatFlops } from "../../units/format.js";
import { SECONDS_PER_DAY } from "../../units/types.js";
import type { ResolvedRequest } from "../resolve.js";
import type { Num, Plan } from "../types.js";
import { n, s4 } from "./common.js";
import type { HardwareStage } from "./hardware.js";

export interface TimeInputs {
  hw: Pick<HardwareStage, "accel" | "peak" | "mfu" | "precision">;
  /** MFU given by the user (else lmplan's cited default). */
  mfuGiven: boolean;
  /** USD per GPU-hour given by the user (else the catalog's sourced price, if any). */
  priceGiven?: number;
  /** The deadline, seconds, when one was given. */
  deadlineSeconds?: number;
  /** The GPU budget set the compute, so the deadline holds by construction. */
  hardwareBudget: boolean;
  totalFlops: number;
  numGpus: Num;
}

/** The time stage's inputs from a resolved request (a saved plan re-split by emit builds its own). */
export function timeInputs(r: ResolvedRequest, hw: HardwareStage, x: Pick<TimeInputs, "totalFlops" | "numGpus" | "hardwareBudget">): TimeInputs {
  return { ...x, hw, mfuGiven: r.mfu.from === "user", ...(r.req.price !== undefined ? { priceGiven: r.req.price } : {}), ...(r.req.days !== undefined ? { deadlineSeconds: r.req.days } : {}) };
}

export function timeStage(x: TimeInputs): { section: Plan["hardware"]; warnings: Warning[] } {
  const { accel, peak, mfu, precision } = x.hw;
  const numGpus = x.numGpus.value;
  const days = x.deadlineSeconds;
  const warnings: Warning[] = [];
  const price = x.priceGiven ?? accel.pricePerHour?.usd;
  const time = trainingTime(x.totalFlops as never, numGpus, peak, mfu, price);
  if (price === undefined) warnings.push({ code: "cost", source: "hardware-catalog", message: `cost: lmplan has no sourced price for the ${accel.title}; pass --price (USD per GPU-hour)` });
  if (days !== undefined && !x.hardwareBudget && time.seconds > days * 1.0001) {
    const need = gpusForDeadline(x.totalFlops as never, days, peak, mfu);
    warnings.push({ code: "deadline", source: "arithmetic", message: `deadline: ${s4(time.seconds / SECONDS_PER_DAY)} days on ${numGpus} GPUs exceeds --days ${s4(days / SECONDS_PER_DAY)}; about ${need} GPUs would finish in time` });
  }
  const section: Plan["hardware"] = {
    gpu: accel.id,
    gpuTitle: accel.title,
    numGpus: x.numGpus,
    peakFlopsPerGpu: n(peak, "FLOP/s", "hardware-catalog", `dense ${precision} peak of the ${accel.title} (${accel.source})`),
    mfu: n(mfu, "fraction", x.mfuGiven ? "user" : "torchtitan-mfu", x.mfuGiven ? "as given" : "TorchTitan's measured MFU for Llama 3.1 8B on H100"),
    seconds: n(time.seconds, "s", "palm-flops", `FLOPs / (GPUs × peak × MFU) = ${formatFlops(x.totalFlops)} / (${numGpus} × ${s4(peak)} × ${mfu})`),
    gpuHours: n(time.gpuHours, "GPU-h", "arithmetic", `${numGpus} GPUs × ${s4(time.seconds / 3600)} h`),
    ...(time.costUsd !== undefined && price !== undefined
      ? {
          costUsd: n(time.costUsd, "USD", x.priceGiven !== undefined ? "user" : "hardware-catalog", `${s4(time.gpuHours)} GPU-h × $${s4(price)}/GPU-h`),
          pricePerGpuHour: n(price, "USD/GPU-h", x.priceGiven !== undefined ? "user" : "hardware-catalog", x.priceGiven !== undefined ? "as given" : accel.pricePerHour?.source ?? ""),
        }
      : {}),
    ...(days !== undefined ? { deadlineSeconds: n(days, "s", "user", "as given") } : {}),
  };
  return { section, warnings };
}
