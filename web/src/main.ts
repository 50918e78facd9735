/**
 * lmplan's UI. The planner runs the core in the browser (the core does no I/O), so a changed input is
 * re-planned and redrawn without a round trip; the time it takes is shown (and read by the browser test).
 * Fit and emit go through the HTTP API, which uses the same schemas and code as the CLI.
 */
import * as Plot from "@observablehq/plot";
import { acceleratorNames } from "../../src/hardware/catalog.js";
import { MODEL_PRESETS } from "../../src/model/presets.js";
import { formatIssue } from "../../src/errors.js";
import { planSafe } from "../../src/plan/plan.js";
import type { Num, Plan } from "../../src/plan/types.js";
import { sampleEma } from "../../src/schedules/ema.js";
import { sampleSchedule, type ScheduleSpec } from "../../src/schedules/schedule.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state: { plan?: Plan; fittedLaws?: unknown; request: Record<string, unknown> } = { request: {} };

// ---- tabs ------------------------------------------------------------------------------------------
function showTab(): void {
  const tab = (location.hash || "#planner").slice(1);
  for (const s of document.querySelectorAll<HTMLElement>("section.tab")) s.hidden = s.id !== tab;
  for (const a of document.querySelectorAll<HTMLAnchorElement>("nav a")) a.classList.toggle("active", a.dataset.tab === tab);
}

// ---- planner ---------------------------------------------------------------------------------------
const fmt = (x: number) => (Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : +x.toPrecision(4)).toString();

function readRequest(): Record<string, unknown> {
  const form = $<HTMLFormElement>("plan-form");
  const req: Record<string, unknown> = {};
  for (const el of Array.from(form.elements) as (HTMLInputElement | HTMLSelectElement)[]) {
    const v = el.value.trim();
    if (el.name && v !== "") req[el.name] = el.type === "number" ? Number(v) : v;
  }
  if (state.fittedLaws) req.fittedLaws = state.fittedLaws;
  return req;
}

function row(label: string, n: Num | undefined, text?: string): string {
  if (!n) return "";
  return `<tr><td>${label}</td><td class="num" data-derivation="${escapeAttr(n.derivation)}" data-source="${escapeAttr(n.source)}">${text ?? `${fmt(n.value)} ${n.unit}`}</td><td class="src">${escapeHtml(n.source)}</td></tr>`;
}
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const escapeAttr = escapeHtml;

function table(title: string, rows: string[]): string {
  return `<table><tr><th colspan="3">${title}</th></tr>${rows.join("")}</table>`;
}

function renderPlan(p: Plan): void {
  $("plan-title").textContent = p.title;
  const o = p.optimizer;
  const b = p.batch;
  const h = p.hardware;
  $("plan-tables").innerHTML = [
    table("Model", [row("parameters", p.model.totalParams), row("non-embedding", p.model.nonEmbeddingParams), row("FLOPs per token", p.model.flopsPerToken)]),
    table("Budget", [row("tokens", p.budget.tokens), row("tokens per parameter", p.budget.tokensPerParam), row("compute (6ND)", p.budget.compute6ND), row("predicted loss", p.budget.predictedLoss)]),
    table("Batch", [row("B_opt", b.optimalBatchTokens), row("global batch", b.globalBatchSeqs), row("micro-batch", b.microBatchSeqs), row("accumulation", b.gradAccumSteps), row("steps", b.steps)]),
    table(`Optimizer (${o.parameterization.kind})`, [row("peak LR, hidden", o.hiddenLr), row("peak LR, base", o.baseLr), row("τ_opt", o.tauOpt), row("weight decay λ", o.weightDecay)]),
    table("Schedule", [row("warmup steps", p.schedule.warmupSteps), row("final LR", p.schedule.finalLr)]),
    table("Time and cost", [row("GPUs", h.numGpus), row("MFU", h.mfu), row("days", h.seconds, `${fmt(h.seconds.value / 86400)} days`), row("GPU-hours", h.gpuHours), row("cost", h.costUsd, h.costUsd ? `$${fmt(h.costUsd.value)}` : undefined)]),
  ].join("");
  $("warnings").innerHTML = p.warnings.length ? `<h3>Warnings</h3><ul>${p.warnings.map((w) => `<li>${escapeHtml(w.message)} <span class="src">[${escapeHtml(w.source)}]</span></li>`).join("")}</ul>` : "";
}

