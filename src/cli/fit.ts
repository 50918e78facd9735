/**
 * `lmplan fit …`: read a sweep, fit a law, print it, and optionally write it to a fitted-laws file
 * that `lmplan plan --laws` reads.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { BadInput } from "./shared.js";
import { existingFitted, readText, writeFitted, writePlot } from "./files.js";
import type { Row } from "./plot.js";
import { invalid, type Result } from "../errors.js";
import type { LossPoint } from "../fit/chinchilla.js";
import { curveError, decayWarning, fitMultiPower, type CurveData, type CurveFitWarning } from "../fit/curves.js";
import { dropHighestLoss, fitLoss, lossDataIssues, LOSS_COLUMNS, lossFitCurves, lossPoints, MAX_BOOTSTRAP, MAX_LOSS_POINTS, type LossFitReport } from "../fit/loss.js";
import { fitChinchillaParallel } from "../workers/fit-pool.js";
import { fitLrBatch, LR_BATCH_COLUMNS, tableBatchTokens, type LrBatchReport } from "../fit/lr-batch.js";
import { fitTimescale, TIMESCALE_COLUMNS, type TimescaleReport } from "../fit/timescale.js";
import { stepLaw } from "../laws/step-law.js";
import { MAX_CURVE_STEPS, MPL_KEYS, MULTI_POWER_PUBLISHED, predictCurve, prepareSchedule } from "../laws/multi-power-law.js";
import { MAX_SMOOTH, readCurve, smoothLoss, type LoadedCurve } from "../io/curves.js";
import { curveFromRun } from "../io/logs/curve.js";
import { detectLogFormat, FORMAT_HELP, parseLogFormat } from "../io/logs/detect.js";
import { readSource } from "../io/logs/files.js";
import { formatBytes as formatLogBytes, LOG_LIMITS } from "../io/logs/limits.js";
import { readRunFiles, type LogFile } from "../io/logs/read.js";
import { LOG_FORMATS, type LogFormat } from "../io/logs/run.js";
import { formatBound, RANGES } from "../io/ranges.js";
import { BUILT_IN_SCHEDULES } from "../schedules/mpl-curves.js";
import { lrArray, type ScheduleSpec } from "../schedules/schedule.js";
import { EPOCH_PARAMS } from "../laws/chinchilla-epoch.js";
import { cellNumber, detectFormat, parseColumnMap, readTable, type ColumnSpec, type Table } from "../io/table.js";
import { formatCount, formatFlops, formatSig } from "../units/format.js";
import type { Panel } from "./plot.js";
import { spanOf, type FittedRange } from "../plan/fitted-laws.js";
import { AXIS_LABELS, fitMup, stripSamples, type MupFitReport } from "../fit/mup.js";
import { MUP_COLUMNS, MUP_META_COLUMNS, mupBaseFromFit, mupRunsFromTable, type BaseFromFit, type MupMeta } from "../fit/mup-base.js";
import { findMupBase, MUP_BASES } from "../parameterization/bases.js";
import { POWER_LINES_TAU, POWER_LINES_TAU_TERM } from "../laws/power-lines-tau.js";

/** The range a law was fitted on, recorded in --out so plan --laws can warn outside it (issue 11 item 6). */
function rangeOf(pts: readonly { N: number; D: number; batchTokens?: number }[]): FittedRange {
  const r: FittedRange = {};
  const N = spanOf(pts.map((p) => p.N));
  const D = spanOf(pts.map((p) => p.D));
  const TPP = spanOf(pts.map((p) => p.D / p.N));
  const B = spanOf(pts.map((p) => p.batchTokens ?? NaN));
  if (N) r.N = N;
  if (D) r.D = D;
  if (TPP) r.TPP = TPP;
  if (B) r.batchTokens = B;
  return r;
}

export interface FitIo {
  out: (s: string) => void;
  err: (s: string) => void;
  readStdin: () => string;
  isTTY: boolean;
}

export class FitInputError extends BadInput {}



function readInput(file: string, io: FitIo, field = "file"): string {
  return readText(file, io, field, "a readable CSV or JSONL file");
}

function load(file: string, columns: ColumnSpec[], mapText: string | undefined, skipBad: boolean, io: FitIo): { table: Table; skipped: string[] } {
  const map = parseColumnMap(mapText);
  if (!map.ok) throw new FitInputError(map.issues);
  const text = readInput(file, io);
  const t = readTable(text, detectFormat(file, text), columns, map.value);
  if (!t.ok) throw new FitInputError(t.issues);
  const skipped = t.value.rejected.map((r) => `line ${r.line}: ${r.issue.path.slice(1).join(".") || "row"}: expected ${r.issue.expected}, received ${r.issue.received}`);
  if (t.value.rejected.length > 0 && !skipBad) {
    throw new FitInputError([
      ...t.value.rejected.map((r) => r.issue),
      invalid("file", "only usable rows (fix them, or pass --skip-bad-rows to fit without them; they will be listed)", `${t.value.rejected.length} unusable row(s)`),
    ]);
  }
  return { table: t.value, skipped };
}

