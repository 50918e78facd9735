/**
 * Hardware: the accelerator's dense peak for the chosen precision. `mfu` is the request's (--mfu, else
 * the declared default) for the stages that size compute from a GPU budget before the model is known;
 * the plan's time runs at the layout's efficiency instead (stages/time.ts), whose source the time stage
 * says out loud.
 */
import { invalid, type Result } from "../../errors.js";
import type { Accelerator } from "../../hardware/catalog.js";
import type { Warning } from "../../laws/types.js";
import type { ResolvedRequest } from "../resolve.js";

export interface HardwareStage {
  accel: Accelerator;
  precision: "bf16" | "fp8";
  /** Dense peak FLOP/s per GPU at that precision. */
  peak: number;
  mfu: number;
  warnings: Warning[];
}

export function hardwareStage(r: ResolvedRequest): Result<HardwareStage> {
  const { accel } = r;
  const precision = r.precision.value;
  const peak = precision === "fp8" ? accel.peakFp8 : accel.peakBf16;
  if (peak === undefined) return { ok: false, issues: [invalid("precision", `bf16 (the ${accel.title} has no fp8)`, precision)] };
  const mfu = r.mfu.value;
  const warnings: Warning[] = [];
  return { ok: true, value: { accel, precision, peak, mfu, warnings } };
}
