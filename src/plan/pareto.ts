/**
 * The time–compute Pareto frontier of (N, D, B, GPUs) for a target loss — the question Power Lines
 * (arXiv 2505.13738) ends with. Its own formulas are not published [NF], so the analysis is built from
 * McCandlish's model and a calibrated critical batch (docs/science.md §3, §14):
 *
 * 1. Sizes N on a log grid; the loss law gives each the tokens D_law(N) that reach the target
 *    (Hoffmann Eq. 2 solved for D).
 * 2. The law's D is read as the tokens at Power Lines' B_opt, the batch its runs are assumed tuned at, so
 *    D_min = D_law / (1 + B_opt/B_crit) and E(B) = D_min(1 + B/B_crit), S(B) = S_min(1 + B_crit/B),
 *    S_min = D_min/B_crit (McCandlish arXiv 1812.06162 §2). B_crit = k·D_min^b from the calibration,
 *    solved jointly with D_min (a fixed point; the calibration's D is E_min = D_min too).
 * 3. Batches from B_opt to maxBatchOverCrit·B_crit; each on whole 8-GPU nodes with at least one
 *    sequence per GPU (data parallel only), the GPU count the largest that the batch splits over.
 * 4. Time = FLOPs / (GPUs × peak × MFU) (src/hardware/time.ts), the MFU the planner's cited table gives
 *    each size (or --mfu); cost = GPU-hours × price, so at one MFU
 *    cost is proportional to compute and one frontier serves both.
 * 5. The Pareto set of (time, compute); "fastest", "cheapest" and "knee" marked.
 * Pure: no I/O, no clock. Every loop is bounded by validated sizes.
 */
import { conflict, invalid, missing, type Issue, type Result } from "../errors.js";
import { trainingTime } from "../hardware/time.js";
import { chinchillaLoss, computeOptimal, type ChinchillaParams } from "../laws/chinchilla-form.js";
import { powerLinesBatch } from "../laws/power-lines-batch.js";
import type { Warning } from "../laws/types.js";
import { flopsPerToken } from "../model/flops.js";
import { countParams } from "../model/params.js";
import { chooseShape, PARALLEL_SHAPE_OPTIONS, reachableParams, type ShapeOptions, type ShapeTemplate } from "../model/shape.js";
import { formatCount, formatSig } from "../units/format.js";
import { SECONDS_PER_DAY } from "../units/types.js";
import { DEFAULT_TEMPLATE, planSafe } from "./plan.js";
import type { Plan } from "./types.js";

/** B_crit = coefficient · D^exponent, B_crit and D (= E_min, McCandlish's tokens at a vanishing batch) in tokens. */
export interface BcritCalibration {
  /** "zhang-bcrit", "fitted:bcrit", "power-lines-bcrit". */
  id: string;
  title: string;
  coefficient: number;
  exponent: number;
  /** D range the calibration was fitted on, tokens. */
  fitRangeD?: readonly [number, number];
  verified: boolean;
  caveats?: readonly string[];
}

export interface ParetoInput {
  /** Target loss (nats/token, the loss law's scale). Give this or compute. */
  lossTarget?: number;
  /** A compute budget: the target becomes the loss of the compute-optimal (N, D) at C = 6ND (Hoffmann Eq. 4). */
  compute?: number;
  loss: { id: string; params: ChinchillaParams };
  /** Without one the frontier is refused (issue 16: never an invented coefficient). */
  bcrit?: BcritCalibration;
  peakFlopsPerGpu: number;
  /** The efficiency at every point; with `mfuFor`, only the validated fallback. */
  mfu: number;
  /**
   * The efficiency by model size (the planner's cited table, src/layout/calibrate.ts selectEfficiency),
   * so each point's time is what its plan will say; absent: `mfu` everywhere.
   */
  mfuFor?: (N: number) => number;
  pricePerGpuHour?: number;
  /** Tokens per sequence. */
  seqLen: number;
  /** Most GPUs any point may use (rounded down to whole nodes). */
  maxGpus?: number;
  numSizes?: number;
  numBatches?: number;
  /** Smallest and largest N (total parameters); default 1.5·N_floor … 2·N_opt for the target. */
  paramsRange?: readonly [number, number];
  /** Largest batch as a multiple of B_crit. */
  maxBatchOverCrit?: number;
  /**
   * N → (the parameter count the model actually has, training FLOPs per token). Default: the planner's
   * shape rule on its default architecture at seqLen, 6N + attention (PaLM App. B), so each point is
   * the plan `lmplan plan --params N` makes. Tests pass 6N.
   */
  model?: (N: number) => { N: number; flopsPerToken: number };
  /** Shape-rule options for the default model (the plan's --aspect-ratio); ignored with `model`. */
  shapeOptions?: ShapeOptions;
  /** D → B_opt in tokens; default Power Lines' B_opt (src/laws/power-lines-batch.ts) [S]. */
  boptTokens?: (D: number, N: number) => number;
}

