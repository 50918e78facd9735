/**
 * Time per optimizer step for a parallel layout.
 *
 *   step = compute + recompute + bubble + TP comm + MoE all-to-all + PP sends + exposed CP + exposed DP
 *
 * compute: model FLOPs (6N + 12·L·H·Q·T per token, PaLM arXiv 2204.02311 App. B; src/model/flops.ts) of
 *   the step's tokens, per GPU, at peak × u, where u is the compute efficiency calibrated on published
 *   throughput (calibrate.ts) or the user's MFU.
 * recompute: full recompute repeats the forward of the recomputed layers, ⅓ of their 6N (Korthikanti
 *   arXiv 2205.05198 §5: "about 33%"); selective repeats the attention core's forward, ⅓ of 12·L·H·Q·T.
 * bubble: (pp − 1)/(m·v) of the ideal compute time for m micro-batches and v virtual stages (Narayanan
 *   et al. arXiv 2104.04473 §2.2.1–2.2.2).
 * collectives, ring algorithms, time = volume / bandwidth from the catalog (datasheet peaks per GPU per
 *   direction, src/hardware/catalog.ts), on the intra-node fabric when the group fits in a node (TP first,
 *   then CP, then DP; PP outermost — Megatron's rank order, Narayanan §3):
 *   - TP (Shoeybi et al. arXiv 1909.08053 §3): 2 all-reduces of b·s·h·2 bytes per layer forward, 2 backward
 *     (and 2 more in a full recompute); with SP the same volume as reduce-scatter + all-gather (Korthikanti
 *     §4.2.2). A ring all-reduce moves 2(t−1)/t of the buffer. Not overlapped (assumption).
 *   - MoE: 4 all-to-alls per MoE layer (dispatch and combine, forward and backward) of the top-k copies,
 *     (ep−1)/ep of them leaving the GPU. Not overlapped (assumption).
 *   - PP: each micro-batch sends its activation forward and its gradient backward at each of the v chunk
 *     boundaries, b·s·h·2 bytes (/ tp with SP, Megatron's scatter-gather). Not overlapped (pessimistic).
 *   - CP: ring attention passes K and V (cp − 1) times forward and K, V, dK, dV backward; overlapped with
 *     the layer's attention compute, only the excess counted.
 *   - DP: ZeRO 0 all-reduces the gradients; ZeRO 1–2 reduce-scatter gradients and all-gather weights once per
 *     step; ZeRO 3 all-gathers weights twice (forward, backward) and reduce-scatters gradients per
 *     micro-batch; HSDP adds an all-reduce of the shard over the replicas. Overlapped with compute (FSDP2
 *     prefetch; Megatron --overlap-grad-reduce/--overlap-param-gather): only the excess over the compute
 *     time is counted (assumption).
 */
import type { Accelerator } from "../hardware/catalog.js";
import { flopsPerToken } from "../model/flops.js";
import type { ArchSpec } from "../model/spec.js";
import { layersOnStage } from "./memory.js";
import { paramGroups } from "./params.js";
import type { Layout } from "./types.js";

export interface LayoutTimeOptions {
  /** Compute efficiency u: achieved / peak FLOP/s while computing (the MFU when nothing else costs time). */
  efficiency: number;
  /** Where u came from, for the derivation. */
  efficiencySource?: string;
  /** Fraction of the compute time DP collectives can hide behind (1 = all of it). */
  dpOverlap?: number;
  /** Write the derivation text (default true; the search turns it off for the layouts it discards). */
  explain?: boolean;
}

export interface TimeBreakdown {
  stepSeconds: number;
  computeSeconds: number;
  recomputeSeconds: number;
  bubbleSeconds: number;
  tpCommSeconds: number;
  moeCommSeconds: number;
  ppCommSeconds: number;
  /** CP and DP collectives: total, and the part not hidden behind compute. */
  cpCommSeconds: number;
  cpExposedSeconds: number;
  dpCommSeconds: number;
  dpExposedSeconds: number;
  tokensPerStep: number;
  tokensPerSecondPerGpu: number;
  /** Achieved model FLOPs / peak of the layout's precision, end to end. */
  mfu: number;
  efficiency: number;
  peakFlopsPerGpu: number;
  derivation: string[];
  modelled: string[];
  assumed: string[];
}

