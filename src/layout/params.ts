/**
 * The parameter groups a parallel layout splits differently: tensor-parallel matrices (attention, dense
 * FFN, shared experts), replicated vectors (norms, router), routed experts (split over ep), and the
 * vocabulary tables (first and last pipeline stage).
 *
 * Read from countParams(s).layers (the per-layer breakdown of the architecture issue) when the model
 * module provides it; otherwise computed here from the spec's fields — one function, so switching is one
 * edit (`fromSpec` below goes away).
 */
import { FFN_KINDS, NORM_KINDS, POSITION_KINDS } from "../model/components.js";
import { countParams } from "../model/params.js";
import { headDim, kvHeads, type ArchSpec } from "../model/spec.js";

export interface LayerGroups {
  /** Attention matrices (and biases) of one layer. */
  attention: number;
  /** The two norms of one layer. */
  norms: number;
  /** One dense FFN (a dense layer's, or the dense layers' before the first MoE layer). */
  denseFfn: number;
  numDenseLayers: number;
  numMoeLayers: number;
  /** One routed expert's FFN. */
  expert: number;
  numExperts: number;
  topK: number;
  /** All shared experts of one MoE layer together. */
  sharedExperts: number;
  /** Router of one MoE layer. */
  router: number;
}

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

/** The per-layer breakdown the architecture issue adds to ParamCounts (read when present). */
type WithLayers = { layers?: Partial<LayerGroups> };

type SpecExtras = { headDim?: number; moe?: { numExperts: number; topK: number; numSharedExperts?: number; dFfExpert?: number; firstDenseLayers?: number } };

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
  const extra = s as ArchSpec & SpecExtras;
  const dh = extra.headDim ?? headDim(s);
  const qDim = s.numHeads * dh;
  const kvDim = kvHeads(s) * dh;
  const moe = extra.moe;
  const dFfExpert = moe?.dFfExpert ?? s.dFf;
  const dFfShared = (moe?.numSharedExperts ?? 0) * dFfExpert;
  const counted = (countParams(s) as unknown as WithLayers).layers;
  const layers = counted !== undefined && isComplete(counted) ? counted : fromSpec(s, qDim, kvDim);
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

function isComplete(l: Partial<LayerGroups>): l is LayerGroups {
  const keys: (keyof LayerGroups)[] = ["attention", "norms", "denseFfn", "numDenseLayers", "numMoeLayers", "expert", "numExperts", "topK", "sharedExperts", "router"];
  return keys.every((k) => typeof l[k] === "number");
}

// The same counts as src/model/params.ts, per group (Q d×qDim, K and V d×kvDim, O qDim×d; FFN by kind).
function fromSpec(s: ArchSpec, qDim: number, kvDim: number): LayerGroups {
  const d = s.dModel;
  const extra = (s as ArchSpec & SpecExtras).moe;
  const attention = 2 * d * qDim + 2 * d * kvDim + (s.bias ? qDim + 2 * kvDim + d : 0);
  const kind = FFN_KINDS[s.ffnType];
  const ffn = (f: number) => kind.matrixParams(d, f) + (s.bias ? kind.biasParams(d, f) : 0);
  const norms = 2 * NORM_KINDS[s.norm].params(d);
  if (extra === undefined) {
    return { attention, norms, denseFfn: ffn(s.dFf), numDenseLayers: s.numLayers, numMoeLayers: 0, expert: 0, numExperts: 0, topK: 0, sharedExperts: 0, router: 0 };
  }
  const dFfExpert = extra.dFfExpert ?? s.dFf;
  const firstDense = Math.min(extra.firstDenseLayers ?? 0, s.numLayers);
  return {
    attention,
    norms,
    denseFfn: ffn(s.dFf),
    numDenseLayers: firstDense,
    numMoeLayers: s.numLayers - firstDense,
    expert: ffn(dFfExpert),
    numExperts: extra.numExperts,
    topK: extra.topK,
    sharedExperts: (extra.numSharedExperts ?? 0) * ffn(dFfExpert),
    router: d * extra.numExperts,
  };
}
