/**
 * The plan's sections as text cells, for every edge that shows a plan: the CLI's tables
 * (src/cli/render.ts) and the web UI's cards (web/src/plan-view.ts) lay these out their own way, but
 * the words and numbers are built once, here, so the two cannot drift apart.
 */
import type { Num, Plan } from "./types.js";
import type { ScheduleSpec } from "../schedules/schedule.js";
import { lrAt } from "../schedules/schedule.js";
import { formatBytes, formatCount, formatFlops, formatPercent, formatSig } from "../units/format.js";

/**
 * The model's shape in one line: width, depth, heads (KV heads for GQA/MQA, the head width), the FFN,
 * experts (routed top-k, shared, expert width, leading dense blocks), MLA ranks, position (RoPE θ) and
 * vocabulary.
 */
export function shapeText(s: Plan["model"]["spec"]): string {
  const kv = s.numKvHeads !== undefined && s.numKvHeads !== s.numHeads ? ` (${s.numKvHeads} KV)` : "";
  const hd = s.headDim ?? s.dModel / s.numHeads;
  const attn = s.mla
    ? `${s.numHeads} heads, MLA (kv rank ${s.mla.kvLoraRank}${s.mla.qLoraRank ? `, q rank ${s.mla.qLoraRank}` : ""}, d_h ${s.mla.qkNopeHeadDim}+${s.mla.qkRopeHeadDim} rope, d_v ${s.mla.vHeadDim})`
    : `${s.numHeads}${kv} heads × ${formatSig(hd, 4)}`;
  const m = s.moe;
  const ffn = m
    ? `${s.ffnType} MoE ${m.numExperts} experts top-${m.topK}${m.numSharedExperts ? ` + ${m.numSharedExperts} shared` : ""} d_ff ${m.dFfExpert ?? s.dFf}${m.firstDenseLayers ? ` (first ${m.firstDenseLayers} dense, d_ff ${s.dFf})` : ""}`
    : `${s.ffnType} d_ff ${s.dFf}`;
  const pos = s.position === "rope" && s.ropeTheta !== undefined ? `rope θ ${formatCount(s.ropeTheta, 4)}` : s.position;
  return `d_model ${s.dModel} · ${s.numLayers} layers · ${attn} · ${ffn} · ${pos} · vocab ${s.vocabSize}${s.tiedEmbeddings ? " tied" : ""}${s.mtpModules ? ` · ${s.mtpModules} MTP` : ""}`;
}

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

/** MEMORY PER GPU: total against capacity, the layout, each component with its source, the next layouts ranked (values in bytes). */
export function memoryRows(plan: Plan): { label: string; value: string; source: string; total?: true; num?: Num }[] {
  const mem = plan.memory;
  const pg = mem.perGpu;
  const rows: { label: string; value: string; source: string; total?: true; num?: Num }[] = [
    { label: "total", value: `${formatBytes(pg.total)} of ${formatBytes(mem.capacityBytes.value)} — ${mem.fits ? "fits" : "DOES NOT FIT"}`, source: "zero", total: true },
  ];
  const k = mem.components;
  if (plan.layout !== undefined) rows.push({ label: "layout", value: `${layoutLine(plan.layout)}${mem.stage !== undefined && plan.layout.pp > 1 ? ` (figures for pipeline stage ${mem.stage})` : ""}${mem.convention === "megatron" ? " — Megatron-LM's estimator" : ""}`, source: "arithmetic" });
  if (k === undefined) {
    rows.push(
      { label: "model states", value: `weights ${formatBytes(pg.weights)} · gradients ${formatBytes(pg.gradients)} · optimizer ${formatBytes(pg.optimizer)} (ZeRO-${mem.zeroStage})`, source: "zero" },
      { label: "activations", value: `${formatBytes(pg.activations)} + logits ${formatBytes(pg.logits)} (recompute ${mem.recompute}, flash attention)`, source: "activations" },
    );
    return rows;
  }
  const part = (label: string, x: Num, extra = "") => ({ label, value: `${formatBytes(x.value)}${extra}`, source: x.source, num: x });
  rows.push(
    part("weights", k.weights),
    part("gradients", k.gradients, plan.layout ? ` (${plan.layout.mainGrads})` : ""),
    part("master weights", k.masterWeights, " (fp32)"),
    part("optimizer states", k.optimizerStates, " (AdamW m, v)"),
    part("activations", k.activations, ` (recompute ${mem.recompute}, flash attention)`),
    part("logits", k.logits),
    part("ZeRO-3 working set", k.zeroWorkingSet),
    part("reserve", k.reserve),
  );
  for (const [i, a] of (mem.layouts ?? []).entries()) {
    rows.push({ label: i === 0 ? "next layouts" : "", value: `#${i + 2} ${a.description}: ${formatBytes(a.totalBytes)}, ${formatSig(a.tokensPerSecondPerGpu, 4)} tokens/s/GPU — ${a.why}`, source: "arithmetic" });
  }
  return rows;
}

/** TIME: one step on the layout by term (seconds), with each term's source. */
export function stepRows(plan: Plan): { label: string; value: string; source: string; num: Num }[] {
  const st = plan.hardware.step;
  if (st === undefined) return [];
  const s = (x: Num) => `${formatSig(x.value, 4)} s`;
  const pct = (x: Num) => (st.seconds.value > 0 ? ` (${formatPercent(x.value / st.seconds.value)})` : "");
  const terms: [string, Num][] = [
    ["compute", st.compute],
    ["recompute", st.recompute],
    ["pipeline bubble", st.bubble],
    ["TP communication", st.tpComm],
    ["MoE all-to-all", st.moeComm],
    ["PP sends", st.ppComm],
    ["CP exposed", st.cpExposed],
    ["DP exposed", st.dpExposed],
  ];
  return [
    { label: "step", value: `${s(st.seconds)} → ${formatSig(st.tokensPerSecondPerGpu.value, 4)} tokens/s/GPU, achieved MFU ${formatPercent(st.achievedMfu.value)}`, source: st.seconds.source, num: st.seconds },
    ...terms.filter(([, x], i) => i === 0 || x.value > 0).map(([label, x]) => ({ label: `  ${label}`, value: `${s(x)}${pct(x)}`, source: x.source, num: x })),
  ];
}

/** A layout in one line: TP8+SP · PP4×v2 · CP2 · EP8 · DP16 (ZeRO-1) · micro-batch 1 × 32 · recompute selective. */
export function layoutLine(l: NonNullable<Plan["layout"]>): string {
  const parts = [`TP${l.tp}${l.sequenceParallel && l.tp > 1 ? "+SP" : ""}`, `PP${l.pp}${l.vpp > 1 ? `×v${l.vpp}` : ""}`];
  if (l.cp > 1) parts.push(`CP${l.cp}`);
  if (l.ep > 1) parts.push(`EP${l.ep}`);
  parts.push(`DP${l.dp} (${l.zeroStage === 3 ? (l.dpShard < l.dp ? `HSDP: FSDP over ${l.dpShard}` : "FSDP") : `ZeRO-${l.zeroStage}`})`);
  parts.push(`micro-batch ${l.microBatch} × ${l.gradAccum}`, `recompute ${l.recompute}`);
  if (l.precision === "fp8") parts.push("fp8");
  return parts.join(" · ");
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
