import type { Warning } from "../laws/types.js";
import type { Layout } from "../layout/types.js";
import type { DeadlineSection } from "./deadline-section.js";
import type { MupBridgeSection } from "./stages/fitted.js";
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

/** Memory per GPU of the plan's layout, by component (bytes). */
export interface MemoryComponents {
  weights: Num;
  gradients: Num;
  masterWeights: Num;
  optimizerStates: Num;
  activations: Num;
  logits: Num;
  zeroWorkingSet: Num;
  reserve: Num;
}

/** One optimizer step on the plan's layout (seconds), and the throughput it gives. */
export interface StepTime {
  seconds: Num;
  compute: Num;
  recompute: Num;
  bubble: Num;
  tpComm: Num;
  moeComm: Num;
  ppComm: Num;
  cpExposed: Num;
  dpExposed: Num;
  tokensPerSecondPerGpu: Num;
  /** Model FLOPs achieved / peak, end to end (the efficiency less bubble, recompute and exposed communication). */
  achievedMfu: Num;
}

/** A layout the search ranked below the plan's. */
export interface LayoutAlternative {
  layout: Layout;
  /** The layout in one line (TP8+SP · PP4 · DP16 (ZeRO-1) · …). */
  description: string;
  batchSeqs: number;
  totalBytes: number;
  stepSeconds: number;
  tokensPerSecondPerGpu: number;
  why: string;
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
    /** The block's family (an --arch template, or the preset's published block) and what the request changed in it. */
    architecture: {
      template: string;
      title: string;
      flopsConvention: "palm" | "megatron";
      overrides: string[];
      notes: string[];
    };
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
    /** One optimizer step on the plan's layout, by term (src/layout/time.ts layoutTime). */
    step?: StepTime;
    /** What the time model prices, and what it assumes (said in the plan, issue 14). */
    modelled?: string[];
    assumed?: string[];
  };
  memory: {
    perGpu: MemoryBreakdown;
    capacityBytes: Num;
    totalBytes: Num;
    fits: boolean;
    zeroStage: 0 | 1 | 2 | 3;
    recompute: "none" | "selective" | "full";
    flashAttention: boolean;
    /** The plan's layout's memory per GPU by component (src/layout/memory.ts layoutMemory), each with its source. */
    components?: MemoryComponents;
    /** The pipeline stage the figures are for (the most loaded) and the memory convention. */
    stage?: number;
    convention?: "lmplan" | "megatron";
    /** Assumptions the memory figures rest on. */
    assumptions?: string[];
    /** How the layout was chosen: the search's count of layouts and its ranking rule. */
    search?: string;
    /** The next-best layouts the search found (at most 4), each with why it ranks there. */
    layouts?: LayoutAlternative[];
  };
  /** The parallel layout the plan's memory and time assume, and the emitted configs run (issue 14). */
  layout?: Layout;
  alternatives: Alternative[];
  /** Data mixture for the planned tokens (when sources, a mix, or a preset's data are known). */
  data?: MixturePlan & { sourcesPreset: string; mix: string; verified: boolean };
  /** Context-length stages (when given, or from a preset) and the extrapolation check. */
  context?: ContextPlan;
  comparison?: { against: string; rows: ComparisonRow[] };
  /** With --loss-target: the frontier point chosen for the deadline and what each step along the frontier trades (issue 16). */
  deadline?: DeadlineSection;
  /** A μP base tuned at another horizon or batch than the target's: the laws that bridge the gap (issue 15). */
  mupBridge?: MupBridgeSection;
  warnings: Warning[];
}
