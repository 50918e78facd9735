/**
 * Model presets with their published shapes, and the recipes they were trained with where lmplan
 * compares against them. Each cites where the numbers were read.
 */
import type { ArchSpec } from "./spec.js";
import type { Citation } from "../laws/types.js";

export interface TrainingStage {
  seqLen: number;
  tokens: number;
  batchSeqs: number;
}

/** What a published run actually used, for side-by-side comparison with lmplan's recommendation. */
export interface Recipe {
  /** Total training tokens. */
  tokens?: number;
  /** Tokens per parameter, when the recipe is stated as a ratio (Cerebras-GPT: 20). */
  tpp?: number;
  /** Global batch in sequences of the first stage. */
  batchSeqs?: number;
  /** Optimizer learning rate (for μP runs, the base LR η_base that the embeddings use). */
  peakLr?: number;
  /** Whether peakLr is a μP base LR (hidden weights get peakLr/m_d) or a global SP learning rate. */
  lrKind?: "mup-base" | "global";
  /** Absolute LR at the end of decay. */
  endLr?: number;
  warmupSteps?: number;
  decaySteps?: number;
  /** Decay after warmup (multi-step: DeepSeek LLM's steps to 31.6% and 10% of peak at 80% and 90% of tokens). */
  decay?: "linear" | "cosine" | "multi-step";
  weightDecay?: number;
  stages?: TrainingStage[];
  /** The data the run trained on: a source preset and a mix (see src/mixture). */
  data?: { sources: string; mix?: string };
  muBase?: string;
  /** What the recipe leaves out or simplifies (a batch ramp, a constant phase), said beside the comparison. */
  note?: string;
  citation: Citation;
}

export interface ModelPreset {
  id: string;
  title: string;
  citation: Citation;
  model: ArchSpec;
  recipe?: Recipe;
}

const CEREBRAS_GPT_CITE = (file: string): Citation => ({
  short: "Dey et al. 2023 (Cerebras-GPT)",
  arxiv: "2304.03208",
  repo: `Cerebras/modelzoo@f1fd1e09 src/cerebras/modelzoo/models/nlp/gpt3/configs/Cerebras_GPT/${file}`,
  locator: "model card table; modelzoo config",
});

function cerebrasGpt(id: string, title: string, file: string, dModel: number, numLayers: number, numHeads: number): ModelPreset {
  return {
    id,
    title,
    citation: CEREBRAS_GPT_CITE(file),
    model: {
      dModel,
      numLayers,
      numHeads,
      dFf: 4 * dModel,
      ffnType: "gelu",
      vocabSize: 50257,
      seqLen: 2048,
      tiedEmbeddings: true,
      position: "learned",
      norm: "layernorm",
      bias: true,
    },
    // All Cerebras-GPT models were trained at 20 tokens per parameter (model card). Their μP base is
    // Cerebras-GPT's own (arXiv 2304.03208 §3, src/parameterization/bases.ts), not BTLM's: BTLM's hidden LR is 2× and its logits
    // multiplier 2.22× the Cerebras-GPT μP values, which every Cerebras-GPT preset once took silently.
    recipe: { tpp: 20, muBase: "cerebras-gpt", citation: CEREBRAS_GPT_CITE(file) },
  };
}

const BTLM_CITE: Citation = {
  short: "Dey et al. 2023 (BTLM-3B-8K)",
  arxiv: "2309.11568",
  repo: "Cerebras/modelzoo@f1fd1e09 src/cerebras/modelzoo/models/nlp/btlm/configs/params_btlm_2p7b_{2k,8k}.yaml",
  locator: "§2–3; modelzoo btlm configs",
};

function llama(
  id: string,
  title: string,
  citation: Citation,
  shape: { dModel: number; numLayers: number; numHeads: number; numKvHeads: number; dFf: number; vocabSize: number; seqLen: number },
  recipe?: Recipe,
): ModelPreset {
  const model: ArchSpec = { ...shape, ffnType: "swiglu", tiedEmbeddings: false, position: "rope", norm: "rmsnorm", bias: false };
  return recipe ? { id, title, citation, model, recipe } : { id, title, citation, model };
}

