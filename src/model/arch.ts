/**
 * `--arch` templates: a model family's block defaults (FFN, norm, position and θ, vocabulary, tying,
 * biases, KV heads, MoE, MLA), each with the source it was read from, and resolveArch, which turns the
 * architecture request options into a ShapeTemplate and ShapeOptions for the shape chooser (or an
 * explicit spec for --width/--layers), refusing contradictions with field-named issues.
 *
 * The default stays BTLM-3B-8K's block: the μP base and the Power Lines fits lmplan uses were made on it.
 */
import { conflict, invalid, missing, type Issue, type Result } from "../errors.js";
import type { Citation } from "../laws/types.js";
import { DEFAULT_FLOPS_CONVENTION, type FlopsConvention } from "./flops.js";
import { DEFAULT_SHAPE_OPTIONS, ffnSizeFor, type ShapeOptions, type ShapeTemplate } from "./shape.js";
import { ArchSpecSchema, type ArchSpec } from "./spec.js";

export interface ArchTemplate {
  id: string;
  title: string;
  citation: Citation;
  /** The block, without the shape the chooser picks (seqLen is the plan's). */
  template: ShapeTemplate;
  /** A fixed KV head count at every size (Llama 3: 8), else multi-head attention. */
  kvHeads?: number;
  /** The family's gated-FFN size rule (Llama 3's ffn_dim_multiplier and multiple_of), else ⌈8d/3⌉ to 256. */
  ffn?: { multiplier: number; multipleOf: number };
  /** What the chooser cannot take from the family and fixes instead. */
  note?: string;
}

/** BTLM-3B-8K's block (arXiv 2309.11568 §2): SwiGLU, ALiBi, LayerNorm with biases, GPT-2 vocabulary tied. */
export const BTLM_TEMPLATE: ShapeTemplate = {
  ffnType: "swiglu",
  vocabSize: 50257,
  seqLen: 2048,
  tiedEmbeddings: true,
  position: "alibi",
  norm: "layernorm",
  bias: true,
};

