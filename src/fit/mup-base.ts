/**
 * From a μP sweep's table to a μP base: the columns `fit mup` reads (the manifest `lmplan sweep` writes,
 * or a team's own CSV), and the base the fit implies — the fitted optimum of every swept axis, the
 * sweep's own value of every fixed one, and where the proxy was trained (width, depth, TPP, batch,
 * β1/β2/ε), so the planner can transfer it and compare the proxy's horizon with the target's.
 */
import { invalid, type Issue, type Result } from "../errors.js";
import type { Range } from "../io/ranges.js";
import { RANGES } from "../io/ranges.js";
import type { ColumnSpec, Table } from "../io/table.js";
import type { MupBase, MupBaseInput, TunedAt } from "../parameterization/bases.js";
import type { MupAxis, MupFitReport, MupRun } from "./mup.js";

const pos = (what: string, max: number): Range => ({ min: 0, max, minExclusive: true, what });

/** The columns of a μP sweep (the manifest's names first). */
export const MUP_COLUMNS: ColumnSpec[] = [
  { key: "width", aliases: ["width", "d_model", "hidden_size", "n_embd"], description: "the run's width d_model", positive: true, optional: true, range: { min: 1, max: 1e6, what: "a width d_model" } },
  { key: "lrBase", aliases: ["base_lr", "lr_base", "eta_base"], description: "μP's η_base (the LR at the base width)", positive: true, optional: true, range: RANGES.lr },
  { key: "lr", aliases: ["lr", "learning_rate", "peak_lr"], description: "peak LR (used as η_base when there is no base_lr column)", positive: true, optional: true, range: RANGES.lr },
  { key: "initStd", aliases: ["init_std", "sigma_base", "init_std_base"], description: "μP's σ_base", positive: true, optional: true, range: pos("an init std", 10) },
  { key: "embMult", aliases: ["emb_mult", "embeddings_scale", "m_emb"], description: "μP's m_emb", positive: true, optional: true, range: pos("a multiplier", 1e4) },
  { key: "outputAlpha", aliases: ["output_alpha", "output_logits_alpha", "alpha_out"], description: "μP's α_out", positive: true, optional: true, range: pos("a multiplier", 1e4) },
  { key: "weightDecay", aliases: ["wd", "weight_decay", "lambda"], description: "AdamW weight_decay λ", positive: true, optional: true, range: RANGES.weightDecay },
  { key: "loss", aliases: ["loss", "final_loss", "eval_loss", "smooth loss", "smooth_loss"], description: "final loss", positive: true, range: RANGES.loss },
];

/** What the proxy was trained at, read best-effort (an empty or odd cell leaves the value unknown). */
export const MUP_META_COLUMNS: ColumnSpec[] = [
  { key: "tau", aliases: ["tau"], description: "AdamW timescale τ", positive: true, optional: true },
  { key: "dBase", aliases: ["d_base", "mup_base_hidden_size", "base_width"], description: "μP base width", positive: true, optional: true },
  { key: "layers", aliases: ["layers", "num_layers", "n_layer"], description: "depth", positive: true, optional: true },
  { key: "tpp", aliases: ["tpp"], description: "tokens per parameter", positive: true, optional: true },
  { key: "tokens", aliases: ["tokens", "D"], description: "tokens", positive: true, optional: true },
  { key: "params", aliases: ["params", "N"], description: "parameters", positive: true, optional: true },
  { key: "batchTokens", aliases: ["batch_tokens"], description: "global batch in tokens", positive: true, optional: true },
  { key: "seqLen", aliases: ["seq_len"], description: "sequence length", positive: true, optional: true },
  { key: "beta1", aliases: ["beta1", "adam_beta1"], description: "AdamW β1", positive: true, optional: true },
  { key: "beta2", aliases: ["beta2", "adam_beta2"], description: "AdamW β2", positive: true, optional: true },
  { key: "eps", aliases: ["eps", "adam_eps", "adam_epsilon"], description: "AdamW ε", positive: true, optional: true },
];

export type MupMeta = Partial<Record<"tau" | "dBase" | "layers" | "tpp" | "tokens" | "params" | "batchTokens" | "seqLen" | "beta1" | "beta2" | "eps", number>>[];

/** Runs from a table read with MUP_COLUMNS (and the meta rows, aligned by index, when read). */
export function mupRunsFromTable(t: Table, meta?: MupMeta): { runs: MupRun[]; notes: string[] } {
  const notes: string[] = [];
  if (t.headers.width === undefined) notes.push("no width column: every run is taken as one width");
  if (t.headers.lrBase === undefined && t.headers.lr !== undefined) notes.push("no base_lr column: the lr column is read as η_base");
  const runs = t.rows.map((r, i) => {
    const run: MupRun = { width: r.width ?? 1, loss: r.loss as number, line: t.lines[i] as number };
    const lr = r.lrBase ?? r.lr;
    if (lr !== undefined) run.lrBase = lr;
    for (const k of ["initStd", "embMult", "outputAlpha", "weightDecay"] as const) if (r[k] !== undefined) run[k] = r[k];
    const tau = meta?.[i]?.tau;
    if (tau !== undefined) run.tau = tau;
    return run;
  });
  return { runs, notes };
}

