/**
 * Context-length stages and how far the model will extrapolate.
 *
 * Stages train at increasing sequence lengths with the same tokens per step (so the batch in sequences
 * shrinks as the length grows), as BTLM-3B-8K did: 75% of tokens at 2,048 (batch 1,920), then 25% at
 * 8,192 (batch 480) (arXiv 2309.11568; modelzoo btlm configs). Attention FLOPs per token grow with the
 * length (PaLM App. B's 12·L·H·Q·T term).
 *
 * Extrapolation: plain ALiBi holds up only ~12% beyond the trained length; dividing the slopes by
 * s = L_target/L_train (position interpolation for ALiBi) extends it to ~2× while keeping LM quality
 * (Al-Khateeb, Dey, Soboleva, Hestness, arXiv 2310.13017 [P intro]). Cerebras config form:
 * alibi_scaling {type: linear, factor: s}.
 */
import { conflict, invalid, type Issue, type Result } from "../errors.js";
import type { Warning } from "../laws/types.js";
import { flopsPerToken } from "../model/flops.js";
import { layoutMemory, type Layout, type LayoutMemoryOptions } from "../layout/index.js";
import { chooseMicroBatch, type MemoryBreakdown } from "../model/memory.js";
import { bytes } from "../units/types.js";
import type { ArchSpec } from "../model/spec.js";
import { alibiSlopes } from "./alibi.js";

/** Longest sequence (stage length or target) accepted: the planner's limit on --seq-len (src/plan/request.ts). */
export const MAX_CONTEXT_LENGTH = 1e7;
/** Most context stages in one plan (BTLM-3B-8K has 2). */
export const MAX_STAGES = 64;
/**
 * Most attention heads accepted for the extrapolation check: each gets an ALiBi slope, listed. Llama 3.1
 * 405B and DeepSeek-V3 have 128 (issue 10: --heads 1e9 built a billion slopes and never returned).
 */
export const MAX_HEADS = 1024;

export interface StageSpec {
  seqLen: number;
  share: number;
}

/** "2048:0.75,8192:0.25" → stages */
export function parseStages(text: string, field = "train"): Result<StageSpec[]> {
  const out: StageSpec[] = [];
  const parts = text.split(",");
  if (parts.length > MAX_STAGES) return { ok: false, issues: [invalid(field, `at most ${MAX_STAGES} length:share stages`, `${parts.length} stages`)] };
  for (const part of parts) {
    // each class is followed by one it cannot match, so a failing match is linear in the text
    const m = /^\s*(\d+)\s*:\s*([0-9.eE+-]+)\s*$/.exec(part);
    const seqLen = m ? Number(m[1]) : NaN;
    const share = m ? Number(m[2]) : NaN;
    if (!m || !Number.isInteger(seqLen) || seqLen < 1 || seqLen > MAX_CONTEXT_LENGTH || !(share > 0 && share <= 1)) {
      return { ok: false, issues: [invalid(field, `length:share pairs with a whole length 1 … ${MAX_CONTEXT_LENGTH.toExponential().replace("e+", "e")} and a share in (0, 1], e.g. "2048:0.75,8192:0.25"`, part.length > 60 ? `${part.slice(0, 60)}…` : part)] };
    }
    out.push({ seqLen, share });
  }
  return { ok: true, value: out };
}

export interface StagePlan {
  seqLen: number;
  share: number;
  /** Known when a token budget is given. */
  tokens?: number;
  /** Known when tokens per step are given. */
  batchSeqs?: number;
  steps?: number;
  /** Known when a model is given. */
  attentionFlopsPerToken?: number;
  flopsPerToken?: number;
  totalFlops?: number;
  microBatchSeqs?: number;
  memory?: MemoryBreakdown;
}

export interface Extrapolation {
  position: ArchSpec["position"];
  trainedLength: number;
  targetLength: number;
  /** s = target / trained: divide ALiBi slopes (or RoPE positions) by s. */
  interpolationFactor: number;
  slopes?: number[];
  scaledSlopes?: number[];
  /** Cerebras modelzoo form, for ALiBi. */
  cerebrasConfig?: { alibi_scaling: { type: "linear"; factor: number } };
}

export interface ContextPlan {
  stages: StagePlan[];
  batchTokens?: number;
  /** Σ stage tokens × FLOPs per token at that length (model and tokens given). */
  totalFlops?: number;
  extrapolation?: Extrapolation;
  warnings: Warning[];
}

export interface ContextOptions {
  stages: StageSpec[];
  tokens?: number;
  /** Tokens per optimizer step, the same in every stage. */
  batchTokens?: number;
  /** The model, for FLOPs and memory per stage; else `attention` for the extrapolation check alone. */
  spec?: ArchSpec;
  attention?: { position: ArchSpec["position"]; numHeads: number };
  targetLength?: number;
  /**
   * For memory per stage: data-parallel ranks, ZeRO stage and accelerator memory; with `layout` (the
   * plan's), each stage runs that layout's degrees at its own length — its data-parallel ranks split the
   * stage's batch, tp/sp/cp split its activations (src/layout/memory.ts) — with the largest micro-batch
   * that fits (the layout's recompute, then full).
   */
  memory?: { dataParallel: number; zeroStage: 0 | 1 | 2 | 3; capacityBytes: number; layout?: Layout; layoutOptions?: LayoutMemoryOptions };
}

