/**
 * Pieces of a plan that several emitters write the same way: the μP settings a trainer without μP must
 * be told about, and the data-mixture phases with the step where each begins.
 */
import type { Layout } from "../layout/types.js";
import type { Plan } from "../plan/types.js";

/** The note for a trainer that has no μP (or a different one): what the plan wants that the config cannot say. */
export function noMupNote(plan: Plan, trainer: string, why = "has no μP"): string | undefined {
  const o = plan.optimizer;
  const p = o.parameterization;
  if (p.kind === "sp") return undefined;
  return (
    `${trainer} ${why}: the LR written is the hidden-weight LR ${sig12(o.hiddenLr.value)}; the plan also wants embeddings/norms at ${sig12(o.baseLr.value)}, ` +
    `init std ${sig12(p.hidden.initStd ?? 0)} (hidden) and ${sig12(p.outProjection.initStd ?? 0)} (output projections), embedding output × ${p.embedding.outputMultiplier}, ` +
    `logits × ${+p.outputLogitsScale.toPrecision(6)}, attention QᵀK/${p.attentionDivisor}${p.kind === "completep" ? `, residual branches × ${+p.residualMultiplier.toPrecision(6)}` : ""} — add them in your model and optimizer code`
  );
}

export interface DataPhase {
  name: string;
  /** Share of training tokens. */
  fraction: number;
  /** First optimizer step (0-indexed) of the phase. */
  startStep: number;
  /** Sources with a positive weight, in the plan's order. */
  weights: [string, number][];
}

/** The plan's mixture phases (main, then the optional end-of-training phase), or none without a data section. */
export function dataPhases(plan: Plan): DataPhase[] {
  if (!plan.data) return [];
  const T = plan.batch.steps.value;
  let before = 0;
  return plan.data.phases.map((ph) => {
    const startStep = Math.round(before * T);
    before += ph.fraction;
    return { name: ph.name, fraction: ph.fraction, startStep, weights: Object.entries(ph.weights).filter(([, w]) => w > 0) };
  });
}

/**
 * Twelve significant digits: drops binary noise (0.012/10 = 0.0012000000000000001) from the numbers a
 * config carries; the schedule check runs on the value as written.
 */
export const sig12 = (x: number): number => +x.toPrecision(12);

/** Six significant digits: enough for a weight, short enough to read. */
export const sig6 = (x: number): number => +x.toPrecision(6);

/**
 * The architecture fields the emitters write, read from `plan.model.spec` with the optional ones the
 * architecture work adds (issue 13: headDim, ffnType geglu/relu, ropeTheta, qkvBias, moe details, mla,
 * mtpModules). Read through this view so that an emitter compiles whether or not a field exists yet.
 */
export interface ArchView {
  dModel: number;
  numLayers: number;
  numHeads: number;
  kvHeads: number;
  /** Per-head dimension (dModel / numHeads unless the spec gives it). */
  headDim: number;
  /** Whether the head dimension was given and differs from dModel / numHeads. */
  explicitHeadDim: boolean;
  dFf: number;
  ffnType: string;
  position: string;
  ropeTheta?: number;
  qkvBias: boolean;
  norm: string;
  bias: boolean;
  tiedEmbeddings: boolean;
  vocabSize: number;
  moe?: { numExperts: number; topK: number; numSharedExperts: number; dFfExpert: number; firstDenseLayers: number; capacityFactor?: number };
  mla?: { qLoraRank?: number; kvLoraRank: number; qkNopeHeadDim: number; qkRopeHeadDim: number; vHeadDim: number };
  mtpModules: number;
}

type LooseSpec = Record<string, unknown>;
const num = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined);

