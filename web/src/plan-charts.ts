/**
 * The planner's charts, each from a bounded number of points whatever the run's length: the LR
 * schedule (201 samples), AdamW's EMA contributions (201 per shape, sampleEma), predicted loss against
 * tokens (60 per law), η/B/λ by law across 9 model sizes, memory per GPU by component, and the
 * time–cost Pareto frontier (a 24 × 24 grid). Ticks and labels use the CLI's formatter.
 */
import { sourceLabel } from "../../src/cli/render.js";
import { findAccelerator } from "../../src/hardware/catalog.js";
import { ZHANG_BCRIT, zhangBcrit } from "../../src/laws/bcrit-zhang.js";
import { EPOCH_PARAMS } from "../../src/laws/chinchilla-epoch.js";
import { chinchillaLoss, type ChinchillaParams } from "../../src/laws/chinchilla-form.js";
import { HOFFMANN_PARAMS } from "../../src/laws/chinchilla-hoffmann.js";
import { paretoFrontier, type BcritCalibration, type Frontier } from "../../src/plan/pareto.js";
import { planSafe } from "../../src/plan/plan.js";
import type { Plan } from "../../src/plan/types.js";
import { sampleEma } from "../../src/schedules/ema.js";
import { sampleSchedule, type ScheduleSpec } from "../../src/schedules/schedule.js";
import { formatBytes, formatCount, formatDuration, formatFlops, formatSig, formatUsd } from "../../src/units/format.js";
import { barChart, legend, lineChart, type BarRow, type Callout, type Series } from "./chart.js";
import { esc } from "./dom.js";
import { INK, lawStyle, SHAPE_STYLES } from "./palette.js";

const GIB = 2 ** 30;
const count = (v: number) => formatCount(v, 3);
const sig = (v: number) => formatSig(v, 3);

function figure(el: HTMLElement, title: string, svg: string, extra = "", caption = ""): void {
  el.innerHTML = `<figcaption><h2>${esc(title)}</h2>${caption ? `<p class="note">${esc(caption)}</p>` : ""}</figcaption>${extra}${svg}`;
}

export interface ChartContext {
  plan: Plan;
  /** The request as sent to planSafe (the laws chart re-plans across sizes with it). */
  request: Record<string, unknown>;
  fittedLaws?: { loss?: { params: ChinchillaParams } } & Record<string, unknown>;
  /** Width of one chart, px. */
  width: number;
}

// ---- LR schedule ---------------------------------------------------------------------------------

export function drawSchedule(el: HTMLElement, c: ChartContext): void {
  const p = c.plan;
  const spec = p.schedule.spec;
  const pts = sampleSchedule(spec, 201).map((q) => ({ x: q.step, y: q.lr }));
  const svg = lineChart({
    title: "Learning rate of the hidden weights by step",
    width: c.width,
    height: 230,
    x: { label: "optimizer step", format: count, unit: "steps" },
    y: { label: "peak LR (hidden weights)", format: sig, zero: true, unit: "LR" },
    series: [{ law: "lmplan", label: "this plan", ...lawStyle("lmplan"), points: pts }],
    rules: spec.warmupSteps > 0 ? [{ axis: "x", value: spec.warmupSteps, label: `warmup ${p.schedule.warmupSteps.value} steps`, colour: INK.muted }] : [],
  });
  figure(el, "Learning-rate schedule", svg, "", `${formatCount(spec.totalSteps, 4)} steps; peak ${formatSig(spec.peakLr, 4)} [${sourceLabel(p.schedule.source)}]`);
}

// ---- EMA contributions ---------------------------------------------------------------------------

const sameShape = (a: ScheduleSpec, b: ScheduleSpec) =>
  a.kind === b.kind && a.minLrRatio === b.minLrRatio && (a.kind !== "wsd" || (a.decayFraction === b.decayFraction && a.decayShape === b.decayShape));

