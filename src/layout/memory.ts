/**
 * Memory per GPU for a parallel layout, by component, on the most loaded pipeline stage.
 *
 * Model states (mixed-precision AdamW), bytes per parameter held on this GPU:
 *   weights (compute dtype, 2 for bf16) · gradients (the dtype the optimizer reads: 4 with Megatron's fp32
 *   main grads, which replace the bf16 grads; 2 for bf16) · master weights (fp32, 4) · optimizer states
 *   (AdamW m and v, 2 × 4) — ZeRO's 2 + 2 + 12 = 16 (Rajbhandari et al., arXiv 1910.02054 §3.1, K = 12),
 *   Megatron's 2 + 4 + 12 = 18 (megatron/training/theoretical_memory_usage.py).
 *   ZeRO stage ≥ 1 shards master weights and optimizer states, ≥ 2 gradients, 3 weights (ZeRO §5), over
 *   the dpShard·cp ranks (Megatron's distributed optimizer and TorchTitan's FSDP mesh both shard over the
 *   data- and context-parallel ranks together); routed experts over dpShard·cp/ep.
 * Parameter placement: TP splits the attention and FFN matrices and the vocabulary tables (Shoeybi et al.
 *   arXiv 1909.08053 §3), norms and the router are replicated, routed experts split over ep (and TP: expert
 *   TP = TP assumed), PP gives each stage its layers, the first stage the embedding, the last the head and
 *   the final norm (a tied head is a second copy on the last stage when pp > 1, as in Megatron).
 * Activations: activations.ts per layer × layers on the stage × micro-batches in flight (1F1B: stage i
 *   holds min(m, pp − i); interleaved with v chunks, × (1 + (pp−1)/(pp·v)), Korthikanti arXiv 2205.05198
 *   §4.2.3 and Megatron's estimator), over b·s/cp tokens (CP splits the sequence).
 * Loss: the logits of one micro-batch on the last stage, V/t columns per token: unfused fp32 cross-entropy
 *   (TorchTitan torchtitan/components/loss.py at b5bcd76c, `cross_entropy(pred.float(), …)`) keeps the
 *   bf16 logits, their fp32 copy and its fp32 gradient, 2 + 4 + 4 = 10 bytes per entry; a fused loss
 *   keeps the bf16 logits, 2 (lmplan's reading of the two implementations, docs/science.md §12 [S]).
 * ZeRO-3 working set: the unsharded bf16 weights of the unit being computed and the one prefetched, plus
 *   one unit's unsharded gradients before its reduce-scatter (FSDP2 prefetches the next unit's all-gather,
 *   pytorch/torchtitan docs/fsdp.md at b5bcd76c: "FSDP2 always follows backward_prefetch=BACKWARD_PRE").
 * Reserve (assumption, labelled in the output): 1 GiB for the CUDA context, cuBLAS and NCCL workspaces
 *   plus 5% of the rest for allocator fragmentation (the 5% is Megatron's `overhead_factor = 1.05` for
 *   temporaries in theoretical_memory_usage.py, there applied to activations only).
 */
import type { ArchSpec } from "../model/spec.js";
import { layerActivationSplit, type LayerActivationSplit } from "./activations.js";
import { megatronMemory, megatronPaddedVocab } from "./megatron.js";
import { paramGroups, type ParamGroups } from "./params.js";
import type { Layout } from "./types.js";

const GIB = 1024 ** 3;

export interface LayoutMemoryOptions {
  /** lmplan's component model, or Megatron-LM's theoretical_memory_usage.py reproduced. */
  convention?: "lmplan" | "megatron";
  weightDtype?: "bf16" | "fp32";
  /** fp32 master weights beside bf16 weights (none when weights are fp32). */
  masterWeights?: "fp32" | "none";
  /** dtype of AdamW's two states. */
  optimizerStates?: "fp32" | "bf16";
  lossImpl?: "fused" | "unfused-fp32";
  flashAttention?: boolean;
  dropout?: boolean;
  /** Vocabulary padding: none, or Megatron's (a multiple of 128·tp, --make-vocab-size-divisible-by). */
  vocabPadding?: "none" | "megatron";
  /** Fixed reserve in bytes and a fraction of everything else (default 1 GiB + 5%). */
  reserve?: { fixedBytes: number; fraction: number };
  /** Units whose unsharded weights ZeRO-3 holds at once: 2 = the current and the prefetched one. */
  zeroUnits?: 1 | 2;
  /** Write the derivation text (default true; the search turns it off for the layouts it discards). */
  explain?: boolean;
}