function plotInto(id: string, chart: Element): void {
  const el = $(id);
  el.replaceChildren(chart);
}

function drawPlots(p: Plan): void {
  const spec = p.schedule.spec;
  plotInto("plot-schedule", Plot.plot({ title: "Learning rate (hidden weights) by step", width: 480, height: 240, marginLeft: 60, y: { label: "LR", grid: true }, x: { label: "step" }, marks: [Plot.line(sampleSchedule(spec, 201), { x: "step", y: "lr", stroke: "#245" }), Plot.ruleY([0])] }));
  // EMA view of AdamW: how much each update contributes to the final weights, for three schedule shapes
  const shapes: [string, ScheduleSpec][] = [
    ["linear D2Z", { ...spec, kind: "linear", minLrRatio: 0 }],
    ["cosine to 10%", { ...spec, kind: "cosine", minLrRatio: 0.1 }],
    ["WSD 20% linear", { ...spec, kind: "wsd", decayFraction: 0.2, decayShape: "linear", minLrRatio: 0 }],
  ];
  // 201 samples per shape in bounded time, however long the run (sampleEma)
  const ema = shapes.flatMap(([name, s]) => sampleEma(s, p.optimizer.weightDecay.value, 201).map((pt) => ({ ...pt, schedule: name })));
  plotInto("plot-ema", Plot.plot({ title: "Contribution of each update to the final weights (AdamW as an EMA)", width: 480, height: 240, marginLeft: 60, color: { legend: true }, y: { label: "c_T,i", grid: true }, marks: [Plot.line(ema, { x: "step", y: "c", stroke: "schedule" })] }));
  // η, B and λ by law across model sizes, at this run's tokens per parameter and hardware
  const scaleReq = { ...state.request };
  for (const k of ["preset", "params", "tokens", "tpp", "compute", "days"]) delete scaleReq[k];
  const rows: { N: number; law: string; lr?: number; batch?: number; wd?: number }[] = [];
  for (const size of [125e6, 350e6, 760e6, 1.3e9, 2.7e9, 6.7e9, 13e9, 30e9, 70e9]) {
    const r = planSafe({ ...scaleReq, params: size, tpp: p.budget.tokensPerParam.value });
    if (!r.ok) continue;
    const q = r.value;
    rows.push({ N: q.model.totalParams.value, law: "lmplan", lr: q.optimizer.hiddenLr.value, batch: q.batch.globalBatchTokens.value, wd: q.optimizer.weightDecay.value });
    for (const a of q.alternatives) rows.push({ N: q.model.totalParams.value, law: a.source, lr: a.peakLr, batch: a.batchTokens, wd: a.weightDecay });
  }
  const small = (y: "lr" | "batch" | "wd", label: string) =>
    Plot.plot({ width: 160, height: 200, marginLeft: 50, x: { type: "log", label: "N", ticks: 3 }, y: { type: "log", label, grid: true }, marks: [Plot.line(rows.filter((r) => r[y] !== undefined), { x: "N", y, stroke: "law" }), Plot.dot(rows.filter((r) => r[y] !== undefined && r.law === "lmplan"), { x: "N", y, r: 2 })] });
  const lawsFig = document.createElement("div");
  const legend = Plot.legend({ color: { domain: [...new Set(rows.map((r) => r.law))] } });
  const caption = document.createElement("h3");
  caption.textContent = `Peak LR η, batch B (tokens) and λ by law across model sizes, at ${fmt(p.budget.tokensPerParam.value)} tokens/param`;
  const row3 = document.createElement("div");
  row3.className = "smalls";
  row3.append(small("lr", "η"), small("batch", "B"), small("wd", "λ"));
  lawsFig.append(caption, legend, row3);
  plotInto("plot-laws", lawsFig);
  // predicted loss along training: the plan's loss law at the tokens seen so far
  const T = p.budget.tokens.value;
  const lossReq: Record<string, unknown> = { params: p.model.totalParams.value, gpu: state.request.gpu, gpus: p.hardware.numGpus.value };
  if (state.request.lossLaw) lossReq.lossLaw = state.request.lossLaw;
  if (state.fittedLaws) lossReq.fittedLaws = state.fittedLaws;
  const curve: { tokens: number; loss: number }[] = [];
  for (let i = 1; i <= 30; i++) {
    const D = T * (i / 30) ** 2;
    const r = planSafe({ ...lossReq, tokens: D });
    if (r.ok) curve.push({ tokens: D, loss: r.value.budget.predictedLoss.value });
  }
  plotInto("plot-loss", Plot.plot({ title: `Predicted loss vs tokens (${p.budget.predictedLoss.source}; the law ignores the schedule's shape — fit your curves with lmplan fit curves)`, width: 480, height: 240, x: { type: "log", label: "tokens" }, y: { label: "loss (nats/token)", grid: true }, marks: [Plot.line(curve, { x: "tokens", y: "loss", stroke: "#245" }), Plot.dot(curve.slice(-1), { x: "tokens", y: "loss", fill: "#d62728" })] }));
  const m = p.memory.perGpu;
  const mem = (["weights", "gradients", "optimizer", "activations", "logits"] as const).map((k) => ({ part: k, GiB: m[k] / 2 ** 30 }));
  plotInto("plot-memory", Plot.plot({ title: `Memory per GPU (GiB) at micro-batch ${p.batch.microBatchSeqs.value}, ZeRO-${p.memory.zeroStage}`, width: 480, height: 240, marginLeft: 90, x: { label: "GiB", grid: true }, marks: [Plot.barX(mem, { y: "part", x: "GiB", fill: "#c69a7a" }), Plot.ruleX([p.memory.capacityBytes.value / 2 ** 30], { stroke: "#b00020" })] }));
}

