/**
 * Every section `lmplan plan` prints (src/cli/render.ts renderPlan), as HTML tables: model, budget,
 * batch, optimizer, schedule, time and cost, memory, context, data, what the laws say, the published
 * recipe beside lmplan's, warnings. Numbers go through the CLI's own formatter (formatNum and
 * src/units/format.ts), so the UI and the terminal print the same digits and suffixes.
 */
import { citationFor, formatNum, sourceLabel } from "../../src/cli/render.js";
import type { Num, Plan } from "../../src/plan/types.js";
import { contextGrid, dataGrid, lrByProgress, memoryRows, scheduleShape, shapeText, stepRows } from "../../src/plan/sections.js";
import { formatCount, formatSig, formatUsd } from "../../src/units/format.js";
import { esc } from "./dom.js";
import { lawStyle } from "./palette.js";

interface Row {
  label: string;
  /** Text as the CLI prints it. */
  value: string;
  source?: string;
  num?: Num;
  /** Unit for the test's notation check (data-unit). */
  unit?: string;
}

/** The Nums on screen, by the index their cells carry (data-k), for the derivation panel. */
let shown: { label: string; num: Num; value: string }[] = [];

function row(label: string, num: Num, extra = ""): Row {
  return { label, value: `${formatNum(num)}${extra}`, source: num.source, num, unit: num.unit };
}

function rowsHtml(rows: Row[]): string {
  return rows
    .map((r) => {
      let attrs = `data-unit="${esc(r.unit ?? "")}"`;
      if (r.num) {
        shown.push({ label: r.label, num: r.num, value: r.value });
        attrs += ` class="num" tabindex="0" role="button" aria-expanded="false" data-k="${shown.length - 1}" title="show the derivation and its source"`;
      }
      return `<tr><th scope="row">${esc(r.label)}</th><td ${attrs}>${esc(r.value)}</td><td class="src">${r.source ? esc(sourceLabel(r.source)) : ""}</td></tr>`;
    })
    .join("");
}

function section(id: string, title: string, rows: Row[], notes: string[] = []): string {
  return `<section class="card" data-section="${id}"><h3>${esc(title)}</h3><table class="kv">${rowsHtml(rows)}</table>${notes.map((n) => `<p class="note">${esc(n)}</p>`).join("")}</section>`;
}

/** What the models price and assume, as notes under a card. */
function notesOf(modelled?: string[], assumed?: string[]): string[] {
  return [...(modelled ?? []).map((m) => `modelled: ${m}`), ...(assumed ?? []).map((a) => `assumed: ${a}`)];
}

/** A table with a header row; cells are text, each tagged with its column's unit. */
function grid(id: string, title: string, head: string[], rows: string[][], units: string[] = [], notes: string[] = []): string {
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td data-unit="${esc(units[i] ?? "")}">${esc(c)}</td>`).join("")}</tr>`).join("");
  return `<section class="card wide" data-section="${id}"><h3>${esc(title)}</h3><div class="scroll"><table class="grid"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>${notes.map((n) => `<p class="note">${esc(n)}</p>`).join("")}</section>`;
}

