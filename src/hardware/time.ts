/**
 * Time, GPU-hours and cost from FLOPs and model FLOPs utilisation (MFU), and MFU from a measured
 * throughput — PaLM App. B: MFU = tokens/s ÷ (peak FLOP/s / FLOPs per token).
 */
import type { Flops, Seconds, Usd } from "../units/types.js";
import { SECONDS_PER_HOUR } from "../units/types.js";

/**
 * The MFU lmplan assumes when none is given: 33.7%, what TorchTitan measured for Llama 3.1 8B on
 * H100 with FSDP at seq 8192 (torchtitan benchmarks/llama3_h100_202412_torchtitan.md; docs/science.md §8).
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

/**
 * Throughput measured by others, one row per published case: the MFU table behind the layout's time
 * model (src/layout/calibrate.ts turns each row into a compute efficiency by inverting the time model
 * on the row's own layout, so that the model reproduces the row's tokens/s).
 *
 * TorchTitan rows: pytorch/torchtitan benchmarks/llama3_h100_202412_torchtitan.md (at commit
 * b5bcd76c66d0acb1a08b176d9639425bc55e0b2a; the file dates from 820504e2, runs at torchtitan 9dec370,
 * Dec 2024) — Grand Teton H100 (96 GB HBM2e, 500 W), 8 GPUs per host on NVLink, 400 Gb/s RDMA per GPU.
 * The file reports TPS/GPU, not MFU ("MFU is not well-defined" with Float8); fp8 rows are therefore
 * taken against the fp8 peak, which is the convention the time model applies them with.
 * Megatron rows: NVIDIA/Megatron-LM README.md at d98e8a64ddf34856e74b24714e3bedb2f5a39553, "MFU increases
 * from 41% for the smallest model considered to 47–48% for the largest" (weak scaling, H100, seq 4096,
 * vocabulary 131,072, DP/TP/PP communication overlapped); the layouts are in an image, so these rows
 * carry an MFU, not a layout.
 */
export interface MeasuredThroughput {
  id: string;
  source: string;
  /** lmplan preset of the measured model, when there is one. */
  preset?: string;
  /** Total parameters of the measured model (the size class). */
  params: number;
  precision: "bf16" | "fp8";
  compile: boolean;
  gpu: string;
  numGpus: number;
  seqLen: number;
  /** The measured layout (TorchTitan rows): degrees, local batch, recompute as the table states them. */
  layout?: { tp: number; pp: number; vpp: number; cp: number; dpShard: number; localBatchSeqs: number; microBatch: number; recompute: "selective" | "full" };
  tokensPerSecondPerGpu?: number;
  /** End-to-end MFU where the source states it and no layout (Megatron's README). */
  mfu?: number;
  note?: string;
}

const TT = "pytorch/torchtitan benchmarks/llama3_h100_202412_torchtitan.md";
export const MEASURED_THROUGHPUT: readonly MeasuredThroughput[] = [
  { id: "tt-8b-fsdp", source: `${TT} Table 1 (FSDP)`, preset: "llama-3.1-8b", params: 8.03e9, precision: "bf16", compile: false, gpu: "h100", numGpus: 8, seqLen: 8192, layout: { tp: 1, pp: 1, vpp: 1, cp: 1, dpShard: 8, localBatchSeqs: 2, microBatch: 2, recompute: "selective" }, tokensPerSecondPerGpu: 5762, note: "TorchTitan's selective AC is per-op (saves some matmul outputs), lmplan's is Korthikanti's attention core" },
  { id: "tt-8b-fsdp-compile", source: `${TT} Table 1 (FSDP + torch.compile)`, preset: "llama-3.1-8b", params: 8.03e9, precision: "bf16", compile: true, gpu: "h100", numGpus: 8, seqLen: 8192, layout: { tp: 1, pp: 1, vpp: 1, cp: 1, dpShard: 8, localBatchSeqs: 2, microBatch: 2, recompute: "selective" }, tokensPerSecondPerGpu: 6667 },
  { id: "tt-8b-fsdp-compile-fp8", source: `${TT} Table 1 (FSDP + torch.compile + Float8)`, preset: "llama-3.1-8b", params: 8.03e9, precision: "fp8", compile: true, gpu: "h100", numGpus: 8, seqLen: 8192, layout: { tp: 1, pp: 1, vpp: 1, cp: 1, dpShard: 8, localBatchSeqs: 2, microBatch: 2, recompute: "selective" }, tokensPerSecondPerGpu: 8532 },
  { id: "tt-8b-fsdp-128", source: `${TT} Table 3 (FSDP, 128 GPUs)`, preset: "llama-3.1-8b", params: 8.03e9, precision: "bf16", compile: false, gpu: "h100", numGpus: 128, seqLen: 8192, layout: { tp: 1, pp: 1, vpp: 1, cp: 1, dpShard: 128, localBatchSeqs: 2, microBatch: 2, recompute: "selective" }, tokensPerSecondPerGpu: 5605 },
  { id: "tt-70b-2d-fp8", source: `${TT} Table 4 (2D: FSDP 32, TP 8, compile + Float8)`, preset: "llama-3.1-70b", params: 70.6e9, precision: "fp8", compile: true, gpu: "h100", numGpus: 256, seqLen: 8192, layout: { tp: 8, pp: 1, vpp: 1, cp: 1, dpShard: 32, localBatchSeqs: 16, microBatch: 16, recompute: "full" }, tokensPerSecondPerGpu: 829, note: "sequence length not in the table: TorchTitan's Llama 3 70B config default (8192) assumed" },
  { id: "tt-405b-3d-fp8", source: `${TT} Table 5 (3D: FSDP 8, TP 8, PP 8, 1F1B, compile + Float8 + AsyncTP)`, preset: "llama-3.1-405b", params: 405.9e9, precision: "fp8", compile: true, gpu: "h100", numGpus: 512, seqLen: 8192, layout: { tp: 8, pp: 8, vpp: 1, cp: 1, dpShard: 8, localBatchSeqs: 32, microBatch: 1, recompute: "full" }, tokensPerSecondPerGpu: 100, note: "pipeline micro-batch 1 (TorchTitan's default pipeline_parallel_microbatch_size) and seq 8192 assumed" },
  { id: "megatron-small", source: "NVIDIA/Megatron-LM README.md (weak scaling, smallest model, 2B)", params: 2e9, precision: "bf16", compile: false, gpu: "h100", numGpus: 0, seqLen: 4096, mfu: 0.41, note: "end-to-end MFU from Megatron-LM's README; precision not stated in its text (bf16 assumed); layout only in its image" },
  { id: "megatron-large", source: "NVIDIA/Megatron-LM README.md (weak scaling, largest models, 462B on 6,144 H100)", params: 462e9, precision: "bf16", compile: false, gpu: "h100", numGpus: 6144, seqLen: 4096, mfu: 0.47, note: "end-to-end MFU from Megatron-LM's README; precision not stated in its text (bf16 assumed); layout only in its image" },
];