const MODELLED = [
  "compute at the calibrated efficiency; recompute's extra forward; the pipeline bubble (pp−1)/(m·v)",
  "TP all-reduce / reduce-scatter + all-gather, MoE all-to-all and PP sends on the critical path; CP and DP collectives hidden behind compute up to its length",
];
const ASSUMED = [
  "collectives at datasheet peak bandwidth (NCCL achieves less): communication is a lower bound",
  "no TP communication overlap (Megatron --tp-comm-overlap, AsyncTP hide part of it)",
  "DP/FSDP and CP collectives overlap with compute; the embedding, loss and optimizer step take no time",
];

export function peakFor(accel: Accelerator, precision: Layout["precision"]): number {
  return precision === "fp8" && accel.peakFp8 !== undefined ? accel.peakFp8 : accel.peakBf16;
}

export function layoutTime(spec: ArchSpec, seqLen: number, l: Layout, accel: Accelerator, o: LayoutTimeOptions): TimeBreakdown {
  const explain = o.explain ?? true;
  const net = accel.interconnect;
  const G = net.gpusPerNode;
  const bw = (groupSpan: number) => (groupSpan <= G ? net.intraNodeBytesPerSecond : net.interNodeBytesPerSecond);
  const gpus = l.dp * l.tp * l.pp * l.cp;
  const m = l.gradAccum;
  const tokensPerStep = l.dp * l.microBatch * m * seqLen;
  const peak = peakFor(accel, l.precision);
  const fpt = cachedFlops(spec, seqLen);
  const u = o.efficiency;
  const derivation: string[] = [];

  // compute: model FLOPs of the step per GPU at peak × u (PaLM App. B count)
  const modelFlopsPerGpu = (fpt.total * tokensPerStep) / gpus;
  const computeSeconds = modelFlopsPerGpu / (peak * u);
  if (explain) derivation.push(`compute: ${sci(fpt.total)} FLOPs/token × ${tokensPerStep} tokens / ${gpus} GPUs / (${sci(peak)} FLOP/s × u ${round(u)}${o.efficiencySource ? `, ${o.efficiencySource}` : ""}) = ${sec(computeSeconds)} s`);

  // recompute (Korthikanti §5): full = one more forward of the recomputed layers; selective = the attention core's forward
  const Lst = layersOnStage(spec.numLayers, l.pp, 0);
  const g = paramGroups(spec);
  const headFlops = 6 * spec.vocabSize * spec.dModel;
  let recomputeFlopsPerToken = 0;
  if (l.recompute === "full") recomputeFlopsPerToken = ((fpt.total - headFlops) / 3) * (Math.min(Lst, l.recomputeLayers ?? Lst) / Lst);
  else if (l.recompute === "selective") recomputeFlopsPerToken = fpt.attention / 3;
  const recomputeSeconds = (recomputeFlopsPerToken * tokensPerStep) / gpus / (peak * u);
  if (explain && l.recompute !== "none") derivation.push(`recompute (${l.recompute}): + ${sci(recomputeFlopsPerToken)} FLOPs/token = ${sec(recomputeSeconds)} s`);

  // Narayanan §2.2: bubble = (pp − 1)/(m·v) of the ideal time
  const bubbleFraction = l.pp > 1 ? (l.pp - 1) / (m * l.vpp) : 0;
  const bubbleSeconds = (computeSeconds + recomputeSeconds) * bubbleFraction;
  if (explain && l.pp > 1) derivation.push(`bubble: (${l.pp} − 1)/(${m} × ${l.vpp}) = ${round(bubbleFraction)} × compute = ${sec(bubbleSeconds)} s`);

  const tokensPerMicro = (l.microBatch * seqLen) / l.cp;
  const actBytes = tokensPerMicro * spec.dModel * 2; // bf16 b·s·h per micro-batch
  // TP: 4 all-reduces per layer (+2 with full recompute), ring 2(t−1)/t
  let tpCommSeconds = 0;
  if (l.tp > 1) {
    const perLayer = (l.recompute === "full" ? 6 : 4) * ((2 * (l.tp - 1)) / l.tp) * actBytes;
    tpCommSeconds = (Lst * m * perLayer) / bw(l.tp);
    if (explain) derivation.push(`TP: ${Lst} layers × ${m} micro-batches × ${l.recompute === "full" ? 6 : 4} all-reduces × 2(t−1)/t × ${sci(actBytes)} B / ${sci(bw(l.tp))} B/s = ${sec(tpCommSeconds)} s`);
  }
  // MoE all-to-all: dispatch + combine, forward + backward, top-k copies of each token's hidden state
  let moeCommSeconds = 0;
  const moeLayersOnStage = Math.round((g.layers.numMoeLayers * Lst) / spec.numLayers);
  if (l.ep > 1 && moeLayersOnStage > 0) {
    const perLayer = (l.recompute === "full" ? 6 : 4) * ((l.ep - 1) / l.ep) * g.layers.topK * actBytes / (l.sequenceParallel ? l.tp : 1);
    moeCommSeconds = (moeLayersOnStage * m * perLayer) / bw(l.tp * l.ep);
    if (explain) derivation.push(`MoE all-to-all: ${moeLayersOnStage} layers × ${m} × ${sci(perLayer)} B / ${sci(bw(l.tp * l.ep))} B/s = ${sec(moeCommSeconds)} s`);
  }
  // PP: forward activation and backward gradient at each chunk boundary, per micro-batch
  let ppCommSeconds = 0;
  if (l.pp > 1) {
    const perSend = actBytes / (l.sequenceParallel ? l.tp : 1);
    ppCommSeconds = (2 * m * l.vpp * perSend) / bw(gpus);
    if (explain) derivation.push(`PP sends: 2 × ${m} × ${l.vpp} × ${sci(perSend)} B / ${sci(bw(gpus))} B/s = ${sec(ppCommSeconds)} s`);
  }
  // CP ring attention: (cp−1) K,V passes forward, K,V,dK,dV backward; hidden behind the layer's attention compute
  let cpCommSeconds = 0;
  let cpExposedSeconds = 0;
  if (l.cp > 1) {
    const kvBytes = 2 * tokensPerMicro * (g.kvDim / l.tp) * 2;
    const perLayer = 3 * (l.cp - 1) * kvBytes;
    const layerComm = perLayer / bw(l.tp * l.cp);
    const layerAttention = (fpt.attention / spec.numLayers) * tokensPerMicro / l.tp / (peak * u);
    cpCommSeconds = Lst * m * layerComm;
    cpExposedSeconds = Lst * m * Math.max(0, layerComm - layerAttention);
    if (explain) derivation.push(`CP: ${Lst} × ${m} × 3(cp−1) × ${sci(kvBytes)} B / ${sci(bw(l.tp * l.cp))} B/s = ${sec(cpCommSeconds)} s, ${sec(cpExposedSeconds)} s not hidden behind attention`);
  }
  // DP/ZeRO collectives over dpShard·cp ranks (+ the HSDP replica all-reduce)
  const n = l.dpShard * l.cp;
  const replicas = l.dp / l.dpShard;
  const psi = paramsOnGpu(spec, l);
  const wB = 2;
  const gB = l.mainGrads === "fp32" ? 4 : 2;
  const frac = (k: number) => (k > 1 ? (k - 1) / k : 0);
  let dpBytes: number;
  if (l.zeroStage === 0) dpBytes = 2 * frac(l.dp * l.cp) * psi * gB;
  else if (l.zeroStage < 3) dpBytes = frac(n) * psi * (gB + wB);
  else dpBytes = m * frac(n) * psi * (2 * wB + gB);
  const dpSpan = l.tp * l.cp * (l.zeroStage === 0 ? l.dp : l.dpShard);
  let dpCommSeconds = dpBytes / bw(dpSpan);
  if (l.zeroStage > 0 && replicas > 1) dpCommSeconds += (2 * frac(replicas) * (psi / n) * gB) / net.interNodeBytesPerSecond;
  const hide = (o.dpOverlap ?? 1) * (computeSeconds + recomputeSeconds);
  const dpExposedSeconds = Math.max(0, dpCommSeconds - hide);
  if (explain && l.dp * l.cp > 1) derivation.push(`DP (ZeRO-${l.zeroStage} over ${n}${replicas > 1 ? `, ${replicas} replicas` : ""}): ${sci(dpBytes)} B / ${sci(bw(dpSpan))} B/s = ${sec(dpCommSeconds)} s, ${sec(dpExposedSeconds)} s not hidden behind compute`);

  const stepSeconds = computeSeconds + recomputeSeconds + bubbleSeconds + tpCommSeconds + moeCommSeconds + ppCommSeconds + cpExposedSeconds + dpExposedSeconds;
  const tokensPerSecondPerGpu = tokensPerStep / stepSeconds / gpus;
  const mfu = (fpt.total * tokensPerSecondPerGpu) / peak;
  if (explain) derivation.push(`step: ${sec(stepSeconds)} s for ${tokensPerStep} tokens = ${round(tokensPerSecondPerGpu)} tokens/s/GPU, MFU ${round(mfu)}`);
  return {
    stepSeconds,
    computeSeconds,
    recomputeSeconds,
    bubbleSeconds,
    tpCommSeconds,
    moeCommSeconds,
    ppCommSeconds,
    cpCommSeconds,
    cpExposedSeconds,
    dpCommSeconds,
    dpExposedSeconds,
    tokensPerStep,
    tokensPerSecondPerGpu,
    mfu,
    efficiency: u,
    peakFlopsPerGpu: peak,
    derivation,
    modelled: MODELLED,
    assumed: ASSUMED,
  };
}

