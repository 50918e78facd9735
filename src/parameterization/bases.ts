/**
 * Tuned μP bases: hyperparameters found on a small proxy, transferred to any width. The two published
 * bases are built in; a team's own base (written by `lmplan fit mup --out`, or by hand) is read from a
 * file with the same fields (MupBaseSchema), so a built-in base written as a file plans exactly alike.
 */
import * as z from "zod";
import { invalid, valueAtPath, type Issue, type Result } from "../errors.js";
import type { Citation } from "../laws/types.js";

/** Where and how long the proxy was trained when the base was tuned (compared with the target's). */
export interface TunedAt {
  /** Tokens per parameter of the proxy runs. */
  tpp?: number;
  /** Global batch of the proxy runs, in tokens. */
  batchTokens?: number;
  /** Training tokens of the proxy runs. */
  tokens?: number;
  /** Total parameters of the proxy. */
  params?: number;
  seqLen?: number;
  /** AdamW timescale τ = B/(η_hidden·λ·D) the proxy runs held. */
  tau?: number;
}

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
  /** AdamW β1, β2, ε the proxy was tuned with, where recorded (the target should use the same). */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** The proxy's horizon and batch, where recorded (user bases from lmplan fit mup). */
  tunedAt?: TunedAt;
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

const positive = z.number().refine((x) => Number.isFinite(x) && x > 0, "a positive finite number");
const whole = z.number().int().min(1).max(1e6);

/**
 * A μP base as JSON: the fields of MupBase. `id`, `title` and `citation` may be left out (a user base
 * is "your base", cited by its file). Bounds are far past any real base, so only nonsense is refused.
 */
export const MupBaseSchema = z.strictObject({
  id: z.string().min(1).max(100).optional(),
  title: z.string().min(1).max(200).optional(),
  citation: z.strictObject({ short: z.string().max(200), arxiv: z.string().max(40).optional(), repo: z.string().max(400).optional(), locator: z.string().max(200) }).optional(),
  dModelBase: whole,
  numLayersBase: whole.optional(),
  lrBase: positive.refine((x) => x <= 10, "a learning rate ≤ 10"),
  initStdBase: positive.refine((x) => x <= 10, "an init std ≤ 10"),
  embeddingMultiplier: positive.refine((x) => x <= 1e4, "a multiplier ≤ 1e4"),
  outputLogitsAlpha: positive.refine((x) => x <= 1e4, "a multiplier ≤ 1e4"),
  beta1: z.number().min(0).lt(1).optional(),
  beta2: z.number().min(0).lt(1).optional(),
  eps: positive.refine((x) => x <= 1, "an ε ≤ 1").optional(),
  tunedAt: z
    .strictObject({ tpp: positive.optional(), batchTokens: positive.optional(), tokens: positive.optional(), params: positive.optional(), seqLen: whole.optional(), tau: positive.optional() })
    .optional(),
  /** What fit it (e.g. the manifest), the bootstrap intervals: kept, not used by the planner. */
  source: z.unknown().optional(),
  intervals: z.unknown().optional(),
});
export type MupBaseInput = z.input<typeof MupBaseSchema>;

/** The file form of a base: `{ "lmplanMupBase": 1, "base": {...} }` (what `lmplan fit mup --base-out` writes). */
export const MupBaseFileSchema = z.strictObject({ lmplanMupBase: z.literal(1), base: MupBaseSchema });

/** A validated base as the planner takes it (citation and title filled in for a user base). */
export function mupBaseFrom(input: z.output<typeof MupBaseSchema>, origin = "your base"): MupBase {
  const { source: _s, intervals: _i, ...b } = input;
  return {
    ...b,
    id: b.id ?? "user",
    title: b.title ?? `μP base from ${origin}`,
    citation: b.citation ?? { short: "your μP base", locator: origin },
  };
}

/** A built-in base as its file form (the round trip the tests check: same plan as the built-in id). */
export function mupBaseFile(b: MupBase): z.input<typeof MupBaseFileSchema> {
  return { lmplanMupBase: 1, base: { ...b, citation: { ...b.citation } } };
}

/**
 * Read a base from parsed JSON in any of the forms lmplan writes: a base file (`lmplanMupBase: 1`), a
 * fitted-laws file (`lmplanFitVersion: 1` whose `laws.mup` is a base), the `laws` object of one, or a
 * bare base object. Issues name the path inside the document.
 */
export function parseMupBase(doc: unknown, origin = "your base"): Result<MupBase> {
  const d = doc as Record<string, unknown> | null;
  let inner: unknown = doc;
  let prefix: string[] = [];
  if (d && typeof d === "object" && !Array.isArray(d)) {
    if ("lmplanMupBase" in d) {
      const f = MupBaseFileSchema.safeParse(doc);
      if (!f.success) return { ok: false, issues: f.error.issues.map((i) => toIssue(i, [], doc)) };
      return { ok: true, value: mupBaseFrom(f.data.base, origin) };
    }
    const laws = (d.lmplanFitVersion === 1 ? d.laws : d) as Record<string, unknown> | undefined;
    if (laws && typeof laws === "object" && "mup" in laws) {
      inner = laws.mup;
      prefix = d.lmplanFitVersion === 1 ? ["laws", "mup"] : ["mup"];
    } else if (d.lmplanFitVersion === 1) {
      return { ok: false, issues: [invalid(["laws", "mup"], "a fitted-laws file with a μP base (lmplan fit mup --out)", `laws: ${Object.keys(laws ?? {}).join(", ") || "none"}`)] };
    }
  }
  const r = MupBaseSchema.safeParse(inner);
  if (!r.success) return { ok: false, issues: r.error.issues.map((i) => toIssue(i, prefix, doc)) };
  return { ok: true, value: mupBaseFrom(r.data, origin) };
}

function toIssue(i: z.core.$ZodIssue, prefix: string[], doc: unknown): Issue {
  const path = [...prefix, ...i.path.map(String)];
  if (i.code === "unrecognized_keys") return invalid(path.length ? path : "base", `only the fields of a μP base (${Object.keys(MupBaseSchema.shape).join(", ")})`, `unknown field(s) ${i.keys.join(", ")}`);
  return invalid(path.length ? path : "base", i.code === "invalid_type" && i.path.length === 0 ? "a μP base: an object of its fields" : i.message, valueAtPath(doc, path));
}
