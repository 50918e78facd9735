/**
 * Text rendering of a plan and of the law catalogue. The only place numbers become prose.
 */
import { findLaw, LAWS, type AnyLaw, type Citation } from "../laws/index.js";
import { findPreset } from "../model/presets.js";
import type { Num, Plan } from "../plan/types.js";
import { findReference, REFERENCES } from "../references.js";
import { contextGrid, dataGrid, lrByProgress, memoryRows, scheduleShape, shapeText, stepRows } from "../plan/sections.js";
import { runGoldens } from "../verify.js";
import { formatBytes, formatCount, formatDuration, formatFlops, formatPercent, formatSig, formatUsd } from "../units/format.js";

export function formatNum(x: Num): string {
  const v = x.value;
  switch (x.unit) {
    case "params":
    case "tokens":
      return formatCount(v, 4);
    case "FLOPs":
    case "FLOPs/token":
      return formatFlops(v, 3);
    case "FLOP/s":
      return `${formatFlops(v, 3)} FLOP/s`;
    case "s":
      return formatDuration(v);
    case "bytes":
      return formatBytes(v);
    case "USD":
      return formatUsd(v);
    case "USD/GPU-h":
      return `${formatUsd(v)}/GPU-h`;
    case "fraction":
      return formatPercent(v);
    case "GPU-h":
      return `${formatCount(v, 3)} GPU-h`;
    case "LR":
      return formatSig(v, 4);
    case "nats/token":
      return `${formatSig(v, 4)} nats/token`;
    case "steps":
    case "sequences":
    case "ranks":
    case "GPUs":
    case "tokens/sequence":
      // Whole counts print exactly: people recompute steps × batch = tokens from them.
      return Number.isInteger(v) ? String(v) : formatSig(v, 4);
    default:
      return `${formatSig(v, 4)}${x.unit && !["", "steps", "sequences", "ranks", "GPUs", "tokens/param"].includes(x.unit) ? ` ${x.unit}` : ""}`;
  }
}

/** "power-lines-tau (unverified)", "user", "preset:btlm-3b-8k". */
export function sourceLabel(id: string): string {
  if (id.startsWith("fitted:")) return `${id} (your fit)`;
  const law = findLaw(id);
  if (law) return law.verified ? id : `${id} (unverified)`;
  return id;
}

export function citationText(c: Citation): string {
  return [c.short, c.arxiv ? `arXiv ${c.arxiv}` : undefined, c.locator || undefined, c.repo].filter(Boolean).join(", ");
}

export function citationFor(source: string): string | undefined {
  if (source.startsWith("fitted:")) return `your runs, fitted with lmplan fit ${source.slice("fitted:".length)} (file given to --laws)`;
  const law = findLaw(source);
  if (law) return citationText(law.citation);
  const ref = findReference(source);
  if (ref && ref.id !== "user" && ref.id !== "arithmetic") return citationText(ref.citation);
  if (source.startsWith("preset:")) {
    const p = findPreset(source.slice("preset:".length));
    if (p) return citationText(p.citation);
  }
  return undefined;
}

interface Row {
  label: string;
  value: string;
  source: string;
  num?: Num;
}

function row(label: string, num: Num, extra = ""): Row {
  return { label, value: `${formatNum(num)}${extra}`, source: sourceLabel(num.source), num };
}

function table(rows: string[][], indent = "  "): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((r) => indent + r.map((cell, i) => (i === r.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - [...cell].length))).join("  ").trimEnd())
    .join("\n");
}

function section(title: string, rows: Row[], explain: boolean): string {
  const out: string[] = [title];
  const widths = [0, 0];
  for (const r of rows) {
    widths[0] = Math.max(widths[0] ?? 0, [...r.label].length);
    widths[1] = Math.max(widths[1] ?? 0, [...r.value].length);
  }
  for (const r of rows) {
    out.push(`  ${r.label.padEnd(widths[0] ?? 0)}  ${r.value.padEnd(widths[1] ?? 0)}  ${r.source}`.trimEnd());
    if (explain && r.num) {
      if (r.num.derivation) out.push(`      = ${r.num.derivation}`);
      const cite = citationFor(r.num.source);
      if (cite) out.push(`      ↳ ${cite}`);
    }
  }
  return out.join("\n");
}

