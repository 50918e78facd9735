import type { Warning } from "../laws/types.js";
import type { Layout } from "../layout/types.js";
import type { ArchSpec } from "../model/spec.js";
import type { MemoryBreakdown } from "../model/memory.js";
import type { Parameterization } from "../parameterization/mup.js";
import type { ScheduleSpec } from "../schedules/schedule.js";
import type { ContextPlan } from "../context/stages.js";
import type { MixturePlan } from "../mixture/plan.js";

/** A number the plan outputs, with where it came from (DESIGN.md: every number carries a source). */
export interface Num {
  value: number;
  unit: string;
  /** Law id (src/laws), reference id (src/references.ts), "user", or "preset:<id>". */
  source: string;
  /** The arithmetic, in words and numbers, that --explain prints. */
  derivation: string;
}

export interface Alternative {
  source: string;
  title: string;
  verified: boolean;
  /** Peak LR the law recommends (compare with the plan's hidden-weight LR). */
  peakLr?: number;
  batchTokens?: number;
  /** λ that would hold τ at τ_opt with this law's η and B. */
  weightDecay?: number;
  /** Out-of-range inputs, or "fit range unknown". */
  caveat?: string;
}

export interface ComparisonRow {
  quantity: string;
  published: string;
  recommended: string;
  note?: string;
}

export interface Plan {
  lmplanPlanVersion: 1;
  title: string;
  model: {
    preset?: string;
    spec: ArchSpec;
    totalParams: Num;
    nonEmbeddingParams: Num;
    activeParams: Num;
    flopsPerToken: Num;
  };
  budget: {
    tokens: Num;
    tokensPerParam: Num;
    compute6ND: Num;
    computeTotal: Num;
    predictedLoss: Num;
    dataConstrainedLoss?: Num;
  };
  batch: {
    seqLen: Num;
    optimalBatchTokens: Num;
    globalBatchSeqs: Num;
    globalBatchTokens: Num;
    microBatchSeqs: Num;
    gradAccumSteps: Num;
    dataParallel: Num;
    steps: Num;
    tokensTrained: Num;
  };
  optimizer: {
    parameterization: Parameterization;
    baseLr: Num;
    hiddenLr: Num;
    tauOpt: Num;
    weightDecay: Num;
    tau: Num;
    beta1: Num;
    beta2: Num;
    eps: Num;
    gradClip: Num;
  };
  schedule: {
    spec: ScheduleSpec;
    warmupSteps: Num;
    finalLr: Num;
    source: string;
  };
  hardware: {
    gpu: string;
    gpuTitle: string;
    numGpus: Num;
    peakFlopsPerGpu: Num;
    mfu: Num;
    seconds: Num;
    gpuHours: Num;
    costUsd?: Num;
    pricePerGpuHour?: Num;
    deadlineSeconds?: Num;
  };
  memory: {
    perGpu: MemoryBreakdown;
    capacityBytes: Num;
    totalBytes: Num;
    fits: boolean;
    zeroStage: 0 | 1 | 2 | 3;
    recompute: "none" | "full";
    flashAttention: boolean;
  };
  /** The parallel layout the plan's memory and time assume, and the emitted configs run (issue 14). */
  layout?: Layout;
  alternatives: Alternative[];
  /** Data mixture for the planned tokens (when sources, a mix, or a preset's data are known). */
  data?: MixturePlan & { sourcesPreset: string; mix: string; verified: boolean };
  /** Context-length stages (when given, or from a preset) and the extrapolation check. */
  context?: ContextPlan;
  comparison?: { against: string; rows: ComparisonRow[] };
  warnings: Warning[];
}