export function archView(plan: Plan): ArchView {
  const s = plan.model.spec;
  const x = s as unknown as LooseSpec;
  const moe = x.moe as LooseSpec | undefined;
  const mla = x.mla as LooseSpec | undefined;
  const given = num(x.headDim);
  const headDim = given ?? s.dModel / s.numHeads;
  return {
    dModel: s.dModel,
    numLayers: s.numLayers,
    numHeads: s.numHeads,
    kvHeads: s.numKvHeads ?? s.numHeads,
    headDim,
    explicitHeadDim: given !== undefined && given * s.numHeads !== s.dModel,
    dFf: s.dFf,
    ffnType: s.ffnType,
    position: s.position,
    ...(num(x.ropeTheta) !== undefined ? { ropeTheta: num(x.ropeTheta) } : {}),
    qkvBias: x.qkvBias === true,
    norm: s.norm,
    bias: s.bias,
    tiedEmbeddings: s.tiedEmbeddings,
    vocabSize: s.vocabSize,
    ...(moe
      ? {
          moe: {
            numExperts: num(moe.numExperts) ?? 1,
            topK: num(moe.topK) ?? 1,
            numSharedExperts: num(moe.numSharedExperts) ?? 0,
            dFfExpert: num(moe.dFfExpert) ?? s.dFf,
            firstDenseLayers: num(moe.firstDenseLayers) ?? 0,
            ...(num(moe.capacityFactor) !== undefined ? { capacityFactor: num(moe.capacityFactor) } : {}),
          },
        }
      : {}),
    ...(mla
      ? {
          mla: {
            ...(num(mla.qLoraRank) !== undefined ? { qLoraRank: num(mla.qLoraRank) } : {}),
            kvLoraRank: num(mla.kvLoraRank) ?? 0,
            qkNopeHeadDim: num(mla.qkNopeHeadDim) ?? 0,
            qkRopeHeadDim: num(mla.qkRopeHeadDim) ?? 0,
            vHeadDim: num(mla.vHeadDim) ?? 0,
          },
        }
      : {}),
    mtpModules: num(x.mtpModules) ?? 0,
  };
}

/**
 * Where a layout cannot run on this model in any trainer: TP must divide the query and KV heads (each
 * rank holds whole heads; Megatron-LM asserts both, megatron/core/transformer/attention.py), the pipeline
 * stages × virtual stages must divide the layers for an even split, and EP must divide the experts.
 */
export function layoutShapeNotes(layout: Layout, a: ArchView): string[] {
  const out: string[] = [];
  if (a.numHeads % layout.tp !== 0) out.push(`tensor parallel ${layout.tp} does not divide the ${a.numHeads} attention heads`);
  if (a.kvHeads % layout.tp !== 0 && layout.tp % a.kvHeads !== 0) out.push(`tensor parallel ${layout.tp} and the ${a.kvHeads} KV heads do not divide one another`);
  if (a.numLayers % (layout.pp * layout.vpp) !== 0) out.push(`pipeline ${layout.pp} × virtual stages ${layout.vpp} does not divide the ${a.numLayers} layers evenly`);
  if (layout.ep > 1 && (!a.moe || a.moe.numExperts % layout.ep !== 0)) out.push(a.moe ? `expert parallel ${layout.ep} does not divide the ${a.moe.numExperts} experts` : `expert parallel ${layout.ep} on a dense model`);
  return out;
}

/** "DP 8 (ZeRO-1 over 8) · TP 8 + SP · PP 4 × 2 virtual · CP 2 · EP 1 · micro-batch 1 × 16, selective recompute, bf16": the layout in one line. */
export function layoutText(l: Layout): string {
  const shard = l.zeroStage === 0 ? "no sharding" : `ZeRO-${l.zeroStage} over ${l.dpShard}${l.dpShard < l.dp ? ` × ${l.dp / l.dpShard} replicas` : ""}`;
  return `DP ${l.dp} (${shard}) · TP ${l.tp}${l.sequenceParallel ? " + SP" : ""} · PP ${l.pp}${l.vpp > 1 ? ` × ${l.vpp} virtual` : ""} · CP ${l.cp} · EP ${l.ep} · micro-batch ${l.microBatch} × ${l.gradAccum} accumulation, ${l.recompute} recompute${l.recomputeLayers ? ` (${l.recomputeLayers} layers per stage)` : ""}, ${l.precision}, ${l.mainGrads} main gradients`;
}

/** The GPUs a layout occupies (dp · tp · pp · cp; EP folds into dp·cp). */
export const layoutGpus = (l: Layout): number => l.dp * l.tp * l.pp * l.cp;
