/**
 * The plan's sections as text cells, for every edge that shows a plan: the CLI's tables
 * (src/cli/render.ts) and the web UI's cards (web/src/plan-view.ts) lay these out their own way, but
 * the words and numbers are built once, here, so the two cannot drift apart.
 */
import type { Plan } from "./types.js";
import type { ScheduleSpec } from "../schedules/schedule.js";
import { lrAt } from "../schedules/schedule.js";
import { formatBytes, formatCount, formatFlops, formatPercent, formatSig } from "../units/format.js";

/** The schedule's shape in words. */
export function scheduleShape(k: ScheduleSpec): string {
  return k.kind === "linear" && k.minLrRatio === 0
    ? "linear warmup, then linear decay to zero (D2Z)"
    : k.kind === "wsd"
      ? `warmup, stable, ${k.decayShape} decay over the last ${formatPercent(k.decayFraction ?? 0)} to ${k.minLrRatio}× peak`
      : k.kind === "power"
        ? "warmup, then min(0.02, β·4·n^−0.51)"
        : `linear warmup, then ${k.kind} to ${k.minLrRatio}× peak`;
}

/** The hidden-weight LR at 0, 10, 25, 50, 75, 90 and 100% of training. */
export function lrByProgress(k: ScheduleSpec): string {
  return [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1].map((f) => `${Math.round(f * 100)}%: ${formatSig(lrAt(k, Math.round(f * k.totalSteps)), 3)}`).join(" · ");
}

/** MEMORY PER GPU: total against capacity, model states, activations (values in bytes). */
export function memoryRows(plan: Plan): { label: string; value: string; source: string; total?: true }[] {
  const mem = plan.memory;
  const pg = mem.perGpu;
  return [
    { label: "total", value: `${formatBytes(pg.total)} of ${formatBytes(mem.capacityBytes.value)} — ${mem.fits ? "fits" : "DOES NOT FIT"}`, source: "zero", total: true },
    { label: "model states", value: `weights ${formatBytes(pg.weights)} · gradients ${formatBytes(pg.gradients)} · optimizer ${formatBytes(pg.optimizer)} (ZeRO-${mem.zeroStage})`, source: "zero" },
    { label: "activations", value: `${formatBytes(pg.activations)} + logits ${formatBytes(pg.logits)} (recompute ${mem.recompute}, flash attention)`, source: "activations" },
  ];
}

/** A table: header, the unit of each column, rows of cells, and notes printed under it. */
export interface SectionGrid {
  header: string[];
  units: string[];
  rows: string[][];
  notes: string[];
}

/** CONTEXT: one row per stage, and the extrapolation to the target length as notes. */
export function contextGrid(cx: NonNullable<Plan["context"]>): SectionGrid {
  const rows = cx.stages.map((st) => [
    String(st.seqLen),
    formatPercent(st.share),
    st.tokens !== undefined ? formatCount(st.tokens, 4) : "—",
    st.batchSeqs !== undefined ? String(st.batchSeqs) : "—",
    st.steps !== undefined ? String(st.steps) : "—",
    st.attentionFlopsPerToken !== undefined ? formatFlops(st.attentionFlopsPerToken) : "—",
    st.microBatchSeqs !== undefined ? String(st.microBatchSeqs) : "—",
    st.memory ? formatBytes(st.memory.total) : "—",
  ]);
  const notes: string[] = [];
  const ex = cx.extrapolation;
  if (ex) {
    notes.push(`to ${ex.targetLength}: interpolation factor ${formatSig(ex.interpolationFactor, 4)}${ex.cerebrasConfig ? ` — divide the ALiBi slopes by it (Cerebras: alibi_scaling {type: linear, factor: ${formatSig(ex.interpolationFactor, 6)}})  [alibi-pi]` : ""}`);
    if (ex.slopes) notes.push(`ALiBi slopes: ${ex.slopes.slice(0, 4).map((m) => formatSig(m, 4)).join(", ")}, …, ${formatSig(ex.slopes[ex.slopes.length - 1] as number, 4)} (${ex.slopes.length} heads)  [alibi]`);
  }
  return {
    header: ["length", "share", "tokens", "batch (seqs)", "steps", "attention FLOPs/token", "micro-batch", "memory/GPU"],
    units: ["tokens/sequence", "fraction", "tokens", "sequences", "steps", "FLOPs/token", "sequences", "bytes"],
    rows,
    notes,
  };
}

/** DATA: "(sources, mix …)" for the title; one row per source with tokens; phases and repetition as notes. */
export function dataGrid(d: NonNullable<Plan["data"]>): SectionGrid & { what: string } {
  const rows = d.sources.filter((x) => x.tokens > 0).map((x) => [x.name, x.domain, formatPercent(x.weight), formatCount(x.tokens, 4), formatSig(x.epochs, 3), formatCount(x.effectiveTokens, 4)]);
  const notes: string[] = [];
  if (d.phases.length > 1) for (const ph of d.phases) notes.push(`${ph.name} phase, ${formatPercent(ph.fraction)} of tokens: ${Object.entries(ph.weights).filter(([, w]) => w > 0).map(([k, w]) => `${k} ${formatPercent(w)}`).join(" · ")}  [domain-upsampling]`);
  if (d.lossPenalty && d.sources.some((x) => x.epochs > 1 + 1e-9)) notes.push(`repetition costs ${formatSig(d.lossPenalty.delta, 3)} nats/token (${formatSig(d.lossPenalty.freshLoss, 5)} → ${formatSig(d.lossPenalty.repeatedLoss, 5)}, data-constrained law)`);
  else notes.push("no source is repeated (≤ 1 epoch each)");
  return {
    what: `(${d.sourcesPreset}, mix ${d.mix}${d.verified ? "" : " [unverified]"})`,
    header: ["source", "domain", "weight", "tokens", "epochs", "effective"],
    units: ["", "", "fraction", "tokens", "epochs", "tokens"],
    rows,
    notes,
  };
}