export interface FrontierPoint {
  /** Parameters of the model (the shape's count). */
  N: number;
  /** What to pass as --params to get this model. */
  paramsRequest: number;
  /** Tokens the loss law needs at B_opt. */
  Dlaw: number;
  /** McCandlish's E_min: tokens at a vanishing batch. */
  Dmin: number;
  BoptTokens: number;
  BcritTokens: number;
  /** S_min = D_min / B_crit. */
  Smin: number;
  batchSeqs: number;
  batchTokens: number;
  /** B / B_crit. */
  batchOverCrit: number;
  gpus: number;
  nodes: number;
  /** S(B) = S_min(1 + B_crit/B). */
  steps: number;
  /** E(B) = D_min(1 + B/B_crit). */
  tokens: number;
  flops: number;
  seconds: number;
  gpuHours: number;
  costUsd?: number;
  /** The efficiency this point's time assumes. */
  mfu: number;
}

export type Mark = "fastest" | "cheapest" | "knee";

export interface Frontier {
  lossTarget: number;
  /** How the target was set. */
  targetHow: string;
  lossLaw: string;
  bcrit: BcritCalibration;
  /** The compute-optimal (N, D) for the target (Hoffmann Eq. 4's condition). */
  optimum: { N: number; D: number; flops6ND: number };
  /** Smallest N that can reach the target at all (D → ∞). */
  Nfloor: number;
  sizes: number;
  /** Every (N, B) considered. */
  candidates: FrontierPoint[];
  /** The Pareto set, fastest first, cheapest last. */
  pareto: FrontierPoint[];
  marks: Record<Mark, number>;
  warnings: Warning[];
  assumptions: string[];
}

/** 8 accelerators per node, as in NVIDIA DGX/HGX H100 and H200 systems and AMD MI300X platforms. */
export const GPUS_PER_NODE = 8;
/** The largest public training run's scale: Llama 3 405B on up to 16K H100s (arXiv 2407.21783 §3.3). */
export const DEFAULT_MAX_GPUS = 16384;
export const DEFAULT_SIZES = 50;
export const DEFAULT_BATCHES = 50;
export const MAX_GRID = 200;
/** At 10·B_crit the steps are within 10% of S_min: larger batches buy little time for 10× the data. */
export const DEFAULT_MAX_BATCH_OVER_CRIT = 10;
const MAX_BATCH_SEQS = 1e9;
const MAX_TOKENS = 1e18;
const FIXED_POINT_ITERATIONS = 100;

const s4 = (x: number) => formatSig(x, 4);

/** The number of sequences per step and GPUs for a wanted batch: whole nodes, ≥ 1 sequence per GPU, GPUs dividing the batch. */
export function snapBatch(wantSeqs: number, maxGpus: number, perNode = GPUS_PER_NODE): { batchSeqs: number; gpus: number } {
  const cap = Math.max(perNode, Math.floor(maxGpus / perNode) * perNode);
  const gpus = Math.min(cap, Math.max(perNode, perNode * Math.floor(wantSeqs / perNode)));
  return { batchSeqs: gpus * Math.max(1, Math.round(wantSeqs / gpus)), gpus };
}

