/**
 * An architecture spec, defined once as a zod schema: the type, the validator and the field docs.
 */
import { z } from "zod";

const posInt = (what: string) => z.number().int().positive().describe(what);

export const MoeSchema = z
  .object({
    numExperts: posInt("routed experts per MoE layer"),
    topK: posInt("experts each token is routed to"),
  })
  .refine((m) => m.topK <= m.numExperts, { message: "topK must be ≤ numExperts", path: ["topK"] });

export const ArchSpecSchema = z
  .object({
    dModel: posInt("hidden size d_model"),
    numLayers: posInt("transformer blocks L"),
    numHeads: posInt("attention (query) heads H"),
    numKvHeads: posInt("key/value heads (GQA); equal to numHeads for multi-head attention").optional(),
    dFf: posInt("feed-forward inner size (per expert for MoE)"),
    ffnType: z.enum(["gelu", "swiglu"]).describe("feed-forward block: gelu (2 matrices) or swiglu (3 matrices, Shazeer 2020)"),
    vocabSize: posInt("vocabulary size V"),
    seqLen: posInt("training sequence length T in tokens"),
    tiedEmbeddings: z.boolean().describe("output head shares the token-embedding matrix"),
    position: z.enum(["alibi", "rope", "learned"]).describe("position scheme; learned adds a seqLen × d_model table"),
    norm: z.enum(["layernorm", "rmsnorm"]).default("layernorm").describe("normalisation (layernorm has a bias)"),
    bias: z.boolean().default(false).describe("linear layers have biases (GPT-2/Cerebras-GPT style)"),
    moe: MoeSchema.optional().describe("mixture of experts in every FFN"),
  })
  .superRefine((s, ctx) => {
    if (s.dModel % s.numHeads !== 0) {
      ctx.addIssue({ code: "custom", path: ["numHeads"], message: `numHeads must divide dModel (${s.dModel})` });
    }
    const kv = s.numKvHeads ?? s.numHeads;
    if (s.numHeads % kv !== 0) {
      ctx.addIssue({ code: "custom", path: ["numKvHeads"], message: `numKvHeads must divide numHeads (${s.numHeads})` });
    }
  });

/** What a user may write (defaults omitted). */
export type ArchSpecInput = z.input<typeof ArchSpecSchema>;
/** What the core computes with (defaults filled). */
export type ArchSpec = z.output<typeof ArchSpecSchema>;

export function headDim(s: ArchSpec): number {
  return s.dModel / s.numHeads;
}

export function kvHeads(s: ArchSpec): number {
  return s.numKvHeads ?? s.numHeads;
}