export function drawEma(el: HTMLElement, c: ChartContext): void {
  const p = c.plan;
  const spec = p.schedule.spec;
  const lambda = p.optimizer.weightDecay.value;
  const shapes: [string, ScheduleSpec][] = [
    ["linear D2Z", { ...spec, kind: "linear", minLrRatio: 0 }],
    ["cosine to 10%", { ...spec, kind: "cosine", minLrRatio: 0.1 }],
    ["WSD, 20% linear", { ...spec, kind: "wsd", decayFraction: 0.2, decayShape: "linear", minLrRatio: 0 }],
  ];
  const list: [string, ScheduleSpec][] = [["this plan", spec], ...shapes.filter(([, s]) => !sameShape(s, spec))];
  // 201 samples per shape in bounded time, however long the run (sampleEma)
  const series: Series[] = list.map(([name, s], i) => ({
    key: name,
    label: name,
    ...(SHAPE_STYLES[i] ?? SHAPE_STYLES[1]!),
    width: i === 0 ? 2.25 : 1.5,
    points: sampleEma(s, lambda, 201).map((q) => ({ x: q.step, y: q.c })),
    endLabel: true,
  }));
  // c is ~1/T per update: the axis is read in units of 10^-k, so its ticks are plain numbers
  let top = 0;
  for (const s of series) for (const q of s.points) top = Math.max(top, q.y);
  const k = top > 0 && top < 0.01 ? Math.floor(Math.log10(top)) : 0;
  const unitText = k !== 0 ? ` (×10${superscript(k)})` : "";
  const scaled = k !== 0 ? series.map((s) => ({ ...s, points: s.points.map((q) => ({ x: q.x, y: q.y / 10 ** k })) })) : series;
  const svg = lineChart({
    title: "Contribution of each update to the final weights",
    width: c.width,
    height: 230,
    x: { label: "optimizer step i", format: count, unit: "steps" },
    y: { label: `c(T, i), weight of update i${unitText}`, format: sig, zero: true, unit: "" },
    series: scaled,
  });
  figure(el, "AdamW as an EMA: what each update contributes to the final weights", svg, "", `c(T,i) = ηᵢλ·Π_{j>i}(1 − η_jλ) at λ = ${formatSig(lambda, 4)} (Straight to Zero, arXiv 2502.15938)`);
}

const SUP: Record<string, string> = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };
const superscript = (n: number) => [...String(n)].map((ch) => SUP[ch] ?? ch).join("");

// ---- predicted loss ------------------------------------------------------------------------------

function lossLaws(c: ChartContext): { id: string; params: ChinchillaParams }[] {
  const out: { id: string; params: ChinchillaParams }[] = [
    { id: "chinchilla-epoch", params: EPOCH_PARAMS },
    { id: "chinchilla-hoffmann", params: HOFFMANN_PARAMS },
  ];
  if (c.fittedLaws?.loss?.params) out.unshift({ id: "fitted:loss", params: c.fittedLaws.loss.params });
  return out;
}

export function drawLoss(el: HTMLElement, c: ChartContext): void {
  const p = c.plan;
  const N = p.model.totalParams.value;
  const T = p.budget.tokens.value;
  const used = p.budget.predictedLoss.source;
  const laws = lossLaws(c);
  const n = 60;
  const series: Series[] = laws.map((l) => ({
    law: l.id,
    label: `${l.id === used ? "▸ " : ""}${l.id}`,
    ...lawStyle(l.id),
    width: l.id === used ? 2.5 : 1.5,
    points: Array.from({ length: n }, (_, i) => {
      const D = (T / 300) * 900 ** (i / (n - 1));
      return { x: D, y: chinchillaLoss(l.params, N, D) };
    }),
    endLabel: true,
  }));
  const svg = lineChart({
    title: "Predicted loss against tokens",
    width: c.width,
    height: 230,
    x: { label: "tokens trained", type: "log", format: count, unit: "tokens" },
    y: { label: "loss (nats/token)", type: "log", format: (v) => formatSig(v, 3), unit: "nats/token" },
    series,
    rules: [{ axis: "x", value: T, label: `this plan: ${formatCount(T, 4)} tokens`, colour: INK.muted }],
    callouts: [{ x: T, y: p.budget.predictedLoss.value, label: `${formatSig(p.budget.predictedLoss.value, 4)}`, colour: lawStyle(used).colour, mark: "plan" }],
  });
  figure(el, `Predicted loss of this ${formatCount(N, 4)}-parameter model against tokens`, svg, "", `▸ the plan's law (${sourceLabel(used)}); the laws ignore the schedule's shape — fit whole curves with lmplan fit curves`);
}

// ---- η, B, λ across sizes ------------------------------------------------------------------------

const SIZES = [125e6, 350e6, 760e6, 1.3e9, 2.7e9, 6.7e9, 13e9, 30e9, 70e9];
let lawsCache: { key: string; rows: { N: number; law: string; lr?: number; batch?: number; wd?: number }[] } | undefined;