/** The shape the planner picks for N at this sequence length, and its FLOPs per token (PaLM App. B). */
export function plannerModel(seqLen: number, template: ShapeTemplate = DEFAULT_TEMPLATE, opts: ShapeOptions = PARALLEL_SHAPE_OPTIONS): (N: number) => { N: number; flopsPerToken: number } {
  const t = { ...template, seqLen };
  return (N) => {
    const spec = chooseShape(N, t, opts);
    return { N: countParams(spec).total, flopsPerToken: flopsPerToken(spec, seqLen).total };
  };
}

/** Tokens that reach loss L at N under L = E + A/N^α + B/D^β (Hoffmann Eq. 2 solved for D); Infinity if none. */
export function tokensForLoss(p: ChinchillaParams, N: number, L: number): number {
  const room = L - p.E - p.A / N ** p.alpha;
  return room > 0 ? (p.B / room) ** (1 / p.beta) : Infinity;
}

/**
 * The compute-optimal (N, D) on the iso-loss curve L(N, D) = L: minimising 6ND there gives
 * αA/N^α = βB/D^β (the first-order condition behind Hoffmann Eq. 4), so A/N^α = (L − E)·β/(α+β) and
 * B/D^β = (L − E)·α/(α+β).
 */
export function optimumForLoss(p: ChinchillaParams, L: number): { N: number; D: number } {
  const r = L - p.E;
  return { N: ((p.A * (p.alpha + p.beta)) / (p.beta * r)) ** (1 / p.alpha), D: ((p.B * (p.alpha + p.beta)) / (p.alpha * r)) ** (1 / p.beta) };
}

/**
 * D_min with D_law = D_min(1 + B_opt/B_crit(D_min)) (McCandlish E(B) at B_opt), B_crit = k·D_min^b.
 * h(x) = x + (B_opt/k)·x^(1−b) − D_law is increasing and concave for 0 < b < 1, with h(0) < 0 ≤ h(D_law):
 * one root, found by Newton's method kept inside a shrinking bracket (bisection when a step leaves it).
 * Plain fixed-point iteration crawls when B_opt ≫ B_crit (its rate tends to b); bounded by FIXED_POINT_ITERATIONS.
 */
export function solveDmin(Dlaw: number, BoptTokens: number, cal: Pick<BcritCalibration, "coefficient" | "exponent">): { Dmin: number; Bcrit: number } {
  const c = BoptTokens / cal.coefficient;
  const e = 1 - cal.exponent;
  let lo = 0;
  let hi = Dlaw;
  let x = Dlaw / (1 + BoptTokens / (cal.coefficient * Dlaw ** cal.exponent));
  for (let i = 0; i < FIXED_POINT_ITERATIONS; i++) {
    const h = x + c * x ** e - Dlaw;
    if (h > 0) hi = x;
    else lo = x;
    if (Math.abs(h) <= 1e-14 * Dlaw || hi - lo <= 1e-15 * hi) break;
    const next = x - h / (1 + c * e * x ** (e - 1));
    x = next > lo && next < hi ? next : (lo + hi) / 2;
  }
  return { Dmin: x, Bcrit: cal.coefficient * x ** cal.exponent };
}

/** The message that refuses a frontier without a calibrated B_crit: which runs to make. */
export function bcritRunsToMake(Nopt?: number, seqLen = 2048): string {
  const sizes = Nopt !== undefined ? `${formatCount(Nopt / 8, 2)}, ${formatCount(Nopt / 4, 2)} and ${formatCount(Nopt / 2, 2)} parameters` : "three model sizes a factor 2 apart";
  return `a calibrated critical batch: train ${sizes} each at 6 or more global batch sizes from about B_opt/4 to 32·B_opt (constant LR after warmup, LR tuned per batch), record the steps each needs to reach one fixed loss, then lmplan fit bcrit runs.csv --out fitted.json and pass --laws fitted.json (lmplan sweep --params … --batch-seqs "64..8192:8" --seq-len ${seqLen} writes that sweep); or take the shipped calibration (Zhang et al. 2024)`;
}

function positive(x: number | undefined): boolean {
  return typeof x === "number" && Number.isFinite(x) && x > 0;
}