function progress(io: FitIo, label: string) {
  if (!io.isTTY) return undefined;
  let last = -1;
  return (done: number, total: number) => {
    const pct = Math.floor((100 * done) / total);
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((width * done) / total);
    io.err(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}${done === total ? "\n" : ""}`);
  };
}

export function renderLossFit(r: LossFitReport, skipped: string[]): string {
  const p = r.fit.params;
  const ref: Record<string, number> = { A: EPOCH_PARAMS.A, B: EPOCH_PARAMS.B, E: EPOCH_PARAMS.E, alpha: EPOCH_PARAMS.alpha, beta: EPOCH_PARAMS.beta };
  const rows = (["A", "B", "E", "alpha", "beta"] as const).map((k) => {
    const ci = r.intervals?.[k];
    return `  ${k.padEnd(6)} ${formatSig(p[k], 6).padEnd(10)} ${ci ? `(${formatSig(ci[0], 4)}, ${formatSig(ci[1], 4)})`.padEnd(22) : "".padEnd(22)} ${formatSig(ref[k] as number, 6)}`;
  });
  const d = r.fit.diagnostics;
  const out = [
    `lmplan fit loss · L = E + A/N^α + B/D^β (Hoffmann App. D.2: Huber δ=1e-3 on log loss, L-BFGS from ${d.starts} starts)`,
    `  ${r.numPoints} points used; dropped: ${r.dropped.reason}${skipped.length > 0 ? `; ${skipped.length} unusable row(s) skipped` : ""}`,
    "",
    `  param  fit        ${r.intervals ? "95% bootstrap CI" : "".padEnd(16)}       Epoch AI refit (arXiv 2404.10102)`,
    ...rows,
    "",
    `  objective ${r.fit.objective.toPrecision(8)} · gradient ∞-norm ${d.gradNorm.toExponential(2)} · ${d.iterations} iterations (${d.reason}) · ${d.converged}/${d.starts} starts converged · ${d.reachedBest} reached the best`,
    ...(r.bootstrap ? [`  bootstrap: ${r.bootstrap.resamples} resamples, ${r.bootstrap.failed} failed`] : []),
    "",
    "COMPUTE-OPTIMAL FRONTIER OF THIS FIT (Hoffmann Eq. 4, C = 6ND)",
    ...r.frontier.map((f) => `  C ${formatFlops(f.C).padEnd(6)} → N ${formatCount(f.N, 4).padEnd(8)} D ${formatCount(f.D, 4).padEnd(8)} TPP ${formatSig(f.TPP, 4)}`),
  ];
  if (skipped.length > 0) out.push("", "SKIPPED ROWS", ...skipped.map((s) => `  ${s}`));
  if (r.warnings.length > 0) out.push("", "WARNINGS", ...r.warnings.map((w) => `  ! ${w.message}`));
  return `${out.join("\n")}\n`;
}


/** A whole-number option in [0, max], written as a plain decimal ("0x10" is not 16). */
function boundedInt(name: string, v: string | undefined, dflt: number, max: number, what = "a whole number"): number {
  if (v === undefined) return dflt;
  const x = cellNumber(v);
  if (!Number.isInteger(x) || x < 0 || x > max) throw new FitInputError([invalid(name, `${what} 0 … ${formatBound(max)}`, v)]);
  return x;
}

const bootstrapOf = (v: unknown) => boundedInt("bootstrap", v as string | undefined, 0, MAX_BOOTSTRAP, "a whole number of resamples");
const seedOf = (v: unknown) => boundedInt("seed", v as string | undefined, 1, 2 ** 32 - 1, "a whole-number seed");

/** --seq-len: the planner's own range for a sequence length (src/plan/request.ts). */
function seqLenOf(v: unknown): number {
  const x = cellNumber(v);
  if (!Number.isInteger(x) || x < 1 || x > 1e7) throw new FitInputError([invalid("seqLen", "a whole number of tokens 1 … 1e7", v)]);
  return x;
}

/**
 * "--predict wsd:0.2,steps=72000" → a schedule like the longest training curve (peak, warmup, length)
 * with the given kind: linear (to zero), cosine (to 0.1× peak), wsd:<decay fraction>, constant.
 * Without `like` only the text is checked (before any file is read); the run-length checks that need
 * the curve's defaults wait for it.
 */
export function parsePredictSpec(spec: string, like?: CurveData): ScheduleSpec {
  const [head = "", ...rest] = spec.split(",");
  const [kind = "", arg] = head.split(":");
  let peak = 0;
  if (like) for (const x of like.lrs) peak = Math.max(peak, x);
  const warmup = like ? like.lrs.findIndex((x) => x >= peak * (1 - 1e-9)) : 0;
  const out: ScheduleSpec = { kind: "linear", peakLr: like ? peak : RANGES.lr.max, totalSteps: like ? like.lrs.length : MAX_CURVE_STEPS, warmupSteps: Math.max(warmup, 0), minLrRatio: 0 };
  const bad = (what: string, v: string) => new FitInputError([invalid("predict", what, v.length > 60 ? `${v.slice(0, 60)}…` : v)]);
  switch (kind) {
    case "linear":
    case "constant":
      out.kind = kind;
      break;
    case "cosine":
      out.kind = "cosine";
      out.minLrRatio = 0.1;
      break;
    case "wsd": {
      out.kind = "wsd";
      const f = arg === undefined ? 0.1 : cellNumber(arg);
      if (!(f > 0 && f <= 1)) throw bad("a decay fraction in (0, 1] after wsd:, e.g. wsd:0.2", spec);
      out.decayFraction = f;
      out.decayShape = "linear";
      break;
    }
    default:
      throw bad("a schedule: linear, cosine, constant or wsd:<fraction>, optionally followed by ,steps=N,peak=LR,warmup=N,min=RATIO", spec);
  }
  const maxSteps = formatBound(MAX_CURVE_STEPS);
  for (const kv of rest) {
    const eq = kv.indexOf("=");
    const k = eq < 0 ? kv : kv.slice(0, eq);
    const v = eq < 0 ? "" : kv.slice(eq + 1);
    // a decimal number or a count such as 72K; "0x10" and "" are not numbers
    const x = cellNumber(v);
    if (!Number.isFinite(x) || x < 0) throw bad(`a non-negative number for ${k}`, kv);
    // The prediction builds the LR at every step: steps are bounded like a logged curve's (src/laws/multi-power-law.ts).
    if (k === "steps" && Number.isInteger(x) && x > 1 && x <= MAX_CURVE_STEPS) out.totalSteps = x;
    else if (k === "peak" && x > 0 && x <= RANGES.lr.max) out.peakLr = x;
    else if (k === "warmup" && Number.isInteger(x) && x <= MAX_CURVE_STEPS) out.warmupSteps = x;
    else if (k === "min" && x <= 1) out.minLrRatio = x;
    else throw bad(`steps=<whole number 2 … ${maxSteps}, lmplan's limit on a curve's length>, peak=<LR in (0, ${RANGES.lr.max}]>, warmup=<whole number of steps> or min=<ratio ≤ 1>`, kv);
  }
  if (like && out.warmupSteps >= out.totalSteps) throw bad("warmup shorter than the run", `${out.warmupSteps} ≥ ${out.totalSteps}`);
  return out;
}

/** How fit curves reads its sources: --format, --map, --schedule, --eval-loss, --smooth, --skip-bad-rows. */
interface CurveReadOptions {
  mapText: string | undefined;
  skipBad: boolean;
  schedule?: string;
  format?: LogFormat;
  evalLoss?: boolean;
  smooth?: number;
}

/** Formats read as a table of rows (step, lr, loss) by readCurve; the others are logs read as runs. */
const TABLE_FORMATS: ReadonlySet<LogFormat> = new Set(["csv", "jsonl", "hf"]);

/**
 * One source → one curve. A source is a file or a run directory; its format is detected from its name,
 * first bytes and first lines (src/io/logs/detect.ts) unless --format names it. Tables (CSV, JSON
 * lines, trainer_state.json) are read by rows as before; logs (TensorBoard, trainer stdout, W&B, MLflow)
 * and directories as a run whose series are matched by name (src/io/logs).
 */
function loadSource(file: string, o: CurveReadOptions, map: Record<string, string>, io: FitIo): Result<LoadedCurve> {
  let isDir = false;
  try {
    isDir = file !== "-" && statSync(file).isDirectory();
  } catch {
    isDir = false;
  }
  let files: LogFile[];
  if (file === "-" || !isDir) {
    if (file === "-") {
      const text = readInput(file, io);
      files = [{ name: "-", bytes: new TextEncoder().encode(text) }];
    } else {
      const src = readSource(file);
      if (!src.ok) throw new FitInputError(src.issues);
      files = src.value;
    }
    const f = files[0] as LogFile;
    const fmt = o.format ?? detectLogFormat(file, f.bytes);
    if (fmt === undefined || TABLE_FORMATS.has(fmt)) {
      if (f.bytes.length > LOG_LIMITS.textBytes) throw new FitInputError([invalid([file], `a table of at most ${formatLogBytes(LOG_LIMITS.textBytes)} (lmplan's limit; it is decoded whole)`, formatLogBytes(f.bytes.length))]);
      const text = new TextDecoder("utf-8").decode(f.bytes);
      const tf = fmt === "jsonl" || fmt === "hf" ? "jsonl" : fmt === "csv" ? "csv" : detectFormat(file, text);
      return readCurve(file, text, tf, map, o.schedule !== undefined ? { schedule: o.schedule } : {});
    }
  } else {
    const src = readSource(file);
    if (!src.ok) throw new FitInputError(src.issues);
    files = src.value;
  }
  const run = readRunFiles(files, o.format);
  if (!run.ok) throw new FitInputError(run.issues);
  return curveFromRun(file, run.value, { map, ...(o.schedule !== undefined ? { schedule: o.schedule } : {}), ...(o.evalLoss ? { evalLoss: true } : {}) });
}