export const ARCH_TEMPLATES: readonly ArchTemplate[] = [
  {
    id: "btlm",
    title: "BTLM-3B-8K (lmplan's default)",
    citation: { short: "Dey et al. 2023 (BTLM-3B-8K)", arxiv: "2309.11568", repo: "Cerebras/modelzoo@f1fd1e09 src/cerebras/modelzoo/models/nlp/btlm/configs/params_btlm_2p7b_8k.yaml", locator: "§2 (SwiGLU, ALiBi, vocab 50257, tied); modelzoo config (LayerNorm, biases)" },
    template: BTLM_TEMPLATE,
  },
  {
    id: "gpt2",
    title: "GPT-2 / Cerebras-GPT",
    citation: { short: "Dey et al. 2023 (Cerebras-GPT)", arxiv: "2304.03208", repo: "Cerebras/modelzoo@f1fd1e09 src/cerebras/modelzoo/models/nlp/gpt3/configs/Cerebras_GPT/1p3b.yaml", locator: "§2 (GPT-2 architecture: GeLU MLP of 4·d, learned positions, LayerNorm, biases, vocab 50257, tied)" },
    template: { ffnType: "gelu", vocabSize: 50257, seqLen: 2048, tiedEmbeddings: true, position: "learned", norm: "layernorm", bias: true },
  },
  {
    id: "llama3",
    title: "Llama 3",
    citation: { short: "Llama Team 2024 (Llama 3)", arxiv: "2407.21783", locator: "Table 3 (8 KV heads at 8B/70B/405B, SwiGLU, vocab 128,000 → 128256 in config.json, RoPE θ 500,000); meta-llama/Llama-3.1-8B config.json (RMSNorm, no biases, untied)" },
    template: { ffnType: "swiglu", vocabSize: 128256, seqLen: 8192, tiedEmbeddings: false, position: "rope", ropeTheta: 5e5, norm: "rmsnorm", bias: false },
    kvHeads: 8,
    // 8B and 70B (meta-llama/llama-models sku_list.py: ffn_dim_multiplier 1.3, multiple_of 1024); 405B used 1.2
    ffn: { multiplier: 1.3, multipleOf: 1024 },
    note: "d_ff by Llama 3 8B/70B's rule (⌊8d/3⌋ × 1.3 up to 1024; 405B used × 1.2)",
  },
  {
    id: "olmo2",
    title: "OLMo 2",
    citation: { short: "OLMo Team 2025 (2 OLMo 2 Furious)", arxiv: "2501.00656", repo: "allenai/OLMo@04820704 configs/official-1124/OLMo2-7B-stage1.yaml", locator: "§3.1 (RMSNorm, QK-norm, no biases); config (rope_theta 5e5, embedding_size 100352, weight_tying false, MHA)" },
    template: { ffnType: "swiglu", vocabSize: 100352, seqLen: 4096, tiedEmbeddings: false, position: "rope", ropeTheta: 5e5, norm: "rmsnorm", bias: false, qkNorm: true },
  },
  {
    id: "qwen2",
    title: "Qwen2 / Qwen2.5",
    citation: { short: "Qwen Team 2024 (Qwen2.5)", arxiv: "2412.15115", locator: "Table 1 (8 KV heads at 14B/32B/72B; untied from 7B up); Qwen2 arXiv 2407.10671 §2.2.1 (QKV bias, RoPE θ 1e6, RMSNorm, SwiGLU); Qwen/Qwen2.5-7B config.json (vocab 152064)" },
    template: { ffnType: "swiglu", vocabSize: 152064, seqLen: 4096, tiedEmbeddings: false, position: "rope", ropeTheta: 1e6, norm: "rmsnorm", bias: false, qkvBias: true },
    kvHeads: 8,
  },
  {
    id: "mixtral",
    title: "Mixtral",
    citation: { short: "Jiang et al. 2024 (Mixtral of Experts)", arxiv: "2401.04088", locator: "§2 Table 1 (8 experts, top 2, 8 KV heads, vocab 32000, SwiGLU experts); mistralai/Mixtral-8x7B-v0.1 config.json (rope_theta 1e6, RMSNorm, untied)" },
    template: { ffnType: "swiglu", vocabSize: 32000, seqLen: 4096, tiedEmbeddings: false, position: "rope", ropeTheta: 1e6, norm: "rmsnorm", bias: false, moe: { numExperts: 8, topK: 2 } },
    kvHeads: 8,
    // Mistral 7B's and Mixtral's 14336 at d 4096 is Llama 3's rule there
    ffn: { multiplier: 1.3, multipleOf: 1024 },
    note: "each expert's d_ff by Llama 3's rule (⌊8d/3⌋ × 1.3 up to 1024: Mixtral's 14336 at d 4096)",
  },
  {
    id: "olmoe",
    title: "OLMoE",
    citation: { short: "Muennighoff et al. 2024 (OLMoE)", arxiv: "2409.02060", locator: "allenai/OLMoE-1B-7B-0924 config.json (64 experts of d_ff 1024, top 8, QK-norm, RMSNorm, vocab 50304, untied, rope_theta 1e4)" },
    template: { ffnType: "swiglu", vocabSize: 50304, seqLen: 4096, tiedEmbeddings: false, position: "rope", ropeTheta: 1e4, norm: "rmsnorm", bias: false, qkNorm: true, moe: { numExperts: 64, topK: 8, dFfExpert: 1024 } },
    note: "expert d_ff fixed at OLMoE's 1024 at every width (--expert-ffn-size changes it)",
  },
  {
    id: "deepseek-v3",
    title: "DeepSeek-V3",
    citation: { short: "DeepSeek-AI 2024 (DeepSeek-V3)", arxiv: "2412.19437", locator: "§2.1 (MLA, DeepSeekMoE with 1 shared expert), §2.2 (MTP), §4.2 (256 routed experts of 2048, top 8, first 3 layers dense, d_c 512, d_c' 1536, d_h 128, d_h^R 64); deepseek-ai/DeepSeek-V3 config.json (vocab 129280, rope_theta 1e4)" },
    template: {
      ffnType: "swiglu",
      vocabSize: 129280,
      seqLen: 4096,
      tiedEmbeddings: false,
      position: "rope",
      ropeTheta: 1e4,
      norm: "rmsnorm",
      bias: false,
      moe: { numExperts: 256, topK: 8, numSharedExperts: 1, dFfExpert: 2048, firstDenseLayers: 3 },
      mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
      mtpModules: 1,
    },
    note: "expert d_ff, MLA ranks and the 3 dense layers fixed at DeepSeek-V3's at every width; heads = d_model / head dim",
  },
];