function validate(i: ParetoInput): Issue[] {
  const issues: Issue[] = [];
  const p = i.loss.params;
  if (![p.A, p.B, p.E, p.alpha, p.beta].every(positive)) issues.push(invalid("loss", "a Chinchilla-form law with A, B, E, α, β all positive and finite", p));
  if (i.lossTarget !== undefined && i.compute !== undefined) issues.push(conflict(["lossTarget", "compute"], "--loss-target and --compute both set the target; give one"));
  if (i.lossTarget === undefined && i.compute === undefined) issues.push(missing(["lossTarget"], "a target: --loss-target <nats/token> or --compute <FLOPs>"));
  if (i.lossTarget !== undefined && !(positive(i.lossTarget) && (i.lossTarget as number) <= 100)) issues.push(invalid("lossTarget", "a loss in nats per token in (0, 100]", i.lossTarget));
  else if (i.lossTarget !== undefined && positive(p.E) && (i.lossTarget as number) <= p.E) issues.push(invalid("lossTarget", `a loss above the law's irreducible loss E = ${s4(p.E)} (${i.loss.id}); no model reaches ${i.lossTarget}`, i.lossTarget));
  if (i.compute !== undefined && !(positive(i.compute) && (i.compute as number) <= 1e32)) issues.push(invalid("compute", "a FLOP count in (0, 1e32]", i.compute));
  if (!positive(i.peakFlopsPerGpu) || i.peakFlopsPerGpu > 1e18) issues.push(invalid("peakFlopsPerGpu", "a peak FLOP/s per GPU in (0, 1e18]", i.peakFlopsPerGpu));
  if (!(positive(i.mfu) && i.mfu <= 1)) issues.push(invalid("mfu", "model FLOPs utilisation, a fraction in (0, 1]", i.mfu));
  if (i.pricePerGpuHour !== undefined && !(positive(i.pricePerGpuHour) && i.pricePerGpuHour <= 1e6)) issues.push(invalid("price", "a price per GPU-hour in (0, 1e6] USD", i.pricePerGpuHour));
  if (!(Number.isInteger(i.seqLen) && i.seqLen >= 1 && i.seqLen <= 1e7)) issues.push(invalid("seqLen", "a whole number of tokens 1 … 1e7", i.seqLen));
  const maxGpus = i.maxGpus ?? DEFAULT_MAX_GPUS;
  if (!(Number.isInteger(maxGpus) && maxGpus >= GPUS_PER_NODE && maxGpus <= 1e6)) issues.push(invalid("maxGpus", `a whole number of GPUs ${GPUS_PER_NODE} … 1e6 (whole nodes of ${GPUS_PER_NODE})`, maxGpus));
  for (const [k, v] of [["numSizes", i.numSizes ?? DEFAULT_SIZES], ["numBatches", i.numBatches ?? DEFAULT_BATCHES]] as const) {
    if (!(Number.isInteger(v) && v >= 2 && v <= MAX_GRID)) issues.push(invalid(k, `a whole number 2 … ${MAX_GRID}`, v));
  }
  const over = i.maxBatchOverCrit ?? DEFAULT_MAX_BATCH_OVER_CRIT;
  if (!(Number.isFinite(over) && over >= 1 && over <= 1000)) issues.push(invalid("maxBatchOverCrit", "a multiple of B_crit in [1, 1000]", over));
  if (i.paramsRange !== undefined) {
    const [lo, hi] = i.paramsRange;
    if (!(positive(lo) && positive(hi) && lo < hi && hi <= 1e15)) issues.push(invalid("paramsRange", "two parameter counts lo < hi, at most 1e15", `${lo}…${hi}`));
  }
  if (i.bcrit !== undefined && !(positive(i.bcrit.coefficient) && Number.isFinite(i.bcrit.exponent) && i.bcrit.exponent > 0 && i.bcrit.exponent < 1)) {
    issues.push(invalid("bcrit", "B_crit = k·D^b with k > 0 and 0 < b < 1 (B_crit grows with D, slower than D)", `k ${i.bcrit.coefficient}, b ${i.bcrit.exponent}`));
  }
  return issues;
}

