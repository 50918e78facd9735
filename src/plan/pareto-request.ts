/**
 * The frontier request, defined once for `lmplan pareto` and POST /api/pareto (issue 16): a zod schema
 * (parser, validator, type and OpenAPI body) and a pure function from the request to the frontier and
 * its JSON document. The CLI reads files (--laws) into the request; this module reads none.
 */
import { LOSS_LAWS as PLANNER_LOSS_LAWS } from "./resolve.js";
import { selectEfficiency } from "../layout/calibrate.js";
import * as z from "zod";
import { conflict, describeReceived, invalid, valueAtPath, type Issue, type Result } from "../errors.js";
import { findAccelerator, acceleratorNames } from "../hardware/catalog.js";
import { DEFAULT_MFU } from "../hardware/time.js";
import { cellNumber } from "../io/table.js";
import { ZHANG_BCRIT, zhangBcrit } from "../laws/bcrit-zhang.js";
import type { ChinchillaParams } from "../laws/chinchilla-form.js";
import { powerLinesBcrit } from "../laws/power-lines-bcrit.js";
import type { Warning } from "../laws/types.js";
import { formatCount } from "../units/format.js";
import { parseCount, parseDuration, parseGpuSpec, parsePrice } from "../units/parse.js";
import { FittedLawsSchema } from "./fitted-laws.js";
import { count, field, fromParser, numberIn, oneOf, text } from "./options/field.js";
import {
  cheapestWithin,
  DEFAULT_BATCHES,
  DEFAULT_MAX_BATCH_OVER_CRIT,
  DEFAULT_MAX_GPUS,
  DEFAULT_SIZES,
  GPUS_PER_NODE,
  MAX_GRID,
  paretoFrontier,
  planPoint,
  pointRequest,
  type BcritCalibration,
  type Frontier,
  type FrontierPoint,
  type Mark,
} from "./pareto.js";
import type { Plan } from "./types.js";
import { POWER_LINES_BCRIT, POWER_LINES_BCRIT_TERM } from "../laws/power-lines-bcrit.js";

/** A whole number in [lo, hi], as a JSON number or a decimal string; the message says `${what} lo … hi`. */
const wholeIn = (lo: number, hi: number, what: string) =>
  fromParser((v) => {
    const x = typeof v === "number" || typeof v === "string" ? cellNumber(v) : NaN;
    return Number.isInteger(x) && x >= lo && x <= hi ? { ok: true, value: x } : { ok: false, issues: [invalid("", `${what} ${lo} … ${hi}`, v)] };
  });

/** The published loss laws' parameters by id (the planner's table, src/plan/resolve.ts). */
export const LOSS_LAWS: Readonly<Record<string, ChinchillaParams>> = Object.fromEntries(Object.entries(PLANNER_LOSS_LAWS).map(([id, l]) => [id, l.params]));

