/**
 * Proxy sweeps: a grid of runs, each a plan with one point of the swept hyperparameters, written in a
 * trainer's config by its emitter. Three families, by which axes are given:
 *   μP transfer    η × σ × m_emb at the base width (the tuned base that μP carries to the target)
 *   timescale/batch η × λ × B (Power Lines' τ_opt and B_opt; Step Law's η and B)
 *   loss laws      N × D (Chinchilla's method)
 * Errors are data: every bad range or axis comes back as an Issue naming the axis and what it accepts.
 */
import { conflict, invalid, type Issue, type Result } from "../../errors.js";
import type { Emitter, EmitResult } from "../types.js";
import { planSafe } from "../../plan/plan.js";
import type { Plan } from "../../plan/types.js";
import { parseCount } from "../../units/parse.js";

export type AxisKey = "lr" | "initStd" | "embMult" | "wd" | "batchSeqs" | "params" | "tokens" | "tpp" | "width";

export interface AxisSpec {
  key: AxisKey;
  flag: string;
  description: string;
  /** "real" values are numbers or powers (2^-7); "count" values take unit suffixes (1.3B). */
  kind: "real" | "count";
  integer?: boolean;
}

export const AXES: readonly AxisSpec[] = [
  { key: "lr", flag: "--lr <values>", description: "peak LR η (η_base under μP: the LR at the base width)", kind: "real" },
  { key: "initStd", flag: "--init-std <values>", description: "μP base init std σ_base", kind: "real" },
  { key: "embMult", flag: "--emb-mult <values>", description: "μP embedding output multiplier m_emb", kind: "real" },
  { key: "wd", flag: "--wd <values>", description: "AdamW weight_decay λ (PyTorch convention)", kind: "real" },
  { key: "batchSeqs", flag: "--batch-seqs <values>", description: "global batch in sequences", kind: "count", integer: true },
  { key: "params", flag: "--params <values>", description: "model sizes N (lmplan picks each shape)", kind: "count" },
  { key: "tokens", flag: "--tokens <values>", description: "training tokens D per run", kind: "count" },
  { key: "tpp", flag: "--tpp <values>", description: "tokens per parameter per run", kind: "real" },
  { key: "width", flag: "--widths <values>", description: "proxy widths d_model, each a multiple of 64 (with --layers: does the μP optimum move with width? lmplan fit mup tests it)", kind: "real", integer: true },
];

const REAL = /^[+]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const POWER = /^(\d+(?:\.\d+)?)\^([+-]?\d+(?:\.\d+)?)$/;

function parseValue(axis: AxisSpec, text: string): number | undefined {
  const t = text.trim();
  const pow = POWER.exec(t);
  if (pow) return Number(pow[1]) ** Number(pow[2]);
  if (axis.kind === "real") return REAL.test(t) ? Number(t) : undefined;
  const r = parseCount(t, axis.key, { label: "count", example: "1.3B" });
  return r.ok ? r.value : undefined;
}

const ACCEPTED = 'a list "a,b,c", powers "2^-10..2^-5" (step 1, or "2^-10..2^-5:0.5"), or n log-spaced points "1e-4..1e-2:5"';

/** The most values one axis may have: every range is counted before it is expanded. */
export const MAX_AXIS_POINTS = 10_000;
/** The most runs a sweep may have (the product of the axes' lengths), checked before the grid is built. */
export const MAX_GRID_RUNS = 10_000;

/** "a..b" or "a..b:step" split without a backtracking pattern (the text is the user's). */
function splitRange(t: string): [string, string, string | undefined] | undefined {
  const i = t.indexOf("..", 1);
  if (i < 0) return undefined;
  const rest = t.slice(i + 2);
  const j = rest.indexOf(":", 1);
  if (rest === "") return undefined;
  return j < 0 ? [t.slice(0, i), rest, undefined] : [t.slice(0, i), rest.slice(0, j), rest.slice(j + 1)];
}

