/**
 * emitPlan: the whole of `lmplan emit` as one fallible function, for the CLI and the HTTP API alike —
 * a saved plan validated against the full Plan schema (or a plan made from a request), re-split over
 * other GPUs if asked, refused when it does not fit in memory (unless asked to write it anyway) or
 * when --strict and the trainer cannot follow the schedule, cannot express a setting of the plan, or the file
 * holds a placeholder its "before you launch" list does not name; the config with its notes, the measured
 * schedule deviation and the plan's warnings otherwise. Errors are Issues (exit 2 / HTTP 4xx).
 */
import { conflict, invalid, type Issue, type Result } from "../errors.js";
import { findAccelerator } from "../hardware/catalog.js";
import type { Warning } from "../laws/types.js";
import { planFromRequest } from "../plan/plan.js";
import { parsePlanRequest } from "../plan/request.js";
import { parsePlan } from "../plan/schema.js";
import type { Plan } from "../plan/types.js";
import { resplitBatch } from "./decompose.js";
import { EMITTERS, findEmitter } from "./index.js";
import { unlistedPlaceholders } from "./launch.js";
import type { EmitResult } from "./types.js";

export interface EmitRequest {
  /** Trainer format: an emitter id (torchtitan, megatron, …). */
  format: unknown;
  /** A saved plan (lmplan plan --json, POST /api/plan); validated in full. Takes precedence over `request`. */
  plan?: unknown;
  /** Plan request fields (as POST /api/plan takes them) when no plan is given. */
  request?: unknown;
  /** Re-split the plan's global batch over this many GPUs. */
  gpus?: unknown;
  /**
   * Refuse when the trainer's own LR formula differs from the plan by more than 1% of the peak, when the
   * config cannot express a setting of the plan, or when it holds a placeholder its list does not name.
   */
  strict?: boolean;
  /** Write the config even when the plan does not fit in GPU memory. */
  allowOom?: boolean;
}

export interface EmitOutcome extends EmitResult {
  /** The emitter's title and the trainer source its keys were read from. */
  title: string;
  source: string;
  /** The plan's warnings (memory, extrapolation, assumptions …), for the user to read beside the config. */
  warnings: Warning[];
}

/** Above this the --strict refusal applies (1% of the peak LR). */
export const STRICT_TOLERANCE = 0.01;

const GIB = 2 ** 30;
const gib = (b: number) => +(b / GIB).toPrecision(3);

export function emitPlan(req: EmitRequest): Result<EmitOutcome> {
  const emitter = typeof req.format === "string" ? findEmitter(req.format) : undefined;
  if (!emitter) return fail(invalid("format", `one of ${EMITTERS.map((e) => e.id).join(", ")}`, req.format ?? "nothing"));
  let plan: Plan;
  if (req.plan !== undefined) {
    const r = parsePlan(req.plan);
    if (!r.ok) return r;
    plan = r.value;
  } else {
    const parsed = parsePlanRequest(req.request ?? {});
    if (!parsed.ok) return parsed;
    // a trainer config must run the batch that was asked for: a --batch-seqs that does not split is
    // refused here (lmplan plan rounds it, with a warning)
    const r = planFromRequest(parsed.value, { batchPolicy: "exact" });
    if (!r.ok) return r;
    plan = r.value;
    // the planner's own plan is held to the same schema: a shape it cannot express whole (a
    // fractional head count) is refused here rather than written into a config
    const checked = parsePlan(plan);
    if (!checked.ok) return checked;
  }
  if (req.gpus !== undefined) {
    const gpus = typeof req.gpus === "string" && req.gpus.trim() !== "" ? Number(req.gpus) : req.gpus;
    if (typeof gpus !== "number") return fail(invalid("gpus", "a whole number of GPUs ≥ 1", req.gpus));
    const r = resplitBatch(plan, gpus);
    if (!r.ok) return r;
    plan = r.value;
  }
  if (req.allowOom !== true) {
    const oom = memoryIssue(plan);
    if (oom) return fail(oom);
  }
  const res = emitter.emit(plan);
  const d = res.deviation;
  const name = emitter.title.replace(/ \(.*\)$/, "");
  if (req.strict === true) {
    const issues: Issue[] = [];
    if (d.maxRelative > STRICT_TOLERANCE) {
      issues.push(conflict(["format"], `${name} cannot follow the plan's schedule: its LR differs by up to ${pct(d.maxRelative)} of the peak (at ${d.atPercent}% of training: ${+d.trainerLr.toPrecision(4)} vs ${+d.planLr.toPrecision(4)}); drop --strict to write the closest config with this deviation printed`));
    }
    if (res.unexpressed.length > 0) {
      issues.push(conflict(["format"], `${name}'s config cannot express ${res.unexpressed.length === 1 ? "a setting" : `${res.unexpressed.length} settings`} of the plan: ${res.unexpressed.join("; ")}; drop --strict to write the config with these in its notes`));
    }
    const unlisted = unlistedPlaceholders(res.text, res.placeholders);
    if (unlisted.length > 0) {
      issues.push(conflict(["format"], `the ${name} config holds placeholders its "before you launch" list does not name: ${unlisted.join(", ")}`));
    }
    if (issues.length > 0) return { ok: false, issues };
  }
  return { ok: true, value: { ...res, title: emitter.title, source: emitter.source, warnings: plan.warnings } };
}

