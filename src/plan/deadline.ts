/**
 * `lmplan plan --days 14d --loss-target 2.3` (issue 16 item 3): the cheapest point of the time–compute
 * frontier (src/plan/pareto.ts) that meets the deadline, planned in full with the user's other options,
 * and a `deadline` section saying what each step along the frontier trades.
 *
 * Entry point for the `plan` command and POST /api/plan: with a target loss (or --deadline-by frontier
 * and --compute) it builds the frontier, picks the point and plans it through planSafe; otherwise it is
 * planSafe. It lives apart from plan.ts because pareto.ts's planPoint already imports plan.ts.
 * The frontier keeps pareto.ts's time model (data parallel, one MFU); when the planner's time model
 * gains parallel layouts the frontier will use it.
 */
import { selectEfficiency } from "../layout/calibrate.js";
import { conflict, invalid, missing, type Issue, type Result } from "../errors.js";
import { acceleratorNames, findAccelerator } from "../hardware/catalog.js";
import { DEFAULT_MFU } from "../hardware/time.js";
import type { ChinchillaParams } from "../laws/chinchilla-form.js";
import type { Warning } from "../laws/types.js";
import { PARALLEL_SHAPE_OPTIONS } from "../model/shape.js";
import { formatCount, formatDuration, formatSig, formatUsd, formatFlops } from "../units/format.js";
import { DeadlineSectionSchema, type DeadlinePoint, type DeadlineSection, type FrontierStep } from "./deadline-section.js";
import { DEFAULT_MAX_GPUS, GPUS_PER_NODE, paretoFrontier, type Frontier, type FrontierPoint } from "./pareto.js";
import { LOSS_LAWS, resolveBcrit } from "./pareto-request.js";
import { DEFAULT_TEMPLATE, planFromRequest, planSafe } from "./plan.js";
import { parsePlanRequest, type PlanRequest } from "./request.js";
import type { Plan } from "./types.js";

export { DeadlineSectionSchema, type DeadlinePoint, type DeadlineSection, type FrontierStep };

/** Fields the frontier chooses: giving one with a target loss is a conflict, not a silent override. */
const CHOSEN_BY_FRONTIER = ["preset", "params", "tokens", "tpp", "batchSeqs", "gpus", "width", "layers", "contextStages"] as const;
/** Fields only the frontier reads. */
const FRONTIER_ONLY = ["maxGpus", "bcrit"] as const;
/** Steps along the frontier shown on each side of the chosen point. */
const STEPS_EACH_SIDE = 3;
/** Faster points tried when a point's plan does not fit in memory or runs past the deadline. */
const MAX_PASSED_OVER = 16;

const s4 = (x: number) => formatSig(x, 4);

/** Plan a run; with a target loss (or --deadline-by frontier), the cheapest frontier point that meets --days. */
export function planWithDeadline(input: unknown): Result<Plan & { deadline?: DeadlineSection }> {
  const parsed = parsePlanRequest(input);
  if (!parsed.ok) return parsed;
  const req = parsed.value;
  const frontier = req.lossTarget !== undefined || req.deadlineBy === "frontier";
  if (!frontier) {
    const stray = FRONTIER_ONLY.filter((k) => req[k] !== undefined);
    if (stray.length > 0) return { ok: false, issues: stray.map((k) => missing([k, "lossTarget"], `--${k === "maxGpus" ? "max-gpus" : "bcrit"} chooses among frontier points: add --loss-target <nats> (or --deadline-by frontier with --compute)`)) };
    return planFromRequest(req);
  }
  return planOnFrontier(input as Record<string, unknown>, req);
}