/** What the time model prices and assumes, under the TIME section (the plan says it, issue 14). */
function modelledText(h: Plan["hardware"]): string {
  const lines = [...(h.modelled ?? []).map((m) => `  modelled: ${m}`), ...(h.assumed ?? []).map((a) => `  assumed: ${a}`)];
  return lines.length > 0 ? `\n${lines.join("\n")}` : "";
}

export function renderPlan(plan: Plan, opts: { explain: boolean }): string {
  const e = opts.explain;
  const m = plan.model;
  const s = m.spec;
  const shape = shapeText(s);
  const parts: string[] = [];
  parts.push(`lmplan plan · ${plan.title}`);
  parts.push(
    section("MODEL", [
      row("parameters", m.totalParams),
      row("non-embedding", m.nonEmbeddingParams),
      ...(s.moe ? [row("active per token", m.activeParams)] : []),
      { label: "shape", value: shape, source: "" },
      { label: "architecture", value: `${m.architecture.title}${m.architecture.overrides.length ? ` with ${m.architecture.overrides.join(", ")}` : ""}`, source: "" },
      row("FLOPs per token", m.flopsPerToken),
    ], e),
  );
  const b = plan.budget;
  parts.push(
    section("BUDGET", [
      row("tokens", b.tokens),
      row("tokens per parameter", b.tokensPerParam),
      row("compute (6ND)", b.compute6ND),
      row("compute (with attention)", b.computeTotal),
      row("predicted loss", b.predictedLoss),
      ...(b.dataConstrainedLoss ? [row("loss with repeated data", b.dataConstrainedLoss)] : []),
    ], e),
  );
  const bt = plan.batch;
  parts.push(
    section("BATCH", [
      row("sequence length", bt.seqLen),
      row("B_opt (Power Lines)", bt.optimalBatchTokens, " tokens"),
      row("global batch", bt.globalBatchSeqs, ` sequences = ${formatCount(bt.globalBatchTokens.value, 4)} tokens`),
      row("tokens per step", bt.globalBatchTokens, ` = ${bt.microBatchSeqs.value} micro × ${bt.seqLen.value} seq × ${bt.gradAccumSteps.value} accum × ${bt.dataParallel.value} GPUs`),
      row("micro-batch", bt.microBatchSeqs, " sequences/GPU"),
      row("steps", bt.steps, ` → ${formatCount(bt.tokensTrained.value, 4)} tokens`),
    ], e),
  );
  const o = plan.optimizer;
  const p = o.parameterization;
  const paramRows: Row[] = [
    row("peak LR, hidden weights", o.hiddenLr),
    row(p.kind === "sp" ? "peak LR, all groups" : "peak LR, embeddings/norms", o.baseLr),
  ];
  if (p.kind !== "sp") {
    paramRows.push({ label: "μP multipliers", value: `m_d ${formatSig(p.widthMultiplier, 4)} · embedding × ${formatSig(p.embedding.outputMultiplier, 4)} · logits × ${formatSig(p.outputLogitsScale, 4)} · attention QᵀK/${formatSig(p.attentionDivisor, 4)}`, source: p.source });
    paramRows.push({ label: "init std", value: `embedding ${formatSig(p.embedding.initStd ?? 0, 4)} · hidden ${formatSig(p.hidden.initStd ?? 0, 4)} · output projections ${formatSig(p.outProjection.initStd ?? 0, 4)}`, source: p.source });
    if (p.kind === "completep") paramRows.push({ label: "CompleteP", value: `m_L ${formatSig(p.depthMultiplier, 4)} · residual × ${formatSig(p.residualMultiplier, 4)} · hidden λ × ${formatSig(p.hiddenWeightDecayMultiplier, 4)}`, source: "completep" });
  }
  paramRows.push(row("τ_opt", o.tauOpt), row("weight decay λ", o.weightDecay), row("timescale τ", o.tau));
  paramRows.push({ label: "AdamW", value: `β1 ${o.beta1.value} · β2 ${o.beta2.value} · ε ${formatSig(o.eps.value, 3)} · clip ${o.gradClip.value}`, source: sourceLabel(o.beta2.source) });
  parts.push(section(`OPTIMIZER (${p.kind === "mup" ? "μP" : p.kind === "completep" ? "CompleteP" : "SP"})`, paramRows, e));

  const sc = plan.schedule;
  parts.push(
    section("SCHEDULE", [
      { label: "shape", value: scheduleShape(sc.spec), source: sourceLabel(sc.source) },
      row("warmup", sc.warmupSteps, " steps"),
      { label: "LR by progress", value: lrByProgress(sc.spec), source: "" },
    ], e),
  );
  const h = plan.hardware;
  parts.push(
    section("TIME AND COST", [
      { label: "hardware", value: `${h.numGpus.value} × ${h.gpuTitle}`, source: sourceLabel(h.numGpus.source), num: h.numGpus },
      row("peak per GPU", h.peakFlopsPerGpu),
      row("MFU", h.mfu),
      row("wall-clock", h.seconds),
      row("GPU-hours", h.gpuHours),
      ...(h.costUsd ? [row("cost", h.costUsd, h.pricePerGpuHour ? ` at ${formatUsd(h.pricePerGpuHour.value)}/GPU-h` : "")] : [{ label: "cost", value: "— (pass --price)", source: "" }]),
      ...stepRows(plan).map((x) => ({ label: x.label, value: x.value, source: sourceLabel(x.source), num: x.num })),
    ], e) + modelledText(h),
  );
  parts.push(section("MEMORY PER GPU", memoryRows(plan).map(({ label, value, source, total, num }) => ({ label, value, source: sourceLabel(source), ...(total ? { num: plan.memory.totalBytes } : num ? { num } : {}) })), e) + (e && plan.memory.assumptions?.length ? `\n${plan.memory.assumptions.map((a) => `  assumed: ${a}`).join("\n")}` : ""));

  if (plan.context) {
    const g = contextGrid(plan.context);
    parts.push([`CONTEXT (same tokens per step in every stage)  [${sourceLabel("palm-flops")}]`, table([g.header, ...g.rows]), ...g.notes.map((n) => `  ${n}`)].join("\n"));
  }
  if (plan.data) {
    const g = dataGrid(plan.data);
    parts.push([`DATA ${g.what}  [data-constrained]`, table([g.header, ...g.rows]), ...g.notes.map((n) => `  ${n}`)].join("\n"));
  }

  const alt = plan.alternatives.map((a) => [
    a.source === "lmplan" ? "lmplan (this plan)" : sourceLabel(a.source),
    a.peakLr !== undefined ? formatSig(a.peakLr, 3) : "—",
    a.batchTokens !== undefined ? formatCount(a.batchTokens, 3) : "—",
    a.weightDecay !== undefined ? formatSig(a.weightDecay, 3) : "—",
    a.caveat ?? "",
  ]);
  parts.push(`WHAT THE LAWS SAY (η, batch in tokens, λ holding τ at τ_opt)\n${table([["law", "peak LR", "batch", "λ", "caveat"], ...alt])}`);

  if (plan.comparison && plan.comparison.rows.length > 0) {
    const rows = plan.comparison.rows.map((r) => [r.quantity, r.published, r.recommended, r.note ?? ""]);
    parts.push(`${plan.comparison.against.toUpperCase()} AS PUBLISHED VS LMPLAN\n${table([["", "published", "lmplan", "note"], ...rows])}`);
  }
  if (plan.warnings.length > 0) {
    parts.push(`WARNINGS\n${plan.warnings.map((w) => `  ! ${w.message}  [${sourceLabel(w.source)}]`).join("\n")}`);
  }
  if (!e) parts.push("Run with --explain for the arithmetic and the citation behind each number, --json for machines.");
  return parts.join("\n\n") + "\n";
}

