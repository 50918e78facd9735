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
  decay?: "linear" | "cosine";
  weightDecay?: number;
  stages?: TrainingStage[];
  /** The data the run trained on: a source preset and a mix (see src/mixture). */
  data?: { sources: string; mix?: string };
  muBase?: string;
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

export function findPreset(id: string): ModelPreset | undefined {
  return MODEL_PRESETS.find((p) => p.id === id.toLowerCase());
}
