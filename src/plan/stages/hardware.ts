/**
 * Hardware: the accelerator's dense peak for the chosen precision and the utilisation the time model
 * applies to it. Time and cost scale with 1/MFU, so an assumed MFU is always said out loud.
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
  if (r.mfu.from !== "user") warnings.push({ code: "assumption", source: "torchtitan-mfu", message: `MFU ${mfu} assumed (TorchTitan's measured Llama 3.1 8B on H100); time and cost scale with 1/MFU — pass --mfu with your own measurement` });
  return { ok: true, value: { accel, precision, peak, mfu, warnings } };
}
