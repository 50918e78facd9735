/**
 * Whole nodes for a deadline: the GPUs that finish totalFlops within the deadline at peak × u
 * (time = FLOPs / (GPUs × peak × u), PaLM App. B's MFU identity), rounded up to whole nodes of the
 * accelerator's platform (a scheduler hands out nodes, not GPUs).
 */
import { invalid, type Result } from "../errors.js";
import type { Accelerator } from "../hardware/catalog.js";

export interface DeadlineNodes {
  gpus: number;
  nodes: number;
  /** The unrounded GPU count the deadline needs. */
  exactGpus: number;
  derivation: string;
}

export function nodesForDeadline(totalFlops: number, deadlineSeconds: number, accel: Accelerator, peakFlopsPerGpu: number, efficiency: number): Result<DeadlineNodes> {
  if (!(totalFlops > 0 && totalFlops <= 1e32)) return { ok: false, issues: [invalid("compute", "FLOPs > 0 and ≤ 1e32", totalFlops)] };
  if (!(deadlineSeconds > 0)) return { ok: false, issues: [invalid("days", "a deadline > 0", deadlineSeconds)] };
  if (!(efficiency > 0 && efficiency <= 1)) return { ok: false, issues: [invalid("mfu", "a fraction > 0 and ≤ 1", efficiency)] };
  const G = accel.interconnect.gpusPerNode;
  const exactGpus = totalFlops / (deadlineSeconds * peakFlopsPerGpu * efficiency);
  const nodes = Math.max(1, Math.ceil(exactGpus / G - 1e-12));
  if (nodes * G > 1e6) return { ok: false, issues: [invalid("days", `a deadline that needs ≤ 1e6 GPUs (this one needs ${Math.ceil(exactGpus)})`, deadlineSeconds)] };
  return {
    ok: true,
    value: {
      gpus: nodes * G,
      nodes,
      exactGpus,
      derivation: `⌈FLOPs / (deadline × peak × u) / ${G} per node⌉ = ⌈${totalFlops.toExponential(3)} / (${deadlineSeconds} s × ${peakFlopsPerGpu.toExponential(3)} × ${+efficiency.toPrecision(3)}) / ${G}⌉ = ${nodes} nodes = ${nodes * G} GPUs`,
    },
  };
}