/** The frontier for a target loss or compute budget; issues instead of a throw. */
export function paretoFrontier(input: ParetoInput): Result<Frontier> {
  const issues = validate(input);
  if (issues.length > 0) return { ok: false, issues };
  const p = input.loss.params;
  let lossTarget: number;
  let targetHow: string;
  if (input.compute !== undefined) {
    // Hoffmann Eq. 4: the compute-optimal split of C = 6ND, and the loss it reaches (Eq. 2)
    const opt = computeOptimal(p, input.compute);
    lossTarget = chinchillaLoss(p, opt.N, opt.D);
    targetHow = `the ${input.loss.id} loss of the compute-optimal N = ${formatCount(opt.N, 4)}, D = ${formatCount(opt.D, 4)} at C = 6ND = ${s4(input.compute)} FLOPs (Hoffmann Eq. 4)`;
  } else {
    lossTarget = input.lossTarget as number;
    targetHow = "as given";
  }
  const optimum = optimumForLoss(p, lossTarget);
  const seqLen = input.seqLen;
  if (input.bcrit === undefined) return { ok: false, issues: [missing(["bcrit"], bcritRunsToMake(optimum.N, seqLen))] };
  const cal = input.bcrit;
  // N_floor: A/N^α = L − E, the size that reaches the target only with unbounded data
  const Nfloor = (p.A / (lossTarget - p.E)) ** (1 / p.alpha);
  const [lo, hi] = input.paramsRange ?? [1.5 * Nfloor, 2 * optimum.N];
  if (lo <= Nfloor) return { ok: false, issues: [invalid("paramsRange", `sizes above ${formatCount(Nfloor, 4)} parameters, the smallest model that can reach loss ${s4(lossTarget)} under ${input.loss.id} (with unbounded data)`, formatCount(lo, 4))] };
  const numSizes = input.numSizes ?? DEFAULT_SIZES;
  const numBatches = input.numBatches ?? DEFAULT_BATCHES;
  const maxGpus = input.maxGpus ?? DEFAULT_MAX_GPUS;
  const over = input.maxBatchOverCrit ?? DEFAULT_MAX_BATCH_OVER_CRIT;
  const shapeOpts = input.shapeOptions ?? PARALLEL_SHAPE_OPTIONS;
  const model = input.model ?? plannerModel(seqLen, DEFAULT_TEMPLATE, shapeOpts);
  const bopt = input.boptTokens ?? ((D: number, N: number) => powerLinesBatch.evaluate({ D, N }).value.BoptTokens);
  const reach = input.model === undefined ? reachableParams({ ...DEFAULT_TEMPLATE, seqLen }, shapeOpts) : undefined;

  const warnings: Warning[] = [];
  const candidates: FrontierPoint[] = [];
  let skipped = 0;
  let lastN = NaN;
  for (let si = 0; si < numSizes; si++) {
    const Nwant = lo * (hi / lo) ** (si / (numSizes - 1));
    if (reach && (Nwant < reach.min || Nwant > reach.max)) {
      skipped++;
      continue;
    }
    const m = model(Nwant);
    // Two grid sizes the shape rule maps to one model are one model.
    if (m.N === lastN) continue;
    lastN = m.N;
    const Dlaw = tokensForLoss(p, m.N, lossTarget);
    if (!(Dlaw <= MAX_TOKENS)) {
      skipped++;
      continue;
    }
    const Bopt = bopt(Dlaw, m.N);
    const { Dmin, Bcrit } = solveDmin(Dlaw, Bopt, cal);
    const Smin = Dmin / Bcrit;
    const bLo = Bopt;
    const bHi = Math.max(Bopt, over * Bcrit);
    let prevSeqs = 0;
    for (let bi = 0; bi < numBatches; bi++) {
      const want = (bLo * (bHi / bLo) ** (bi / (numBatches - 1))) / seqLen;
      const snap = snapBatch(Math.min(want, MAX_BATCH_SEQS), maxGpus);
      if (snap.batchSeqs <= prevSeqs) continue;
      prevSeqs = snap.batchSeqs;
      const B = snap.batchSeqs * seqLen;
      // McCandlish (arXiv 1812.06162 §2): E(B) = E_min(1 + B/B_crit), S(B) = S_min(1 + B_crit/B)
      const tokens = Dmin * (1 + B / Bcrit);
      const steps = Smin * (1 + Bcrit / B);
      const flops = tokens * m.flopsPerToken;
      const u = input.mfuFor ? input.mfuFor(m.N) : input.mfu;
      const t = trainingTime(flops as never, snap.gpus, input.peakFlopsPerGpu, u, input.pricePerGpuHour);
      candidates.push({
        N: m.N,
        paramsRequest: Math.round(Nwant),
        Dlaw,
        Dmin,
        BoptTokens: Bopt,
        BcritTokens: Bcrit,
        Smin,
        batchSeqs: snap.batchSeqs,
        batchTokens: B,
        batchOverCrit: B / Bcrit,
        gpus: snap.gpus,
        nodes: snap.gpus / GPUS_PER_NODE,
        steps,
        tokens,
        flops,
        seconds: t.seconds,
        gpuHours: t.gpuHours,
        ...(t.costUsd !== undefined ? { costUsd: t.costUsd } : {}),
        mfu: u,
      });
    }
  }
  if (candidates.length === 0) {
    const buildable = reach ? `${formatCount(reach.min, 3)} … ${formatCount(reach.max, 3)} parameters` : "any size";
    if (input.paramsRange !== undefined) return { ok: false, issues: [invalid("paramsRange", `sizes the shape rule can build (${buildable}) that reach loss ${s4(lossTarget)} within 1e18 tokens`, `${formatCount(lo, 4)} … ${formatCount(hi, 4)}`)] };
    return { ok: false, issues: [invalid(input.compute !== undefined ? "compute" : "lossTarget", `a target whose models (1.5·N_floor … 2·N_opt = ${formatCount(lo, 4)} … ${formatCount(hi, 4)} parameters under ${input.loss.id}) the shape rule can build (${buildable}) within 1e18 tokens`, input.compute ?? lossTarget)] };
  }
  if (skipped > 0) warnings.push({ code: "range-unknown", source: "shape-rule", message: `${skipped} of ${numSizes} sizes left out: outside what the shape rule builds, or more than 1e18 tokens to reach the target` });

  const pareto = paretoSet(candidates);
  const marks = markFrontier(pareto);
  warnings.push(...rangeWarnings(pareto, cal, input.loss.id));
  const assumptions = [
    `the ${input.loss.id} law's D is the tokens at Power Lines' B_opt (the batch its runs are assumed tuned at): D_min = D_law/(1 + B_opt/B_crit)`,
    `B_crit = ${s4(cal.coefficient)} · D_min^${s4(cal.exponent)} tokens (${cal.title})`,
    `data parallel on whole ${GPUS_PER_NODE}-GPU nodes, at least one ${seqLen}-token sequence per GPU, at most ${Math.floor(maxGpus / GPUS_PER_NODE) * GPUS_PER_NODE} GPUs; ${input.mfuFor ? "the planner's cited efficiency for each model size" : `MFU ${input.mfu}`} at every batch and GPU count (no tensor/pipeline parallelism, no communication model; each point's plan is pinned to that layout and says what its communication costs)`,
    "cost = GPU-hours × price, so at one MFU the cheapest point is also the one with the least compute",
    ...(cal.caveats ?? []),
  ];
  return {
    ok: true,
    value: {
      lossTarget,
      targetHow,
      lossLaw: input.loss.id,
      bcrit: cal,
      optimum: { ...optimum, flops6ND: 6 * optimum.N * optimum.D },
      Nfloor,
      sizes: new Set(candidates.map((c) => c.N)).size,
      candidates,
      pareto,
      marks,
      warnings,
      assumptions,
    },
  };
}

