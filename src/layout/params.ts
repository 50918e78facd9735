/**
 * The parameter groups a parallel layout splits differently: tensor-parallel matrices (attention, dense
 * FFN, shared experts), replicated vectors (norms, router), routed experts (split over ep), and the
 * vocabulary tables (first and last pipeline stage).
 *
 * The per-layer counts are the model's own (countParams(s).layers, src/model/params.ts), so memory per
 * GPU and the parameter count cannot disagree.
 */
import { NORM_KINDS, POSITION_KINDS } from "../model/components.js";
import { countParams, type LayerCounts } from "../model/params.js";
import { headDim, kvHeads, type ArchSpec } from "../model/spec.js";

export type LayerGroups = LayerCounts;

export interface ParamGroups {
  layers: LayerGroups;
  /** Input token table (plus a learned position table). */
  embedding: number;
  /** Output head (V·d); counted even when tied: pipeline stages other than the first keep their own copy (Megatron). */
  head: number;
  tied: boolean;
  finalNorm: number;
  /** Query projection width H·d_h and key/value width kvHeads·d_h (activation terms). */
  qDim: number;
  kvDim: number;
  /** Inner width of a dense FFN, of one expert, and of all shared experts. */
  dFf: number;
  dFfExpert: number;
  dFfShared: number;
}

// the search asks for the same spec's groups thousands of times; specs are not mutated (STYLE.md)
const CACHE = new WeakMap<ArchSpec, ParamGroups>();

export function paramGroups(s: ArchSpec): ParamGroups {
  const hit = CACHE.get(s);
  if (hit !== undefined) return hit;
  const g = computeGroups(s);
  CACHE.set(s, g);
  return g;
}

function computeGroups(s: ArchSpec): ParamGroups {
  const dh = headDim(s);
  const qDim = s.numHeads * dh;
  const kvDim = kvHeads(s) * dh;
  const dFfExpert = s.moe?.dFfExpert ?? s.dFf;
  const dFfShared = (s.moe?.numSharedExperts ?? 0) * dFfExpert;
  const { layers } = countParams(s);
  const norm = NORM_KINDS[s.norm].params(s.dModel);
  return {
    layers,
    embedding: s.vocabSize * s.dModel + POSITION_KINDS[s.position].params(s.seqLen, s.dModel),
    head: s.vocabSize * s.dModel,
    tied: s.tiedEmbeddings,
    finalNorm: norm,
    qDim,
    kvDim,
    dFf: s.dFf,
    dFfExpert,
    dFfShared,
  };
}