const LLAMA2: Citation = { short: "Touvron et al. 2023 (Llama 2)", arxiv: "2307.09288", locator: "Table 1, §2.2; meta-llama/Llama-2-*-hf config.json" };
const LLAMA31: Citation = { short: "Llama Team 2024 (Llama 3)", arxiv: "2407.21783", locator: "Table 3; meta-llama/Llama-3.1-*/config.json" };
// Llama 2 §2.2: AdamW β2 0.95, cosine to 10% of peak, 2000 warmup steps, wd 0.1, 4M-token batch, 2T tokens.
const llama2Recipe = (peakLr: number): Recipe => ({
  tokens: 2e12,
  batchSeqs: 1024, // 4M tokens at 4096
  peakLr,
  lrKind: "global",
  endLr: peakLr / 10,
  warmupSteps: 2000,
  decay: "cosine",
  weightDecay: 0.1,
  citation: LLAMA2,
});

export const MODEL_PRESETS: readonly ModelPreset[] = [
  cerebrasGpt("cerebras-gpt-111m", "Cerebras-GPT 111M", "111m.yaml", 768, 10, 12),
  cerebrasGpt("cerebras-gpt-256m", "Cerebras-GPT 256M", "256m.yaml", 1088, 14, 17),
  cerebrasGpt("cerebras-gpt-590m", "Cerebras-GPT 590M", "590m.yaml", 1536, 18, 12),
  cerebrasGpt("cerebras-gpt-1.3b", "Cerebras-GPT 1.3B", "1p3b.yaml", 2048, 24, 16),
  cerebrasGpt("cerebras-gpt-2.7b", "Cerebras-GPT 2.7B", "2p7b.yaml", 2560, 32, 32),
  cerebrasGpt("cerebras-gpt-6.7b", "Cerebras-GPT 6.7B", "6p7b.yaml", 4096, 32, 32),
  cerebrasGpt("cerebras-gpt-13b", "Cerebras-GPT 13B", "13b_bs720.yaml", 5120, 40, 40),
  {
    id: "btlm-3b-8k",
    title: "BTLM-3B-8K",
    citation: BTLM_CITE,
    model: {
      dModel: 2560,
      numLayers: 32,
      numHeads: 32,
      dFf: 6826,
      ffnType: "swiglu",
      vocabSize: 50257,
      seqLen: 2048, // first stage (75% of tokens); the second stage trains at 8192
      tiedEmbeddings: true,
      position: "alibi",
      norm: "layernorm",
      bias: true,
    },
    recipe: {
      tokens: 470.8e9 + 156.9e9,
      batchSeqs: 1920,
      peakLr: 0.012,
      lrKind: "mup-base",
      endLr: 1.0198e-4,
      warmupSteps: 95,
      decaySteps: 159541,
      decay: "linear",
      weightDecay: 0.1,
      stages: [
        { seqLen: 2048, tokens: 470.8e9, batchSeqs: 1920 },
        { seqLen: 8192, tokens: 156.9e9, batchSeqs: 480 },
      ],
      // BTLM-3B-8K trained on SlimPajama-627B (arXiv 2309.11568 §2): about one epoch of its own mix.
      data: { sources: "slimpajama-627b" },
      muBase: "btlm",
      citation: BTLM_CITE,
    },
  },
  llama("llama-2-7b", "Llama 2 7B", LLAMA2, { dModel: 4096, numLayers: 32, numHeads: 32, numKvHeads: 32, dFf: 11008, vocabSize: 32000, seqLen: 4096 }, llama2Recipe(3e-4)),
  llama("llama-2-13b", "Llama 2 13B", LLAMA2, { dModel: 5120, numLayers: 40, numHeads: 40, numKvHeads: 40, dFf: 13824, vocabSize: 32000, seqLen: 4096 }, llama2Recipe(3e-4)),
  llama("llama-2-70b", "Llama 2 70B", LLAMA2, { dModel: 8192, numLayers: 80, numHeads: 64, numKvHeads: 8, dFf: 28672, vocabSize: 32000, seqLen: 4096 }, llama2Recipe(1.5e-4)),
  llama("llama-3.1-8b", "Llama 3.1 8B", LLAMA31, { dModel: 4096, numLayers: 32, numHeads: 32, numKvHeads: 8, dFf: 14336, vocabSize: 128256, seqLen: 8192 }),
  llama("llama-3.1-70b", "Llama 3.1 70B", LLAMA31, { dModel: 8192, numLayers: 80, numHeads: 64, numKvHeads: 8, dFf: 28672, vocabSize: 128256, seqLen: 8192 }),
  llama("llama-3.1-405b", "Llama 3.1 405B", LLAMA31, { dModel: 16384, numLayers: 126, numHeads: 128, numKvHeads: 8, dFf: 53248, vocabSize: 128256, seqLen: 8192 }),
];