/** One axis's values: a comma list, a power range, or a log-spaced range. Empty or malformed → an Issue. */
export function parseAxis(axis: AxisSpec, text: string): Result<number[]> {
  const bad = (why: string): Result<number[]> => ({ ok: false, issues: [invalid(axis.key, `${ACCEPTED}${why ? ` (${why})` : ""}`, text)] });
  const t = text.trim();
  let values: number[];
  const tooMany = (count: number) => bad(`at most ${MAX_AXIS_POINTS} values per axis; this gives ${count > 1e15 ? count.toExponential(2) : count}`);
  const range = splitRange(t);
  if (range) {
    const [a, b, stepText] = range;
    const pa = POWER.exec(a.trim());
    const pb = POWER.exec(b.trim());
    if (pa && pb) {
      if (pa[1] !== pb[1]) return bad("both ends need the same base");
      const step = stepText === undefined ? 1 : Number(stepText);
      if (!(step > 0) || !Number.isFinite(step)) return bad("the step must be a number > 0");
      const [e0, e1] = [Number(pa[2]), Number(pb[2])];
      if (e1 < e0) return bad(`empty: ${a} is above ${b}`);
      // counted before any value is made: a step of 1e-300 must not mean a loop of 1e300 steps
      const count = Math.floor((e1 - e0) / step + 1e-9) + 1;
      if (!(count <= MAX_AXIS_POINTS)) return tooMany(count);
      values = Array.from({ length: count }, (_, k) => Number(pa[1]) ** (e0 + k * step));
    } else {
      const [lo, hi] = [parseValue(axis, a), parseValue(axis, b)];
      const n = stepText === undefined ? NaN : Number(stepText);
      if (lo === undefined || hi === undefined || !(lo > 0) || !Number.isFinite(hi)) return bad("both ends must be positive numbers");
      if (!Number.isInteger(n) || n < 2) return bad("give the number of points after a colon, at least 2");
      if (n > MAX_AXIS_POINTS) return tooMany(n);
      if (hi < lo) return bad(`empty: ${a} is above ${b}`);
      values = Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
    }
  } else {
    const parts = t.split(",").map((x) => x.trim());
    if (parts.length > MAX_AXIS_POINTS) return tooMany(parts.length);
    if (parts.some((x) => x === "")) return bad("an empty item");
    const parsed = parts.map((x) => parseValue(axis, x));
    if (parsed.some((x) => x === undefined || !(x > 0) || !Number.isFinite(x))) return bad("every value a positive number");
    values = parsed as number[];
  }
  if (values.length === 0) return bad("empty");
  // 2^-2000 is 0 and 10^400 is Infinity in floating point: neither is a value to train with
  const unusable = values.find((v) => !(v > 0) || !Number.isFinite(v));
  if (unusable !== undefined) return bad(`every value a positive finite number; this range reaches ${unusable}`);
  if (axis.integer) {
    const nonInt = values.find((v) => Math.abs(v - Math.round(v)) > 1e-9);
    if (nonInt !== undefined) return bad(`whole numbers only; ${nonInt} is not`);
    values = values.map(Math.round);
  }
  // twelve significant digits keep 2^-10 = 0.0009765625 exact and drop log-spacing noise
  return { ok: true, value: values.map((v) => +v.toPrecision(12)) };
}

export interface SweepPoint {
  lr?: number;
  initStd?: number;
  embMult?: number;
  wd?: number;
  batchSeqs?: number;
  params?: number;
  tokens?: number;
  tpp?: number;
  width?: number;
}

/** The cartesian product of the axes, in the order given (the last axis varies fastest). */
export function grid(axes: [AxisKey, number[]][]): SweepPoint[] {
  let points: SweepPoint[] = [{}];
  for (const [key, values] of axes) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points;
}

/**
 * The plan with η, σ_base or m_emb replaced by a sweep point, kept consistent: under μP the swept η is
 * η_base and the hidden LR is η_base / m_d; σ_base scales to σ_base/√m_d (hidden) and σ_base/√(2·m_d·L)
 * (output projections), as src/parameterization/mup.ts derives them.
 */