export const ParetoRequestSchema = z.strictObject({
  lossTarget: field(numberIn({ min: 0, max: 100, minExclusive: true, what: "a loss in nats per token" }), {
    flag: "--loss-target <nats>",
    description: "the loss to reach, on the loss law's scale (e.g. 2.1 for the Chinchilla laws)",
    unit: "nats/token",
  }),
  compute: field(count({ label: "FLOP count", example: "3e22", unitWords: ["flops", "flop"], max: 1e32 }), {
    flag: "--compute <flops>",
    description: "or a budget: the target is the loss of the compute-optimal (N, D) at C = 6ND",
    unit: "FLOPs",
  }),
  gpu: field(fromParser(parseGpuSpec), {
    flag: "--gpu <name>",
    description: `accelerator, or count×accelerator ("1024xh100", the count is --max-gpus): ${acceleratorNames().join(", ")}`,
    unit: "",
    defaultNote: "h100",
  }),
  maxGpus: field(wholeIn(GPUS_PER_NODE, 1e6, "a whole number of GPUs"), {
    flag: "--max-gpus <n>",
    description: "most GPUs a point may use, in whole 8-GPU nodes",
    unit: "GPUs",
    defaultNote: `${DEFAULT_MAX_GPUS} (Llama 3 405B's scale, arXiv 2407.21783 §3.3)`,
  }),
  mfu: field(numberIn({ min: 0, max: 1, minExclusive: true, what: "model FLOPs utilisation, a fraction" }), {
    flag: "--mfu <fraction>",
    description: "model FLOPs utilisation at every point",
    unit: "fraction",
    defaultNote: `${DEFAULT_MFU} (TorchTitan, Llama 3.1 8B on H100)`,
  }),
  price: field(fromParser(parsePrice), { flag: "--price <usd-per-gpu-hour>", description: "price per GPU-hour", unit: "USD/GPU-h", defaultNote: "the catalog's, where it has one" }),
  precision: field(oneOf(["bf16", "fp8"] as const), { flag: "--precision <p>", description: "matmul precision for the peak FLOP/s", unit: "", defaultNote: "bf16" }),
  seqLen: field(wholeIn(1, 1e7, "a whole number of tokens"), { flag: "--seq-len <tokens>", description: "tokens per sequence", unit: "tokens", defaultNote: "2048" }),
  lossLaw: field(oneOf(["chinchilla-epoch", "chinchilla-hoffmann"] as const), { flag: "--loss-law <id>", description: "the loss law", unit: "", defaultNote: "chinchilla-epoch" }),
  fittedLaws: FittedLawsSchema.optional().meta({
    flag: "--laws <file>",
    description: "a fitted-laws file (lmplan fit … --out): its loss law and its bcrit law replace the defaults",
    unit: "",
  } as unknown as Record<string, unknown>),
  bcrit: field(text('zhang2024, fitted, or <B_crit tokens>@<D_min tokens> such as "4M@20B"'), {
    flag: "--bcrit <source>",
    description: `B_crit calibration: zhang2024 (shipped), fitted (the bcrit entry of --laws), or "4M@20B" (one run, scaled by Power Lines' ${POWER_LINES_BCRIT_TERM})`,
    unit: "",
    defaultNote: "fitted when --laws has a bcrit entry, else zhang2024",
  }),
  paramsRange: field(text('two parameter counts lo..hi, e.g. "2B..30B"'), {
    flag: "--params-range <lo..hi>",
    description: "model sizes to consider",
    unit: "params",
    defaultNote: "1.5× the smallest that can reach the target … 2× the compute-optimal",
  }),
  sizes: field(wholeIn(2, MAX_GRID, "a whole number"), { flag: "--sizes <n>", description: "model sizes on the grid", unit: "", defaultNote: String(DEFAULT_SIZES) }),
  batches: field(wholeIn(2, MAX_GRID, "a whole number"), { flag: "--batches <n>", description: "batch sizes per model", unit: "", defaultNote: String(DEFAULT_BATCHES) }),
  maxBatchOverCrit: field(numberIn({ min: 1, max: 1000, what: "a multiple of B_crit" }), { flag: "--max-batch-over-crit <x>", description: "largest batch as a multiple of B_crit", unit: "", defaultNote: String(DEFAULT_MAX_BATCH_OVER_CRIT) }),
  days: field(fromParser(parseDuration), { flag: "--days <duration>", description: 'a deadline such as "14d" or "36h": the cheapest frontier point that meets it', unit: "s" }),
});

export type ParetoRequestInput = z.input<typeof ParetoRequestSchema>;
export type ParetoRequest = z.output<typeof ParetoRequestSchema>;

/** Validate a frontier request; lmplan Issues (never a zod error) on failure. */
export function parseParetoRequest(input: unknown): Result<ParetoRequest> {
  const r = ParetoRequestSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, issues: r.error.issues.map((i) => zodIssue(i, input, Object.keys(ParetoRequestSchema.shape), "a JSON object of frontier fields")) };
}