function recompute(): void {
  const t0 = performance.now();
  const req = readRequest();
  state.request = req;
  const r = planSafe(req);
  if (r.ok) {
    state.plan = r.value;
    $("plan-errors").textContent = "";
    renderPlan(r.value);
  } else {
    $("plan-errors").textContent = r.issues.map((i) => formatIssue(i)).join("\n");
  }
  const ms = performance.now() - t0;
  const el = $("recompute");
  el.textContent = `numbers in ${ms.toFixed(1)} ms`;
  el.dataset.ms = String(ms);
  // the charts follow in the next frame, so typing never waits for them; only the latest input draws
  const plan = r.ok ? r.value : undefined;
  const ticket = ++drawTicket;
  if (plan)
    requestAnimationFrame(() => {
      if (ticket !== drawTicket) return;
      const t1 = performance.now();
      drawPlots(plan);
      const pms = performance.now() - t1;
      el.textContent = `numbers in ${ms.toFixed(1)} ms · charts in ${pms.toFixed(1)} ms`;
      el.dataset.plotMs = String(pms);
      el.dataset.drawn = String(ticket);
    });
}
let drawTicket = 0;

// ---- fit -------------------------------------------------------------------------------------------
async function fitUpload(file: File): Promise<void> {
  $("fit-errors").textContent = "";
  $("fit-result").textContent = "fitting…";
  const res = await fetch("/api/fit?bootstrap=100", { method: "POST", headers: { "Content-Type": /\.jsonl|\.ndjson|\.json$/.test(file.name) ? "application/x-ndjson" : "text/csv" }, body: await file.text() });
  const body = (await res.json()) as { errors?: { message: string }[]; fit?: { params: Record<string, number> }; intervals?: Record<string, [number, number]>; residuals?: { C: number; L: number; pred: number }[]; frontier?: { C: number; L: number }[]; fittedLaws?: unknown };
  if (!res.ok || !body.fit) {
    $("fit-result").textContent = "";
    $("fit-errors").textContent = (body.errors ?? []).map((e) => e.message).join("\n");
    return;
  }
  const p = body.fit.params;
  const ci = body.intervals ?? {};
  $("fit-result").innerHTML = table(
    "Fitted loss law L = E + A/N^α + B/D^β",
    Object.entries(p).map(([k, v]) => `<tr><td>${k}</td><td class="num" data-param="${k}">${fmt(v)}</td><td class="src">${ci[k] ? `95% CI ${fmt(ci[k][0])} … ${fmt(ci[k][1])}` : ""}</td></tr>`),
  );
  const pts = body.residuals ?? [];
  plotInto("plot-fit", Plot.plot({ title: "Runs (dots), fit (red), compute-optimal frontier (line)", width: 560, height: 300, x: { type: "log", label: "compute C = 6ND" }, y: { type: "log", label: "loss", grid: true }, marks: [Plot.dot(pts, { x: "C", y: "L" }), Plot.dot(pts, { x: "C", y: "pred", stroke: "#d62728", symbol: "times" }), Plot.line(body.frontier ?? [], { x: "C", y: "L" })] }));
  const resid = pts.map((q) => ({ C: q.C, r: Math.log(q.L) - Math.log(q.pred) }));
  plotInto("plot-fit-residuals", Plot.plot({ title: "Residuals: log(loss) − log(fit)", width: 560, height: 200, x: { type: "log", label: "compute C = 6ND" }, y: { label: "log residual", grid: true }, marks: [Plot.ruleY([0]), Plot.dot(resid, { x: "C", y: "r" })] }));
  state.fittedLaws = body.fittedLaws;
  $("fit-use").hidden = false;
}