function lawsRows(c: ChartContext) {
  const p = c.plan;
  const scaleReq: Record<string, unknown> = { ...c.request };
  for (const k of ["preset", "params", "tokens", "tpp", "compute", "days", "width", "layers"]) delete scaleReq[k];
  const tpp = p.budget.tokensPerParam.value;
  const key = JSON.stringify([scaleReq, tpp]);
  if (lawsCache?.key === key) return lawsCache.rows;
  const rows: { N: number; law: string; lr?: number; batch?: number; wd?: number }[] = [];
  for (const size of SIZES) {
    const r = planSafe({ ...scaleReq, params: size, tpp });
    if (!r.ok) continue;
    const q = r.value;
    for (const a of q.alternatives) rows.push({ N: q.model.totalParams.value, law: a.source, lr: a.peakLr, batch: a.batchTokens, wd: a.weightDecay });
  }
  lawsCache = { key, rows };
  return rows;
}

export function drawLaws(el: HTMLElement, c: ChartContext): void {
  const p = c.plan;
  const rows = lawsRows(c);
  const laws = [...new Set([...p.alternatives.map((a) => a.source), ...rows.map((r) => r.law)])];
  const N = p.model.totalParams.value;
  const panelW = c.width >= 900 ? Math.floor((c.width - 16) / 3) : c.width;
  const panel = (y: "lr" | "batch" | "wd", title: string, format: (v: number) => string, unit: string) => {
    const series: Series[] = laws.map((law) => ({
      law,
      label: law,
      ...lawStyle(law),
      width: law === "lmplan" ? 2.25 : 1.5,
      dots: law === "lmplan" ? 3 : 2,
      points: rows.filter((r) => r.law === law && r[y] !== undefined).map((r) => ({ x: r.N, y: r[y] as number })),
    }));
    const here = p.alternatives.find((a) => a.source === "lmplan")?.[y === "lr" ? "peakLr" : y === "batch" ? "batchTokens" : "weightDecay"];
    return `<div class="panel" data-panel="${y}">${lineChart({
      title,
      width: panelW,
      height: 220,
      x: { label: "parameters N", type: "log", format: count, unit: "params" },
      y: { label: title, type: "log", format, unit },
      series: series.filter((s) => s.points.length > 0),
      rules: [{ axis: "x", value: N, label: "this plan", colour: INK.muted }],
      callouts: here !== undefined ? [{ x: N, y: here, label: format(here), colour: lawStyle("lmplan").colour, mark: "plan" }] : [],
    })}</div>`;
  };
  const lg = legend(laws.map((law) => ({ law, label: law === "lmplan" ? "lmplan (this plan)" : sourceLabel(law), ...lawStyle(law) })));
  const panels = `<div class="panels">${panel("lr", "peak LR η", sig, "LR")}${panel("batch", "batch B (tokens)", count, "tokens")}${panel("wd", "weight decay λ", sig, "")}</div>`;
  el.innerHTML = `<figcaption><h2>${esc(`η, B and λ by law across model sizes, at ${formatSig(p.budget.tokensPerParam.value, 4)} tokens per parameter`)}</h2><p class="note">One colour per law in every panel (Okabe–Ito palette); λ is the weight decay that holds τ at τ_opt with each law's η and B.</p></figcaption>${lg}${panels}`;
}

// ---- memory --------------------------------------------------------------------------------------

export function drawMemory(el: HTMLElement, c: ChartContext): void {
  const p = c.plan;
  const m = p.memory.perGpu;
  const cap = p.memory.capacityBytes.value;
  const title = findAccelerator(p.hardware.gpu)?.title ?? p.hardware.gpuTitle;
  const rows: BarRow[] = (["weights", "gradients", "optimizer", "activations", "logits"] as const).map((k) => ({ label: k, value: m[k] / GIB, text: formatBytes(m[k]) }));
  rows.push({ label: "total", value: m.total / GIB, text: `${formatBytes(m.total)}${p.memory.fits ? "" : " — does not fit"}`, colour: p.memory.fits ? "#3d4756" : INK.reference });
  const svg = barChart({
    title: "Memory per GPU",
    width: c.width,
    x: { label: "GiB per GPU", format: sig, unit: "GiB" },
    rows,
    rules: [{ axis: "x", value: cap / GIB, label: `${title}: ${formatBytes(cap)}` }],
  });
  figure(el, `Memory per GPU at micro-batch ${p.batch.microBatchSeqs.value}, ZeRO-${p.memory.zeroStage}, recompute ${p.memory.recompute}`, svg);
}

// ---- Pareto frontier -----------------------------------------------------------------------------

/** lmplan's fit of Zhang et al.'s steps-to-target runs, the calibration `lmplan pareto` ships with. */
const ZHANG_CALIBRATION: BcritCalibration = {
  id: zhangBcrit.id,
  title: zhangBcrit.title,
  coefficient: ZHANG_BCRIT.coefficient,
  exponent: ZHANG_BCRIT.exponent,
  fitRangeD: ZHANG_BCRIT.fitRangeD,
  verified: false,
};

