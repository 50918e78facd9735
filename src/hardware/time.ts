/**
 * Time, GPU-hours and cost from FLOPs and model FLOPs utilisation (MFU), and MFU from a measured
 * throughput — PaLM App. B: MFU = tokens/s ÷ (peak FLOP/s / FLOPs per token).
 */
import type { Flops, Seconds, Usd } from "../units/types.js";
import { SECONDS_PER_HOUR } from "../units/types.js";

/**
 * The MFU lmplan assumes when none is given: 33.7%, what TorchTitan measured for Llama 3.1 8B on
 * H100 with FSDP at seq 8192 (torchtitan benchmarks/llama3_h100_202412_torchtitan.md; SCIENCE.md §8).
 */
export const DEFAULT_MFU = 0.337;

export interface RunTime {
  seconds: Seconds;
  gpuHours: number;
  costUsd?: Usd;
}

// time = FLOPs / (GPUs × peak × MFU)
export function trainingTime(totalFlops: Flops, numGpus: number, peakFlopsPerGpu: number, mfu: number, pricePerGpuHour?: number): RunTime {
  const seconds = totalFlops / (numGpus * peakFlopsPerGpu * mfu);
  const gpuHours = (seconds * numGpus) / SECONDS_PER_HOUR;
  const out: RunTime = { seconds: seconds as Seconds, gpuHours };
  if (pricePerGpuHour !== undefined) out.costUsd = (gpuHours * pricePerGpuHour) as Usd;
  return out;
}

// PaLM App. B: MFU = achieved FLOP/s ÷ peak = tokens/s × FLOPs/token ÷ peak
export function mfuFromThroughput(tokensPerSecondPerGpu: number, flopsPerToken: number, peakFlopsPerGpu: number): number {
  return (tokensPerSecondPerGpu * flopsPerToken) / peakFlopsPerGpu;
}

/** GPUs needed to finish totalFlops within a wall-clock deadline. */
export function gpusForDeadline(totalFlops: Flops, deadlineSeconds: number, peakFlopsPerGpu: number, mfu: number): number {
  return Math.ceil(totalFlops / (deadlineSeconds * peakFlopsPerGpu * mfu));
}