/** A zod issue as an lmplan Issue, with the value the user sent (the shape request.ts gives the plan's). */
export function zodIssue(i: z.core.$ZodIssue, input: unknown, known: readonly string[], what: string): Issue {
  const path = i.path.map(String);
  // The first unknown field named in the path, so the message says which field to drop.
  if (i.code === "unrecognized_keys") return { code: "invalid_value", path: [...path, String(i.keys[0])], expected: `only known fields (${known.join(", ")})`, received: `unknown field(s) ${i.keys.join(", ")}` };
  if (i.code === "invalid_type" && path.length === 0) return { code: "invalid_value", path: ["request"], expected: what, received: describeReceived(input) };
  const expected = (i.code === "custom" && typeof i.params?.expected === "string" ? i.params.expected : undefined) ?? (path[0] === "fittedLaws" ? `a fitted-laws file written by lmplan fit --out (${i.message})` : i.message);
  return { code: "invalid_value", path, expected, received: describeReceived(valueAtPath(input, path)) };
}

// ---- B_crit calibrations ----------------------------------------------------------------------------

/** The `bcrit` entry `lmplan fit bcrit --out` writes. */
export const FittedBcritSchema = z
  .object({
    form: z.literal("mccandlish-power-law"),
    D: z.literal("Emin"),
    coefficient: z.number().positive().refine(Number.isFinite),
    exponent: z.number().gt(0).lt(1),
    fitRangeD: z.tuple([z.number().positive(), z.number().positive()]).optional(),
    source: z.unknown().optional(),
  })
  .passthrough();

export const ZHANG_CALIBRATION: BcritCalibration = {
  id: zhangBcrit.id,
  title: "lmplan's fit of Zhang et al. 2024's steps-to-target runs",
  coefficient: ZHANG_BCRIT.coefficient,
  exponent: ZHANG_BCRIT.exponent,
  fitRangeD: ZHANG_BCRIT.fitRangeD,
  verified: false,
  caveats: [
    "the shipped B_crit calibration comes from 85M–1.2B models on 512-token sequences with C4 validation targets, constant LR and weight averaging (arXiv 2410.21676); B_crit in tokens is assumed to carry over to your sequence length, data and schedule — fit your own with lmplan fit bcrit",
  ],
};

const BCRIT_SOURCES = `zhang2024 (the shipped calibration), fitted (the bcrit entry of --laws), or <B_crit tokens>@<D_min tokens> such as "4M@20B" (one calibrated run, scaled by Power Lines' ${POWER_LINES_BCRIT_TERM})`;

/** The fitted B_crit law of a laws file's `bcrit` entry, if it has one. */
export function fittedBcrit(laws: Record<string, unknown> | undefined): Result<BcritCalibration | undefined> {
  if (laws?.bcrit === undefined) return { ok: true, value: undefined };
  const b = FittedBcritSchema.safeParse(laws.bcrit);
  if (!b.success) {
    const first = b.error.issues[0] as z.core.$ZodIssue;
    return { ok: false, issues: [invalid(["fittedLaws", "bcrit", ...first.path.map(String)], `the bcrit entry lmplan fit bcrit --out writes (${first.message})`, valueAtPath(laws.bcrit, first.path))] };
  }
  return {
    ok: true,
    value: {
      id: "fitted:bcrit",
      title: `your fit (lmplan fit bcrit${typeof b.data.source === "string" ? ` ${b.data.source}` : ""})`,
      coefficient: b.data.coefficient,
      exponent: b.data.exponent,
      ...(b.data.fitRangeD ? { fitRangeD: b.data.fitRangeD } : {}),
      verified: true,
    },
  };
}