let paretoCache: { key: string; f: Frontier | string } | undefined;

function frontierFor(c: ChartContext): Frontier | string {
  const p = c.plan;
  const law = lossLaws(c).find((l) => l.id === p.budget.predictedLoss.source) ?? { id: "chinchilla-epoch", params: EPOCH_PARAMS };
  const input = {
    lossTarget: p.budget.predictedLoss.value,
    loss: law,
    bcrit: ZHANG_CALIBRATION,
    peakFlopsPerGpu: p.hardware.peakFlopsPerGpu.value,
    mfu: p.hardware.mfu.value,
    ...(p.hardware.pricePerGpuHour ? { pricePerGpuHour: p.hardware.pricePerGpuHour.value } : {}),
    seqLen: p.batch.seqLen.value,
    numSizes: 24,
    numBatches: 24,
  };
  const key = JSON.stringify(input);
  if (paretoCache?.key === key) return paretoCache.f;
  const r = paretoFrontier(input);
  const f = r.ok ? r.value : r.issues.map((i) => i.expected).join("; ");
  paretoCache = { key, f };
  return f;
}

export function drawPareto(el: HTMLElement, c: ChartContext): void {
  const p = c.plan;
  const f = frontierFor(c);
  if (typeof f === "string") {
    el.innerHTML = `<figcaption><h2>Time vs cost to reach this loss</h2></figcaption><p class="note">No frontier for this plan: ${esc(f)}</p>`;
    return;
  }
  const money = p.hardware.pricePerGpuHour !== undefined;
  const yOf = (q: { costUsd?: number; gpuHours: number }) => (money ? (q.costUsd as number) : q.gpuHours);
  // the time axis in the unit its range reads best in: minutes, hours or days
  const slowest = Math.max(p.hardware.seconds.value, ...f.pareto.map((q) => q.seconds));
  const [tUnit, tDiv] = slowest < 2 * 3600 ? ["minutes", 60] : slowest < 2 * 86400 ? ["hours", 3600] : ["days", 86400];
  const days = (s: number) => s / tDiv;
  const pts = f.pareto.map((q) => ({ x: days(q.seconds), y: yOf(q) }));
  const mark = (k: "fastest" | "knee" | "cheapest"): Callout | undefined => {
    const q = f.pareto[f.marks[k]];
    return q ? { x: days(q.seconds), y: yOf(q), label: `${k}: ${formatCount(q.N, 3)}, ${q.gpus} GPUs`, colour: INK.muted, r: 3.5, mark: k, above: k !== "fastest" } : undefined;
  };
  const planY = money ? (p.hardware.costUsd?.value ?? 0) : p.hardware.gpuHours.value;
  const callouts = [mark("fastest"), mark("knee"), mark("cheapest")].filter((x): x is Callout => x !== undefined);
  callouts.push({ x: days(p.hardware.seconds.value), y: planY, label: "this plan", colour: lawStyle("lmplan").colour, r: 4.5, mark: "plan", above: true });
  const svg = lineChart({
    title: "Time vs cost frontier",
    width: c.width,
    height: 240,
    x: { label: `wall-clock (${tUnit})`, type: "log", format: sig, unit: tUnit },
    y: { label: money ? "cost (USD)" : "GPU-hours", type: "log", format: money ? formatUsd : count, unit: money ? "USD" : "GPU-h" },
    series: [{ key: "frontier", label: "frontier", colour: "#3d4756", points: pts, dots: 1.8 }],
    callouts,
  });
  const fast = f.pareto[f.marks.fastest];
  const cheap = f.pareto[f.marks.cheapest];
  const note = fast && cheap ? `${f.pareto.length} points on the frontier, from ${formatDuration(fast.seconds)} (${money ? formatUsd(fast.costUsd as number) : `${formatCount(fast.gpuHours, 3)} GPU-h`}) to ${formatDuration(cheap.seconds)} (${money ? formatUsd(cheap.costUsd as number) : `${formatCount(cheap.gpuHours, 3)} GPU-h`}); B_crit from ${zhangBcrit.id} [unverified]; lmplan pareto --loss-target ${formatSig(f.lossTarget, 4)} for the table` : "";
  figure(el, `Time vs ${money ? "cost" : "GPU-hours"} to reach loss ${formatSig(f.lossTarget, 4)} (McCandlish S(B), E(B); ≤ 16384 GPUs)`, svg, "", note);
  el.dataset.compute = formatFlops(f.optimum.flops6ND);
}
