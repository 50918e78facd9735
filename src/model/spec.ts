/**
 * An architecture spec, defined once as a zod schema: the type, the validator and the field docs.
 *
 * Every field added for issue 13 (explicit head dim, GeGLU/ReLU, QKV bias, QK-norm, shared and
 * fine-grained experts, leading dense layers, MLA, MTP) is optional with its default applied in the
 * arithmetic, so a spec written before them parses and counts exactly as it did.
 */
import * as z from "zod";

const posInt = (what: string) => z.number().int().positive().describe(what);
const nonNegInt = (what: string) => z.number().int().nonnegative().describe(what);

export const MoeSchema = z
  .object({
    numExperts: posInt("routed experts per MoE layer"),
    topK: posInt("routed experts each token is sent to"),
    numSharedExperts: nonNegInt("experts every token passes through (DeepSeekMoE, arXiv 2401.06066 §3.2); default 0").optional(),
    dFfExpert: posInt("feed-forward inner size of one routed or shared expert (fine-grained experts: smaller than a dense dFf); default dFf").optional(),
    firstDenseLayers: nonNegInt("leading blocks with a dense FFN of size dFf instead of experts (DeepSeek-V3 first_k_dense_replace = 3); default 0").optional(),
    capacityFactor: z.number().positive().describe("tokens an expert may take, as a multiple of an even share (GShard/Switch); affects memory and dropped tokens, not the parameter count").optional(),
  })
  .refine((m) => m.topK <= m.numExperts, { message: "topK must be ≤ numExperts", path: ["topK"] });

/** Multi-head latent attention (DeepSeek-V2, arXiv 2405.04434 §2.1.2–2.1.3; DeepSeek-V3 config.json). */
export const MlaSchema = z.object({
  qLoraRank: posInt("rank of the query down-projection d_c'; absent = queries projected directly (DeepSeek-V2-Lite)").optional(),
  kvLoraRank: posInt("rank of the joint key/value compression d_c"),
  qkNopeHeadDim: posInt("per-head query/key dimension without RoPE d_h"),
  qkRopeHeadDim: posInt("per-head decoupled RoPE dimension d_h^R (the key part is shared by all heads)"),
  vHeadDim: posInt("per-head value dimension"),
});

export const ArchSpecSchema = z
  .object({
    dModel: posInt("hidden size d_model"),
    numLayers: posInt("transformer blocks L"),
    numHeads: posInt("attention (query) heads H"),
    numKvHeads: posInt("key/value heads (GQA, MQA = 1); equal to numHeads for multi-head attention").optional(),
    headDim: posInt("per-head dimension; default dModel / numHeads").optional(),
    dFf: posInt("feed-forward inner size of a dense layer (and of each expert unless moe.dFfExpert)"),
    ffnType: z
      .enum(["gelu", "swiglu", "geglu", "relu"])
      .describe("feed-forward block: gelu or relu (2 matrices), swiglu or geglu (gated, 3 matrices; Shazeer 2020, arXiv 2002.05202)"),
    vocabSize: posInt("vocabulary size V (as the embedding table holds it, padding included)"),
    seqLen: posInt("training sequence length T in tokens"),
    tiedEmbeddings: z.boolean().describe("output head shares the token-embedding matrix"),
    position: z.enum(["alibi", "rope", "learned", "none"]).describe("position scheme; learned adds a seqLen × d_model table; none = NoPE"),
    ropeTheta: z.number().positive().describe("RoPE base θ (Su et al., arXiv 2104.09864); no parameters").optional(),
    norm: z.enum(["layernorm", "rmsnorm"]).default("layernorm").describe("normalisation (layernorm has a bias)"),
    bias: z.boolean().default(false).describe("all linear layers have biases (GPT-2/Cerebras-GPT style)"),
    qkvBias: z.boolean().describe("biases on the Q, K and V projections only (Qwen2, arXiv 2407.10671 §2.2.1)").optional(),
    qkNorm: z.boolean().describe("a norm on queries and keys over the full projection (OLMo 2, arXiv 2501.00656 §3.1; OLMoE)").optional(),
    moe: MoeSchema.optional().describe("mixture of experts in the FFN of every block after moe.firstDenseLayers"),
    mla: MlaSchema.optional().describe("multi-head latent attention instead of MHA/GQA"),
    mtpModules: nonNegInt("multi-token-prediction modules (DeepSeek-V3 §2.2): counted and reported apart from the main model").optional(),
  })
  .superRefine((s, ctx) => {
    if (s.headDim === undefined && s.mla === undefined && s.dModel % s.numHeads !== 0) {
      ctx.addIssue({ code: "custom", path: ["numHeads"], message: `numHeads must divide dModel (${s.dModel}) unless headDim is given` });
    }
    const kv = s.numKvHeads ?? s.numHeads;
    if (s.numHeads % kv !== 0) {
      ctx.addIssue({ code: "custom", path: ["numKvHeads"], message: `numKvHeads must divide numHeads (${s.numHeads})` });
    }
    if (s.moe?.firstDenseLayers !== undefined && s.moe.firstDenseLayers > s.numLayers) {
      ctx.addIssue({ code: "custom", path: ["moe", "firstDenseLayers"], message: `at most numLayers (${s.numLayers})` });
    }
    if (s.mla && (s.bias || s.qkvBias || s.qkNorm)) {
      ctx.addIssue({ code: "custom", path: ["mla"], message: "MLA is counted without biases or QK-norm (DeepSeek-V2/V3 have none, and norm their latents instead)" });
    }
  });

/** What a user may write (defaults omitted). */
export type ArchSpecInput = z.input<typeof ArchSpecSchema>;
/** What the core computes with (defaults filled). */
export type ArchSpec = z.output<typeof ArchSpecSchema>;

/** Effective per-head dimension: the explicit one, else dModel / numHeads. */
export function headDim(s: ArchSpec): number {
  return s.headDim ?? s.dModel / s.numHeads;
}

export function kvHeads(s: ArchSpec): number {
  return s.numKvHeads ?? s.numHeads;
}

/** Blocks with a dense FFN and blocks with experts. */
export function layerSplit(s: ArchSpec): { numDenseLayers: number; numMoeLayers: number } {
  if (!s.moe) return { numDenseLayers: s.numLayers, numMoeLayers: 0 };
  const numDenseLayers = Math.min(s.numLayers, s.moe.firstDenseLayers ?? 0);
  return { numDenseLayers, numMoeLayers: s.numLayers - numDenseLayers };
}