function planOnFrontier(raw: Record<string, unknown>, req: PlanRequest): Result<Plan & { deadline: DeadlineSection }> {
  const issues: Issue[] = [];
  if (req.deadlineBy === "gpus") issues.push(conflict(["deadlineBy", "lossTarget"], "--loss-target plans on the frontier and --deadline-by gpus keeps the compute-optimal model; drop one", "gpus"));
  if (req.lossTarget !== undefined && req.compute !== undefined) issues.push(conflict(["lossTarget", "compute"], "--loss-target and --compute both set the target; give one"));
  if (req.lossTarget === undefined && req.compute === undefined) issues.push(missing(["lossTarget"], "a target for --deadline-by frontier: --loss-target <nats/token> or --compute <FLOPs>"));
  for (const k of CHOSEN_BY_FRONTIER) {
    if (req[k] === undefined) continue;
    const why = k === "gpus" ? "the frontier chooses the GPU count; give the most you have as --max-gpus" : `the frontier chooses the model, its tokens and batch; drop --${flagOf(k)} (or plan without --loss-target)`;
    issues.push(conflict([k, req.lossTarget !== undefined ? "lossTarget" : "deadlineBy"], why, String(raw[k])));
  }
  if (req.gpu?.count !== undefined) issues.push(conflict(["gpu", "lossTarget"], "the frontier chooses the GPU count; give the accelerator alone and the most GPUs as --max-gpus", `${req.gpu.count}×${req.gpu.name}`));
  const accel = findAccelerator(req.gpu?.name ?? "h100");
  if (!accel) issues.push(invalid("gpu", `one of ${acceleratorNames().join(", ")}`, req.gpu?.name));
  if (req.fittedLaws?.loss && req.lossLaw !== undefined) issues.push(conflict(["lossLaw", "fittedLaws"], "--loss-law and a fitted loss law in --laws both choose the loss law; give one"));
  const cal = resolveBcrit(req.bcrit, req.fittedLaws as Record<string, unknown> | undefined);
  if (!cal.ok) issues.push(...cal.issues);
  if (issues.length > 0 || !accel || !cal.ok) return { ok: false, issues };
  const peak = req.precision === "fp8" ? accel.peakFp8 : accel.peakBf16;
  if (peak === undefined) return { ok: false, issues: [invalid("precision", `bf16 (the ${accel.title} has no fp8)`, req.precision)] };

  const lossId = req.fittedLaws?.loss ? "fitted:loss" : (req.lossLaw ?? "chinchilla-epoch");
  const lossParams = req.fittedLaws?.loss?.params ?? (LOSS_LAWS[lossId] as ChinchillaParams);
  const price = req.price ?? accel.pricePerHour?.usd;
  const seqLen = req.seqLen ?? DEFAULT_TEMPLATE.seqLen;
  const maxGpus = req.maxGpus ?? DEFAULT_MAX_GPUS;
  const fr = paretoFrontier({
    ...(req.lossTarget !== undefined ? { lossTarget: req.lossTarget } : { compute: req.compute as number }),
    loss: { id: lossId, params: lossParams },
    ...(cal.value.bcrit ? { bcrit: cal.value.bcrit } : {}),
    peakFlopsPerGpu: peak,
    mfu: req.mfu ?? DEFAULT_MFU,
    // without --mfu each size takes the planner's cited efficiency, as the point's plan will
    ...(req.mfu === undefined ? { mfuFor: (N: number) => selectEfficiency(N, req.precision ?? "bf16", req.compile ?? false).u } : {}),
    ...(price !== undefined ? { pricePerGpuHour: price } : {}),
    seqLen,
    maxGpus,
    shapeOptions: { ...PARALLEL_SHAPE_OPTIONS, aspectRatio: req.aspectRatio ?? PARALLEL_SHAPE_OPTIONS.aspectRatio },
  });
  if (!fr.ok) {
    const laws = req.fittedLaws !== undefined;
    return { ok: false, issues: fr.issues.map((i) => (i.path[0] === "bcrit" && i.code === "missing" && cal.value.source === "fitted" ? { ...i, expected: `${i.expected}${laws ? " (the laws have no bcrit entry)" : " (--bcrit fitted needs --laws)"}` } : i)) };
  }
  const f = fr.value;
  const days = req.days;
  // pareto is fastest → cheapest: the last point within the deadline is the cheapest that meets it.
  let index = f.pareto.length - 1;
  if (days !== undefined) {
    while (index >= 0 && (f.pareto[index] as FrontierPoint).seconds > days) index--;
    if (index < 0) return { ok: false, issues: [noPointMeets(f, days, maxGpus)] };
  }

  // Plan the point with the user's other options. The plan rounds steps up and checks memory: a point
  // whose plan runs past the deadline or does not fit is passed over for the next faster one.
  const carried: Record<string, unknown> = { ...raw };
  for (const k of ["lossTarget", "deadlineBy", "maxGpus", "bcrit", "compute"]) delete carried[k];
  const passedOver: string[] = [];
  let chosen: { index: number; plan: Plan } | undefined;
  let firstPlan: { index: number; plan: Plan } | undefined;
  for (let i = index; i >= 0 && passedOver.length <= MAX_PASSED_OVER; i--) {
    const q = f.pareto[i] as FrontierPoint;
    // the point as the frontier priced it: data parallel at its efficiency, unless the user pinned otherwise
    const p = planSafe({ tp: 1, pp: 1, cp: 1, mfu: q.mfu, ...carried, params: q.paramsRequest, tokens: Math.round(q.tokens), batchSeqs: q.batchSeqs, gpus: q.gpus, seqLen });
    if (!p.ok) return p;
    firstPlan ??= { index: i, plan: p.value };
    const late = days !== undefined && p.value.hardware.seconds.value > days * (1 + 1e-9);
    if (!late && p.value.memory.fits) {
      chosen = { index: i, plan: p.value };
      break;
    }
    passedOver.push(`${describe(q)}: ${late ? `its plan takes ${formatDuration(p.value.hardware.seconds.value)} (steps rounded up), past the deadline` : "its plan does not fit in GPU memory"}`);
  }
  // Nothing faster fits: keep the cheapest point that meets the deadline, with the plan's memory warning.
  const pick = chosen ?? (firstPlan as { index: number; plan: Plan });
  const section = deadlineSection(f, pick.index, { ...(days !== undefined ? { days } : {}), maxGpus, passedOver, fitsNone: chosen === undefined });
  const seen = new Set(pick.plan.warnings.map((w) => w.message));
  const extra: Warning[] = f.warnings.filter((w) => !seen.has(w.message));
  return { ok: true, value: { ...pick.plan, warnings: [...pick.plan.warnings, ...extra], deadline: section } };
}

