/**
 * Data and context: the context-length stages (same tokens per step at each length, each stage's
 * attention FLOPs and memory at its own length on the plan's layout; ALiBi/RoPE extrapolation to the target length) and the
 * data mixture's epochs per source for the planned tokens.
 */
import type { Result } from "../../errors.js";
import type { Warning } from "../../laws/types.js";
import { conflict } from "../../errors.js";
import { planContext, type ContextPlan } from "../../context/stages.js";
import { parseUpsample, planMixture, weightsForMix } from "../../mixture/plan.js";
import { findSourcePreset } from "../../mixture/sources.js";
import type { Layout, LayoutMemoryOptions } from "../../layout/index.js";
import type { ResolvedRequest } from "../resolve.js";
import type { Plan } from "../types.js";
import type { ScaleStage } from "./scale.js";

export function contextStage(r: ResolvedRequest, scale: ScaleStage, x: { tokensTrained: number; batchTokens: number; dp: number; layout?: Layout; layoutOptions?: LayoutMemoryOptions }): Result<ContextPlan | undefined> {
  const { req } = r;
  if (!r.stages && req.targetContext === undefined) return { ok: true, value: undefined };
  const cx = planContext({
    stages: r.stages ?? [{ seqLen: scale.seqLen, share: 1 }],
    tokens: x.tokensTrained,
    batchTokens: x.batchTokens,
    spec: scale.spec,
    ...(req.targetContext !== undefined ? { targetLength: req.targetContext } : {}),
    memory: { dataParallel: x.dp, zeroStage: x.layout?.zeroStage ?? r.zeroStage.value, capacityBytes: r.accel.memoryBytes, ...(x.layout ? { layout: x.layout, layoutOptions: x.layoutOptions ?? {} } : {}) },
  });
  if (!cx.ok) return { ok: false, issues: cx.issues.map((i) => ({ ...i, path: i.path[0] === "train" ? ["contextStages", ...i.path.slice(1)] : i.path[0] === "target" ? ["targetContext", ...i.path.slice(1)] : i.path })) };
  return cx;
}

export function mixtureStage(r: ResolvedRequest, D: number, N: number): Result<{ data?: NonNullable<Plan["data"]>; warnings: Warning[] }> {
  const { req, preset } = r;
  if (req.dataSources !== undefined && req.dataSourcesTable !== undefined) {
    return { ok: false, issues: [conflict(["dataSources", "dataSourcesTable"], "--data-sources names a preset and --data-sources-file gives your own sources; give one of them")] };
  }
  const table = req.dataSourcesTable;
  // A mix, an epoch cap or an upsampling spec without sources applies to SlimPajama's.
  const sourcesId = table ? `your ${table.length} source${table.length === 1 ? "" : "s"}` : (req.dataSources ?? (req.mix !== undefined || req.capEpochs !== undefined || req.upsampleFinal !== undefined ? "slimpajama-627b" : preset?.recipe?.data?.sources));
  if (sourcesId === undefined) return { ok: true, value: { warnings: [] } };
  const sources = table ?? findSourcePreset(sourcesId)?.sources ?? [];
  const w = weightsForMix(sources, req.mix ?? (req.dataSources === undefined && !table ? preset?.recipe?.data?.mix : undefined));
  if (!w.ok) return w;
  const up = req.upsampleFinal !== undefined ? parseUpsample(req.upsampleFinal) : undefined;
  if (up && !up.ok) return up;
  const m = planMixture(sources, w.value.weights, { tokens: D, params: N, ...(req.capEpochs !== undefined ? { capEpochs: req.capEpochs } : {}), ...(up ? { upsample: up.value } : {}) });
  if (!m.ok) return m;
  return { ok: true, value: { data: { ...m.value, sourcesPreset: sourcesId, mix: w.value.label, verified: w.value.verified }, warnings: m.value.warnings } };
}