export function planContext(o: ContextOptions): Result<ContextPlan> {
  const issues: Issue[] = [];
  const shareSum = o.stages.reduce((a, s) => a + s.share, 0);
  if (o.stages.length === 0) issues.push(invalid("train", "at least one length:share stage", "none"));
  if (Math.abs(shareSum - 1) > 1e-6) issues.push(invalid("train", "stage shares that sum to 1", `shares summing to ${+shareSum.toPrecision(6)}`));
  for (let i = 1; i < o.stages.length; i++) {
    if ((o.stages[i] as StageSpec).seqLen <= (o.stages[i - 1] as StageSpec).seqLen) issues.push(invalid(["train", `stage ${i + 1}`], "lengths that increase from stage to stage", (o.stages[i] as StageSpec).seqLen));
  }
  if (o.stages.length > MAX_STAGES) issues.push(invalid("train", `at most ${MAX_STAGES} stages`, `${o.stages.length} stages`));
  for (const st of o.stages) if (!(Number.isInteger(st.seqLen) && st.seqLen >= 1 && st.seqLen <= MAX_CONTEXT_LENGTH)) issues.push(invalid(["train", "seqLen"], `a whole length 1 … ${MAX_CONTEXT_LENGTH.toExponential().replace("e+", "e")}`, st.seqLen));
  const heads = o.spec?.numHeads ?? o.attention?.numHeads;
  if (o.targetLength !== undefined && heads !== undefined && !(Number.isInteger(heads) && heads >= 1 && heads <= MAX_HEADS)) issues.push(invalid("heads", `a whole number of attention heads 1 … ${MAX_HEADS}`, heads));
  if (o.targetLength !== undefined && !(Number.isInteger(o.targetLength) && o.targetLength >= 1 && o.targetLength <= MAX_CONTEXT_LENGTH)) issues.push(invalid("target", `a whole number of tokens 1 … ${MAX_CONTEXT_LENGTH.toExponential().replace("e+", "e")}`, o.targetLength));
  if (issues.length > 0) return { ok: false, issues };
  const warnings: Warning[] = [];
  const stages: StagePlan[] = [];
  // When the tokens are a whole number T of steps at batchTokens, stage boundaries are rounded on the
  // cumulative share so the stages' steps add up to exactly T (a ceiling per stage gave T + 1 for
  // BTLM-3B-8K's 2k→8k split).
  const wholeSteps = o.tokens !== undefined && o.batchTokens !== undefined ? o.tokens / o.batchTokens : NaN;
  const totalSteps = Math.abs(wholeSteps - Math.round(wholeSteps)) < 1e-9 ? Math.round(wholeSteps) : undefined;
  let cumShare = 0;
  for (const st of o.stages) {
    const before = cumShare;
    cumShare += st.share;
    const row: StagePlan = { seqLen: st.seqLen, share: st.share };
    let batchSeqs: number | undefined;
    if (o.batchTokens !== undefined) {
      // Same tokens per step in every stage: batch in sequences = batch tokens / length.
      const exact = o.batchTokens / st.seqLen;
      batchSeqs = Math.max(1, Math.round(exact));
      row.batchSeqs = batchSeqs;
      if (Math.abs(exact - batchSeqs) > 1e-9) {
        warnings.push({ code: "rounding", source: "arithmetic", message: `context: ${o.batchTokens} tokens per step is ${+exact.toPrecision(6)} sequences of ${st.seqLen}; using ${batchSeqs} (${batchSeqs * st.seqLen} tokens per step in that stage)` });
      }
    }
    if (o.tokens !== undefined) {
      row.tokens = st.share * o.tokens;
      if (batchSeqs !== undefined) {
        row.steps =
          totalSteps !== undefined && batchSeqs * st.seqLen === o.batchTokens
            ? Math.round(Math.min(1, cumShare) * totalSteps) - Math.round(before * totalSteps)
            : Math.ceil(row.tokens / (batchSeqs * st.seqLen));
      }
    }
    if (o.spec) {
      const f = flopsPerToken(o.spec, st.seqLen);
      row.attentionFlopsPerToken = f.attention;
      row.flopsPerToken = f.total;
      if (row.tokens !== undefined) row.totalFlops = row.tokens * f.total;
    }
    if (o.spec && o.memory && batchSeqs !== undefined) {
      const perGpu = batchSeqs / o.memory.dataParallel;
      if (Number.isInteger(perGpu) && perGpu >= 1) {
        const lay = o.memory.layout;
        let m: { micro: number; breakdown: MemoryBreakdown };
        if (lay !== undefined) m = layoutStageMemory(o.spec, st.seqLen, perGpu, lay, o.memory.capacityBytes, o.memory.layoutOptions ?? {});
        else {
          const r = chooseMicroBatch(o.spec, st.seqLen, perGpu, o.memory.dataParallel, o.memory.zeroStage, "auto", o.memory.capacityBytes);
          // Without a requested micro-batch chooseMicroBatch always answers a value.
          if (!r.ok) return r;
          m = r.value;
        }
        row.microBatchSeqs = m.micro;
        row.memory = m.breakdown;
        if (m.breakdown.total > o.memory.capacityBytes) warnings.push({ code: "memory", source: "zero", message: `context: the ${st.seqLen}-token stage needs ${+(m.breakdown.total / 2 ** 30).toPrecision(3)} GiB per GPU even at micro-batch 1 with recomputation${o.memory.layout ? " on the plan's layout (pin --cp or --tp for the longest stage)" : ""}` });
      } else {
        warnings.push({ code: "batch", source: "arithmetic", message: `context: ${batchSeqs} sequences of ${st.seqLen} per step cannot be split over ${o.memory.dataParallel} data-parallel ranks; that stage needs sequence or tensor parallelism` });
      }
    }
    stages.push(row);
  }
  const plan: ContextPlan = { stages, warnings };
  if (o.batchTokens !== undefined) plan.batchTokens = o.batchTokens;
  if (stages.every((st) => st.totalFlops !== undefined)) plan.totalFlops = stages.reduce((a, st) => a + (st.totalFlops as number), 0);
  if (o.targetLength !== undefined) {
    const trained = Math.max(...o.stages.map((s) => s.seqLen));
    if (o.targetLength < trained) {
      return { ok: false, issues: [conflict(["target", "train"], `the target length ${o.targetLength} is shorter than the trained length ${trained}; nothing to extrapolate`)] };
    }
    const s = o.targetLength / trained;
    const att = o.spec ? { position: o.spec.position, numHeads: o.spec.numHeads } : o.attention;
    if (!att) return { ok: false, issues: [invalid("position", "a model (preset or shape) or --position with --heads, to check extrapolation", "neither")] };
    const ex: Extrapolation = { position: att.position, trainedLength: trained, targetLength: o.targetLength, interpolationFactor: s };
    if (att.position === "alibi") {
      ex.slopes = alibiSlopes(att.numHeads);
      ex.scaledSlopes = ex.slopes.map((m) => m / s);
      ex.cerebrasConfig = { alibi_scaling: { type: "linear", factor: s } };
      if (s > 2) warnings.push({ code: "extrapolation", source: "alibi-pi", message: `context: ${o.targetLength} is ${+s.toPrecision(3)}× the trained ${trained}; ALiBi with position interpolation was shown to hold to ~2× (arXiv 2310.13017) — train a longer stage` });
      else if (s > 1.12) warnings.push({ code: "extrapolation", source: "alibi-pi", message: `context: ${o.targetLength} is ${+s.toPrecision(3)}× the trained ${trained}; plain ALiBi holds only ~12% beyond it — divide the slopes by ${+s.toPrecision(4)} (position interpolation, ~2× supported)` });
    } else if (att.position === "rope") {
      warnings.push({ code: "range-unknown", source: "alibi-pi", message: `context: for RoPE the equivalent position-interpolation factor is ${+s.toPrecision(4)} (positions / ${+s.toPrecision(4)}); lmplan has no published limit for RoPE to check it against` });
    } else {
      warnings.push({ code: "extrapolation", source: "alibi-pi", message: `context: learned position embeddings have ${trained} entries; the model cannot address positions beyond ${trained} without retraining` });
    }
    plan.extrapolation = ex;
  }
  return { ok: true, value: plan };
}