// ---------------------------------------------------------------------------------------------------
// Issue 13: MoE, MLA and modern dense presets. Shapes are each model's released config.json (or the
// paper's architecture table where it gives one); recipes are the paper's or the released training
// config's. Kept apart from MODEL_PRESETS until the Plan schema (src/plan/schema.ts) accepts the new
// ArchSpec fields (moe.*, mla, mtpModules, qkvBias, qkNorm, ropeTheta); ALL_MODEL_PRESETS has both.

const MIXTRAL: Citation = {
  short: "Jiang et al. 2024 (Mixtral of Experts)",
  arxiv: "2401.04088",
  locator: "§2 Table 1 (dim 4096, 32 layers, head_dim 128, hidden 14336, 32 heads, 8 KV heads, vocab 32000, 8 experts, top 2); totals 46.7B / 12.9B active: mistral.ai/news/mixtral-of-experts; mistralai/Mixtral-8x7B-v0.1 config.json (rope_theta 1e6)",
};
const OLMOE: Citation = {
  short: "Muennighoff et al. 2024 (OLMoE)",
  arxiv: "2409.02060",
  locator: "abstract (5T tokens); allenai/OLMoE-1B-7B-0924 config.json (d 2048, 16 layers, 16 heads, 64 experts of 1024, top 8, vocab 50304, QK-norm, untied); 6.9B total / 1.3B active (model card)",
};
const DEEPSEEK_LLM: Citation = {
  short: "DeepSeek-AI 2024 (DeepSeek LLM)",
  arxiv: "2401.02954",
  locator: "Table 2 (layers, d_model, heads, KV heads, context 4096, batch, LR, 2T tokens) and §2.3 (warmup 2000 steps, multi-step to 31.6% and 10% at 80%/90% of tokens, wd 0.1); deepseek-ai/deepseek-llm-*-base config.json (intermediate_size, vocab 102400)",
};
const DEEPSEEK_V3: Citation = {
  short: "DeepSeek-AI 2024 (DeepSeek-V3)",
  arxiv: "2412.19437",
  locator: "§4.2 (61 layers, d 7168, 128 heads, d_c 512, d_c' 1536, d_h 128, d_h^R 64, 1 shared + 256 routed experts of 2048, top 8, first 3 layers dense, MTP depth 1; 14.8T tokens, LR 2.2e-4, batch ramp to 15360, wd 0.1); 671B total / 37B activated (§1, Table 1); deepseek-ai/DeepSeek-V3 config.json (intermediate_size 18432, vocab 129280)",
};
const OLMO2: Citation = {
  short: "OLMo Team 2025 (2 OLMo 2 Furious)",
  arxiv: "2501.00656",
  repo: "allenai/OLMo@04820704 configs/official-1124/OLMo2-{7B,13B}-stage1.yaml",
  locator: "stage-1 configs (d_model, heads, layers, mlp_hidden_size/2, embedding_size 100352, rope_theta 5e5, QK-norm, LR 3e-4, wd 0.1, warmup 8,388,608,000 tokens, cosine to 0.1×, batch 1024 / 2048 × 4096); tokens 4T / 5T (allenai/OLMo-2-1124-* model cards)",
};
const QWEN25: Citation = {
  short: "Qwen Team 2024 (Qwen2.5)",
  arxiv: "2412.15115",
  locator: "abstract (18T tokens), Table 1 (7B: 28 layers, 28 Q / 4 KV heads, untied); Qwen/Qwen2.5-7B config.json (hidden 3584, intermediate 18944, vocab 152064, rope_theta 1e6, QKV bias); model card: 7.61B total, 6.53B non-embedding",
};

