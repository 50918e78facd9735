/**
 * Parameter counts of a decoder-only transformer.
 *
 * Conventions (docs/science.md §0): `total` counts every trainable parameter of the main model
 * (Chinchilla's N; DeepSeek-V3's 671B); `nonEmbedding` drops the token and position tables and an
 * untied output head (Kaplan, Step Law, DeepSeek); `active` is what one token touches in an MoE (the
 * top-k routed experts, the shared experts and the router; Mixtral's 12.9B); `flops` is the count behind
 * 6N in the FLOPs formula — every matrix a token is multiplied by, i.e. active parameters but the input
 * lookup tables (TorchTitan torchtitan/models/utils.py@b5bcd76c get_moe_model_nparams_and_flops excludes
 * the embedding and takes experts·top_k/num_experts; PaLM App. B). Multi-token-prediction modules
 * (DeepSeek-V3, arXiv 2412.19437 §2.2) are counted apart in `mtp`, as the paper reports 671B + 14B.
 */
import type { Params } from "../units/types.js";
import { attentionKind, FFN_KINDS, NORM_KINDS, POSITION_KINDS } from "./components.js";
import { layerSplit, type ArchSpec } from "./spec.js";

/** Per-block parameter counts, read by the memory model (src/model/memory.ts, src/layout). */
export interface LayerCounts {
  /** One block's attention (projections, biases, QK or latent norms). */
  attention: number;
  /** One block's two pre-norms. */
  norms: number;
  /** The FFN of one dense block (size dFf). */
  denseFfn: number;
  numDenseLayers: number;
  numMoeLayers: number;
  /** ONE routed expert's FFN (size moe.dFfExpert ?? dFf); 0 for a dense model. */
  expert: number;
  /** Routed experts per MoE block (0 for a dense model). */
  numExperts: number;
  /** Routed experts per token (0 for a dense model). */
  topK: number;
  /** All shared experts of one MoE block. */
  sharedExperts: number;
  /** The router (d × numExperts) of one MoE block. */
  router: number;
}

export interface ParamCounts {
  total: Params;
  nonEmbedding: Params;
  /** Parameters used per token: equals total for dense models. */
  active: Params;
  /** Active parameters minus the input lookup tables: the N in 6N FLOPs per token. */
  flops: Params;
  embedding: Params;
  /** Per block; ffn and router are those of an MoE block when there are experts (all experts). */
  perLayer: { attention: number; ffn: number; norms: number; router: number };
  layers: LayerCounts;
  /** Multi-token-prediction modules, not in total: their own block, projection and norms (embedding and head shared). */
  mtp: { total: Params; active: Params; flops: Params };
}

export function countParams(s: ArchSpec): ParamCounts {
  const d = s.dModel;
  const attention = attentionKind(s).params(s);
  const ffnKind = FFN_KINDS[s.ffnType];
  const ffnOf = (f: number) => ffnKind.matrixParams(d, f) + (s.bias ? ffnKind.biasParams(d, f) : 0);
  const denseFfn = ffnOf(s.dFf);
  const { numDenseLayers, numMoeLayers } = layerSplit(s);
  const expert = s.moe ? ffnOf(s.moe.dFfExpert ?? s.dFf) : 0;
  const numExperts = s.moe?.numExperts ?? 0;
  const topK = s.moe?.topK ?? 0;
  const sharedExperts = (s.moe?.numSharedExperts ?? 0) * expert;
  const router = s.moe ? d * s.moe.numExperts : 0;
  const norm = NORM_KINDS[s.norm].params(d);
  const norms = 2 * norm; // pre-attention and pre-FFN

  const denseBlock = attention + denseFfn + norms;
  const moeBlock = (experts: number) => attention + experts * expert + sharedExperts + router + norms;
  const layersTotal = numDenseLayers * denseBlock + numMoeLayers * moeBlock(numExperts) + norm; // + final norm
  const layersActive = numDenseLayers * denseBlock + numMoeLayers * moeBlock(topK) + norm;
  const tokenTable = s.vocabSize * d;
  const positionTable = POSITION_KINDS[s.position].params(s.seqLen, d);
  const head = s.tiedEmbeddings ? 0 : s.vocabSize * d;

  // DeepSeek-V3 §2.2: each MTP module is a projection M (d × 2d), RMSNorms on its two inputs, one
  // Transformer block (an MoE block when the model's last block is one, as Megatron-LM lays it out),
  // and the shared head's final norm; the embedding and output head are the main model's.
  const mtpModules = s.mtpModules ?? 0;
  const lastIsMoe = numMoeLayers > 0;
  const mtpBlock = (experts: number) => (lastIsMoe ? moeBlock(experts) : denseBlock) + 2 * d * d + 3 * norm;
  const mtpTotal = mtpModules * mtpBlock(numExperts);
  const mtpActive = mtpModules * mtpBlock(topK);

  const total = layersTotal + tokenTable + positionTable + head;
  return {
    total: total as Params,
    nonEmbedding: layersTotal as Params,
    active: (layersActive + tokenTable + positionTable + head) as Params,
    // The output projection multiplies every token whether or not it is tied to the input table.
    flops: (layersActive + s.vocabSize * d) as Params,
    embedding: (tokenTable + positionTable + head) as Params,
    perLayer: {
      attention,
      ffn: s.moe ? numExperts * expert + sharedExperts : denseFfn,
      norms,
      router,
    },
    layers: { attention, norms, denseFfn, numDenseLayers, numMoeLayers, expert, numExperts, topK, sharedExperts, router },
    // An MTP module's tokens also pass through the shared output head: its flops count adds V·d once per module.
    mtp: { total: mtpTotal as Params, active: mtpActive as Params, flops: (mtpActive + mtpModules * s.vocabSize * d) as Params },
  };
}

/**
 * countParams(s).total without building the breakdown: the shape chooser calls it in its search loop,
 * where allocation, not arithmetic, dominates (bench/run.js). Same terms as countParams.
 */
export function totalParams(s: ArchSpec): number {
  const d = s.dModel;
  const attention = attentionKind(s).params(s);
  const ffnKind = FFN_KINDS[s.ffnType];
  const denseFfn = ffnKind.matrixParams(d, s.dFf) + (s.bias ? ffnKind.biasParams(d, s.dFf) : 0);
  const norm = NORM_KINDS[s.norm].params(d);
  const head = s.tiedEmbeddings ? 0 : s.vocabSize * d;
  const tables = s.vocabSize * d + POSITION_KINDS[s.position].params(s.seqLen, d) + head;
  if (!s.moe) return s.numLayers * (attention + denseFfn + 2 * norm) + norm + tables;
  const f = s.moe.dFfExpert ?? s.dFf;
  const expert = ffnKind.matrixParams(d, f) + (s.bias ? ffnKind.biasParams(d, f) : 0);
  const { numDenseLayers, numMoeLayers } = layerSplit(s);
  const moeBlock = attention + (s.moe.numExperts + (s.moe.numSharedExperts ?? 0)) * expert + d * s.moe.numExperts + 2 * norm;
  return numDenseLayers * (attention + denseFfn + 2 * norm) + numMoeLayers * moeBlock + norm + tables;
}