export interface MemoryByComponent {
  /** The pipeline stage the figures are for (the most loaded: 0 holds the embedding and the most micro-batches). */
  stage: number;
  weightsBytes: number;
  gradientsBytes: number;
  masterWeightsBytes: number;
  optimizerStatesBytes: number;
  activationsBytes: number;
  logitsBytes: number;
  zeroWorkingSetBytes: number;
  reserveBytes: number;
  totalBytes: number;
  /** Per-layer, per-token activation split on this GPU (before recompute), and how it was scaled. */
  activation: { perLayerPerToken: LayerActivationSplit; layersOnStage: number; inFlightMicroBatches: number; tokensPerMicroBatch: number; recompute: Layout["recompute"] };
  /** Parameters held on this GPU before ZeRO sharding. */
  paramsOnGpu: number;
  convention: "lmplan" | "megatron";
  /** One line per component: the arithmetic and its source. */
  derivation: string[];
  /** Assumptions the figures rest on. */
  assumptions: string[];
}

const DTYPE_BYTES = { bf16: 2, fp32: 4 } as const;

/** Layers of stage i when L does not divide evenly: the first L mod pp stages take one more. */
export function layersOnStage(numLayers: number, pp: number, stage: number): number {
  return Math.floor(numLayers / pp) + (stage < numLayers % pp ? 1 : 0);
}

/** Micro-batches whose activations stage i holds at the 1F1B peak (Narayanan arXiv 2104.04473 §2.2.1), × the interleaving factor (Korthikanti §4.2.3). */
export function inFlightMicroBatches(l: Pick<Layout, "pp" | "vpp" | "gradAccum">, stage: number): number {
  if (l.pp === 1) return 1;
  const base = Math.min(l.gradAccum, l.pp - stage);
  return l.vpp > 1 ? base * (1 + (l.pp - 1) / (l.pp * l.vpp)) : base;
}

export function layoutMemory(spec: ArchSpec, seqLen: number, layout: Layout, opts: LayoutMemoryOptions = {}): MemoryByComponent {
  if ((opts.convention ?? "lmplan") === "megatron") return megatronMemory(spec, seqLen, layout, opts);
  const first = stageMemory(spec, seqLen, layout, opts, 0);
  if (layout.pp === 1) return first;
  const last = stageMemory(spec, seqLen, layout, opts, layout.pp - 1);
  return last.totalBytes > first.totalBytes ? last : first;
}