/** Points no other point beats on both time and compute, fastest first. O(P log P). */
export function paretoSet(points: readonly FrontierPoint[]): FrontierPoint[] {
  const sorted = [...points].sort((a, b) => a.seconds - b.seconds || a.flops - b.flops);
  const out: FrontierPoint[] = [];
  let best = Infinity;
  for (const q of sorted) {
    if (q.flops < best * (1 - 1e-12)) {
      out.push(q);
      best = q.flops;
    }
  }
  return out;
}

/**
 * Fastest (first), cheapest (last) and the knee: lmplan's definition, the Pareto point farthest below
 * the chord from fastest to cheapest with log time and log compute each scaled to [0, 1].
 */
export function markFrontier(pareto: readonly FrontierPoint[]): Record<Mark, number> {
  const n = pareto.length;
  const first = pareto[0] as FrontierPoint;
  const last = pareto[n - 1] as FrontierPoint;
  const tx = Math.log(last.seconds / first.seconds);
  const cy = Math.log(first.flops / last.flops);
  let knee = n - 1;
  if (n > 2 && tx > 0 && cy > 0) {
    let bestD = 0;
    for (let i = 1; i < n - 1; i++) {
      const q = pareto[i] as FrontierPoint;
      const x = Math.log(q.seconds / first.seconds) / tx;
      const y = Math.log(q.flops / last.flops) / cy;
      const d = 1 - x - y;
      if (d > bestD) {
        bestD = d;
        knee = i;
      }
    }
  }
  return { fastest: 0, cheapest: n - 1, knee };
}