const modernDense = (shape: Pick<ArchSpec, "dModel" | "numLayers" | "numHeads" | "numKvHeads" | "dFf" | "vocabSize" | "seqLen">, extra: Partial<ArchSpec> = {}): ArchSpec => ({
  ...shape,
  ffnType: "swiglu",
  tiedEmbeddings: false,
  position: "rope",
  norm: "rmsnorm",
  bias: false,
  ...extra,
});

// DeepSeek LLM §2.3: warmup 2000 steps, then 31.6% of peak after 80% of tokens and 10% after 90%.
const deepseekLlmRecipe = (peakLr: number, batchSeqs: number): Recipe => ({
  tokens: 2e12,
  batchSeqs,
  peakLr,
  lrKind: "global",
  endLr: peakLr * 0.1,
  warmupSteps: 2000,
  decay: "multi-step",
  weightDecay: 0.1,
  citation: DEEPSEEK_LLM,
});

// OLMo 2 stage 1: cosine with alpha_f 0.1 over t_max 5e12 tokens, warmup 8,388,608,000 tokens (2000 steps
// of 1024 × 4096; 1000 of 2048 × 4096). Stage 2 (mid-training on Dolmino, 50–300B tokens) is left out.
const olmo2Recipe = (tokens: number, batchSeqs: number): Recipe => ({
  tokens,
  batchSeqs,
  peakLr: 3e-4,
  lrKind: "global",
  endLr: 3e-5,
  warmupSteps: 8388608000 / (batchSeqs * 4096),
  decay: "cosine",
  weightDecay: 0.1,
  note: "stage 1 only (the cosine is set for 5T tokens and stopped at the token count; stage 2 anneals on Dolmino Mix 1124)",
  citation: OLMO2,
});

/**
 * Llama 3.1 405B's published recipe, for MODEL_PRESETS' llama-3.1-405b (attaching it there changes that
 * preset's plan: its tokens default to 15.6T and the comparison table appears).
 */
export const LLAMA31_405B_RECIPE: Recipe = {
  // Llama 3 §3.4.1: 8e-5 peak, 8000 warmup steps, cosine to 8e-7 over 1.2M steps; batch 4M tokens at
  // seq 4096, then 8M at 8192 after 252M tokens, then 16M after 2.87T; §1: 15.6T tokens.
  tokens: 15.6e12,
  batchSeqs: 2048, // 16M tokens at 8192, the batch of all but the first 2.87T tokens
  peakLr: 8e-5,
  lrKind: "global",
  endLr: 8e-7,
  warmupSteps: 8000,
  decay: "cosine",
  note: "batch ramp 4M → 8M → 16M tokens (at 252M and 2.87T tokens) shown as its final 16M; long-context and annealing stages left out",
  citation: LLAMA31,
};

