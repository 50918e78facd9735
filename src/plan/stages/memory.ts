/**
 * Memory: the largest micro-batch that fits, model states sharded by the ZeRO stage (Rajbhandari et
 * al., arXiv 1910.02054 §3.1) plus activations (Korthikanti et al., arXiv 2205.05198 §4), with full
 * recomputation when nothing fits without it (recompute auto). A plan that does not fit is still a
 * plan — it says so — and `lmplan emit` refuses to write it unless asked.
 */
import { conflict, type Result } from "../../errors.js";
import type { Warning } from "../../laws/types.js";
import { chooseMicroBatch } from "../../model/memory.js";
import type { Accelerator } from "../../hardware/catalog.js";
import type { ResolvedRequest } from "../resolve.js";
import type { Num, Plan } from "../types.js";
import { c, gib, n } from "./common.js";

export interface MemoryStage {
  section: Plan["memory"];
  /** The batch section's micro-batch split. */
  nums: { globalBatchTokens: Num; microBatchSeqs: Num; gradAccumSteps: Num };
  warnings: Warning[];
}

export interface MemoryInputs {
  accel: Accelerator;
  spec: Plan["model"]["spec"];
  seqLen: number;
  D: number;
  batchSeqs: number;
  dp: number;
  zeroStage: 0 | 1 | 2 | 3;
  recompute: "auto" | "none" | "full";
  /** The user's micro-batch; the largest that fits when absent. */
  microBatch?: number;
}

/** The memory stage's inputs from a resolved request (a saved plan re-split by emit builds its own). */
export function memoryInputs(r: ResolvedRequest, x: Pick<MemoryInputs, "spec" | "seqLen" | "D" | "batchSeqs" | "dp">): MemoryInputs {
  return { ...x, accel: r.accel, zeroStage: r.zeroStage.value, recompute: r.recompute.value, ...(r.req.microBatch !== undefined ? { microBatch: r.req.microBatch } : {}) };
}

export function memoryStage(x: MemoryInputs): Result<MemoryStage> {
  const { spec, seqLen, D, batchSeqs, dp, accel, zeroStage } = x;
  const perGpuSeqs = batchSeqs / dp;
  // a run this size is outside every law's range and every machine; refuse rather than grind on it
  if (!Number.isFinite(batchSeqs) || perGpuSeqs > 1e12 || !Number.isFinite(D) || D > 1e18) {
    return { ok: false, issues: [conflict(["tokens"], `this request works out to ${c(D)} tokens and a batch of ${c(batchSeqs)} sequences, beyond what lmplan plans (≤ 1e18 tokens); check the budget's units`)] };
  }
  const mem = chooseMicroBatch(spec, seqLen, perGpuSeqs, dp, zeroStage, x.recompute, accel.memoryBytes, x.microBatch);
  if (!mem.ok) return mem;
  const { micro, recompute, breakdown } = mem.value;
  const fits = breakdown.total <= accel.memoryBytes;
  const warnings: Warning[] = [];
  if (!fits) {
    warnings.push({ code: "memory", source: "zero", message: `memory: ${gib(breakdown.total)} GiB per GPU at micro-batch ${micro} exceeds the ${accel.title}'s ${gib(accel.memoryBytes)} GiB; shard further (tensor/pipeline parallelism), use more GPUs or a larger-memory accelerator` });
  }
  const batchTokens = batchSeqs * seqLen;
  return {
    ok: true,
    value: {
      section: {
        perGpu: breakdown,
        capacityBytes: n(accel.memoryBytes, "bytes", "hardware-catalog", accel.title),
        totalBytes: n(breakdown.total, "bytes", "zero", `weights ${gib(breakdown.weights)} + gradients ${gib(breakdown.gradients)} + optimizer ${gib(breakdown.optimizer)} + activations ${gib(breakdown.activations)} + logits ${gib(breakdown.logits)} GiB (ZeRO-${zeroStage} over ${dp} ranks, recompute ${recompute})`),
        fits,
        zeroStage,
        recompute,
        flashAttention: true,
      },
      nums: {
        globalBatchTokens: n(batchTokens, "tokens", "arithmetic", `micro-batch ${micro} × seq ${seqLen} × accumulation ${perGpuSeqs / micro} × data-parallel ${dp} = ${batchTokens}`),
        microBatchSeqs: n(micro, "sequences", x.microBatch !== undefined ? "user" : "zero", x.microBatch !== undefined ? "as given" : `largest divisor of ${perGpuSeqs} sequences per GPU that fits in ${gib(accel.memoryBytes)} GiB`),
        gradAccumSteps: n(perGpuSeqs / micro, "steps", "arithmetic", `${perGpuSeqs} sequences per GPU / micro-batch ${micro}`),
      },
      warnings,
    },
  };
}