function rangeWarnings(pareto: readonly FrontierPoint[], cal: BcritCalibration, lossId: string): Warning[] {
  const out: Warning[] = [];
  const dmin = pareto.map((q) => q.Dmin);
  const lo = Math.min(...dmin);
  const hi = Math.max(...dmin);
  if (cal.fitRangeD && (lo < cal.fitRangeD[0] * (1 - 1e-9) || hi > cal.fitRangeD[1] * (1 + 1e-9))) {
    const factor = Math.max(cal.fitRangeD[0] / lo, hi / cal.fitRangeD[1]);
    out.push({ code: "extrapolation", source: cal.id, message: `B_crit: the frontier's D_min ${formatCount(lo, 3)} … ${formatCount(hi, 3)} tokens lies outside the calibration's ${formatCount(cal.fitRangeD[0], 3)} … ${formatCount(cal.fitRangeD[1], 3)} (up to ${s4(factor)}× beyond); B_crit there is an extrapolation of ${cal.title}` });
  }
  if (!cal.verified) out.push({ code: "unverified", source: cal.id, message: `B_crit: ${cal.title} — no published coefficient; check it against your own batch sweep (lmplan fit bcrit)` });
  const bw = powerLinesBatch.fitRange.D as readonly [number, number];
  const bn = powerLinesBatch.fitRange.N as readonly [number, number];
  const dl = pareto.map((q) => q.Dlaw);
  const ns = pareto.map((q) => q.N);
  if (Math.min(...dl) < bw[0] || Math.max(...dl) > bw[1] || Math.min(...ns) < bn[0] || Math.max(...ns) > bn[1]) {
    out.push({ code: "extrapolation", source: "power-lines-batch", message: `B_opt: the frontier's N ${formatCount(Math.min(...ns), 3)} … ${formatCount(Math.max(...ns), 3)}, D ${formatCount(Math.min(...dl), 3)} … ${formatCount(Math.max(...dl), 3)} reach outside Power Lines' fitted N ${formatCount(bn[0], 3)} … ${formatCount(bn[1], 3)}, D ${formatCount(bw[0], 3)} … ${formatCount(bw[1], 3)}` });
  }
  if (lossId === "chinchilla-epoch" || lossId === "chinchilla-hoffmann") {
    // Hoffmann's approach-3 runs: 70M–16B parameters, 5B–500B tokens (arXiv 2203.15556 §3.3)
    if (Math.min(...ns) < 7e7 || Math.max(...ns) > 1.6e10 || Math.min(...dl) < 5e9 || Math.max(...dl) > 5e11) {
      out.push({ code: "extrapolation", source: lossId, message: `loss law: the frontier spans N ${formatCount(Math.min(...ns), 3)} … ${formatCount(Math.max(...ns), 3)}, D ${formatCount(Math.min(...dl), 3)} … ${formatCount(Math.max(...dl), 3)}, beyond Hoffmann's 70M–16B parameters and 5B–500B tokens` });
    }
  }
  return out;
}