// the search asks for the same model's FLOPs per token thousands of times (specs are not mutated)
const FLOPS = new WeakMap<ArchSpec, Map<number, ReturnType<typeof flopsPerToken>>>();
function cachedFlops(spec: ArchSpec, seqLen: number): ReturnType<typeof flopsPerToken> {
  let bySeq = FLOPS.get(spec);
  if (bySeq === undefined) FLOPS.set(spec, (bySeq = new Map()));
  let f = bySeq.get(seqLen);
  if (f === undefined) bySeq.set(seqLen, (f = flopsPerToken(spec, seqLen)));
  return f;
}

/** Parameters on one GPU of the first stage (before ZeRO), the volume of its DP collectives. */
function paramsOnGpu(spec: ArchSpec, l: Layout): number {
  const g = paramGroups(spec);
  const L = layersOnStage(spec.numLayers, l.pp, 0);
  const moeFrac = g.layers.numMoeLayers / spec.numLayers;
  const perLayerTp = (1 - moeFrac) * (g.layers.attention + g.layers.denseFfn) + moeFrac * (g.layers.attention + g.layers.sharedExperts);
  const experts = moeFrac * g.layers.numExperts * g.layers.expert / (l.ep * l.tp);
  return L * (perLayerTp / l.tp + g.layers.norms + experts) + g.embedding / l.tp + (l.pp === 1 && !g.tied ? g.head / l.tp : 0);
}

const sci = (x: number) => x.toExponential(3);
const sec = (x: number) => String(+x.toPrecision(4));
const round = (x: number) => String(+x.toPrecision(4));