function rangeText(law: AnyLaw): string {
  const entries = Object.entries(law.fitRange as Record<string, readonly [number, number]>);
  if (entries.length === 0) return "not recorded";
  return entries.map(([k, [lo, hi]]) => `${k} ${formatSig(lo, 3)}–${formatSig(hi, 3)}`).join(", ");
}

export function renderLawList(): string {
  const rows = LAWS.map((l) => [l.id, l.verified ? "yes" : "unverified", `${l.citation.short}${l.citation.arxiv ? ` (arXiv ${l.citation.arxiv})` : ""}`, rangeText(l)]);
  const refs = REFERENCES.filter((r) => r.id !== "user" && r.id !== "arithmetic").map((r) => [r.id, r.title]);
  return `LAWS\n${table([["id", "verified", "source", "fit range"], ...rows])}\n\nOTHER SOURCES (methods and conventions the plan cites)\n${table(refs)}\n\nlmplan laws show <id> for the formula, inputs, units and notes.\n`;
}

export function renderLaw(id: string): string | undefined {
  const law = findLaw(id);
  if (law) {
    const q = (o: Record<string, { unit: string; description: string }>) =>
      Object.entries(o).map(([k, v]) => `  ${k.padEnd(10)} ${v.unit.padEnd(22)} ${v.description}`).join("\n");
    return [
      `${law.id} — ${law.title}`,
      `formula   ${law.formula}`,
      `source    ${citationText(law.citation)}`,
      `verified  ${law.verified ? "yes (read in the primary source)" : "no — only secondary sources agree on the coefficients"}`,
      `fit range ${rangeText(law)}${law.fitRangeNote ? `\n          ${law.fitRangeNote}` : ""}`,
      `inputs\n${q(law.inputs)}`,
      `outputs\n${q(law.outputs)}`,
      ...(law.notes.length > 0 ? [`notes\n${law.notes.map((x: string) => `  - ${x}`).join("\n")}`] : []),
    ].join("\n") + "\n";
  }
  const ref = findReference(id);
  if (ref) {
    return [`${ref.id} — ${ref.title}`, `source    ${citationText(ref.citation)}`, ...(ref.notes.length > 0 ? [`notes\n${ref.notes.map((x) => `  - ${x}`).join("\n")}`] : [])].join("\n") + "\n";
  }
  return undefined;
}

export function renderVerify(): { text: string; allPass: boolean } {
  const r = runGoldens();
  const rowsOf = (rows: typeof r.published, notes: boolean) =>
    rows.flatMap((x) => {
      const g = x.golden;
      const row = [x.pass ? "ok" : "FAIL", g.what, formatSig(x.computed, 6), formatSig(g.published, 6), `${formatSig(g.relTol, 2)}`, g.source];
      return notes && g.tolerance ? [row, ["", `  tolerance: ${g.tolerance}`, "", "", "", ""]] : [row];
    });
  const head = ["", "quantity", "computed", "expected", "rel. tol", "source"];
  const n = r.published.length + r.law.length;
  const text =
    `PUBLISHED NUMBERS (printed by the source)\n${table([head, ...rowsOf(r.published, true)])}\n\n` +
    `LAW RE-EVALUATIONS (catch a mistyped coefficient, not a wrong law)\n${table([head, ...rowsOf(r.law, false)])}\n\n` +
    `${r.allPass ? "All" : "NOT all"} ${n} rows within tolerance (${r.published.length} published, ${r.law.length} law).\n`;
  return { text, allPass: r.allPass };
}