function stageMemory(spec: ArchSpec, seqLen: number, l: Layout, o: LayoutMemoryOptions, stage: number): MemoryByComponent {
  const explain = o.explain ?? true;
  const padded = o.vocabPadding === "megatron" ? megatronPaddedVocab(spec.vocabSize, l.tp) : spec.vocabSize;
  const g = paramGroups(padded === spec.vocabSize ? spec : { ...spec, vocabSize: padded });
  const L = layersOnStage(spec.numLayers, l.pp, stage);
  const isFirst = stage === 0;
  const isLast = stage === l.pp - 1;
  const derivation: string[] = [];
  const assumptions: string[] = [];

  // which of this stage's layers are MoE layers (dense ones come first, DeepSeek's first_k_dense_replace)
  const stageStart = stageFirstLayer(spec.numLayers, l.pp, stage);
  const denseHere = Math.max(0, Math.min(L, g.layers.numDenseLayers - stageStart));
  const moeHere = L - denseHere;

  // parameters on this GPU, before ZeRO: TP-split matrices, replicated vectors, experts over ep·tp
  const tpMatrices = (denseHere * (g.layers.attention + g.layers.denseFfn) + moeHere * (g.layers.attention + g.layers.sharedExperts) + (isFirst ? g.embedding : 0) + (isLast && (!g.tied || l.pp > 1) ? g.head : 0)) / l.tp;
  const replicated = L * g.layers.norms + moeHere * g.layers.router + (isLast ? g.finalNorm : 0);
  const experts = (moeHere * g.layers.numExperts * g.layers.expert) / (l.ep * l.tp);
  const dense = tpMatrices + replicated;
  const shard = l.dpShard * l.cp;
  const expertShard = Math.max(1, Math.floor(shard / l.ep));

  const wB = DTYPE_BYTES[o.weightDtype ?? "bf16"];
  const gB = DTYPE_BYTES[l.mainGrads];
  const mB = (o.masterWeights ?? (o.weightDtype === "fp32" ? "none" : "fp32")) === "fp32" ? 4 : 0;
  const sB = 2 * DTYPE_BYTES[o.optimizerStates ?? "fp32"];
  const held = (bytesPerParam: number, sharded: boolean) => bytesPerParam * (dense / (sharded ? shard : 1) + experts / (sharded ? expertShard : 1));
  const weightsBytes = held(wB, l.zeroStage >= 3);
  const gradientsBytes = held(gB, l.zeroStage >= 2);
  const masterWeightsBytes = held(mB, l.zeroStage >= 1);
  const optimizerStatesBytes = held(sB, l.zeroStage >= 1);
  const shardNote = (s: boolean) => (s ? `/ ${shard} (ZeRO over dpShard·cp)` : "unsharded");
  if (explain) derivation.push(
    `parameters on this GPU: ${fmt(dense)} TP-split and replicated (${L} layers${isFirst ? " + embedding" : ""}${isLast ? " + head" : ""}, matrices / tp ${l.tp}) + ${fmt(experts)} routed-expert (/ ep·tp ${l.ep * l.tp})`,
    `weights ${wB} B/param ${shardNote(l.zeroStage >= 3)} = ${gib(weightsBytes)} GiB; gradients (${l.mainGrads}) ${gB} B/param ${shardNote(l.zeroStage >= 2)} = ${gib(gradientsBytes)} GiB; master ${mB} + AdamW states ${sB} B/param ${shardNote(l.zeroStage >= 1)} = ${gib(masterWeightsBytes + optimizerStatesBytes)} GiB (ZeRO arXiv 1910.02054 §3.1, §5)`,
  );

  // activations (Korthikanti Table 2 split by component, activations.ts)
  const flags = { tp: l.tp, sequenceParallel: l.sequenceParallel, flashAttention: o.flashAttention ?? true, dropout: o.dropout ?? false, numHeads: spec.numHeads, seqLen, ffnType: spec.ffnType, dModel: spec.dModel };
  const dSplit = layerActivationSplit(g, flags, false);
  const mSplit = moeHere > 0 ? layerActivationSplit(g, flags, true) : dSplit;
  const tokens = (l.microBatch * seqLen) / l.cp;
  const perLayer = (s: LayerActivationSplit) => {
    if (l.recompute === "selective") return s.total - s.attentionCore;
    return s.total;
  };
  const keptInput = (2 * spec.dModel) / (l.sequenceParallel ? l.tp : 1); // Table 2 full recompute: 2·s·b·h per layer
  const inFlight = inFlightMicroBatches(l, stage);
  const stageBytesPerToken = denseHere * perLayer(dSplit) + moeHere * perLayer(mSplit);
  let activationsBytes: number;
  if (l.recompute === "full") {
    const r = Math.min(L, l.recomputeLayers ?? L);
    // r layers keep only their input; the rest keep everything; one recomputed layer is live in backward
    const fullPerLayer = L > 0 ? stageBytesPerToken / L : 0;
    activationsBytes = tokens * (inFlight * (r * keptInput + (L - r) * fullPerLayer) + fullPerLayer);
    if (explain) derivation.push(`activations: full recompute of ${r} of ${L} layers: ${tokens} tokens × (${fmt(inFlight)} in flight × (${r} × ${fmt(keptInput)} B kept input + ${L - r} × ${fmt(fullPerLayer)} B) + one live layer ${fmt(fullPerLayer)} B) = ${gib(activationsBytes)} GiB (Korthikanti Table 2)`);
  } else {
    activationsBytes = tokens * inFlight * stageBytesPerToken;
    if (explain) derivation.push(`activations: ${tokens} tokens (micro-batch ${l.microBatch} × seq ${seqLen} / cp ${l.cp}) × ${fmt(inFlight)} micro-batches in flight × ${L} layers × ${fmt(L > 0 ? stageBytesPerToken / L : 0)} B/token/layer (${l.recompute === "selective" ? "selective: attention core dropped" : "no recompute"}) = ${gib(activationsBytes)} GiB (Korthikanti Table 2 split by component)`);
  }

  const lossImpl = o.lossImpl ?? "fused";
  const logitsBytes = isLast ? (tokens * (lossImpl === "fused" ? 2 : 10) * padded) / l.tp : 0;
  if (explain && isLast) derivation.push(`logits: ${tokens} tokens × ${lossImpl === "fused" ? 2 : 10} B × V ${padded} / tp ${l.tp} = ${gib(logitsBytes)} GiB (${lossImpl} cross-entropy)`);

  let zeroWorkingSetBytes = 0;
  if (l.zeroStage >= 3 && shard > 1) {
    const layerUnit = (Math.max(g.layers.attention + g.layers.denseFfn, g.layers.attention + g.layers.sharedExperts) / l.tp) + (g.layers.numExperts * g.layers.expert) / (l.ep * l.tp);
    const unit = Math.max(layerUnit, isFirst ? g.embedding / l.tp : 0, isLast ? g.head / l.tp : 0);
    const units = o.zeroUnits ?? 2;
    zeroWorkingSetBytes = unit * (units * wB + gB);
    if (explain) derivation.push(`ZeRO-3 working set: ${units} unsharded units × ${wB} B + one unit's gradients × ${gB} B, largest unit ${fmt(unit)} params = ${gib(zeroWorkingSetBytes)} GiB (FSDP2 prefetch, torchtitan docs/fsdp.md)`);
  }

  const subtotal = weightsBytes + gradientsBytes + masterWeightsBytes + optimizerStatesBytes + activationsBytes + logitsBytes + zeroWorkingSetBytes;
  const reserve = o.reserve ?? { fixedBytes: GIB, fraction: 0.05 };
  const reserveBytes = reserve.fixedBytes + reserve.fraction * subtotal;
  if (explain) derivation.push(`reserve: ${gib(reserve.fixedBytes)} GiB + ${reserve.fraction} × ${gib(subtotal)} GiB = ${gib(reserveBytes)} GiB`);
  if (o.reserve === undefined) assumptions.push("reserve 1 GiB (CUDA context, cuBLAS/NCCL workspaces) + 5% fragmentation: lmplan's assumption (5% after Megatron's overhead_factor)");
  if (lossImpl === "fused") assumptions.push("fused cross-entropy keeps only the bf16 logits (2 B per vocabulary entry): lmplan's reading");
  if (g.layers.numMoeLayers > 0) assumptions.push("expert tensor parallelism = TP; experts' ZeRO group = dpShard·cp/ep; balanced routing (each GPU sees top-k × its tokens)");
  if (spec.numLayers % l.pp !== 0) assumptions.push(`uneven pipeline: ${spec.numLayers} layers over ${l.pp} stages, the first ${spec.numLayers % l.pp} take one more`);

  return {
    stage,
    weightsBytes,
    gradientsBytes,
    masterWeightsBytes,
    optimizerStatesBytes,
    activationsBytes,
    logitsBytes,
    zeroWorkingSetBytes,
    reserveBytes,
    totalBytes: subtotal + reserveBytes,
    activation: { perLayerPerToken: dSplit, layersOnStage: L, inFlightMicroBatches: inFlight, tokensPerMicroBatch: tokens, recompute: l.recompute },
    paramsOnGpu: dense + experts,
    convention: "lmplan",
    derivation,
    assumptions,
  };
}

// the first layer of stage i under layersOnStage's split
function stageFirstLayer(numLayers: number, pp: number, stage: number): number {
  return stage * Math.floor(numLayers / pp) + Math.min(stage, numLayers % pp);
}

/** Bytes as GiB, four significant figures (derivation text). */
export function gib(bytes: number): string {
  return String(+(bytes / GIB).toPrecision(4));
}

function fmt(x: number): string {
  return x >= 1e6 ? x.toExponential(3) : String(+x.toPrecision(4));
}

export type { ParamGroups };