export const ARCH_PRESETS: readonly ModelPreset[] = [
  {
    id: "mixtral-8x7b",
    title: "Mixtral 8x7B",
    citation: MIXTRAL,
    // No training recipe is published.
    model: modernDense({ dModel: 4096, numLayers: 32, numHeads: 32, numKvHeads: 8, dFf: 14336, vocabSize: 32000, seqLen: 32768 }, { ropeTheta: 1e6, moe: { numExperts: 8, topK: 2 } }),
  },
  {
    id: "olmoe-1b-7b",
    title: "OLMoE-1B-7B",
    citation: OLMOE,
    model: modernDense({ dModel: 2048, numLayers: 16, numHeads: 16, numKvHeads: 16, dFf: 1024, vocabSize: 50304, seqLen: 4096 }, { ropeTheta: 1e4, qkNorm: true, moe: { numExperts: 64, topK: 8 } }),
    recipe: { tokens: 5e12, citation: OLMOE },
  },
  {
    id: "deepseek-llm-7b",
    title: "DeepSeek LLM 7B",
    citation: DEEPSEEK_LLM,
    model: modernDense({ dModel: 4096, numLayers: 30, numHeads: 32, numKvHeads: 32, dFf: 11008, vocabSize: 102400, seqLen: 4096 }, { ropeTheta: 1e4 }),
    recipe: deepseekLlmRecipe(4.2e-4, 2304),
  },
  {
    id: "deepseek-llm-67b",
    title: "DeepSeek LLM 67B",
    citation: DEEPSEEK_LLM,
    model: modernDense({ dModel: 8192, numLayers: 95, numHeads: 64, numKvHeads: 8, dFf: 22016, vocabSize: 102400, seqLen: 4096 }, { ropeTheta: 1e4 }),
    recipe: deepseekLlmRecipe(3.2e-4, 4608),
  },
  {
    id: "deepseek-v3",
    title: "DeepSeek-V3",
    citation: DEEPSEEK_V3,
    model: modernDense(
      { dModel: 7168, numLayers: 61, numHeads: 128, numKvHeads: 128, dFf: 18432, vocabSize: 129280, seqLen: 4096 },
      {
        ropeTheta: 1e4,
        moe: { numExperts: 256, topK: 8, numSharedExperts: 1, dFfExpert: 2048, firstDenseLayers: 3 },
        mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
        mtpModules: 1,
      },
    ),
    recipe: {
      // §4.2: warmup 2K steps, constant 2.2e-4 to 10T tokens, cosine to 2.2e-5 over 4.3T, then 2.2e-5 for
      // 333B and 7.3e-6 for the last 167B; batch 3072 → 15360 over the first 469B tokens; wd 0.1.
      tokens: 14.8e12,
      batchSeqs: 15360,
      peakLr: 2.2e-4,
      lrKind: "global",
      endLr: 7.3e-6,
      warmupSteps: 2000,
      decay: "cosine",
      weightDecay: 0.1,
      note: "constant LR to 10T tokens before the cosine; batch ramp 3072 → 15360 over the first 469B tokens shown as its final 15360",
      citation: DEEPSEEK_V3,
    },
  },
  {
    id: "olmo-2-7b",
    title: "OLMo 2 7B",
    citation: OLMO2,
    model: modernDense({ dModel: 4096, numLayers: 32, numHeads: 32, numKvHeads: 32, dFf: 11008, vocabSize: 100352, seqLen: 4096 }, { ropeTheta: 5e5, qkNorm: true }),
    recipe: olmo2Recipe(4e12, 1024),
  },
  {
    id: "olmo-2-13b",
    title: "OLMo 2 13B",
    citation: OLMO2,
    model: modernDense({ dModel: 5120, numLayers: 40, numHeads: 40, numKvHeads: 40, dFf: 13824, vocabSize: 100352, seqLen: 4096 }, { ropeTheta: 5e5, qkNorm: true }),
    recipe: olmo2Recipe(5e12, 2048),
  },
  {
    id: "qwen2.5-7b",
    title: "Qwen2.5 7B",
    citation: QWEN25,
    // Pre-trained at 4096 then extended to 32768 (Qwen2.5 §3.1); the first stage's length here.
    model: modernDense({ dModel: 3584, numLayers: 28, numHeads: 28, numKvHeads: 4, dFf: 18944, vocabSize: 152064, seqLen: 4096 }, { ropeTheta: 1e6, qkvBias: true }),
    recipe: { tokens: 18e12, citation: QWEN25 },
  },
];

/** Every preset, the plannable ones first. */
export const ALL_MODEL_PRESETS: readonly ModelPreset[] = [...MODEL_PRESETS, ...ARCH_PRESETS];

export function findPreset(id: string): ModelPreset | undefined {
  const key = id.toLowerCase();
  return ALL_MODEL_PRESETS.find((p) => p.id === key);
}