export function renderPlanHtml(plan: Plan): string {
  shown = [];
  const parts: string[] = [];
  const m = plan.model;
  const s = m.spec;
  const shape = shapeText(s);
  parts.push(section("model", "Model", [row("parameters", m.totalParams), row("non-embedding", m.nonEmbeddingParams), ...(s.moe ? [row("active per token", m.activeParams)] : []), { label: "shape", value: shape }, { label: "architecture", value: m.architecture.title }, row("FLOPs per token", m.flopsPerToken)]));
  const b = plan.budget;
  parts.push(
    section("budget", "Budget", [
      row("tokens", b.tokens),
      row("tokens per parameter", b.tokensPerParam),
      row("compute (6ND)", b.compute6ND),
      row("compute (with attention)", b.computeTotal),
      row("predicted loss", b.predictedLoss),
      ...(b.dataConstrainedLoss ? [row("loss with repeated data", b.dataConstrainedLoss)] : []),
    ]),
  );
  const bt = plan.batch;
  parts.push(
    section("batch", "Batch", [
      row("sequence length", bt.seqLen),
      row("B_opt (Power Lines)", bt.optimalBatchTokens, " tokens"),
      row("global batch", bt.globalBatchSeqs, ` sequences = ${formatCount(bt.globalBatchTokens.value, 4)} tokens`),
      row("tokens per step", bt.globalBatchTokens, ` = ${bt.microBatchSeqs.value} micro × ${bt.seqLen.value} seq × ${bt.gradAccumSteps.value} accum × ${bt.dataParallel.value} GPUs`),
      row("micro-batch", bt.microBatchSeqs, " sequences/GPU"),
      row("steps", bt.steps, ` → ${formatCount(bt.tokensTrained.value, 4)} tokens`),
    ]),
  );
  const o = plan.optimizer;
  const p = o.parameterization;
  const opt: Row[] = [row("peak LR, hidden weights", o.hiddenLr), row(p.kind === "sp" ? "peak LR, all groups" : "peak LR, embeddings/norms", o.baseLr)];
  if (p.kind !== "sp") {
    opt.push({ label: "μP multipliers", value: `m_d ${formatSig(p.widthMultiplier, 4)} · embedding × ${formatSig(p.embedding.outputMultiplier, 4)} · logits × ${formatSig(p.outputLogitsScale, 4)} · attention QᵀK/${formatSig(p.attentionDivisor, 4)}`, source: p.source });
    opt.push({ label: "init std", value: `embedding ${formatSig(p.embedding.initStd ?? 0, 4)} · hidden ${formatSig(p.hidden.initStd ?? 0, 4)} · output projections ${formatSig(p.outProjection.initStd ?? 0, 4)}`, source: p.source });
    if (p.kind === "completep") opt.push({ label: "CompleteP", value: `m_L ${formatSig(p.depthMultiplier, 4)} · residual × ${formatSig(p.residualMultiplier, 4)} · hidden λ × ${formatSig(p.hiddenWeightDecayMultiplier, 4)}`, source: "completep" });
  }
  opt.push(row("τ_opt", o.tauOpt), row("weight decay λ", o.weightDecay), row("timescale τ", o.tau));
  opt.push({ label: "AdamW", value: `β1 ${o.beta1.value} · β2 ${o.beta2.value} · ε ${formatSig(o.eps.value, 3)} · clip ${o.gradClip.value}`, source: o.beta2.source, unit: "adamw" });
  parts.push(section("optimizer", `Optimizer (${p.kind === "mup" ? "μP" : p.kind === "completep" ? "CompleteP" : "SP"})`, opt));
  const sc = plan.schedule;
  parts.push(section("schedule", "Schedule", [{ label: "shape", value: scheduleShape(sc.spec), source: sc.source }, row("warmup", sc.warmupSteps, " steps"), { label: "LR by progress", value: lrByProgress(sc.spec), unit: "LR" }]));
  const h = plan.hardware;
  parts.push(
    section("time", "Time and cost", [
      { label: "hardware", value: `${h.numGpus.value} × ${h.gpuTitle}`, source: h.numGpus.source, num: h.numGpus, unit: "GPUs" },
      row("peak per GPU", h.peakFlopsPerGpu),
      row("MFU", h.mfu),
      row("wall-clock", h.seconds),
      row("GPU-hours", h.gpuHours),
      h.costUsd ? row("cost", h.costUsd, h.pricePerGpuHour ? ` at ${formatUsd(h.pricePerGpuHour.value)}/GPU-h` : "") : { label: "cost", value: "— (set price)" },
      // one step on the plan's layout, by term (the terms' text is the CLI's, src/plan/sections.ts)
      ...stepRows(plan).map((x) => ({ label: x.label.trim(), value: x.value, source: x.source, num: x.num, unit: "" })),
    ], notesOf(h.modelled, h.assumed)),
  );
  // the layout and its memory by component; the layouts ranked next, each with why
  parts.push(
    section(
      "memory",
      "Memory per GPU",
      memoryRows(plan).map(({ label, value, source, total, num }) => ({ label, value, source, unit: label === "layout" || label === "next layouts" || label === "" ? "" : "bytes", ...(total ? { num: plan.memory.totalBytes } : num ? { num } : {}) })),
      notesOf(plan.memory.assumptions),
    ),
  );
  if (plan.context) {
    const g = contextGrid(plan.context);
    parts.push(grid("context", `Context (same tokens per step in every stage) [${sourceLabel("palm-flops")}]`, g.header, g.rows, g.units, g.notes));
  }
  if (plan.data) {
    const g = dataGrid(plan.data);
    parts.push(grid("data", `Data ${g.what} [data-constrained]`, g.header, g.rows, g.units, g.notes));
  }
  parts.push(lawsTable(plan));
  if (plan.comparison && plan.comparison.rows.length > 0) {
    const rows = plan.comparison.rows.map((r) => [r.quantity, r.published, r.recommended, r.note ?? ""]);
    parts.push(grid("comparison", `${plan.comparison.against} as published vs lmplan`, ["", "published", "lmplan", "note"], rows));
  }
  return parts.join("");
}