export function withHyperparameters(plan: Plan, pt: SweepPoint): Plan {
  const o = plan.optimizer;
  const p = o.parameterization;
  const m = p.widthMultiplier;
  const mup = p.kind !== "sp";
  const L = plan.model.spec.numLayers;
  let parameterization = p;
  let { baseLr, hiddenLr } = o;
  let spec = plan.schedule.spec;
  if (pt.lr !== undefined) {
    const hidden = mup ? pt.lr / m : pt.lr;
    baseLr = { ...baseLr, value: pt.lr, source: "user", derivation: "swept" };
    hiddenLr = { ...hiddenLr, value: hidden, source: "user", derivation: mup ? `swept η_base / m_d = ${pt.lr} / ${m}` : "swept" };
    parameterization = { ...parameterization, embedding: { ...parameterization.embedding, lr: pt.lr }, hidden: { ...parameterization.hidden, lr: hidden }, outProjection: { ...parameterization.outProjection, lr: hidden }, normAndBias: { ...parameterization.normAndBias, lr: pt.lr } };
    spec = { ...spec, peakLr: hidden };
  }
  if (pt.initStd !== undefined) {
    const s = pt.initStd;
    parameterization = { ...parameterization, embedding: { ...parameterization.embedding, initStd: s }, hidden: { ...parameterization.hidden, initStd: s / Math.sqrt(m) }, outProjection: { ...parameterization.outProjection, initStd: s / Math.sqrt(2 * m * L) } };
  }
  if (pt.embMult !== undefined) parameterization = { ...parameterization, embedding: { ...parameterization.embedding, outputMultiplier: pt.embMult } };
  return {
    ...plan,
    optimizer: { ...o, parameterization, baseLr, hiddenLr, ...(pt.wd !== undefined ? { weightDecay: { ...o.weightDecay, value: pt.wd, source: "user", derivation: "swept" } } : {}) },
    schedule: { ...plan.schedule, spec, finalLr: { ...plan.schedule.finalLr, value: spec.peakLr * spec.minLrRatio } },
  };
}

export interface SweepRun {
  id: number;
  point: SweepPoint;
  plan: Plan;
  config: EmitResult;
}

/**
 * How a sweep sets what it does not sweep, so that it measures what it claims (issue 15 item 3):
 * - holdWeightDecay false (the default): when η is swept and λ is not, each run's λ follows its η so the
 *   AdamW timescale τ = B/(η·λ·D) stays at the plan's τ_opt (Power Lines, arXiv 2505.13738: hold τ,
 *   i.e. λ ∝ 1/η, when sweeping η); true keeps the plan's λ for every run (τ then varies with η).
 * - beta2, eps: AdamW β2 and ε for every run, the values the target will train with (default: 0.95 and
 *   1e-8, what lmplan plans above 192 sequences of 2048 — the Cerebras-GPT/BTLM configs — rather than
 *   Porian's small-batch β2 = 0.99 the proxy's own plan would take).
 */
export interface SweepOptions {
  holdWeightDecay?: boolean;
  beta2?: number;
  eps?: number;
}

/** AdamW β2 and ε of the target runs lmplan plans (the Cerebras-GPT and BTLM configs; src/plan/stages/optimizer.ts). */
export const TARGET_ADAM = { beta2: 0.95, eps: 1e-8 } as const;

/**
 * The plan with λ, β2 and ε set as the sweep's options say (after withHyperparameters). λ is recomputed
 * only when η was swept and λ was not: λ = B/(η_hidden·τ_opt·D), the plan's τ_opt held.
 */