/** "4M@20B": one calibrated B_crit (tokens) at D_min (tokens), scaled by Power Lines' exponent (src/laws/power-lines-bcrit.ts). */
export function oneRunCalibration(spec: string): Result<BcritCalibration> {
  const at = spec.indexOf("@");
  const bad: Result<BcritCalibration> = { ok: false, issues: [invalid("bcrit", BCRIT_SOURCES, spec)] };
  if (at < 0) return bad;
  const B = parseCount(spec.slice(0, at), "bcrit", { label: "token count", example: "4M" });
  const D = parseCount(spec.slice(at + 1), "bcrit", { label: "token count", example: "20B" });
  if (!B.ok || !D.ok || B.value > 1e12 || D.value > 1e18) return bad;
  // Power Lines (arXiv 2505.13738): B_crit(D) = B_crit(D_ref)·(D/D_ref)^b [S] → k = B_ref / D_ref^b
  const b = POWER_LINES_BCRIT.exponent;
  return {
    ok: true,
    value: {
      id: powerLinesBcrit.id,
      title: `your B_crit ${formatCount(B.value, 3)} at D ${formatCount(D.value, 3)}, scaled by Power Lines' ${POWER_LINES_BCRIT_TERM} [unverified exponent]`,
      coefficient: B.value / D.value ** b,
      exponent: b,
      fitRangeD: [D.value, D.value],
      verified: false,
    },
  };
}

/**
 * The calibration a request asks for: --bcrit, else the fitted one when the laws have it, else the
 * shipped Zhang et al. fit. "fitted" without a fit gives `bcrit: undefined` — paretoFrontier then
 * refuses with the runs to make (never a guessed coefficient, issue 16).
 */
export function resolveBcrit(source: string | undefined, laws: Record<string, unknown> | undefined): Result<{ bcrit?: BcritCalibration; source: string; warnings: Warning[] }> {
  const fitted = fittedBcrit(laws);
  if (!fitted.ok) return fitted;
  const s = source?.toLowerCase() ?? (fitted.value ? "fitted" : "zhang2024");
  const warnings: Warning[] = [];
  if (s === "zhang2024") {
    if (laws?.loss !== undefined && !fitted.value) warnings.push({ code: "assumption", source: "zhang-bcrit", message: "B_crit: your laws have a loss law but no bcrit fit; the shipped Zhang et al. calibration is used with your loss law" });
    return { ok: true, value: { bcrit: ZHANG_CALIBRATION, source: s, warnings } };
  }
  if (s === "fitted") return { ok: true, value: { ...(fitted.value ? { bcrit: fitted.value } : {}), source: s, warnings } };
  const one = oneRunCalibration(source as string);
  return one.ok ? { ok: true, value: { bcrit: one.value, source: "one-run", warnings } } : one;
}

/** "2B..30B" → [2e9, 3e10]. */
export function parseParamsRange(v: string): Result<[number, number]> {
  const i = v.indexOf("..");
  const bad: Result<[number, number]> = { ok: false, issues: [invalid("paramsRange", 'two parameter counts lo..hi, e.g. "2B..30B"', v)] };
  if (i < 0) return bad;
  const lo = parseCount(v.slice(0, i), "paramsRange", { label: "parameter count", example: "2B" });
  const hi = parseCount(v.slice(i + 2), "paramsRange", { label: "parameter count", example: "30B" });
  if (!lo.ok || !hi.ok || !(lo.value < hi.value) || hi.value > 1e15) return bad;
  return { ok: true, value: [lo.value, hi.value] };
}

// ---- the frontier of a request ----------------------------------------------------------------------

export interface ParetoLimits {
  /** Most (size, batch) grid points: sizes × batches. The API keeps it small enough never to hold the event loop. */
  maxGridPoints?: number;
}

/** The answer to a frontier request: the frontier, the deadline's point and what each point's plan takes. */
export interface ParetoAnswer {
  frontier: Frontier;
  deadline?: { seconds: number; index: number };
  accelerator: { id: string; title: string };
  mfu: number;
  price?: number;
  maxGpus: number;
  /** The fields every point's plan request carries (pointRequest). */
  base: Parameters<typeof pointRequest>[1];
  /** The fitted loss law, for each point's plan. */
  fittedLoss?: unknown;
}

/** Sizes × batches the CLI allows (200 × 200, about 0.1 s). */
export const MAX_GRID_POINTS = MAX_GRID * MAX_GRID;

