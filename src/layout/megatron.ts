/**
 * Megatron-LM's own memory estimate, as a selectable convention: what `report_theoretical_memory` in
 * NVIDIA/Megatron-LM megatron/training/theoretical_memory_usage.py (commit
 * d98e8a64ddf34856e74b24714e3bedb2f5a39553) prints for the layout. Re-derived from its arithmetic (not
 * copied); its known limits are kept on purpose, so that the figure equals Megatron's: activations ignore
 * GQA and top-k experts (18 + 4·ffn/h per s·b·h per layer, Korthikanti Table 2 with a general MLP width),
 * full recompute is not modelled, the output layer's activations count only when pp = 1, and there is no
 * reserve, no ZeRO-3 working set and no logits peak beyond its "inputs to output layer and CE loss".
 *
 *   weights + optimizer = params on the most loaded shard × (18, or 6 + 12/dp with the distributed optimizer)
 *     most loaded shard = (TP-split params / pp + embedding) / tp + replicated / pp (+ experts / (etp·ep·pp))
 *   activations (SP + selective) = [s·b·h·(18 + 4·f/h)·L + 8·s·b·pp + s·b·h·pp] × interleave penalty
 *     × min(1, m/pp) (non-interleaved) + (pp = 1: 4·s·b·h·(1 + V/h)), all / tp
 *   activations (otherwise) = [s·b·h·(10 + 24/tp)·L + 8·s·b·pp + s·b·h·pp] × penalty × min(1, m/pp)
 *     + (pp = 1: 2·(s·b·V/tp + s·b·h)), all × 1.05
 */
import type { ArchSpec } from "../model/spec.js";
import type { LayoutMemoryOptions, MemoryByComponent } from "./memory.js";
import { layerActivationSplit } from "./activations.js";
import { paramGroups } from "./params.js";
import type { Layout } from "./types.js";

const GIB = 1024 ** 3;

/**
 * Megatron's padded vocabulary: the next multiple of make_vocab_size_divisible_by (default 128) × tp
 * (megatron/training/tokenizer _vocab_size_with_padding).
 */
export function megatronPaddedVocab(vocabSize: number, tp: number, divisibleBy = 128): number {
  const m = divisibleBy * tp;
  return Math.ceil(vocabSize / m) * m;
}

export function megatronMemory(spec: ArchSpec, seqLen: number, l: Layout, _o: LayoutMemoryOptions = {}): MemoryByComponent {
  const V = megatronPaddedVocab(spec.vocabSize, l.tp);
  const g = paramGroups({ ...spec, vocabSize: V });
  const h = spec.dModel;
  const Lyr = spec.numLayers;
  const { numDenseLayers, numMoeLayers } = g.layers;
  // compute_weight_and_optimizer_memory: TP-split, replicated and expert-split parameter sums
  const tpSharded = (g.layers.attention + g.layers.denseFfn) * numDenseLayers + (g.layers.attention + g.layers.sharedExperts) * numMoeLayers;
  const replicated = g.layers.norms * numDenseLayers + (g.layers.norms + g.layers.router) * numMoeLayers + g.finalNorm;
  const expertSharded = g.layers.expert * g.layers.numExperts * numMoeLayers;
  const embedding = h * V;
  let tpOnShard = (tpSharded / l.pp + embedding) / l.tp;
  if (!spec.tiedEmbeddings && l.pp === 1) tpOnShard += embedding / l.tp;
  const replicatedOnShard = replicated / l.pp;
  // expert tensor parallel = tp (lmplan's convention for experts, activations.ts); expert DP = world / (etp·ep·pp)
  const expertOnShard = expertSharded / l.pp / (l.tp * l.ep);
  const world = l.dp * l.tp * l.pp * l.cp;
  const expertDp = Math.max(1, Math.floor(world / (l.tp * l.ep * l.pp)));
  const distributed = l.zeroStage >= 1;
  // num_bytes_per_parameter: 18 without the distributed optimizer, 6 + 12/dp with it; the estimator divides by
  // args.data_parallel_size = world / (tp·pp·cp), although the optimizer itself shards over dp·cp
  const dpSize = l.dp;
  const bytesPerParam = (dp: number) => (distributed ? 6 + 12 / dp : 18);
  const denseParams = tpOnShard + replicatedOnShard;
  const weightAndOptimizer = denseParams * bytesPerParam(dpSize) + expertOnShard * bytesPerParam(expertDp);
  // split into lmplan's components: bf16 weights 2, fp32 main grads 4, master + Adam 12 (/dp when distributed)
  const params = denseParams + expertOnShard;
  const weightsBytes = 2 * params;
  const gradientsBytes = 4 * params;
  const stateShare = distributed ? denseParams / dpSize + expertOnShard / expertDp : params;
  const masterWeightsBytes = 4 * stateShare;
  const optimizerStatesBytes = 8 * stateShare;

  // compute_activation_memory (SP + selective) or compute_activation_memory_without_sp
  const s = seqLen;
  const b = l.microBatch;
  const p = l.pp;
  const withSp = l.sequenceParallel && l.recompute === "selective";
  let act = withSp ? s * b * h * (18 + (4 * spec.dFf) / h) * Lyr : s * b * h * (10 + 24 / l.tp) * Lyr;
  act += 8 * s * b * p; // input to embedding, pp micro-batches in flight
  act += s * b * h * p; // dropout in the embedding layer
  if (l.vpp > 1) act *= 1 + (p - 1) / (p * l.vpp);
  if (l.vpp === 1 && p > 1) act *= Math.min(1, l.gradAccum / p);
  if (p === 1) act += withSp ? s * b * h * 4 * (1 + V / h) : 2 * ((s * b * V) / l.tp + s * b * h);
  act = withSp ? act / l.tp : act * 1.05;

  const flags = { tp: l.tp, sequenceParallel: l.sequenceParallel, flashAttention: true, dropout: false, numHeads: spec.numHeads, seqLen, ffnType: spec.ffnType, dModel: h };
  const total = weightAndOptimizer + act;
  return {
    stage: 0,
    weightsBytes,
    gradientsBytes,
    masterWeightsBytes,
    optimizerStatesBytes,
    activationsBytes: act,
    logitsBytes: 0,
    zeroWorkingSetBytes: 0,
    reserveBytes: 0,
    totalBytes: total,
    activation: { perLayerPerToken: layerActivationSplit(g, flags, false), layersOnStage: Math.ceil(Lyr / p), inFlightMicroBatches: p, tokensPerMicroBatch: s * b, recompute: l.recompute },
    paramsOnGpu: params,
    convention: "megatron",
    derivation: [
      `Megatron-LM theoretical_memory_usage.py (d98e8a6): padded vocabulary ${V} (multiple of 128·tp); most loaded shard ${(params / 1e9).toFixed(4)}B params × ${distributed ? `(6 + 12/${dpSize})` : "18"} B = ${(weightAndOptimizer / GIB).toFixed(2)} GiB`,
      `activations (${withSp ? "SP + selective: 18 + 4·f/h per s·b·h per layer, / tp" : "without SP: 10 + 24/tp per s·b·h per layer, × 1.05"}) = ${(act / GIB).toFixed(2)} GiB; total ${(total / GIB).toFixed(2)} GiB`,
    ],
    assumptions: ["Megatron's estimator: ignores GQA and top-k in activations, full recompute, the pp > 1 output layer, the CUDA context and fragmentation"],
  };
}