export type ArchTemplateId = "btlm" | "gpt2" | "cerebras-gpt" | "llama3" | "olmo2" | "qwen2" | "mixtral" | "olmoe" | "deepseek-v3";
/** Template ids --arch accepts (cerebras-gpt is gpt2's other name). */
export const ARCH_TEMPLATE_IDS = ["btlm", "gpt2", "cerebras-gpt", "llama3", "olmo2", "qwen2", "mixtral", "olmoe", "deepseek-v3"] as const satisfies readonly ArchTemplateId[];
export const DEFAULT_ARCH: ArchTemplateId = "btlm";

export function findArchTemplate(id: string): ArchTemplate | undefined {
  const key = id.toLowerCase() === "cerebras-gpt" ? "gpt2" : id.toLowerCase();
  return ARCH_TEMPLATES.find((t) => t.id === key);
}

/** The architecture fields of a plan request (src/plan/options/arch.ts), as parsed. */
export interface ArchRequest {
  arch?: string;
  width?: number;
  layers?: number;
  aspectRatio?: number;
  seqLen?: number;
  heads?: number;
  kvHeads?: number;
  headDim?: number;
  ffnSize?: number;
  ffn?: ArchSpec["ffnType"];
  vocab?: number;
  tiedEmbeddings?: boolean;
  position?: ArchSpec["position"];
  ropeTheta?: number;
  norm?: ArchSpec["norm"];
  bias?: boolean;
  qkvBias?: boolean;
  qkNorm?: boolean;
  experts?: number;
  topK?: number;
  sharedExperts?: number;
  expertFfnSize?: number;
  denseLayers?: number;
  capacityFactor?: number;
  mlaKvRank?: number;
  mlaQRank?: number;
  mlaRopeHeadDim?: number;
  mlaNopeHeadDim?: number;
  mlaVHeadDim?: number;
  mtpModules?: number;
  flopsConvention?: FlopsConvention;
  tpDivisor?: number;
  layersMultipleOf?: number;
  makeVocabSizeDivisibleBy?: number;
}

export interface ResolvedArch {
  /** The template the block came from ("preset" when a preset's spec was given). */
  templateId: string;
  templateTitle: string;
  citation?: Citation;
  /** The block the chooser shapes (family defaults with the request's overrides). */
  template: ShapeTemplate;
  shapeOptions: ShapeOptions;
  /** --width (and --layers): the explicit spec. */
  fixed?: ArchSpec;
  /** The preset's spec, unchanged (architecture overrides are refused on a preset). */
  preset?: ArchSpec;
  flopsConvention: FlopsConvention;
  /** Request fields that changed the family's block, in request order. */
  overrides: string[];
  /** What the plan should say about the architecture (the default, fixed sizes, MLA defaults). */
  notes: string[];
}

/** Fields that change the block (refused with a preset, whose block is published). */
const BLOCK_FIELDS = [
  "arch", "heads", "kvHeads", "headDim", "ffnSize", "ffn", "vocab", "tiedEmbeddings", "position", "ropeTheta", "norm", "bias", "qkvBias", "qkNorm",
  "experts", "topK", "sharedExperts", "expertFfnSize", "denseLayers", "capacityFactor", "mlaKvRank", "mlaQRank", "mlaRopeHeadDim", "mlaNopeHeadDim", "mlaVHeadDim", "mtpModules",
  "tpDivisor", "layersMultipleOf", "makeVocabSizeDivisibleBy",
] as const satisfies readonly (keyof ArchRequest)[];

const MOE_DETAIL_FIELDS = ["sharedExperts", "expertFfnSize", "denseLayers", "capacityFactor"] as const;
const MLA_DETAIL_FIELDS = ["mlaQRank", "mlaRopeHeadDim", "mlaNopeHeadDim", "mlaVHeadDim"] as const;

/** DeepSeek-V2/V3's per-head MLA widths (arXiv 2405.04434 §3.1.2; 2412.19437 §4.2), used when only --mla-kv-rank is given. */
const MLA_HEAD_DEFAULTS = { qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 } as const;

/** ArchSpec field → the request field a user sets it with, so a spec-level error names the user's field. */
const SPEC_TO_REQUEST: Record<string, keyof ArchRequest> = {
  dModel: "width",
  numLayers: "layers",
  numHeads: "heads",
  numKvHeads: "kvHeads",
  headDim: "headDim",
  dFf: "ffnSize",
  vocabSize: "vocab",
  topK: "topK",
  firstDenseLayers: "denseLayers",
  mla: "mlaKvRank",
};