/** The value every run shares (to 1e-6), or undefined when it is missing anywhere or varies. */
function constant(values: readonly (number | undefined)[]): number | undefined {
  const first = values[0];
  if (first === undefined) return undefined;
  return values.every((v) => v !== undefined && Math.abs(v - first) <= 1e-6 * Math.abs(first)) ? first : undefined;
}

/** The median, when every value is present and within 1% of it; else undefined. */
function nearlyConstant(values: readonly (number | undefined)[]): number | undefined {
  if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
  const s = (values as number[]).slice().sort((a, b) => a - b);
  const mid = s[Math.floor(s.length / 2)] as number;
  return s.every((v) => Math.abs(v - mid) <= 0.01 * Math.abs(mid)) ? mid : undefined;
}

export interface BaseFromFit {
  base: MupBaseInput;
  notes: string[];
  issues: Issue[];
}

/**
 * The μP base a fit implies. Swept axes take the fitted optimum at the base width's group (the group
 * whose width is d_base, else the narrowest, said in the notes); fixed ones the sweep's own value; any
 * still unknown (a CSV without that column) come from `fallback` — said, never silent.
 */
export function mupBaseFromFit(report: MupFitReport, runs: readonly MupRun[], meta: MupMeta, fallback: MupBase, origin: string): Result<BaseFromFit> {
  const notes: string[] = [];
  const dBaseCol = constant(meta.map((m) => m.dBase));
  const widths = report.groups.map((g) => g.width);
  const hasWidth = !(widths.length === 1 && widths[0] === 1);
  const group = report.groups.find((g) => g.width === dBaseCol) ?? report.groups[0];
  if (!group) return { ok: false, issues: [invalid("runs", "a fitted group", "none")] };
  if (report.groups.length > 1 && group.width !== dBaseCol) notes.push(`the base is read at d=${group.width}, the narrowest width (no group at the base width d_base)`);
  const dModelBase = dBaseCol ?? (hasWidth ? group.width : undefined);
  if (dModelBase === undefined) return { ok: false, issues: [invalid("d_base", "a d_base column (the μP base width) or a width column, to say which width the base belongs to", "neither")] };
  const pick = (axis: MupAxis, field: keyof MupBase, label: string): number => {
    const a = group.axes.find((x) => x.axis === axis);
    if (a) return a.optimum;
    const c = constant(runs.filter((r) => r.width === group.width).map((r) => r[axis]));
    if (c !== undefined) return c;
    notes.push(`${label} was not in the sweep's table: ${fallback[field]} from the ${fallback.id} base`);
    return fallback[field] as number;
  };
  const intervals: Record<string, [number, number]> = {};
  for (const a of group.axes) if (a.interval) intervals[a.axis] = a.interval;
  const layers = constant(meta.map((m) => m.layers));
  // where the base width's runs were trained: their shared value (to 1%: whole steps round D a little)
  const atBase = meta.filter((_, i) => runs[i]?.width === group.width);
  const tunedAt: TunedAt = {};
  for (const k of ["tpp", "batchTokens", "tokens", "params", "seqLen", "tau"] as const) {
    const v = nearlyConstant(atBase.map((m) => m[k]));
    if (v !== undefined) tunedAt[k] = v;
    else if (atBase.some((m) => m[k] !== undefined)) notes.push(`the runs' ${k} varies: not recorded as where the base was tuned`);
  }
  if (tunedAt.tpp === undefined && tunedAt.tokens !== undefined && tunedAt.params !== undefined) tunedAt.tpp = tunedAt.tokens / tunedAt.params;
  const base: MupBaseInput = {
    id: "fitted",
    title: `μP base fitted by lmplan fit mup (${origin})`,
    citation: { short: "your fit (lmplan fit mup)", locator: origin },
    dModelBase: Math.round(dModelBase),
    ...(layers !== undefined ? { numLayersBase: Math.round(layers) } : {}),
    lrBase: pick("lrBase", "lrBase", "η_base"),
    initStdBase: pick("initStd", "initStdBase", "σ_base"),
    embeddingMultiplier: pick("embMult", "embeddingMultiplier", "m_emb"),
    outputLogitsAlpha: pick("outputAlpha", "outputLogitsAlpha", "α_out"),
    ...(Object.keys(tunedAt).length > 0 ? { tunedAt } : {}),
    intervals,
  };
  for (const k of ["beta1", "beta2", "eps"] as const) {
    const v = constant(meta.map((m) => m[k]));
    if (v !== undefined && v < 1) base[k] = v;
  }
  const edge = group.axes.filter((a) => a.atEdge);
  const issues = edge.map((a) => invalid(a.axis, `an optimum inside the sweep (extend the ${a.label} sweep past its ${a.atEdge} end)`, `best at ${a.best}`));
  return { ok: true, value: { base, notes, issues } };
}