/** Why the plan cannot run as written: the memory per GPU (main run or any context stage) above the GPU's capacity. */
export function memoryIssue(plan: Plan): Issue | undefined {
  const cap = plan.memory.capacityBytes.value;
  const need = Math.max(plan.memory.perGpu.total, plan.memory.totalBytes.value, ...(plan.context?.stages ?? []).map((s) => s.memory?.total ?? 0));
  if (need <= cap && plan.memory.fits) return undefined;
  const stage = (plan.context?.stages ?? []).find((s) => (s.memory?.total ?? 0) === need && need > plan.memory.perGpu.total);
  const l = plan.layout;
  const perNode = findAccelerator(plan.hardware.gpu)?.interconnect.gpusPerNode ?? 8;
  const levers = [
    // ZeRO shards over the data- and context-parallel ranks: with one of them it cannot help
    plan.memory.zeroStage < 3 && (l === undefined || l.dp * l.cp > 1) ? "--zero-stage 3" : "",
    plan.memory.recompute !== "full" ? "--recompute full" : "",
    // the layout search already tried every degree it could; a pinned one may be what holds it back
    l === undefined || l.tp < perNode ? "--tp (up to the GPUs per node)" : "",
    l === undefined || l.pp < plan.model.spec.numLayers ? "--pp" : "",
    stage !== undefined || (l !== undefined && l.cp === 1 && plan.batch.seqLen.value >= 8192) ? "--cp for long sequences" : "",
  ].filter(Boolean);
  const where = l !== undefined ? ` on ${layoutLine(l)}` : "";
  return conflict(
    ["memory"],
    `the plan needs ${gib(need)} GiB per GPU${stage ? ` in its ${stage.seqLen}-token stage` : ""}${where} and the ${plan.hardware.gpuTitle} has ${gib(cap)} GiB: use more GPUs (--gpus), a larger-memory accelerator${levers.length ? `, or re-plan with ${levers.join(", ")}` : ""}; pass --allow-oom (API: allowOom) to write the config anyway`,
  );
}

const layoutLine = (l: NonNullable<Plan["layout"]>) => `TP${l.tp} · PP${l.pp} · CP${l.cp} · DP${l.dp} (ZeRO-${l.zeroStage}), micro-batch ${l.microBatch}, recompute ${l.recompute}`;
const pct = (x: number) => `${+(x * 100).toPrecision(3)}%`;
const fail = (issue: Issue): { ok: false; issues: Issue[] } => ({ ok: false, issues: [issue] });