function flagOf(k: string): string {
  return k === "batchSeqs" ? "batch-seqs" : k === "contextStages" ? "context" : k;
}

function describe(q: FrontierPoint): string {
  return `N ${formatCount(q.N, 3)}, ${formatCount(q.tokens, 3)} tokens, batch ${q.batchSeqs} on ${q.gpus} GPUs`;
}

function noPointMeets(f: Frontier, days: number, maxGpus: number): Issue {
  const fastest = f.pareto[0] as FrontierPoint;
  const capped = fastest.gpus >= Math.floor(maxGpus / GPUS_PER_NODE) * GPUS_PER_NODE;
  const how = capped ? `allow more GPUs (--max-gpus, now ${maxGpus}), a higher --loss-target or a longer deadline` : `its batch is already ${s4(fastest.batchOverCrit)}× B_crit, past which more GPUs buy almost no time: a higher --loss-target or a longer deadline`;
  return conflict(["days"], `a deadline the frontier can meet: the fastest point reachable takes ${formatDuration(fastest.seconds)} (${describe(fastest)}); ${how}`, formatDuration(days));
}

function point(f: Frontier, i: number): DeadlinePoint {
  const q = f.pareto[i] as FrontierPoint;
  return {
    index: i,
    params: q.N,
    paramsRequest: q.paramsRequest,
    tokens: q.tokens,
    batchSeqs: q.batchSeqs,
    batchTokens: q.batchTokens,
    bcritTokens: q.BcritTokens,
    batchOverCrit: q.batchOverCrit,
    gpus: q.gpus,
    steps: q.steps,
    flops: q.flops,
    seconds: q.seconds,
    gpuHours: q.gpuHours,
    ...(q.costUsd !== undefined ? { costUsd: q.costUsd } : {}),
  };
}

/** The step from Pareto point `slow` to the next faster one, `slow − 1`: hours saved for the dollars (or FLOPs) added. */
export function frontierStep(f: Frontier, slow: number): FrontierStep {
  const a = f.pareto[slow] as FrontierPoint;
  const b = f.pareto[slow - 1] as FrontierPoint;
  const hoursSaved = (a.seconds - b.seconds) / 3600;
  const extraFlops = b.flops - a.flops;
  const extraUsd = a.costUsd !== undefined && b.costUsd !== undefined ? b.costUsd - a.costUsd : undefined;
  return {
    fromIndex: slow,
    toIndex: slow - 1,
    hoursSaved,
    extraFlops,
    ...(extraUsd !== undefined ? { extraUsd, usdPerHourSaved: extraUsd / hoursSaved } : {}),
    flopsPerHourSaved: extraFlops / hoursSaved,
  };
}