// ---- emit ------------------------------------------------------------------------------------------
let lastConfig: { text: string; fileName: string } | undefined;
async function emit(): Promise<void> {
  $("emit-errors").textContent = "";
  const format = $<HTMLSelectElement>("emit-format").value;
  const res = await fetch("/api/emit", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ format, request: readRequest(), allowOom: $<HTMLInputElement>("emit-allow-oom").checked }) });
  const body = (await res.json()) as { errors?: { message: string }[]; text?: string; fileName?: string; notes?: string[]; warnings?: { message: string }[]; deviation?: { maxRelative: number; atPercent: number } };
  if (!res.ok || body.text === undefined) {
    $("emit-errors").textContent = (body.errors ?? []).map((e) => e.message).join("\n");
    return;
  }
  lastConfig = { text: body.text, fileName: body.fileName ?? "config.txt" };
  $("emit-text").textContent = body.text;
  const d = body.deviation;
  const dev = d && d.maxRelative > 1e-6 ? `schedule: the trainer's LR formula differs from the plan by up to ${(d.maxRelative * 100).toPrecision(3)}% of the peak (at ${d.atPercent}% of training)` : "schedule: the trainer's LR formula matches the plan at every 1% of training";
  $("emit-notes").innerHTML = [...(body.warnings ?? []).map((w) => `warning: ${w.message}`), ...(body.notes ?? []), dev].map((n) => `<li>${escapeHtml(n)}</li>`).join("");
  for (const id of ["emit-copy", "emit-download"]) ($(id) as HTMLButtonElement).disabled = false;
}

function download(): void {
  if (!lastConfig) return;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([lastConfig.text], { type: "text/plain" }));
  a.download = lastConfig.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// ---- wiring ----------------------------------------------------------------------------------------
async function init(): Promise<void> {
  const presetSel = document.querySelector<HTMLSelectElement>('select[name="preset"]');
  for (const p of MODEL_PRESETS) presetSel?.add(new Option(p.title, p.id));
  const gpuSel = document.querySelector<HTMLSelectElement>('select[name="gpu"]');
  for (const g of acceleratorNames()) gpuSel?.add(new Option(g, g, g === "h100", g === "h100"));
  const formats = (await (await fetch("/api/openapi.json")).json()) as { paths: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: { properties?: { format?: { enum?: string[] } } } }> } } }> };
  for (const f of formats.paths["/api/emit"]?.post?.requestBody?.content?.["application/json"]?.schema?.properties?.format?.enum ?? []) $<HTMLSelectElement>("emit-format").add(new Option(f, f));
  $("plan-form").addEventListener("input", recompute);
  $("plan-tables").addEventListener("click", (e) => {
    const td = (e.target as HTMLElement).closest<HTMLElement>("td.num");
    if (!td) return;
    $("derivation").innerHTML = `<h3>Derivation</h3><p>${escapeHtml(td.dataset.derivation ?? "")}</p><p class="src">source: ${escapeHtml(td.dataset.source ?? "")}</p>`;
  });
  $<HTMLInputElement>("fit-file").addEventListener("change", (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) void fitUpload(f);
  });
  $("fit-use").addEventListener("click", () => {
    location.hash = "#planner";
    recompute();
  });
  $("emit-go").addEventListener("click", () => void emit());
  $("emit-copy").addEventListener("click", () => void navigator.clipboard.writeText(lastConfig?.text ?? ""));
  $("emit-download").addEventListener("click", download);
  window.addEventListener("hashchange", showTab);
  showTab();
  recompute();
}

void init();
