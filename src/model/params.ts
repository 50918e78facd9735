/**
 * Parameter counts of a decoder-only transformer.
 *
 * Conventions (SCIENCE.md §0): `total` counts every trainable parameter (Chinchilla's N);
 * `nonEmbedding` drops the token and position tables and an untied output head (Kaplan, Step Law,
 * DeepSeek); `active` is what one token touches in an MoE; `flops` is the count behind 6N in the
 * FLOPs formula — every matrix a token is multiplied by, i.e. all but the input lookup tables
 * (TorchTitan torchtitan/models/utils.py excludes the embedding; PaLM App. B).
 */
import type { Params } from "../units/types.js";
import { FFN_KINDS, NORM_KINDS, POSITION_KINDS } from "./components.js";
import { headDim, kvHeads, type ArchSpec } from "./spec.js";

export interface ParamCounts {
  total: Params;
  nonEmbedding: Params;
  /** Parameters used per token: equals total for dense models. */
  active: Params;
  /** Active parameters minus the input lookup tables: the N in 6N FLOPs per token. */
  flops: Params;
  embedding: Params;
  perLayer: { attention: number; ffn: number; norms: number; router: number };
}

export function countParams(s: ArchSpec): ParamCounts {
  const d = s.dModel;
  const dh = headDim(s);
  const qDim = s.numHeads * dh;
  const kvDim = kvHeads(s) * dh;
  // Q (d×qDim), K and V (d×kvDim each), O (qDim×d)
  const attention = d * qDim + 2 * d * kvDim + qDim * d + (s.bias ? qDim + 2 * kvDim + d : 0);
  const ffnKind = FFN_KINDS[s.ffnType];
  const oneFfn = ffnKind.matrixParams(d, s.dFf) + (s.bias ? ffnKind.biasParams(d, s.dFf) : 0);
  const numExperts = s.moe?.numExperts ?? 1;
  const topK = s.moe?.topK ?? 1;
  const router = s.moe ? d * s.moe.numExperts : 0;
  const norm = NORM_KINDS[s.norm].params(d);
  const norms = 2 * norm; // pre-attention and pre-FFN

  const layersTotal = s.numLayers * (attention + numExperts * oneFfn + router + norms) + norm; // + final norm
  const layersActive = s.numLayers * (attention + topK * oneFfn + router + norms) + norm;
  const tokenTable = s.vocabSize * d;
  const positionTable = POSITION_KINDS[s.position].params(s.seqLen, d);
  const head = s.tiedEmbeddings ? 0 : s.vocabSize * d;

  const total = layersTotal + tokenTable + positionTable + head;
  return {
    total: total as Params,
    nonEmbedding: layersTotal as Params,
    active: (layersActive + tokenTable + positionTable + head) as Params,
    // The output projection multiplies every token whether or not it is tied to the input table.
    flops: (layersActive + s.vocabSize * d) as Params,
    embedding: (tokenTable + positionTable + head) as Params,
    perLayer: { attention, ffn: numExperts * oneFfn, norms, router },
  };
}