/** WHAT THE LAWS SAY, each law's swatch the colour it has in the charts. */
function lawsTable(plan: Plan): string {
  const body = plan.alternatives
    .map((a) => {
      const st = lawStyle(a.source);
      const sw = `<svg width="18" height="8" aria-hidden="true"><line x1="1" x2="17" y1="4" y2="4" stroke="${st.colour}" stroke-width="2.5"${st.dash ? ` stroke-dasharray="${st.dash}"` : ""}/></svg>`;
      return `<tr data-law="${esc(a.source)}"><td>${sw} ${esc(a.source === "lmplan" ? "lmplan (this plan)" : sourceLabel(a.source))}</td><td data-unit="LR">${a.peakLr !== undefined ? esc(formatSig(a.peakLr, 3)) : "—"}</td><td data-unit="tokens">${a.batchTokens !== undefined ? esc(formatCount(a.batchTokens, 3)) : "—"}</td><td>${a.weightDecay !== undefined ? esc(formatSig(a.weightDecay, 3)) : "—"}</td><td class="note">${esc(a.caveat ?? "")}</td></tr>`;
    })
    .join("");
  return `<section class="card wide" data-section="laws"><h3>What the laws say (η, batch in tokens, λ holding τ at τ_opt)</h3><div class="scroll"><table class="grid"><thead><tr><th scope="col">law</th><th scope="col">peak LR</th><th scope="col">batch</th><th scope="col">λ</th><th scope="col">caveat</th></tr></thead><tbody>${body}</tbody></table></div></section>`;
}

export function warningsHtml(plan: Plan): string {
  if (plan.warnings.length === 0) return "";
  return `<h3>Warnings</h3><ul>${plan.warnings.map((w) => `<li>${esc(w.message)} <span class="src">[${esc(sourceLabel(w.source))}]</span></li>`).join("")}</ul>`;
}

/** The derivation of the number in cell `k`: its arithmetic and citation. */
export function derivationHtml(k: number): string {
  const s = shown[k];
  if (!s) return "";
  const cite = citationFor(s.num.source);
  return `<p><strong>${esc(s.label)}</strong> = ${esc(s.value)}</p>${s.num.derivation ? `<p class="arith">= ${esc(s.num.derivation)}</p>` : ""}<p class="src">source: ${esc(sourceLabel(s.num.source))}${cite ? ` — ${esc(cite)}` : ""}</p>`;
}