/** A frontier request → the frontier (and the deadline's point), issues instead of a throw. */
export function paretoFromRequest(input: unknown, limits: ParetoLimits = {}): Result<ParetoAnswer> {
  const parsed = parseParetoRequest(input);
  if (!parsed.ok) return parsed;
  const req = parsed.value;
  const issues: Issue[] = [];
  const accel = findAccelerator(req.gpu?.name ?? "h100");
  if (!accel) issues.push(invalid("gpu", `one of ${acceleratorNames().join(", ")}`, req.gpu?.name));
  if (req.gpu?.count !== undefined && req.maxGpus !== undefined) issues.push(conflict(["gpu", "maxGpus"], "--gpu gives a count and --max-gpus another; give the count once"));
  const maxGpus = req.gpu?.count ?? req.maxGpus ?? DEFAULT_MAX_GPUS;
  if (req.gpu?.count !== undefined && req.gpu.count < GPUS_PER_NODE) issues.push(invalid("gpu", `at least ${GPUS_PER_NODE} GPUs (one whole node)`, req.gpu.count));
  const sizes = req.sizes ?? DEFAULT_SIZES;
  const batches = req.batches ?? DEFAULT_BATCHES;
  const maxGrid = limits.maxGridPoints ?? MAX_GRID_POINTS;
  if (sizes * batches > maxGrid) issues.push(invalid(["sizes"], `sizes × batches ≤ ${maxGrid} here`, `${sizes} × ${batches} = ${sizes * batches}`));
  if (req.fittedLaws?.loss && req.lossLaw !== undefined) issues.push(conflict(["lossLaw", "fittedLaws"], "--loss-law and the fitted loss law in --laws both choose the loss law; give one"));
  const range = req.paramsRange !== undefined ? parseParamsRange(req.paramsRange) : undefined;
  if (range && !range.ok) issues.push(...range.issues);
  const cal = resolveBcrit(req.bcrit, req.fittedLaws as Record<string, unknown> | undefined);
  if (!cal.ok) issues.push(...cal.issues);
  if (issues.length > 0 || !accel || !cal.ok) return { ok: false, issues };
  const peak = req.precision === "fp8" ? accel.peakFp8 : accel.peakBf16;
  if (peak === undefined) return { ok: false, issues: [invalid("precision", `bf16 (the ${accel.title} has no fp8)`, req.precision)] };

  const lossId = req.fittedLaws?.loss ? "fitted:loss" : (req.lossLaw ?? "chinchilla-epoch");
  const lossParams = req.fittedLaws?.loss?.params ?? (LOSS_LAWS[lossId] as ChinchillaParams);
  const mfu = req.mfu ?? DEFAULT_MFU;
  const price = req.price ?? accel.pricePerHour?.usd;
  const seqLen = req.seqLen ?? 2048;
  const warnings: Warning[] = [...cal.value.warnings];
  // without --mfu each size takes the planner's cited efficiency (src/layout/calibrate.ts), as its plan will
  const precision = req.precision ?? "bf16";
  const mfuFor = req.mfu === undefined ? (N: number) => selectEfficiency(N, precision, false).u : undefined;
  if (req.mfu === undefined) warnings.push({ code: "assumption", source: "torchtitan-mfu", message: "efficiency by model size from the planner's cited table (TorchTitan, Megatron-LM measurements; lmplan layout shows the rows); pass --mfu with your own measurement" });
  if (price === undefined) warnings.push({ code: "cost", source: "hardware-catalog", message: `cost: lmplan has no sourced price for the ${accel.title}; the frontier is in compute — pass --price for dollars` });

  const res = paretoFrontier({
    ...(req.lossTarget !== undefined ? { lossTarget: req.lossTarget } : {}),
    ...(req.compute !== undefined ? { compute: req.compute } : {}),
    loss: { id: lossId, params: lossParams },
    ...(cal.value.bcrit ? { bcrit: cal.value.bcrit } : {}),
    peakFlopsPerGpu: peak,
    mfu,
    ...(mfuFor ? { mfuFor } : {}),
    ...(price !== undefined ? { pricePerGpuHour: price } : {}),
    seqLen,
    maxGpus,
    numSizes: sizes,
    numBatches: batches,
    maxBatchOverCrit: req.maxBatchOverCrit ?? DEFAULT_MAX_BATCH_OVER_CRIT,
    ...(range?.ok ? { paramsRange: range.value } : {}),
  });
  if (!res.ok) {
    // Say why a "fitted" calibration is missing.
    const laws = req.fittedLaws !== undefined;
    return { ok: false, issues: res.issues.map((i) => (i.path[0] === "bcrit" && i.code === "missing" && cal.value.source === "fitted" ? { ...i, expected: `${i.expected}${laws ? " (the laws have no bcrit entry)" : " (--bcrit fitted needs --laws)"}` } : i)) };
  }
  const f = res.value;
  f.warnings.unshift(...warnings);
  let deadline: { seconds: number; index: number } | undefined;
  if (req.days !== undefined) {
    const pick = cheapestWithin(f, req.days);
    if (!pick.ok) return pick;
    deadline = { seconds: req.days, index: pick.value.index };
  }
  const base = {
    gpu: accel.id,
    seqLen,
    ...(req.mfu !== undefined ? { mfu } : {}),
    ...(req.price !== undefined ? { price: req.price } : {}),
    ...(lossId === "chinchilla-hoffmann" ? { lossLaw: lossId } : {}),
  };
  return {
    ok: true,
    value: {
      frontier: f,
      ...(deadline ? { deadline } : {}),
      accelerator: { id: accel.id, title: accel.title },
      mfu,
      ...(price !== undefined ? { price } : {}),
      maxGpus: Math.floor(maxGpus / GPUS_PER_NODE) * GPUS_PER_NODE,
      base,
      ...(req.fittedLaws?.loss ? { fittedLoss: req.fittedLaws.loss } : {}),
    },
  };
}