function loadCurves(files: string[], o: CurveReadOptions, io: FitIo) {
  const map = parseColumnMap(o.mapText);
  if (!map.ok) throw new FitInputError(map.issues);
  const curves: CurveData[] = [];
  const notes: string[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const r = loadSource(file, o, map.value, io);
    if (!r.ok) throw new FitInputError(r.issues);
    for (const n of r.value.notes) notes.push(`${file}: ${n}`);
    const bad = r.value.rejected;
    // Steps past the end of a schedule are the repository's own truncation (curves logged at 24000
    // for a 24000-step array); they are listed, and only other unusable rows stop the fit.
    const fatal = bad.filter((b) => !/length of the schedule/.test(b.issue.expected));
    if (fatal.length > 0 && !o.skipBad) throw new FitInputError([...fatal.slice(0, 20).map((b) => b.issue), invalid("file", "only usable rows (or --skip-bad-rows)", `${fatal.length} unusable row(s) in ${file}`)]);
    for (const b of bad) skipped.push(`${b.issue.path.join(" ")}: expected ${b.issue.expected}, received ${b.issue.received}`);
    let curve = r.value.curve;
    if (o.smooth !== undefined && o.smooth > 1) {
      curve = smoothLoss(curve, o.smooth);
      notes.push(`${file}: loss averaged over a centred window of ${o.smooth} logged points (--smooth) before fitting; errors are reported against the smoothed loss`);
    }
    curves.push(curve);
  }
  return { curves, notes, skipped };
}

/** Most optimizer steps over all curves of one fit: each costs 8 bytes a step while the fit runs. */
const MAX_TOTAL_CURVE_STEPS = 3 * MAX_CURVE_STEPS;

/** Declared bounds on what a curve fit holds in memory and computes exactly (issue 10). */
function checkCurveBudget(curves: CurveData[]): void {
  const steps = curves.reduce((a, c) => a + c.lrs.length, 0);
  if (steps > MAX_TOTAL_CURVE_STEPS) {
    throw new FitInputError([invalid("files", `curves of at most ${formatBound(MAX_TOTAL_CURVE_STEPS)} optimizer steps in all (the per-step LR arrays of one fit)`, `${formatBound(steps)} steps in ${curves.length} curves`)]);
  }
  // The exact evaluation is linear in logged points + LR changes (src/laws/multi-power-law.ts), so the
  // step bound above bounds its time too: about 2 s per 1e6 steps logged at every step.
}

function batchTokensOf(table: Table, seqLen: number): number[] {
  const bt = tableBatchTokens(table, seqLen);
  if (bt === undefined) throw new FitInputError([invalid("bs", "a batch column: bs (sequences, with --seq-len) or batch_tokens; or --map bs=…", "neither")]);
  return bt;
}

export function renderLrBatch(r: LrBatchReport): string {
  const L = r.law;
  const ci = (k: keyof typeof L, f = (x: number) => x) => (r.intervals ? `  (${formatSig(f(r.intervals[k][0]), 3)}, ${formatSig(f(r.intervals[k][1]), 3)})` : "");
  const lines = [
    `lmplan fit lr-batch · Step Law's method (arXiv 2503.04715): runs within ${formatSig(r.threshold * 100, 3)}% of each group's best loss, least squares in logs`,
    `  ${r.numRuns} runs in ${r.groups.length} (N, D) groups; ${r.numNearOptimal} near-optimal runs fitted`,
    ...(r.nKind === "dense" ? [] : [`  MoE grid: the law's N is ${r.nKind === "active" ? "active parameters (column Na)" : "total parameters (column N)"}; --moe-n ${r.nKind === "active" ? "total" : "active"} takes the other`]),
    "",
    `  η_opt = ${formatSig(Math.exp(L.lrIntercept), 4)} · N^${formatSig(L.lrExpN, 4)} · D^${formatSig(L.lrExpD, 4)}`,
    `      exponent of N ${formatSig(L.lrExpN, 4)}${ci("lrExpN")}   exponent of D ${formatSig(L.lrExpD, 4)}${ci("lrExpD")}`,
    `  B_opt = ${formatSig(Math.exp(L.bsIntercept), 4)} · D^${formatSig(L.bsExpD, 4)} tokens`,
    `      exponent of D ${formatSig(L.bsExpD, 4)}${ci("bsExpD")}`,
    `  Step Law as published: ${stepLaw.formula}`,
    "",
    `  ${r.nKind === "dense" ? "" : "N total  N active "}N        D         runs  near-opt  best η     fit η      fit/best  near-opt η range    best B    fit B`,
    ...r.groups.map(
      (g) =>
        `  ${r.nKind === "dense" ? "" : `${formatCount(g.Ntotal ?? g.N, 4).padEnd(8)} ${formatCount(g.Nactive ?? g.N, 3).padEnd(8)} `}${formatCount(g.N, 3).padEnd(8)} ${formatCount(g.D, 3).padEnd(9)} ${String(g.runs).padStart(4)}  ${String(g.nearOptimal).padStart(8)}  ${formatSig(g.bestLr, 3).padEnd(9)}  ${formatSig(g.predictedLr, 3).padEnd(9)}  ${formatSig(g.predictedLr / g.bestLr, 3).padStart(8)}  ${`${formatSig(g.lrRange[0], 3)}–${formatSig(g.lrRange[1], 3)}`.padEnd(18)}  ${formatCount(g.bestBatchTokens, 3).padEnd(8)}  ${formatCount(g.predictedBatchTokens, 3)}`,
    ),
  ];
  if (r.warnings.length > 0) lines.push("", "WARNINGS", ...r.warnings.map((w) => `  ! ${w}`));
  return `${lines.join("\n")}\n`;
}