export function withSweepOptimizer(plan: Plan, pt: SweepPoint, o: SweepOptions): Plan {
  const opt = plan.optimizer;
  const beta2 = o.beta2 ?? TARGET_ADAM.beta2;
  const eps = (o.eps ?? TARGET_ADAM.eps) * opt.parameterization.adamEpsMultiplier;
  let { weightDecay, tau } = opt;
  const B = plan.batch.globalBatchTokens.value;
  const D = plan.batch.tokensTrained.value;
  const eta = opt.hiddenLr.value;
  if (pt.lr !== undefined && pt.wd === undefined && !o.holdWeightDecay) {
    // Power Lines: τ = B/(η·λ·D); hold τ at τ_opt → λ = B/(η·τ_opt·D)
    const lambda = B / (eta * opt.tauOpt.value * D);
    weightDecay = { ...weightDecay, value: lambda, source: opt.tauOpt.source, derivation: `λ = B/(η·τ_opt·D) = ${B} / (${+eta.toPrecision(6)} · ${+opt.tauOpt.value.toPrecision(6)} · ${D}): τ held while η is swept` };
  }
  if (weightDecay.value > 0) tau = { ...tau, value: B / (eta * weightDecay.value * D), derivation: `τ = B/(η·λ·D) = ${B} / (${+eta.toPrecision(6)} · ${+weightDecay.value.toPrecision(6)} · ${D})` };
  return {
    ...plan,
    optimizer: {
      ...opt,
      weightDecay,
      tau,
      beta2: { ...opt.beta2, value: beta2, source: o.beta2 !== undefined ? "user" : "mup-cerebras", derivation: o.beta2 !== undefined ? "--beta2" : "the target's AdamW β2 (Cerebras-GPT and BTLM configs), for every proxy run" },
      eps: { ...opt.eps, value: eps, source: o.eps !== undefined ? "user" : opt.eps.source, derivation: o.eps !== undefined ? "--eps" : opt.eps.derivation },
    },
  };
}

/** Plan and emit every point of the grid; the first point that cannot be planned stops the sweep with its issues. */
export function buildSweep(base: Record<string, unknown>, axes: [AxisKey, number[]][], emitter: Emitter, o: SweepOptions = {}): Result<SweepRun[]> {
  const keys = axes.map(([k]) => k);
  const issues: Issue[] = [];
  if (keys.includes("width") && base.width !== undefined) issues.push(conflict(["widths", "baseWidth"], "--widths sweeps the proxy's width and --base-width fixes one; give one of them"));
  if (keys.includes("width") && keys.includes("params")) issues.push(conflict(["widths", "params"], "--widths fixes each run's shape and --params asks lmplan to choose one; give one of them"));
  if (keys.includes("params") && base.width !== undefined) issues.push(conflict(["params", "baseWidth"], "--params sweeps model sizes and --base-width fixes one; give one of them"));
  if ((keys.includes("tokens") ? 1 : 0) + (keys.includes("tpp") ? 1 : 0) > 1) issues.push(conflict(["tokens", "tpp"], "sweep either --tokens or --tpp, not both"));
  if ((keys.includes("initStd") || keys.includes("embMult")) && base.parameterization === "sp") issues.push(conflict(["initStd", "parameterization"], "σ_base and m_emb are μP's; drop --parameterization sp"));
  const runs0 = axes.reduce((n, [, v]) => n * v.length, 1);
  if (runs0 > MAX_GRID_RUNS) {
    issues.push(invalid("axes", `a grid of at most ${MAX_GRID_RUNS} runs (the product of the axes' lengths)`, `${axes.map(([k, v]) => `${k} × ${v.length}`).join(", ")} = ${runs0} runs`));
  }
  if (issues.length > 0) return { ok: false, issues };
  const points = grid(axes);
  const runs: SweepRun[] = [];
  for (const [id, pt] of points.entries()) {
    const req: Record<string, unknown> = { ...base };
    if (pt.params !== undefined) req.params = pt.params;
    if (pt.tokens !== undefined) req.tokens = pt.tokens;
    if (pt.tpp !== undefined) req.tpp = pt.tpp;
    if (pt.batchSeqs !== undefined) req.batchSeqs = pt.batchSeqs;
    if (pt.wd !== undefined) req.weightDecay = pt.wd;
    if (pt.width !== undefined) req.width = pt.width;
    // a swept batch must run as given (the planner's batch policy refuses one that cannot)
    const r = planSafe(req, { batchPolicy: "exact" });
    if (!r.ok) return { ok: false, issues: r.issues.map((i) => ({ ...i, path: [`run ${id} (${describePoint(pt)})`, ...i.path] })) };
    const plan = withSweepOptimizer(withHyperparameters(r.value, pt), pt, o);
    runs.push({ id, point: pt, plan, config: emitter.emit(plan) });
  }
  return { ok: true, value: runs };
}

export function describePoint(pt: SweepPoint): string {
  return Object.entries(pt)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}