/** The full plan of a point of the answer (η, λ re-derived from τ at its batch), or undefined if the planner refuses it. */
export function planOfPoint(a: ParetoAnswer, q: FrontierPoint): Plan | undefined {
  const p = planPoint(q, { ...a.base, ...(a.fittedLoss !== undefined ? { fittedLaws: { loss: a.fittedLoss } } : {}) });
  return p.ok ? p.value : undefined;
}

/** The marks of Pareto point i ("fastest", "knee", "cheapest", "deadline"). */
export function markNames(f: Frontier, i: number, deadline?: number): string[] {
  const m: string[] = (Object.keys(f.marks) as Mark[]).filter((k) => f.marks[k] === i);
  if (deadline === i) m.push("deadline");
  return m;
}

/** Most Pareto points a document re-plans (about 1 ms each); past that, the marked ones only. */
export const MAX_DOCUMENT_PLANS = 500;

/**
 * The frontier as JSON (`lmplan pareto --json`, POST /api/pareto): every Pareto point with its marks, its
 * plan request and, for `plans: "all"` (up to MAX_DOCUMENT_PLANS points) or the marked points, a summary
 * of its plan; the candidates as a count.
 */
export function paretoDocument(a: ParetoAnswer, o: { plans: "all" | "marked" }): Record<string, unknown> {
  const f = a.frontier;
  const planAll = o.plans === "all" && f.pareto.length <= MAX_DOCUMENT_PLANS;
  const pareto = f.pareto.map((q, i) => {
    const marks = markNames(f, i, a.deadline?.index);
    const pl = planAll || marks.length > 0 ? planOfPoint(a, q) : undefined;
    return {
      ...q,
      marks,
      request: pointRequest(q, a.base),
      ...(pl ? { plan: { hiddenLr: pl.optimizer.hiddenLr.value, weightDecay: pl.optimizer.weightDecay.value, tauOpt: pl.optimizer.tauOpt.value, warmupSteps: pl.schedule.warmupSteps.value, schedule: pl.schedule.spec.kind, memoryFits: pl.memory.fits, seconds: pl.hardware.seconds.value } } : {}),
    };
  });
  const { candidates, ...rest } = f;
  return { kind: "pareto", ...rest, candidates: candidates.length, pareto, ...(a.deadline ? { deadline: a.deadline } : {}) };
}