/** The cheapest Pareto point that finishes within the deadline, or a conflict naming the fastest. */
export function cheapestWithin(f: Frontier, deadlineSeconds: number): Result<{ index: number; point: FrontierPoint }> {
  if (!(Number.isFinite(deadlineSeconds) && deadlineSeconds > 0)) return { ok: false, issues: [invalid("days", "a positive duration", deadlineSeconds)] };
  // pareto is fastest → cheapest: the last point within the deadline is the cheapest that meets it
  let index = -1;
  for (let i = 0; i < f.pareto.length; i++) if ((f.pareto[i] as FrontierPoint).seconds <= deadlineSeconds) index = i;
  if (index < 0) {
    const fastest = f.pareto[0] as FrontierPoint;
    return { ok: false, issues: [conflict(["days"], `no point meets ${s4(deadlineSeconds / SECONDS_PER_DAY)} days: the fastest takes ${s4(fastest.seconds / SECONDS_PER_DAY)} days (N ${formatCount(fastest.N, 3)}, ${fastest.gpus} GPUs, batch ${fastest.batchSeqs} sequences); allow more GPUs (--max-gpus), a higher loss target or a longer deadline`, String(deadlineSeconds))] };
  }
  return { ok: true, value: { index, point: f.pareto[index] as FrontierPoint } };
}

/** What each step along the frontier trades, from the cheapest toward the fastest. */
export interface Trade {
  /** Index in pareto of the faster point; the step is from index + 1. */
  index: number;
  secondsSaved: number;
  flopsAdded: number;
  costAdded?: number;
  /** USD per hour saved (or FLOPs per hour saved without a price). */
  perHourSaved: number;
}

export function frontierTrades(pareto: readonly FrontierPoint[]): Trade[] {
  const out: Trade[] = [];
  for (let i = pareto.length - 2; i >= 0; i--) {
    const fast = pareto[i] as FrontierPoint;
    const slow = pareto[i + 1] as FrontierPoint;
    const secondsSaved = slow.seconds - fast.seconds;
    const flopsAdded = fast.flops - slow.flops;
    const costAdded = fast.costUsd !== undefined && slow.costUsd !== undefined ? fast.costUsd - slow.costUsd : undefined;
    out.push({ index: i, secondsSaved, flopsAdded, ...(costAdded !== undefined ? { costAdded } : {}), perHourSaved: ((costAdded ?? flopsAdded) * 3600) / secondsSaved });
  }
  return out.reverse();
}

/** The plan request that reproduces a point with lmplan plan (the planner's own shape, η, λ and schedule). */
export function pointRequest(q: FrontierPoint, base: { gpu: string; seqLen: number; mfu?: number; price?: number; lossLaw?: string }): Record<string, unknown> {
  return {
    params: q.paramsRequest,
    tokens: Math.round(q.tokens),
    batchSeqs: q.batchSeqs,
    gpus: q.gpus,
    gpu: base.gpu,
    seqLen: base.seqLen,
    // the frontier's own layout (data parallel) and efficiency, so the plan is the point's
    tp: 1,
    pp: 1,
    cp: 1,
    mfu: base.mfu ?? q.mfu,
    ...(base.price !== undefined ? { price: base.price } : {}),
    ...(base.lossLaw !== undefined ? { lossLaw: base.lossLaw } : {}),
  };
}

/** The full plan of a frontier point: η, λ re-derived from τ at its batch, the schedule, memory (src/plan/plan.ts). */
export function planPoint(q: FrontierPoint, base: Parameters<typeof pointRequest>[1] & { fittedLaws?: unknown }): Result<Plan> {
  const { fittedLaws, ...rest } = base;
  return planSafe({ ...pointRequest(q, rest), ...(fittedLaws !== undefined ? { fittedLaws } : {}) });
}