export function renderTimescale(r: TimescaleReport): string {
  const lines = [
    "lmplan fit timescale · Power Lines' method (arXiv 2505.13738): λ_opt per sweep → τ_opt = B/(η·λ_opt·D) → τ_opt = c·TPP^m",
    "",
    `  τ_opt = ${formatSig(r.coefficient, 4)} · TPP^${formatSig(r.exponent, 4)}${r.intervals ? `   c (${formatSig(r.intervals.coefficient[0], 3)}, ${formatSig(r.intervals.coefficient[1], 3)}), m (${formatSig(r.intervals.exponent[0], 3)}, ${formatSig(r.intervals.exponent[1], 3)})` : ""}`,
    `  Power Lines as published: ${POWER_LINES_TAU_TERM} [unverified]`,
    "",
    "  N        D         TPP     batch     η          λ_opt      τ_opt",
    ...r.groups.map((g) => `  ${formatCount(g.N, 3).padEnd(8)} ${formatCount(g.D, 3).padEnd(9)} ${formatSig(g.TPP, 4).padEnd(7)} ${formatCount(g.batchTokens, 3).padEnd(9)} ${formatSig(g.lr, 3).padEnd(10)} ${formatSig(g.lambdaOpt, 3).padEnd(10)} ${formatSig(g.tauOpt, 3)}${g.atEdge ? "  (λ_opt at the edge of the sweep)" : ""}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** The options every fitter shares, declared once. */
function withCommonOptions(cmd: Command, o: { mapFields: string; plot: string; bootstrap?: string }): Command {
  cmd.option("--map <pairs>", `column names as field=column pairs (fields: ${o.mapFields})`);
  if (o.bootstrap !== undefined) {
    cmd.option("--bootstrap <n>", "bootstrap resamples for 95% intervals (0 for none)", o.bootstrap);
    cmd.option("--seed <n>", "bootstrap seed", "1");
  }
  return cmd
    .option("--skip-bad-rows", "fit without unusable rows (they are listed) instead of stopping")
    .option("--json", "print the fit as JSON")
    .option("--out <file>", "write (or add to) a fitted-laws file for lmplan plan --laws; another existing file is refused unless --force")
    .option("--force", "let --out replace an existing file that is not an lmplan fitted-laws file")
    .option("--plot <file.svg>", o.plot);
}

export function registerFit(program: Command, io: FitIo): void {
  const fit = program.command("fit").description("fit the published laws to your own runs: loss, lr-batch, timescale, curves, bcrit, mup");
  registerFitMup(fit, io);
  withCommonOptions(
    fit
      .command("loss <file>")
      .description("fit L = E + A/N^α + B/D^β to (N, D or C, loss) runs from a CSV or JSONL file (- for stdin)")
      .option("--drop-highest <k>", "drop the k highest-loss points first (Epoch drops 5 of Hoffmann's)", "0"),
    { mapFields: 'N, D, C, L; e.g. N="Model Size",C="Training FLOP"', bootstrap: "200", plot: "draw the fit, the data and the residuals (log axes) to an SVG file" },
  ).action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      const bootstrap = bootstrapOf(o.bootstrap ?? "200");
      const dropHighest = boundedInt("dropHighest", o.dropHighest as string, 0, 1e6);
      const seed = seedOf(o.seed);
      if (typeof o.out === "string") existingFitted(o.out, o.force === true);
      const { table, skipped } = load(file, LOSS_COLUMNS, o.map as string | undefined, o.skipBadRows === true, io);
      const lp = lossPoints(table);
      if (lp === undefined) {
        throw new FitInputError([invalid("D", 'a tokens column (D) or a compute column (C, with D = C/(6N)); name one or pass --map D=… or --map C=…', "neither")]);
      }
      // C/(6N) outside the token range: unusable like any other row (listed, or the fit stops).
      if (lp.rejected.length > 0 && o.skipBadRows !== true) {
        throw new FitInputError([...lp.rejected.map((r) => r.issue), invalid("file", "only usable rows (fix them, or pass --skip-bad-rows to fit without them; they will be listed)", `${lp.rejected.length} unusable row(s)`)]);
      }
      for (const r of lp.rejected) skipped.push(`line ${r.line}: ${r.issue.path.slice(1).join(".") || "row"}: expected ${r.issue.expected}, received ${r.issue.received}`);
      const points: LossPoint[] = lp.points;
      if (points.length > MAX_LOSS_POINTS) throw new FitInputError([invalid("points", `at most ${MAX_LOSS_POINTS} runs in one fit`, `${points.length} runs`)]);
      const { used } = dropHighestLoss(points, dropHighest);
      // one model size or one token count identifies no exponent: refuse before the 4,500-start grid runs
      const thin = lossDataIssues(used);
      if (thin.length > 0) throw new FitInputError(thin);
      const gridFit = used.length >= 6 ? await fitChinchillaParallel(used) : undefined;
      const res = fitLoss(points, {
        dropHighest,
        ...(gridFit ? { gridFit } : {}),
        bootstrap,
        seed,
        onProgress: progress(io, "bootstrap"),
      });
      if (!res.ok) throw new FitInputError(res.issues);
      const r = res.value;
      if (typeof o.plot === "string") {
        const { runs: pts, frontier } = lossFitCurves(r.fit.params, dropHighestLoss(points, r.dropped.points.length).used, 60);
        await writePlot(o.plot, [
          { title: "Loss vs compute: runs (black), fit per run (red), compute-optimal frontier (line)", x: { label: "compute C = 6ND (FLOPs)", log: true, format: ".0e" }, y: { label: "loss", log: true }, dots: { data: pts, x: "C", y: "L", r: 2.5 }, marks: { data: pts, x: "C", y: "pred" }, lines: [{ data: frontier, x: "C", y: "L", stroke: "#d62728" }] },
          { title: "Residuals: log(loss) − log(fit)", x: { label: "compute C (FLOPs)", log: true, format: ".0e" }, y: { label: "log residual" }, dots: { data: pts.map((q) => ({ C: q.C, res: Math.log(q.L) - Math.log(q.pred) })), x: "C", y: "res" }, rule: 0 },
        ], io);
      }
      if (typeof o.out === "string") {
        writeFitted(o.out, "loss", { form: "chinchilla", params: r.fit.params, intervals: r.intervals, objective: r.fit.objective, numPoints: r.numPoints, fittedRange: rangeOf(dropHighestLoss(points, r.dropped.points.length).used), source: file }, o.force === true);
      }
      io.out(o.json ? `${JSON.stringify({ ...r, skippedRows: skipped }, null, 2)}\n` : renderLossFit(r, skipped));
    });

  withCommonOptions(
    fit
      .command("lr-batch <file>")
      .description("fit η_opt = c·N^a·D^b and B_opt = c·D^b to a grid of runs over (N, D, lr, batch) — Step Law's method")
      .option("--loss <column>", "the loss column to use (shorthand for --map loss=<column>)")
      .option("--seq-len <tokens>", "tokens per sequence, to turn a batch in sequences into tokens", "2048")
      .option("--threshold <fraction>", "runs within this fraction of a group's best loss count as optimal (Step Law: 0.0025)", "0.0025")
      .option("--moe-n <kind>", "MoE grids (a column Na of active parameters): the law's N is active (default) or total parameters"),
    { mapFields: 'N, D, lr, bs, batchTokens, loss; e.g. loss="smooth loss"', bootstrap: "1000", plot: "draw fitted vs best η and batch per group (log axes) to an SVG file" },
  ).action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      const mapText = [o.map, typeof o.loss === "string" ? `loss=${o.loss}` : undefined].filter(Boolean).join(",");
      const seqLen = seqLenOf(o.seqLen);
      const bootstrap = bootstrapOf(o.bootstrap ?? "1000");
      const seed = seedOf(o.seed);
      if (typeof o.out === "string") existingFitted(o.out, o.force === true);
      const { table, skipped } = load(file, LR_BATCH_COLUMNS, mapText || undefined, o.skipBadRows === true, io);
      const threshold = cellNumber(o.threshold);
      if (!(threshold > 0 && threshold < 1)) throw new FitInputError([invalid("threshold", "a fraction in (0, 1)", o.threshold)]);
      const bt = batchTokensOf(table, seqLen);
      const runs = table.rows.map((r, i) => ({ N: r.N as number, D: r.D as number, lr: r.lr as number, batchTokens: bt[i] as number, loss: r.loss as number, ...(r.Na !== undefined ? { Na: r.Na } : {}) }));
      const moeN = o.moeN === undefined ? undefined : String(o.moeN);
      if (moeN !== undefined && moeN !== "active" && moeN !== "total") throw new FitInputError([invalid("moeN", "active or total (which N an MoE grid's law takes)", moeN)]);
      const res = fitLrBatch(runs, { threshold, bootstrap, seed, ...(moeN ? { nKind: moeN } : {}), onProgress: progress(io, "bootstrap") });
      if (!res.ok) throw new FitInputError(res.issues);
      if (typeof o.plot === "string") {
        const g = res.value.groups.map((x) => ({ bestLr: x.bestLr, predictedLr: x.predictedLr, bestBatchTokens: x.bestBatchTokens, predictedBatchTokens: x.predictedBatchTokens }));
        const lim = (k: "bestLr" | "predictedLr" | "bestBatchTokens" | "predictedBatchTokens", k2: typeof k) => {
          const v = g.flatMap((x) => [x[k], x[k2]]);
          return [{ a: Math.min(...v), b: Math.min(...v) }, { a: Math.max(...v), b: Math.max(...v) }];
        };
        await writePlot(o.plot, [
          { title: "Peak LR: each group's best run (x) vs the fitted law (y); line y = x", x: { label: "best η", log: true }, y: { label: "fitted η", log: true }, dots: { data: g, x: "bestLr", y: "predictedLr" }, lines: [{ data: lim("bestLr", "predictedLr"), x: "a", y: "b", stroke: "#999", dash: true }] },
          { title: "Batch: each group's best run (x) vs the fitted law (y), tokens", x: { label: "best batch", log: true }, y: { label: "fitted batch", log: true }, dots: { data: g, x: "bestBatchTokens", y: "predictedBatchTokens" }, lines: [{ data: lim("bestBatchTokens", "predictedBatchTokens"), x: "a", y: "b", stroke: "#999", dash: true }] },
        ], io);
      }
      if (typeof o.out === "string") writeFitted(o.out, "lrBatch", { form: "step-law", law: res.value.law, intervals: res.value.intervals, nKind: res.value.nKind, fittedRange: rangeOf(res.value.groups.map((g) => ({ N: g.N, D: g.D, batchTokens: g.bestBatchTokens }))), source: file }, o.force === true);
      io.out(o.json ? `${JSON.stringify({ ...res.value, skippedRows: skipped }, null, 2)}\n` : renderLrBatch(res.value) + (skipped.length > 0 ? `\nROWS NOT USED\n${skipped.map((x) => `  ${x}`).join("\n")}\n` : ""));
    });

  withCommonOptions(
    fit
      .command("timescale <file>")
      .description("fit τ_opt = c·TPP^m from weight-decay sweeps over (N, D, batch, lr, wd, loss) — Power Lines' method")
      .option("--seq-len <tokens>", "tokens per sequence, to turn a batch in sequences into tokens", "2048"),
    { mapFields: "N, D, lr, bs, batchTokens, wd, loss", bootstrap: "1000", plot: "draw τ_opt against TPP with the fit and Power Lines (log axes) to an SVG file" },
  ).action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      const seqLen = seqLenOf(o.seqLen);
      const bootstrap = bootstrapOf(o.bootstrap ?? "1000");
      const seed = seedOf(o.seed);
      if (typeof o.out === "string") existingFitted(o.out, o.force === true);
      const { table, skipped } = load(file, TIMESCALE_COLUMNS, o.map as string | undefined, o.skipBadRows === true, io);
      const bt = batchTokensOf(table, seqLen);
      const runs = table.rows.map((r, i) => ({ N: r.N as number, D: r.D as number, lr: r.lr as number, batchTokens: bt[i] as number, weightDecay: r.wd as number, loss: r.loss as number }));
      const res = fitTimescale(runs, { bootstrap, seed });
      if (!res.ok) throw new FitInputError(res.issues);
      if (typeof o.plot === "string") {
        const tpps = res.value.groups.map((g) => g.TPP);
        const line = (c: number, m: number) => [Math.min(...tpps), Math.max(...tpps)].map((t) => ({ TPP: t, tau: c * t ** m }));
        await writePlot(o.plot, [
          { title: "τ_opt vs tokens per parameter: sweeps (dots), your fit (red), Power Lines (dashed)", x: { label: "TPP", log: true }, y: { label: "τ_opt", log: true }, dots: { data: res.value.groups.map((g) => ({ TPP: g.TPP, tau: g.tauOpt })), x: "TPP", y: "tau" }, lines: [{ data: line(res.value.coefficient, res.value.exponent), x: "TPP", y: "tau" }, { data: line(POWER_LINES_TAU.c, POWER_LINES_TAU.m), x: "TPP", y: "tau", stroke: "#999", dash: true }] },
          { title: "Residuals: log τ_opt − log fit", x: { label: "TPP", log: true }, y: { label: "log residual" }, dots: { data: res.value.groups.map((g) => ({ TPP: g.TPP, r: Math.log(g.tauOpt / (res.value.coefficient * g.TPP ** res.value.exponent)) })), x: "TPP", y: "r" }, rule: 0 },
        ], io);
      }
      if (typeof o.out === "string") writeFitted(o.out, "timescale", { form: "power-lines", coefficient: res.value.coefficient, exponent: res.value.exponent, intervals: res.value.intervals, fittedRange: rangeOf(res.value.groups.map((g) => ({ N: g.N, D: g.D, batchTokens: g.batchTokens }))), source: file }, o.force === true);
      io.out(o.json ? `${JSON.stringify({ ...res.value, skippedRows: skipped }, null, 2)}\n` : renderTimescale(res.value));
    });

  withCommonOptions(
    fit
      .command("curves [sources...]")
      .description("fit the multi-power law (arXiv 2503.12811) to whole loss curves and predict other schedules. A source is a table (step, lr, loss as CSV/JSONL), a trainer_state.json, a TensorBoard event file, a Megatron/TorchTitan/nanotron stdout log, a W&B or MLflow export — or a run directory of such files — detected by name, magic bytes and first lines")
      .option("--from <sources...>", "the same as the positional sources (files or run directories)")
      .option("--format <name>", `read every source as this format instead of detecting it: ${Object.keys(LOG_FORMATS).join(", ")}`)
      .option("--eval <files...>", "held-out curves to report the fit's error on")
      .option("--eval-loss", "fit the run's evaluation (validation) loss instead of its training loss (logs with both)")
      .option("--smooth <points>", `average the loss over a centred window of this many logged points before fitting (odd, 1 … ${MAX_SMOOTH})`)
      .option("--predict <schedule>", "predict a schedule: linear | cosine | constant | wsd:<fraction>, then ,steps=N,peak=LR,warmup=N,min=RATIO")
      .option("--optimizer <name>", "adamw-authors (the paper's procedure; default) or lbfgs (the objective's minimum)", "adamw-authors")
      .option("--schedule <name>", `use a built-in per-step LR schedule instead of interpolating the files' lr column: ${BUILT_IN_SCHEDULES}. A file's lr column, if it has one, must agree with it at every logged step; without this option the lr column is used as logged, whatever the file is called`),
    { mapFields: 'step, lr, loss for tables, e.g. step=iter,loss="train/loss"; for logs a role and its tag: loss, evalLoss, lr, e.g. loss="lm loss",lr=learning-rate', plot: "draw the logged and fitted curves (and --predict) with residuals to an SVG file" },
  ).action(async (positional: string[], o: Record<string, unknown>) => {
      const files = [...positional, ...(Array.isArray(o.from) ? (o.from as string[]) : [])];
      if (files.length === 0) throw new FitInputError([invalid("sources", "at least one curve: a file or run directory (positional or --from)", "none")]);
      const optimizer = o.optimizer as string;
      if (optimizer !== "adamw-authors" && optimizer !== "lbfgs") throw new FitInputError([invalid("optimizer", "adamw-authors or lbfgs", optimizer)]);
      const schedule = typeof o.schedule === "string" ? o.schedule : undefined;
      const format = typeof o.format === "string" ? parseLogFormat(o.format) : undefined;
      if (typeof o.format === "string" && format === undefined) throw new FitInputError([invalid("format", FORMAT_HELP, o.format)]);
      const smooth = o.smooth === undefined ? undefined : cellNumber(o.smooth);
      if (smooth !== undefined && !(Number.isInteger(smooth) && smooth >= 1 && smooth <= MAX_SMOOTH && smooth % 2 === 1)) throw new FitInputError([invalid("smooth", `an odd whole number of logged points, 1 … ${MAX_SMOOTH}`, o.smooth)]);
      // Parse --predict against a stand-in first so that a bad spec stops before any file is read.
      if (typeof o.predict === "string") parsePredictSpec(o.predict);
      if (typeof o.out === "string") existingFitted(o.out, o.force === true);
      const read: CurveReadOptions = { mapText: o.map as string | undefined, skipBad: o.skipBadRows === true, ...(schedule !== undefined ? { schedule } : {}), ...(format ? { format } : {}), ...(o.evalLoss === true ? { evalLoss: true } : {}), ...(smooth !== undefined ? { smooth } : {}) };
      const train = loadCurves(files, read, io);
      const held = Array.isArray(o.eval) ? loadCurves(o.eval as string[], read, io) : undefined;
      checkCurveBudget([...train.curves, ...(held?.curves ?? [])]);
      const fitted = fitMultiPower(train.curves, { optimizer });
      const errors = (cs: CurveData[], preds?: Float64Array[]) => cs.map((c, k) => ({ name: c.name, ...curveError(fitted.params, c, preds?.[k]), points: c.steps.length }));
      const trainErr = errors(train.curves, fitted.predictions);
      const evalErr = held ? errors(held.curves) : [];
      const warnings: CurveFitWarning[] = [...fitted.warnings];
      for (const c of held?.curves ?? []) {
        const w = decayWarning(fitted, c.lrs, `held-out curve ${c.name.replace(/^.*[\\/]/, "")}`);
        if (w) warnings.push(w);
      }
      const longest = train.curves.reduce((a, b) => (b.lrs.length > a.lrs.length ? b : a));
      let prediction: { schedule: ScheduleSpec; steps: number[]; loss: number[] } | undefined;
      if (typeof o.predict === "string") {
        const spec = parsePredictSpec(o.predict, longest);
        const lrs = lrArray(spec);
        // From the end of warmup (before it, S1 → 0 and the power term is not meaningful) to the last step.
        const from = Math.max(spec.warmupSteps, 1);
        const steps = Array.from({ length: 21 }, (_, i) => Math.round(from + (i * (spec.totalSteps - 1 - from)) / 20));
        prediction = { schedule: spec, steps, loss: Array.from(predictCurve(fitted.params, prepareSchedule(lrs), steps)) };
        const w = decayWarning(fitted, lrs, `the predicted schedule (${o.predict})`);
        if (w) warnings.push(w);
      }
      if (typeof o.plot === "string") {
        const all = [...trainErr.map((e) => ({ ...e, role: "fit" })), ...evalErr.map((e) => ({ ...e, role: "held out" }))];
        const curveOf = (name: string) => [...train.curves, ...(held?.curves ?? [])].find((c) => c.name === name) as CurveData;
        const obs: Row[] = [];
        const pred: Row[] = [];
        const res: Row[] = [];
        for (const e of all) {
          const c = curveOf(e.name);
          const label = `${e.name.replace(/^.*[\\/]/, "")} (${e.role})`;
          c.steps.forEach((s, i) => {
            obs.push({ step: s, loss: c.loss[i] as number, curve: label });
            pred.push({ step: s, loss: e.pred[i] as number, curve: label });
            res.push({ step: s, r: (e.pred[i] as number) / (c.loss[i] as number) - 1, curve: label });
          });
        }
        if (prediction) prediction.steps.forEach((s, i) => pred.push({ step: s, loss: prediction.loss[i] as number, curve: `predicted ${o.predict}` }));
        const series = [...new Set(pred.map((r) => r.curve as string))];
        await writePlot(o.plot, [
          { title: "Loss curves: logged (dots) and the multi-power law (lines)", x: { label: "step" }, y: { label: "loss", log: true }, dots: { data: obs, x: "step", y: "loss", stroke: "curve" }, lines: [{ data: pred, x: "step", y: "loss", z: "curve" }], series },
          { title: "Relative residuals: fit / logged − 1", x: { label: "step" }, y: { label: "relative error" }, dots: { data: res, x: "step", y: "r", stroke: "curve" }, rule: 0, series },
        ], io);
      }
      if (typeof o.out === "string") writeFitted(o.out, "curves", { form: "multi-power", params: fitted.params, optimizer: fitted.optimizer, source: files }, o.force === true);
      if (o.json) {
        const strip = (e: ReturnType<typeof errors>) => e.map(({ pred: _p, ...rest }) => rest);
        io.out(`${JSON.stringify({ kind: "curves", params: fitted.params, optimizer: fitted.optimizer, iterations: fitted.iterations, objective: fitted.objective, optimizerObjective: fitted.optimizerObjective, train: strip(trainErr), eval: strip(evalErr), prediction, warnings, notes: train.notes, skippedRows: [...train.skipped, ...(held?.skipped ?? [])] }, null, 2)}\n`);
        return;
      }
      // A relative error that cannot be computed (a prediction that is not finite) is said, not printed as "NaN%".
      const pct = (x: number) => (Number.isFinite(x) ? `${formatSig(x * 100, 3)}%` : "not finite");
      const base = (f: string) => f.replace(/^.*[\\/]/, "");
      const lines = [
        `lmplan fit curves · multi-power law (Luo et al., arXiv 2503.12811), ${fitted.optimizer === "adamw-authors" ? "the authors' AdamW procedure" : "L-BFGS to the minimum"}, ${fitted.iterations} steps; objective ${fitted.objective.toPrecision(6)} (Huber δ=1e-3 on log loss, exact, at these parameters)`,
        "",
        ...MPL_KEYS.map((k) => `  ${k.padEnd(6)} ${formatSig(fitted.params[k], 6).padEnd(12)} published: 25M ${formatSig(MULTI_POWER_PUBLISHED["25M"][k], 4)} · 100M ${formatSig(MULTI_POWER_PUBLISHED["100M"][k], 4)} · 400M ${formatSig(MULTI_POWER_PUBLISHED["400M"][k], 4)}`),
        "",
        "  curve                         points  mean |err|  final |err|",
        ...trainErr.map((e) => `  ${`${base(e.name)} (fit)`.padEnd(30)}${String(e.points).padStart(6)}  ${pct(e.mean).padStart(10)}  ${pct(e.final).padStart(11)}`),
        ...evalErr.map((e) => `  ${`${base(e.name)} (held out)`.padEnd(30)}${String(e.points).padStart(6)}  ${pct(e.mean).padStart(10)}  ${pct(e.final).padStart(11)}`),
      ];
      if (evalErr.length > 0) lines.push(`  held-out average: ${pct(evalErr.reduce((a, e) => a + e.mean, 0) / evalErr.length)}`);
      if (prediction) {
        const sp = prediction.schedule;
        lines.push("", `PREDICTION · ${o.predict} (${sp.totalSteps} steps, peak ${formatSig(sp.peakLr, 3)}, warmup ${sp.warmupSteps})`);
        for (let i = 0; i < prediction.steps.length; i += 2) lines.push(`  step ${String(prediction.steps[i]).padStart(8)}  loss ${formatSig(prediction.loss[i] as number, 5)}`);
      }
      // One line per distinct note, naming the files it applies to.
      const byNote = new Map<string, string[]>();
      for (const n of [...train.notes, ...(held?.notes ?? [])]) {
        const i = n.indexOf(": ");
        const list = byNote.get(n.slice(i + 2)) ?? [];
        list.push(base(n.slice(0, i)));
        byNote.set(n.slice(i + 2), list);
      }
      if (byNote.size > 0) lines.push("", "NOTES", ...[...byNote].map(([note, fs]) => `  ${note}: ${fs.join(", ")}`));
      const skipped = [...train.skipped, ...(held?.skipped ?? [])];
      if (skipped.length > 0) lines.push("", "ROWS NOT USED", ...skipped.map((n) => `  ${n}`));
      if (warnings.length > 0) lines.push("", "WARNINGS", ...warnings.map((w) => `  ! ${w.message}`));
      io.out(`${lines.join("\n")}\n`);
    });
}

/** The text report of `lmplan fit mup`. */
export function renderMup(r: MupFitReport, base: BaseFromFit | undefined, skipped: string[]): string {
  const f = (x: number) => formatSig(x, 4);
  const lines = [
    "lmplan fit mup · parabolas in log space around the best runs, jointly where the grid allows (Power Lines' method, arXiv 2505.13738; μP practitioner's guide)",
    `  ${r.numRuns} runs at ${r.groups.length} width(s); swept: ${r.axes.map((a) => AXIS_LABELS[a]).join(", ")}; ${r.bootstrap.resamples > 0 ? `95% residual-bootstrap intervals (${r.bootstrap.resamples} resamples, seed ${r.bootstrap.seed})` : "no intervals (--bootstrap 0)"}`,
  ];
  for (const n of r.notes) lines.push(`  note: ${n}`);
  for (const g of r.groups) {
    lines.push("", `WIDTH ${g.width === 1 ? "(one width)" : `d_model ${g.width}`} · ${g.runs} runs, ${g.points} grid points, best loss ${formatSig(g.bestLoss, 5)}`);
    if (g.joint) lines.push(`  joint quadratic in ${g.joint.axes.map((a) => AXIS_LABELS[a]).join(", ")} over ${g.joint.points} points: ${g.joint.used ? `used (rms residual ${formatSig(g.joint.rmsResidual, 3)})` : `not used — ${g.joint.why}`}`);
    lines.push("  axis     swept               best run   optimum    95% interval          method");
    for (const a of g.axes) {
      const iv = a.interval ? `${f(a.interval[0])} – ${f(a.interval[1])}${a.intervalOpen ? ` (open ${a.intervalOpen})` : ""}` : "—";
      lines.push(`  ${a.label.padEnd(8)} ${`${f(a.values[0] as number)}…${f(a.values[a.values.length - 1] as number)} (${a.values.length})`.padEnd(19)} ${f(a.best).padEnd(10)} ${f(a.optimum).padEnd(10)} ${iv.padEnd(21)} ${a.method}${a.atEdge ? `  ! at the ${a.atEdge} edge of the sweep` : ""}${a.note ? `  (${a.note})` : ""}`);
    }
  }
  if (r.transfer && r.transfer.length > 0) {
    lines.push("", "TRANSFER ACROSS WIDTHS (does the optimum move with width? under μP it should not)");
    for (const t of r.transfer) lines.push(`  ${t.label}: ${t.verdict.toUpperCase()} — ${t.evidence}`);
  }
  if (base) {
    const b = base.base;
    lines.push("", "μP BASE (what --out writes; plan --laws uses it)", `  d_base ${b.dModelBase}${b.numLayersBase !== undefined ? `, depth ${b.numLayersBase}` : ""} · η_base ${f(b.lrBase)} · σ_base ${f(b.initStdBase)} · m_emb ${f(b.embeddingMultiplier)} · α_out ${f(b.outputLogitsAlpha)}${b.beta2 !== undefined ? ` · β2 ${b.beta2}` : ""}${b.eps !== undefined ? ` · ε ${b.eps}` : ""}`);
    const t = b.tunedAt;
    if (t) lines.push(`  tuned at${t.tpp !== undefined ? ` ${formatSig(t.tpp, 4)} tokens/param` : ""}${t.batchTokens !== undefined ? `, batch ${formatCount(t.batchTokens, 4)} tokens` : ""}${t.tau !== undefined ? `, τ ${formatSig(t.tau, 3)}` : ""}`);
    for (const n of base.notes) lines.push(`  note: ${n}`);
  }
  if (skipped.length > 0) lines.push("", "ROWS NOT USED", ...skipped.map((x) => `  ${x}`));
  const warns = [...r.warnings.map((w) => w.message), ...(base?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.expected}, ${i.received}`)];
  if (warns.length > 0) lines.push("", "WARNINGS", ...warns.map((w) => `  ! ${w}`));
  return `${lines.join("\n")}\n`;
}

