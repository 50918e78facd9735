/**
 * Tuned μP bases: hyperparameters found on a small proxy, transferred to any width.
 */
import type { Citation } from "../laws/types.js";

export interface MupBase {
  id: string;
  title: string;
  citation: Citation;
  /** Width of the proxy model the base was tuned on. */
  dModelBase: number;
  /** Depth of the proxy (needed by CompleteP's m_L); undefined where the source does not state it. */
  numLayersBase?: number;
  /** η_base: the LR of embeddings, norms and biases; hidden matrices get η_base/m_d. */
  lrBase: number;
  /** σ_base: init std of embeddings; hidden matrices get σ_base/√m_d. */
  initStdBase: number;
  /** m_emb: multiplier on the embedding output. */
  embeddingMultiplier: number;
  /** α_out: output logits are multiplied by α_out/m_d. */
  outputLogitsAlpha: number;
}

export const MUP_BASES: readonly MupBase[] = [
  {
    id: "cerebras-gpt",
    title: "Cerebras-GPT μP base (40M proxy)",
    citation: {
      short: "Dey et al. 2023 (Cerebras-GPT)",
      arxiv: "2304.03208",
      repo: "Cerebras/modelzoo@f1fd1e09 src/cerebras/modelzoo/models/nlp/gpt3/configs/muP/params_gpt3_40M.yaml",
      locator: "§3 'Empirically tuned values'",
    },
    dModelBase: 256,
    numLayersBase: 24,
    lrBase: 6e-3,
    initStdBase: 0.08,
    embeddingMultiplier: 10,
    outputLogitsAlpha: 1,
  },
  {
    id: "btlm",
    title: "BTLM-3B-8K μP base",
    citation: {
      short: "Dey et al. 2023 (BTLM-3B-8K)",
      arxiv: "2309.11568",
      repo: "Cerebras/modelzoo@f1fd1e09 src/cerebras/modelzoo/models/nlp/btlm/configs/params_btlm_2p7b_8k.yaml",
      locator: "§3; mup_base_hidden_size, embeddings_scale, output_logits_alpha",
    },
    dModelBase: 256,
    lrBase: 0.012,
    initStdBase: 0.073,
    embeddingMultiplier: 14.6,
    outputLogitsAlpha: 2.22,
  },
];

export function findMupBase(id: string): MupBase | undefined {
  return MUP_BASES.find((b) => b.id === id.toLowerCase());
}