/**
 * A stage's memory on the plan's layout at the stage's length: the largest micro-batch dividing the
 * per-rank sequences that fits (the layout's recompute first, then full), else micro-batch 1 with full
 * recompute. Divisors in pairs up to √n, so a large batch costs √n steps, not n.
 */
export function layoutStageMemory(spec: ArchSpec, seqLen: number, perRank: number, l: Layout, capacity: number, opts: LayoutMemoryOptions): { micro: number; breakdown: MemoryBreakdown } {
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= perRank && d <= 1e6; d++) {
    if (perRank % d !== 0) continue;
    small.push(d);
    if (d * d !== perRank) large.push(perRank / d);
  }
  const divisors = [...large, ...small.reverse()];
  const at = (micro: number, recompute: Layout["recompute"]) => {
    const mem = layoutMemory(spec, seqLen, { ...l, microBatch: micro, gradAccum: perRank / micro, recompute }, { ...opts, explain: false });
    const breakdown: MemoryBreakdown = { weights: bytes(mem.weightsBytes), gradients: bytes(mem.gradientsBytes), optimizer: bytes(mem.masterWeightsBytes + mem.optimizerStatesBytes), activations: bytes(mem.activationsBytes), logits: bytes(mem.logitsBytes), total: bytes(mem.totalBytes) };
    return { micro, breakdown };
  };
  for (const rc of l.recompute === "full" ? (["full"] as const) : ([l.recompute, "full"] as const)) {
    for (const d of divisors) {
      const m = at(d, rc);
      if (m.breakdown.total <= capacity) return m;
    }
  }
  return at(1, "full");
}