function deadlineSection(f: Frontier, i: number, o: { days?: number; maxGpus: number; passedOver: string[]; fitsNone: boolean }): DeadlineSection {
  const n = f.pareto.length;
  const steps: FrontierStep[] = [];
  for (let s = Math.min(n - 1, i + STEPS_EACH_SIDE); s >= Math.max(1, i - STEPS_EACH_SIDE + 1); s--) steps.push(frontierStep(f, s));
  const q = f.pareto[i] as FrontierPoint;
  const cheapest = f.pareto[n - 1] as FrontierPoint;
  const money = q.costUsd !== undefined && cheapest.costUsd !== undefined;
  const cost = (x: FrontierPoint) => (money ? formatUsd(x.costUsd as number) : `${formatFlops(x.flops)} FLOPs`);
  const parts: string[] = [];
  if (o.days === undefined) parts.push(`no --days: the cheapest of the ${n} Pareto points (${formatDuration(q.seconds)}, ${cost(q)})`);
  else if (i === n - 1) parts.push(`the cheapest of the ${n} Pareto points already meets ${formatDuration(o.days)} (${formatDuration(q.seconds)}, ${cost(q)}); going faster only costs more`);
  else {
    const slower = f.pareto[i + 1] as FrontierPoint;
    // "12 h" for 12.02 h would read as on time: more digits where the rounding hides the difference
    const late = formatDuration(slower.seconds) === formatDuration(o.days) ? `${formatSig(slower.seconds / 3600, 5)} h` : formatDuration(slower.seconds);
    parts.push(`the cheapest of the ${n} Pareto points that finishes within ${formatDuration(o.days)}: ${formatDuration(q.seconds)} for ${cost(q)}; the next cheaper point takes ${late}, past the deadline`);
    const extra = money ? `${formatUsd((q.costUsd as number) - (cheapest.costUsd as number))} (+${formatSig(((q.costUsd as number) / (cheapest.costUsd as number) - 1) * 100, 3)}%)` : `${formatFlops(q.flops - cheapest.flops)} FLOPs (+${formatSig((q.flops / cheapest.flops - 1) * 100, 3)}%)`;
    parts.push(`against the cheapest point (${formatDuration(cheapest.seconds)}), the deadline costs ${extra}`);
  }
  if (o.passedOver.length > 0) parts.push(`${o.passedOver.length} cheaper point(s) passed over (their plans ran past the deadline or did not fit in memory)`);
  if (o.fitsNone) parts.push("no faster point's plan fits in memory either: this plan's memory warning stands");
  const out: DeadlineSection = {
    lossTarget: f.lossTarget,
    targetHow: f.targetHow,
    lossLaw: f.lossLaw,
    bcrit: { id: f.bcrit.id, title: f.bcrit.title, coefficient: f.bcrit.coefficient, exponent: f.bcrit.exponent, verified: f.bcrit.verified },
    ...(o.days !== undefined ? { deadlineSeconds: o.days } : {}),
    maxGpus: Math.floor(o.maxGpus / GPUS_PER_NODE) * GPUS_PER_NODE,
    chosen: point(f, i),
    ...(i > 0 ? { faster: point(f, i - 1) } : {}),
    ...(i < n - 1 ? { slower: point(f, i + 1) } : {}),
    steps,
    fastest: point(f, 0),
    cheapest: point(f, n - 1),
    paretoPoints: n,
    candidates: f.candidates.length,
    why: `${parts.join("; ")}.`,
    passedOver: o.passedOver,
    assumptions: f.assumptions,
  };
  return out;
}

/** The deadline section as text, for `lmplan plan` (the lead's renderer may call it). */
export function renderDeadline(d: DeadlineSection): string {
  const money = d.chosen.costUsd !== undefined;
  const pt = (p: DeadlinePoint) => `N ${formatCount(p.params, 3)}, ${formatCount(p.tokens, 3)} tokens, batch ${p.batchSeqs} (${s4(p.batchOverCrit)}× B_crit) on ${p.gpus} GPUs: ${formatDuration(p.seconds)}, ${money ? formatUsd(p.costUsd as number) : `${formatFlops(p.flops)} FLOPs`}`;
  const lines = [
    `DEADLINE${d.deadlineSeconds !== undefined ? ` ${formatDuration(d.deadlineSeconds)}` : ""} · loss ${s4(d.lossTarget)} (${d.lossLaw}; ${d.targetHow}) · B_crit ${d.bcrit.title}${d.bcrit.verified ? "" : " [unverified]"}`,
    `  chosen   ${pt(d.chosen)}`,
    ...(d.faster ? [`  faster   ${pt(d.faster)}`] : []),
    ...(d.slower ? [`  slower   ${pt(d.slower)}`] : []),
    `  fastest  ${pt(d.fastest)}`,
    `  cheapest ${pt(d.cheapest)}`,
    `  why: ${d.why}`,
    "  along the frontier (each step to the next faster point):",
    ...d.steps.map((s) => `    #${s.fromIndex} → #${s.toIndex}${s.toIndex === d.chosen.index ? " (chosen)" : s.fromIndex === d.chosen.index ? " (from chosen)" : ""}: −${formatSig(s.hoursSaved, 3)} h for ${s.extraUsd !== undefined ? `+${formatUsd(s.extraUsd)} (${formatUsd(s.usdPerHourSaved as number)}/h saved)` : `+${formatFlops(s.extraFlops)} FLOPs`}`),
    ...d.passedOver.map((x) => `  passed over: ${x}`),
  ];
  return `${lines.join("\n")}\n`;
}