/**
 * Turn the architecture request fields into what the shape rule needs. `presetSpec` is the preset's
 * published spec when --preset is given; `base` the chooser's rules before the request's (the lead
 * passes PARALLEL_SHAPE_OPTIONS once the planner defaults to them).
 */
export function resolveArch(req: ArchRequest, presetSpec?: ArchSpec, base: ShapeOptions = DEFAULT_SHAPE_OPTIONS): Result<ResolvedArch> {
  const issues: Issue[] = [];
  const given = (k: keyof ArchRequest) => req[k] !== undefined;
  const flopsConvention = req.flopsConvention ?? DEFAULT_FLOPS_CONVENTION;

  if (presetSpec) {
    const clash = BLOCK_FIELDS.filter(given);
    if (clash.length > 0) {
      return { ok: false, issues: clash.map((k) => conflict([k, "preset"], `--preset fixes the published architecture; drop --${kebab(k)} or the preset (use --arch and --params/--width for a model of your own)`)) };
    }
    const preset = req.seqLen !== undefined ? { ...presetSpec, seqLen: req.seqLen } : presetSpec;
    const { dModel: _d, numLayers: _l, numHeads: _h, numKvHeads: _k, dFf: _f, ...template } = preset;
    return { ok: true, value: { templateId: "preset", templateTitle: "the preset's published block", template, shapeOptions: { ...base, aspectRatio: req.aspectRatio ?? base.aspectRatio }, preset, flopsConvention, overrides: [], notes: [] } };
  }

  const archId = req.arch ?? DEFAULT_ARCH;
  const family = findArchTemplate(archId);
  if (!family) return { ok: false, issues: [invalid("arch", `one of ${ARCH_TEMPLATE_IDS.join(", ")}`, archId)] };
  const notes: string[] = [];
  if (req.arch === undefined) notes.push("architecture: BTLM-3B-8K's block (lmplan's default, the one the μP base and the Power Lines fits were made on); --arch names another family");
  if (family.note) notes.push(`--arch ${family.id}: ${family.note}`);

  // The block: family defaults, then each override.
  const t: ShapeTemplate = { ...family.template };
  if (req.seqLen !== undefined) t.seqLen = req.seqLen;
  if (req.ffn !== undefined) t.ffnType = req.ffn;
  if (req.vocab !== undefined) t.vocabSize = req.vocab;
  if (req.tiedEmbeddings !== undefined) t.tiedEmbeddings = req.tiedEmbeddings;
  if (req.position !== undefined) {
    t.position = req.position;
    if (req.position !== "rope" && req.ropeTheta === undefined) delete t.ropeTheta;
  }
  if (req.ropeTheta !== undefined) {
    if (t.position !== "rope") issues.push(conflict(["ropeTheta", "position"], `--rope-theta sets RoPE's base but the position scheme is ${t.position}; add --position rope or drop --rope-theta`));
    t.ropeTheta = req.ropeTheta;
  }
  if (req.norm !== undefined) t.norm = req.norm;
  if (req.bias !== undefined) t.bias = req.bias;
  if (req.qkvBias !== undefined) t.qkvBias = req.qkvBias;
  if (req.qkNorm !== undefined) t.qkNorm = req.qkNorm;
  if (req.mtpModules !== undefined) {
    if (req.mtpModules === 0) delete t.mtpModules;
    else t.mtpModules = req.mtpModules;
  }

  // Mixture of experts: --experts turns it on (or changes the family's), the rest refine it.
  const familyMoe = t.moe;
  if (req.experts !== undefined || familyMoe) {
    const numExperts = req.experts ?? (familyMoe as NonNullable<ArchSpec["moe"]>).numExperts;
    const topK = req.topK ?? familyMoe?.topK;
    if (topK === undefined) issues.push(missing(["topK"], `--experts ${numExperts} needs --top-k (the routed experts per token, e.g. 2 as Mixtral, 8 as OLMoE and DeepSeek-V3)`));
    else if (topK > numExperts) issues.push(invalid("topK", `at most --experts (${numExperts})`, topK));
    const moe: NonNullable<ArchSpec["moe"]> = { numExperts, topK: topK ?? 1 };
    const shared = req.sharedExperts ?? familyMoe?.numSharedExperts;
    if (shared !== undefined && shared > 0) moe.numSharedExperts = shared;
    const fE = req.expertFfnSize ?? familyMoe?.dFfExpert;
    if (fE !== undefined) moe.dFfExpert = fE;
    const dense = req.denseLayers ?? familyMoe?.firstDenseLayers;
    if (dense !== undefined && dense > 0) moe.firstDenseLayers = dense;
    const cf = req.capacityFactor ?? familyMoe?.capacityFactor;
    if (cf !== undefined) moe.capacityFactor = cf;
    t.moe = moe;
  } else {
    for (const k of [...MOE_DETAIL_FIELDS, "topK"] as const) {
      if (given(k)) issues.push(missing(["experts"], `--${kebab(k)} describes a mixture of experts: add --experts <n> (or --arch mixtral, olmoe, deepseek-v3)`));
    }
  }

  // Multi-head latent attention: --mla-kv-rank turns it on, the rest refine it.
  const familyMla = t.mla;
  if (req.mlaKvRank !== undefined || familyMla) {
    const mla: NonNullable<ArchSpec["mla"]> = {
      kvLoraRank: req.mlaKvRank ?? (familyMla as NonNullable<ArchSpec["mla"]>).kvLoraRank,
      qkNopeHeadDim: req.mlaNopeHeadDim ?? familyMla?.qkNopeHeadDim ?? MLA_HEAD_DEFAULTS.qkNopeHeadDim,
      qkRopeHeadDim: req.mlaRopeHeadDim ?? familyMla?.qkRopeHeadDim ?? MLA_HEAD_DEFAULTS.qkRopeHeadDim,
      vHeadDim: req.mlaVHeadDim ?? familyMla?.vHeadDim ?? MLA_HEAD_DEFAULTS.vHeadDim,
    };
    const qRank = req.mlaQRank ?? familyMla?.qLoraRank;
    if (qRank !== undefined) mla.qLoraRank = qRank;
    if (!familyMla && (req.mlaNopeHeadDim === undefined || req.mlaRopeHeadDim === undefined || req.mlaVHeadDim === undefined)) {
      notes.push(`MLA head widths not given take DeepSeek-V2/V3's: d_h ${mla.qkNopeHeadDim}, d_h^R ${mla.qkRopeHeadDim}, d_v ${mla.vHeadDim} (arXiv 2405.04434 §3.1.2)`);
    }
    if (req.kvHeads !== undefined) issues.push(conflict(["kvHeads", "mlaKvRank"], "MLA shares one compressed key/value latent across all heads, so --kv-heads does not apply; drop one of them"));
    if (t.bias || t.qkvBias || t.qkNorm) issues.push(conflict([t.bias ? "bias" : t.qkvBias ? "qkvBias" : "qkNorm", "mlaKvRank"], `lmplan counts MLA without biases or QK-norm (DeepSeek-V2/V3 norm their latents instead): add --${t.bias ? "bias" : t.qkvBias ? "qkv-bias" : "qk-norm"} false or drop --mla-kv-rank`));
    t.mla = mla;
  } else {
    for (const k of MLA_DETAIL_FIELDS) if (given(k)) issues.push(missing(["mlaKvRank"], `--${kebab(k)} describes multi-head latent attention: add --mla-kv-rank <d_c> (or --arch deepseek-v3)`));
  }

  // The chooser's rules: the family's KV heads, then the request's.
  const opts: ShapeOptions = { ...base, aspectRatio: req.aspectRatio ?? base.aspectRatio };
  // a head width the user gives is the only one the chooser may use (no smaller fallbacks)
  if (req.headDim !== undefined) {
    opts.headDim = req.headDim;
    opts.smallHeadDims = [];
  }
  const kv = req.kvHeads ?? (t.mla ? undefined : family.kvHeads);
  if (kv !== undefined) opts.kvHeads = kv;
  if (family.ffn && t.ffnType !== "gelu" && t.ffnType !== "relu") {
    opts.ffnMultiplier = family.ffn.multiplier;
    opts.ffnMultipleOf = family.ffn.multipleOf;
  }
  if (req.tpDivisor !== undefined) opts.tpDivisor = req.tpDivisor;
  if (req.layersMultipleOf !== undefined) opts.layersMultipleOf = req.layersMultipleOf;
  if (req.makeVocabSizeDivisibleBy !== undefined) opts.makeVocabSizeDivisibleBy = req.makeVocabSizeDivisibleBy;
  const tp = opts.tpDivisor ?? 1;
  if (kv !== undefined && kv % tp !== 0 && tp % kv !== 0) {
    issues.push(invalid("kvHeads", `a multiple or a divisor of the tensor-parallel degree ${tp} (Megatron-LM's num_query_groups check; --tp-divisor changes the degree)`, kv));
  }

  // --width / --layers: an explicit spec; --heads and --ffn-size only make sense there.
  let fixed: ArchSpec | undefined;
  if (req.width === undefined) {
    if (req.layers !== undefined) issues.push(missing(["width"], "--layers needs --width (the depth of an explicit shape)"));
    if (req.heads !== undefined) issues.push(missing(["width"], "--heads fixes the head count of an explicit shape: add --width (with --params the chooser sets heads = d_model / --head-dim)"));
    if (req.ffnSize !== undefined) issues.push(missing(["width"], "--ffn-size fixes d_ff of an explicit shape: add --width (with --params d_ff follows the FFN kind: 4·d or ⌈8d/3⌉ to 256)"));
  } else {
    const width = req.width;
    const layers = req.layers ?? Math.max(1, Math.round(width / opts.aspectRatio));
    // heads: given, else of --head-dim (or 64 below d_model 1024, 128 from there, as shapeAt)
    const hd = req.headDim ?? (req.heads !== undefined ? undefined : width < 1024 ? 64 : opts.headDim);
    const numHeads = req.heads ?? (hd !== undefined ? width / hd : 0);
    if (!Number.isInteger(numHeads) || numHeads < 1) issues.push(invalid("width", `a multiple of the head dim ${hd} (or give --heads)`, width));
    const numKvHeads = t.mla ? numHeads : (req.kvHeads ?? (kv !== undefined && numHeads % kv === 0 ? kv : numHeads));
    if (req.kvHeads !== undefined && Number.isInteger(numHeads) && numHeads % req.kvHeads !== 0) issues.push(invalid("kvHeads", `a divisor of --heads (${numHeads})`, req.kvHeads));
    if (req.tpDivisor !== undefined && Number.isInteger(numHeads) && numHeads % req.tpDivisor !== 0) issues.push(invalid("heads", `a multiple of --tp-divisor ${req.tpDivisor}`, numHeads));
    if (req.heads !== undefined && req.headDim === undefined && !t.mla && width % req.heads !== 0) issues.push(invalid("heads", `a divisor of --width ${width} (or give --head-dim)`, req.heads));
    const spec: ArchSpec = { ...t, dModel: width, numLayers: layers, numHeads, numKvHeads, dFf: req.ffnSize ?? ffnSizeFor(t.ffnType, width, opts) };
    if (req.headDim !== undefined) spec.headDim = req.headDim;
    if (issues.length === 0) {
      const r = ArchSpecSchema.safeParse(spec);
      if (!r.success) for (const i of r.error.issues) issues.push(invalid(requestPath(i.path), i.message, valueAt(spec, i.path)));
      else fixed = spec;
    }
  }
  if (t.moe?.firstDenseLayers !== undefined && req.width !== undefined && fixed && t.moe.firstDenseLayers >= fixed.numLayers) {
    issues.push(invalid("denseLayers", `fewer than --layers (${fixed.numLayers}), or the model has no experts`, t.moe.firstDenseLayers));
  }
  if (issues.length > 0) return { ok: false, issues };

  const overrides = (Object.keys(req) as (keyof ArchRequest)[]).filter((k) => req[k] !== undefined && (BLOCK_FIELDS as readonly string[]).includes(k) && k !== "arch");
  return {
    ok: true,
    value: {
      templateId: family.id,
      templateTitle: family.title,
      citation: family.citation,
      template: t,
      shapeOptions: opts,
      ...(fixed ? { fixed } : {}),
      flopsConvention,
      overrides,
      notes,
    },
  };
}

function kebab(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function requestPath(path: PropertyKey[]): string[] {
  const last = [...path].reverse().find((p) => typeof p === "string" && SPEC_TO_REQUEST[p] !== undefined);
  return [typeof last === "string" ? (SPEC_TO_REQUEST[last] as string) : "width"];
}

function valueAt(obj: unknown, path: PropertyKey[]): unknown {
  let v: unknown = obj;
  for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}
