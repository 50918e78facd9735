/**
 * Memory: the plan's layout's memory per GPU by component (src/layout/memory.ts layoutMemory, each term
 * cited there: ZeRO arXiv 1910.02054 §3.1/§5 for the model states, Korthikanti et al. arXiv 2205.05198
 * Table 2 for the activations, the loss's logits by implementation, FSDP2's working set, a stated
 * reserve), the layouts ranked next with why, and whether it fits. A plan that does not fit is still a
 * plan — it says so — and `lmplan emit` refuses to write it unless asked.
 */
import { conflict, type Result } from "../../errors.js";
import type { Warning } from "../../laws/types.js";
import type { Accelerator } from "../../hardware/catalog.js";
import { describeLayout, type MemoryByComponent } from "../../layout/index.js";
import { bytes } from "../../units/types.js";
import type { ResolvedRequest } from "../resolve.js";
import type { LayoutAlternative, MemoryComponents, Num, Plan } from "../types.js";
import type { LayoutChoice } from "./batch.js";
import { c, gib, n } from "./common.js";

export interface MemoryStage {
  section: Plan["memory"];
  warnings: Warning[];
}

export interface MemoryInputs {
  accel: Accelerator;
  D: number;
  batchSeqs: number;
  choice: LayoutChoice;
}

/** The memory stage's inputs from a resolved request and the batch stage's layout. */
export function memoryInputs(r: ResolvedRequest, x: Omit<MemoryInputs, "accel">): MemoryInputs {
  return { ...x, accel: r.accel };
}

/** The old per-GPU breakdown (weights, gradients, optimizer, activations, logits, total) from the layout's components: optimizer = master weights + AdamW states; total = the layout's, working set and reserve included. */
export function breakdownOf(m: MemoryByComponent): Plan["memory"]["perGpu"] {
  return {
    weights: bytes(m.weightsBytes),
    gradients: bytes(m.gradientsBytes),
    optimizer: bytes(m.masterWeightsBytes + m.optimizerStatesBytes),
    activations: bytes(m.activationsBytes),
    logits: bytes(m.logitsBytes),
    total: bytes(m.totalBytes),
  };
}

/** Each component as a sourced number; its derivation is layoutMemory's own line for it. */
export function componentsOf(m: MemoryByComponent): MemoryComponents {
  const line = (re: RegExp) => m.derivation.find((d) => re.test(d)) ?? "";
  const states = line(/^weights /);
  const convention = m.convention === "megatron" ? "Megatron-LM theoretical_memory_usage.py (NVIDIA/Megatron-LM @ d98e8a64)" : "";
  const b = (value: number, source: string, derivation: string): Num => n(value, "bytes", source, derivation || convention || "src/layout/memory.ts");
  return {
    weights: b(m.weightsBytes, "zero", states),
    gradients: b(m.gradientsBytes, "zero", states),
    masterWeights: b(m.masterWeightsBytes, "zero", states),
    optimizerStates: b(m.optimizerStatesBytes, "zero", states),
    activations: b(m.activationsBytes, "activations", line(/^activations/)),
    logits: b(m.logitsBytes, "arithmetic", line(/^logits/) || "not on this stage (the last stage holds the logits)"),
    zeroWorkingSet: b(m.zeroWorkingSetBytes, "arithmetic", line(/^ZeRO-3 working set/) || "none: the weights are not sharded (ZeRO < 3)"),
    reserve: b(m.reserveBytes, "arithmetic", line(/^reserve/)),
  };
}

export function memoryStage(x: MemoryInputs): Result<MemoryStage> {
  const { batchSeqs, D, accel, choice } = x;
  // a run this size is outside every law's range and every machine; refuse rather than grind on it
  if (!Number.isFinite(batchSeqs) || batchSeqs > 1e12 || !Number.isFinite(D) || D > 1e18) {
    return { ok: false, issues: [conflict(["tokens"], `this request works out to ${c(D)} tokens and a batch of ${c(batchSeqs)} sequences, beyond what lmplan plans (≤ 1e18 tokens); check the budget's units`)] };
  }
  const best = choice.chosen;
  const l = best.layout;
  const m = best.memory;
  const fits = m.totalBytes <= accel.memoryBytes;
  const warnings: Warning[] = [];
  if (!fits) {
    warnings.push({ code: "memory", source: "zero", message: `memory: no layout of these GPUs fits; the least memory found, ${gib(m.totalBytes)} GiB per GPU (${describeLayout(l)}), exceeds the ${accel.title}'s ${gib(accel.memoryBytes)} GiB — use more GPUs, a larger-memory accelerator or a shorter sequence, or drop pins that hold the layout back (--tp, --pp, --cp, --micro-batch, --recompute)` });
  }
  const layouts: LayoutAlternative[] = choice.others.slice(0, 4).map((o) => ({
    layout: o.layout,
    description: describeLayout(o.layout),
    batchSeqs: o.batchSeqs,
    totalBytes: o.memory.totalBytes,
    stepSeconds: o.time.stepSeconds,
    tokensPerSecondPerGpu: o.time.tokensPerSecondPerGpu,
    why: o.why,
  }));
  const perGpu = breakdownOf(m);
  const parts = `weights ${gib(m.weightsBytes)} + gradients ${gib(m.gradientsBytes)} + master ${gib(m.masterWeightsBytes)} + AdamW states ${gib(m.optimizerStatesBytes)} + activations ${gib(m.activationsBytes)} + logits ${gib(m.logitsBytes)} + ZeRO-3 working set ${gib(m.zeroWorkingSetBytes)} + reserve ${gib(m.reserveBytes)} GiB`;
  return {
    ok: true,
    value: {
      section: {
        perGpu,
        capacityBytes: n(accel.memoryBytes, "bytes", "hardware-catalog", accel.title),
        totalBytes: n(m.totalBytes, "bytes", m.convention === "megatron" ? "arithmetic" : "zero", `${parts} on pipeline stage ${m.stage} (${describeLayout(l)}${m.convention === "megatron" ? "; Megatron-LM's estimator" : ""})`),
        fits,
        zeroStage: l.zeroStage,
        recompute: l.recompute,
        flashAttention: true,
        components: componentsOf(m),
        stage: m.stage,
        convention: m.convention,
        assumptions: [...best.notes],
        search: choice.search.derivation,
        ...(layouts.length > 0 ? { layouts } : {}),
      },
      warnings,
    },
  };
}