/** `lmplan fit mup <manifest>`: the μP base from a proxy sweep, written to a fitted-laws file for plan --laws. */
function registerFitMup(fit: Command, io: FitIo): void {
  withCommonOptions(
    fit
      .command("mup <file>")
      .description("find the optimal μP base (η_base, σ_base, m_emb, α_out, λ) from a proxy sweep — the manifest lmplan sweep writes, with losses filled in — and test transfer across widths")
      .option("--base-out <file>", "also write the base as a μP base file (plan --mu-base-file)")
      .option("--fallback-base <id>", `take values the table does not hold from this built-in base: ${MUP_BASES.map((b) => b.id).join(", ")}`, "btlm"),
    { mapFields: "width, lrBase, lr, initStd, embMult, outputAlpha, weightDecay, loss", bootstrap: "1000", plot: "draw each axis's slice through the best run with its parabola, optimum and interval (log x) to an SVG file" },
  ).action(async (file: string, o: Record<string, string | boolean | undefined>) => {
    const bootstrap = bootstrapOf(o.bootstrap ?? "1000");
    const seed = seedOf(o.seed);
    const fallback = findMupBase(String(o.fallbackBase ?? "btlm"));
    if (!fallback) throw new FitInputError([invalid("fallbackBase", `one of ${MUP_BASES.map((b) => b.id).join(", ")}`, o.fallbackBase)]);
    if (typeof o.out === "string") existingFitted(o.out, o.force === true);
    const { table, skipped } = load(file, MUP_COLUMNS, o.map as string | undefined, o.skipBadRows === true, io);
    // what the proxy was trained at: read best-effort from the same file, aligned by line
    // (stdin is read once, by load: a sweep piped in has no meta)
    const metaText = file === "-" ? "" : readInput(file, io);
    const metaTable = readTable(metaText, detectFormat(file, metaText), MUP_META_COLUMNS);
    const metaByLine = new Map<number, Record<string, number>>();
    if (metaTable.ok) metaTable.value.rows.forEach((row, i) => metaByLine.set(metaTable.value.lines[i] as number, row));
    const meta: MupMeta = table.lines.map((l) => metaByLine.get(l) ?? {});
    const { runs, notes } = mupRunsFromTable(table, meta);
    const res = fitMup(runs, { bootstrap, seed });
    if (!res.ok) throw new FitInputError(res.issues);
    res.value.notes.unshift(...notes);
    const b = mupBaseFromFit(res.value, runs, meta, fallback, file);
    if (!b.ok) throw new FitInputError(b.issues);
    if (typeof o.plot === "string") {
      const panels: Panel[] = [];
      for (const g of res.value.groups) {
        for (const a of g.axes) {
          const dots = a.slice.map((s) => ({ x: s.x, loss: s.loss }));
          const curve: Row[] = [];
          if (a.parabola) {
            const p = a.parabola;
            const [lo, hi] = [Math.min(...a.slice.map((s) => s.x)), Math.max(...a.slice.map((s) => s.x))];
            for (let i = 0; i <= 40; i++) {
              const x = lo * (hi / lo) ** (i / 40);
              const u = Math.log(x / p.center) / p.scale;
              curve.push({ x, loss: p.c + p.g * u + 0.5 * p.h * u * u });
            }
          }
          const y0 = Math.min(...dots.map((d) => d.loss));
          const marks = [{ x: a.optimum, loss: y0 }, ...(a.interval ? [{ x: a.interval[0], loss: y0 }, { x: a.interval[1], loss: y0 }] : [])];
          panels.push({ title: `${g.width === 1 ? "" : `d=${g.width}: `}${a.label} through the best run — parabola, optimum ${formatSig(a.optimum, 3)}${a.interval ? ` (${formatSig(a.interval[0], 3)}–${formatSig(a.interval[1], 3)})` : ""}${a.atEdge ? `, at the ${a.atEdge} edge` : ""}`, x: { label: a.label, log: true }, y: { label: "loss" }, dots: { data: dots, x: "x", y: "loss" }, marks: { data: marks, x: "x", y: "loss" }, lines: curve.length > 0 ? [{ data: curve, x: "x", y: "loss", stroke: "#d62728" }] : [] });
        }
      }
      await writePlot(o.plot, panels, io);
    }
    const fittedRange = { width: [Math.min(...runs.map((r) => r.width)), Math.max(...runs.map((r) => r.width))] as [number, number], ...(b.value.base.tunedAt?.tpp !== undefined ? { TPP: [b.value.base.tunedAt.tpp, b.value.base.tunedAt.tpp] as [number, number] } : {}) };
    const verdicts = (res.value.transfer ?? []).map((t) => ({ axis: t.axis, verdict: t.verdict, slope: t.slope, slopeInterval: t.slopeInterval }));
    const lawEntry = { ...b.value.base, source: { file, fittedRange, transfer: verdicts, edge: b.value.issues.map((i) => i.path.join(".")) } };
    if (typeof o.out === "string") writeFitted(o.out, "mup", lawEntry, o.force === true);
    if (typeof o.baseOut === "string") writeBaseFile(o.baseOut, { lmplanMupBase: 1, base: lawEntry }, o.force === true);
    io.out(o.json ? `${JSON.stringify({ ...stripSamples(res.value), base: b.value.base, baseNotes: b.value.notes, skippedRows: skipped }, null, 2)}\n` : renderMup(res.value, b.value, skipped));
  });
}

/** A μP base file (--base-out): a new file, an earlier base file, or anything with --force. */
function writeBaseFile(path: string, doc: unknown, force: boolean): void {
  let prev: string | undefined;
  try {
    prev = readFileSync(path, "utf8");
  } catch {
    prev = undefined;
  }
  if (prev !== undefined && !force && !/"lmplanMupBase"\s*:\s*1/.test(prev.slice(0, 200))) {
    throw new FitInputError([invalid("baseOut", "a new file or a μP base file lmplan wrote (pass --force to replace another file)", path)]);
  }
  try {
    writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  } catch (e) {
    throw new FitInputError([invalid("baseOut", "a writable file path", `${path} (${(e as NodeJS.ErrnoException).code ?? "unwritable"})`)]);
  }
}
