/**
 * `lmplan pareto` (the time–compute frontier under a deadline) and `lmplan fit bcrit` (the critical
 * batch from steps-to-target runs). Thin: parse flags → src/fit/bcrit.ts, src/plan/pareto.ts → text.
 */
import type { Command } from "commander";
import { conflict, invalid, missing, type Issue } from "../errors.js";
import { dirname, isAbsolute, resolve } from "node:path";
import { BCRIT_DEFINITION, fitBcrit, MAX_BCRIT_CURVES, MAX_BCRIT_RUNS, runsFromCurves, stepsAt, type BatchCurve, type BatchRun, type BcritReport } from "../fit/bcrit.js";
import { MAX_BOOTSTRAP } from "../fit/random.js";
import { acceleratorNames } from "../hardware/catalog.js";
import { DEFAULT_MFU } from "../hardware/time.js";
import type { Warning } from "../laws/types.js";
import { RANGES, type Range } from "../io/ranges.js";
import { cellNumber, detectFormat, parseColumnMap, readRecords, readTable, tableFromRecords, type ColumnSpec } from "../io/table.js";
import { MAX_SMOOTH, smoothLoss } from "../io/curves.js";
import { readSource } from "../io/logs/files.js";
import { readRunFiles } from "../io/logs/read.js";
import { roleSeries } from "../io/logs/align.js";
import { parseJson } from "../json.js";
import { DEFAULT_BATCHES, DEFAULT_MAX_BATCH_OVER_CRIT, DEFAULT_MAX_GPUS, DEFAULT_SIZES, MAX_GRID, pointRequest, type Frontier, type FrontierPoint, type Mark } from "../plan/pareto.js";
import { markNames, paretoDocument, paretoFromRequest, planOfPoint, ZHANG_CALIBRATION } from "../plan/pareto-request.js";
import type { Plan } from "../plan/types.js";
import { formatCount, formatDuration, formatFlops, formatSig, formatUsd } from "../units/format.js";
import { BadInput, type Io } from "./shared.js";
import { existingFitted, readText, writeFitted, writePlot } from "./files.js";
import type { Panel, Row } from "./plot.js";
import { POWER_LINES_BCRIT_TERM } from "../laws/power-lines-bcrit.js";

const s4 = (x: number) => formatSig(x, 4);
const s3 = (x: number) => formatSig(x, 3);

/** A whole number in [lo, hi], written as a plain decimal. */
function wholeIn(name: string, v: unknown, dflt: number, lo: number, hi: number, what: string): number {
  if (v === undefined) return dflt;
  const x = cellNumber(v);
  if (!Number.isInteger(x) || x < lo || x > hi) throw new BadInput([invalid(name, `${what} ${lo} … ${hi}`, v)]);
  return x;
}

// ---- lmplan fit bcrit --------------------------------------------------------------------------

const STEPS_RANGE: Range = { min: 0, max: 1e12, minExclusive: true, what: "a number of optimizer steps" };
const SEQ_LEN_RANGE: Range = { min: 1, max: 1e7, integer: true, what: "a sequence length in tokens" };

/** The columns fit bcrit reads, with their declared ranges (src/io/ranges.ts). */
export const BCRIT_COLUMNS: ColumnSpec[] = [
  { key: "N", aliases: ["N", "model", "params", "parameters", "model_size"], description: "model size N (groups the runs; needed for --with-n)", positive: true, optional: true, range: RANGES.params },
  { key: "target", aliases: ["target_loss", "target", "loss_target", "goal_loss"], description: "the target loss each run was timed to (groups the runs)", positive: true, optional: true, range: RANGES.loss },
  { key: "bs", aliases: ["batch_seqs", "bs", "batch", "batch_size", "global_batch"], description: "global batch in sequences (with seq_len or --seq-len)", positive: true, optional: true, range: RANGES.batchSeqs },
  { key: "batchTokens", aliases: ["batch_tokens", "batch_size_tokens"], description: "global batch in tokens", positive: true, optional: true, range: RANGES.batchTokens },
  { key: "seqLen", aliases: ["seq_len", "seq_length", "sequence_length"], description: "tokens per sequence", positive: true, optional: true, range: SEQ_LEN_RANGE },
  { key: "steps", aliases: ["steps_to_target", "steps", "num_steps"], description: "optimizer steps to reach the target", positive: true, optional: true, range: STEPS_RANGE },
  { key: "tokens", aliases: ["tokens_to_target", "tokens"], description: "tokens to reach the target", positive: true, optional: true, range: RANGES.tokens },
];

/** Groups label "85M · target 3.42". */
function groupLabel(N: number | undefined, target: number | undefined): string {
  const parts = [N !== undefined ? formatCount(N, 3) : undefined, target !== undefined ? `target ${target}` : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : "all runs";
}

/** Table rows → runs, or the issues naming the line and field. */
export function bcritRuns(text: string, file: string, mapText: string | undefined, seqLenFlag: number | undefined, skipBad: boolean): { runs: BatchRun[]; skipped: string[]; seqLens: Map<string, number | undefined> } {
  const map = parseColumnMap(mapText);
  if (!map.ok) throw new BadInput(map.issues);
  const t = readTable(text, detectFormat(file, text), BCRIT_COLUMNS, map.value);
  if (!t.ok) throw new BadInput(t.issues);
  const h = t.value.headers;
  const head: Issue[] = [];
  if (h.steps === undefined && h.tokens === undefined) head.push(missing(["steps"], 'a column of the steps to the target ("steps_to_target" or "steps") or of the tokens ("tokens_to_target"); or --map steps=… / --map tokens=…'));
  if (h.bs === undefined && h.batchTokens === undefined) head.push(missing(["bs"], 'a batch column: "batch_seqs" (sequences, with seq_len or --seq-len) or "batch_tokens"; or --map bs=…'));
  if (h.seqLen !== undefined && seqLenFlag !== undefined) head.push(conflict(["seqLen"], `the file has a sequence-length column ("${h.seqLen}") and --seq-len ${seqLenFlag} was given; give one`));
  if (head.length > 0) throw new BadInput(head);
  const rejected = [...t.value.rejected];
  const runs: BatchRun[] = [];
  const seqLens = new Map<string, number | undefined>();
  t.value.rows.forEach((r, i) => {
    const line = t.value.lines[i] as number;
    const seqLen = r.seqLen ?? seqLenFlag ?? 2048;
    const B = r.batchTokens ?? (r.bs as number) * seqLen;
    if (r.batchTokens !== undefined && r.bs !== undefined && Math.abs(r.bs * seqLen - r.batchTokens) > 1e-6 * r.batchTokens) {
      rejected.push({ line, issue: invalid([`line ${line}`, h.batchTokens as string], `batch_seqs × seq_len = ${r.bs} × ${seqLen} = ${r.bs * seqLen} tokens`, r.batchTokens) });
      return;
    }
    let steps = r.steps;
    if (steps === undefined) steps = (r.tokens as number) / B;
    else if (r.tokens !== undefined && Math.abs(steps * B - r.tokens) > 0.01 * r.tokens) {
      rejected.push({ line, issue: invalid([`line ${line}`, h.tokens as string], `steps × batch = ${steps} × ${B} = ${steps * B} tokens (within 1%)`, r.tokens) });
      return;
    }
    const group = groupLabel(r.N, r.target);
    const prevLen = seqLens.get(group);
    seqLens.set(group, seqLens.has(group) && prevLen !== seqLen ? undefined : seqLen);
    runs.push({ group, ...(r.N !== undefined ? { N: r.N } : {}), ...(r.target !== undefined ? { targetLoss: r.target } : {}), batchTokens: B, steps, line });
  });
  rejected.sort((a, b) => a.line - b.line);
  const skipped = rejected.map((r) => `line ${r.line}: ${r.issue.path.slice(1).join(".") || "row"}: expected ${r.issue.expected}, received ${r.issue.received}`);
  if (rejected.length > 0 && !skipBad) {
    throw new BadInput([...rejected.map((r) => r.issue), invalid("file", "only usable rows (fix them, or pass --skip-bad-rows to fit without them; they will be listed)", `${rejected.length} unusable row(s)`)]);
  }
  if (runs.length > MAX_BCRIT_RUNS) throw new BadInput([invalid("file", `at most ${MAX_BCRIT_RUNS} runs`, `${runs.length} runs`)]);
  return { runs, skipped, seqLens };
}

const ci = (x: [number, number] | undefined, f: (v: number) => string) => (x ? `(${f(x[0])}, ${f(x[1])})` : "");

export function renderBcrit(r: BcritReport, seqLens: Map<string, number | undefined>, skipped: string[]): string {
  const rows = r.groups.map((g) => {
    const L = seqLens.get(g.key);
    const seqs = L !== undefined ? formatSig(g.Bcrit / L, 4) : "—";
    return `  ${g.key.padEnd(20)} ${String(g.runs).padStart(4)}  ${`${formatSig(g.Smin, 5)} ${ci(g.intervals?.Smin, s4)}`.padEnd(26)} ${`${formatCount(g.Bcrit, 4)} ${ci(g.intervals?.Bcrit, (v) => formatCount(v, 3))}`.padEnd(28)} ${seqs.padStart(9)}  ${`${formatCount(g.Emin, 4)} ${ci(g.intervals?.Emin, (v) => formatCount(v, 3))}`.padEnd(28)} ${formatSig(g.rmsLog, 2)}${g.atEdge ? `  (B_crit at the ${g.atEdge} edge)` : ""}`;
  });
  const out = [
    "lmplan fit bcrit · McCandlish S(B) = S_min(1 + B_crit/B) per group, least squares of log S (arXiv 1812.06162 §2)",
    `  ${r.groups.reduce((a, g) => a + g.runs, 0)} runs in ${r.groups.length} group(s)${r.bootstrap ? `; 95% intervals from ${r.bootstrap.resamples} residual-bootstrap resamples (${r.bootstrap.failed} failed)` : ""}${skipped.length > 0 ? `; ${skipped.length} unusable row(s) skipped` : ""}`,
    "",
    "  group                runs  S_min steps (95% CI)       B_crit tokens (95% CI)        in seqs   D = E_min = S_min·B_crit     rms log S",
    ...rows,
    "",
  ];
  if (r.law) {
    const l = r.law;
    out.push(
      `  B_crit = ${s4(l.coefficient)} · D^${s4(l.exponent)} tokens   (D = E_min; R² ${formatSig(l.r2, 4)}${l.intervals ? `; exponent 95% CI ${s3(l.intervals.exponent[0])}–${s3(l.intervals.exponent[1])}, coefficient ${s3(l.intervals.coefficient[0])}–${s3(l.intervals.coefficient[1])}` : ""})`,
      `  fitted on D ${formatCount((r.fitRangeD as [number, number])[0], 3)} … ${formatCount((r.fitRangeD as [number, number])[1], 3)} tokens; Power Lines (arXiv 2505.13738) reports B_crit ∝ ${POWER_LINES_BCRIT_TERM} [unverified, coefficient not published]`,
    );
  }
  if (r.withN) {
    const w = r.withN;
    out.push(`  with N: B_crit = ${s4(w.coefficient)} · N^${s4(w.expN)} · D^${s4(w.expD)}   (R² ${formatSig(w.r2, 4)}${w.intervals ? `; N exponent 95% CI ${s3(w.intervals.expN[0])}–${s3(w.intervals.expN[1])}, D exponent ${s3(w.intervals.expD[0])}–${s3(w.intervals.expD[1])}` : ""})`);
  }
  out.push("", `  definition: ${BCRIT_DEFINITION}`);
  if (r.notes.length > 0) out.push("", "NOTES", ...r.notes.map((n) => `  ${n}`));
  if (skipped.length > 0) out.push("", "ROWS NOT USED", ...skipped.map((s) => `  ${s}`));
  return `${out.join("\n")}\n`;
}

/** The manifest's column naming each curve's log file or run directory. */
const CURVE_FILE_ALIASES = ["file", "curve", "path", "log", "logs", "run"];

/** A run's loss series (training, or evaluation with evalLoss): logged steps and losses, ascending. */
export type LossCurveReader = (path: string, evalLoss: boolean) => { ok: true; value: { steps: number[]; loss: number[]; tag: string } } | { ok: false; issues: Issue[] };

/** The logs readers (src/io/logs/): any format `lmplan fit curves` and `track` read, one run per path. */
export const readLossCurve: LossCurveReader = (path, evalLoss) => {
  const src = readSource(path);
  if (!src.ok) return src;
  const run = readRunFiles(src.value);
  if (!run.ok) return run;
  const role = evalLoss ? "evalLoss" : "loss";
  const s = roleSeries(run.value, role);
  if (!s) return { ok: false, issues: [missing([path, role], `a ${evalLoss ? "evaluation" : "training"}-loss series among the run's tags (${[...run.value.series.keys()].slice(0, 10).join(", ") || "none"})`)] };
  return { ok: true, value: { steps: s.step, loss: s.value, tag: s.choice.tag } };
};

/**
 * A manifest of loss curves → runs: each row names a curve (its file or run directory, relative to the
 * manifest), its batch and its target; the steps are the curve's first crossing of the target
 * (runsFromCurves, src/fit/bcrit.ts). A curve that never crosses is refused, naming it.
 */
export function bcritCurveRuns(text: string, file: string, mapText: string | undefined, seqLenFlag: number | undefined, o: { smooth?: number; evalLoss: boolean }, read: LossCurveReader): { runs: BatchRun[]; skipped: string[]; seqLens: Map<string, number | undefined>; notes: string[] } {
  const map = parseColumnMap(mapText);
  if (!map.ok) throw new BadInput(map.issues);
  const set = readRecords(text, detectFormat(file, text));
  if (!set.ok) throw new BadInput(set.issues);
  const wanted = (map.value.file ?? "").toLowerCase();
  const fi = set.value.fields.findIndex((f) => (wanted ? f.trim().toLowerCase() === wanted : CURVE_FILE_ALIASES.includes(f.trim().toLowerCase())));
  if (fi < 0) throw new BadInput([missing(["file"], `a column naming each curve's log file or run directory ("${CURVE_FILE_ALIASES.join('", "')}"); or --map file=…`)]);
  const { file: _file, ...numericMap } = map.value;
  const columns = BCRIT_COLUMNS.filter((c) => c.key !== "steps" && c.key !== "tokens");
  const t = tableFromRecords(set.value, columns, numericMap);
  if (!t.ok) throw new BadInput(t.issues);
  const h = t.value.headers;
  const head: Issue[] = [];
  if (h.target === undefined) head.push(missing(["target"], 'a target-loss column ("target_loss") — the loss each curve is timed to'));
  if (h.bs === undefined && h.batchTokens === undefined) head.push(missing(["bs"], 'a batch column: "batch_seqs" (sequences, with seq_len or --seq-len) or "batch_tokens"'));
  if (h.seqLen !== undefined && seqLenFlag !== undefined) head.push(conflict(["seqLen"], `the file has a sequence-length column ("${h.seqLen}") and --seq-len ${seqLenFlag} was given; give one`));
  if (t.value.rejected.length > 0) head.push(...t.value.rejected.map((r) => r.issue));
  if (head.length > 0) throw new BadInput(head);
  const byLine = new Map(set.value.records.map((r) => [r.line, r]));
  const base = dirname(file);
  const curves: BatchCurve[] = [];
  const seqLens = new Map<string, number | undefined>();
  const issues: Issue[] = [];
  const tags = new Set<string>();
  if (t.value.rows.length > MAX_BCRIT_CURVES) throw new BadInput([invalid("file", `at most ${MAX_BCRIT_CURVES} curves`, `${t.value.rows.length} rows`)]);
  t.value.rows.forEach((r, i) => {
    const line = t.value.lines[i] as number;
    const cell = String(byLine.get(line)?.cells[fi] ?? "").trim();
    if (cell === "") {
      issues.push(invalid([`line ${line}`, "file"], "a log file or run directory", "an empty cell"));
      return;
    }
    const path = isAbsolute(cell) ? cell : resolve(base, cell);
    const c = read(path, o.evalLoss);
    if (!c.ok) {
      issues.push(...c.issues.map((x) => ({ ...x, path: [`line ${line}`, ...x.path] })));
      return;
    }
    tags.add(c.value.tag);
    const seqLen = r.seqLen ?? seqLenFlag ?? 2048;
    const group = groupLabel(r.N, r.target);
    const prevLen = seqLens.get(group);
    seqLens.set(group, seqLens.has(group) && prevLen !== seqLen ? undefined : seqLen);
    const loss = o.smooth !== undefined && o.smooth > 1 ? smoothLoss({ name: cell, lrs: new Float64Array(0), steps: Int32Array.from(c.value.steps), loss: Float64Array.from(c.value.loss) }, o.smooth).loss : c.value.loss;
    curves.push({ group, ...(r.N !== undefined ? { N: r.N } : {}), targetLoss: r.target as number, batchTokens: r.batchTokens ?? (r.bs as number) * seqLen, steps: c.value.steps, loss, name: `line ${line} (${cell})`, line });
  });
  if (issues.length > 0) throw new BadInput(issues);
  const runs = runsFromCurves(curves);
  if (!runs.ok) throw new BadInput(runs.issues);
  const notes = [...runs.value.notes, `loss series read: ${[...tags].map((x) => `"${x}"`).join(", ")}${o.smooth !== undefined && o.smooth > 1 ? `; each averaged over a centred window of ${o.smooth} logged points first` : ""}`];
  return { runs: runs.value.runs, skipped: [], seqLens, notes };
}

/** Register `bcrit` on the `fit` command (src/cli/fit.ts owns `fit`; this adds one subcommand). */
export function registerFitBcrit(fit: Command, io: Io): void {
  fit
    .command("bcrit <file>")
    .description("fit McCandlish's S(B) = S_min(1 + B_crit/B) per model size (or token budget) to steps-to-target runs, then B_crit = k·D^b (D = E_min) — for lmplan pareto")
    .option("--map <pairs>", 'column names as field=column pairs (fields: N, target, bs, batchTokens, seqLen, steps, tokens; e.g. steps="iters to 3.2")')
    .option("--seq-len <tokens>", "tokens per sequence when the file has no seq_len column (default 2048)")
    .option("--with-n", "also fit B_crit = k·N^a·D^b, to see whether N matters at fixed D (needs N and 4+ groups)")
    .option("--bootstrap <n>", "residual-bootstrap resamples for 95% intervals (0 for none)", "1000")
    .option("--seed <n>", "bootstrap seed", "1")
    .option("--skip-bad-rows", "fit without unusable rows (they are listed) instead of stopping")
    .option("--curves", "the file lists whole loss curves, one per run (columns: file — a log file or run directory lmplan reads —, batch_seqs or batch_tokens, target_loss, and N, seq_len): the steps to each target are the first crossing, interpolated linearly between logged steps")
    .option("--smooth <n>", "with --curves: average each loss over a centred window of n logged points before finding the crossing (odd n; a noisy per-step log crosses early otherwise)")
    .option("--eval-loss", "with --curves: read the evaluation loss instead of the training loss")
    .option("--json", "print the fit as JSON")
    .option("--out <file>", "write (or add to) a fitted-laws file for lmplan pareto --laws; another existing file is refused unless --force")
    .option("--force", "let --out replace an existing file that is not an lmplan fitted-laws file")
    .option("--plot <file.svg>", "draw steps vs batch per group with the fits, and B_crit vs D with the law (log axes), to an SVG file")
    .addHelpText("after", "\nExamples:\n  lmplan fit bcrit data/critical_batch/zhang2024_steps_to_target.csv --with-n --out fitted.json\n  lmplan fit bcrit curves.csv --curves --smooth 21   (curves.csv: file,batch_seqs,target_loss,N)")
    .action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      const bootstrap = wholeIn("bootstrap", o.bootstrap, 1000, 0, MAX_BOOTSTRAP, "a whole number of resamples");
      const seed = wholeIn("seed", o.seed, 1, 0, 2 ** 32 - 1, "a whole-number seed");
      const seqLenFlag = o.seqLen === undefined ? undefined : wholeIn("seqLen", o.seqLen, 2048, 1, 1e7, "a whole number of tokens");
      if (typeof o.out === "string") existingFitted(o.out, o.force === true);
      const smooth = o.smooth === undefined ? undefined : wholeIn("smooth", o.smooth, 1, 1, MAX_SMOOTH, "an odd whole number of logged points");
      if (smooth !== undefined && smooth % 2 === 0) throw new BadInput([invalid("smooth", `an odd whole number of logged points 1 … ${MAX_SMOOTH}`, o.smooth)]);
      if (o.curves !== true && (smooth !== undefined || o.evalLoss === true)) throw new BadInput([missing(["curves"], `--${smooth !== undefined ? "smooth" : "eval-loss"} reads loss curves: add --curves (the file then lists one curve per run)`)]);
      const text = readText(file, io, "file", "a readable CSV or JSONL file");
      const { runs, skipped, seqLens, notes } = o.curves === true
        ? bcritCurveRuns(text, file, o.map as string | undefined, seqLenFlag, { ...(smooth !== undefined ? { smooth } : {}), evalLoss: o.evalLoss === true }, readLossCurve)
        : { ...bcritRuns(text, file, o.map as string | undefined, seqLenFlag, o.skipBadRows === true), notes: [] as string[] };
      const res = fitBcrit(runs, { bootstrap, seed, withN: o.withN === true });
      if (!res.ok) throw new BadInput(res.issues);
      const r = res.value;
      r.notes.unshift(...notes);
      if (typeof o.plot === "string") {
        const series = r.groups.map((g) => g.key);
        const dots: Row[] = r.groups.flatMap((g) => g.points.map((p) => ({ B: p.batchTokens, S: p.steps, group: g.key })));
        const fits: Row[] = r.groups.flatMap((g) => Array.from({ length: 41 }, (_, k) => {
          const B = g.batchRange[0] * (g.batchRange[1] / g.batchRange[0]) ** (k / 40);
          return { B, S: stepsAt(g, B), group: g.key };
        }));
        const panels: Panel[] = [{ title: "Steps to the target vs batch: runs (dots), S_min(1 + B_crit/B) per group (lines)", x: { label: "global batch (tokens)", log: true }, y: { label: "steps", log: true }, dots: { data: dots, x: "B", y: "S", stroke: "group" }, lines: [{ data: fits, x: "B", y: "S", z: "group" }], series }];
        if (r.law) {
          const law = r.law;
          const [dLo, dHi] = r.fitRangeD as [number, number];
          panels.push({ title: `B_crit vs D = E_min: groups (dots), B_crit = ${s4(law.coefficient)}·D^${s4(law.exponent)} (line)`, x: { label: "D = E_min (tokens)", log: true }, y: { label: "B_crit (tokens)", log: true }, dots: { data: r.groups.filter((g) => !g.atEdge).map((g) => ({ D: g.Emin, B: g.Bcrit })), x: "D", y: "B" }, lines: [{ data: [dLo / 1.5, dHi * 1.5].map((D) => ({ D, B: law.coefficient * D ** law.exponent })), x: "D", y: "B" }] });
        }
        await writePlot(o.plot, panels, io);
      }
      if (typeof o.out === "string") {
        if (!r.law) throw new BadInput([missing(["out"], "a B_crit law to write: it needs 2 or more groups whose B_crit the data bound (see NOTES)")]);
        writeFitted(o.out, "bcrit", {
          form: "mccandlish-power-law",
          D: "Emin",
          coefficient: r.law.coefficient,
          exponent: r.law.exponent,
          fitRangeD: r.fitRangeD,
          intervals: r.law.intervals,
          withN: r.withN,
          groups: r.groups.map((g) => ({ key: g.key, N: g.N, targetLoss: g.targetLoss, Smin: g.Smin, Bcrit: g.Bcrit, Emin: g.Emin })),
          source: file,
        }, o.force === true);
      }
      if (o.json) {
        io.out(`${JSON.stringify({ ...r, skippedRows: skipped }, null, 2)}\n`);
        return;
      }
      io.out(renderBcrit(r, seqLens, skipped));
    });
}

// ---- lmplan pareto -----------------------------------------------------------------------------

/** The shipped calibration (src/plan/pareto-request.ts), re-exported for the tests and the bench. */
export { ZHANG_CALIBRATION };

/** The `laws` of a fitted-laws file, for the request's fittedLaws field (checked by the request schema). */
function readLawsFile(path: string, io: Io): unknown {
  const text = readText(path, io, "laws", "a readable fitted-laws file (lmplan fit … --out)");
  const parsed = parseJson(text, "laws");
  if (!parsed.ok) throw new BadInput(parsed.issues);
  const doc = parsed.value as { lmplanFitVersion?: unknown; laws?: unknown };
  if (doc === null || typeof doc !== "object" || doc.lmplanFitVersion !== 1 || typeof doc.laws !== "object" || doc.laws === null || Array.isArray(doc.laws)) {
    throw new BadInput([invalid("laws", "a fitted-laws file written by lmplan fit … --out (lmplanFitVersion 1)", path)]);
  }
  return doc.laws;
}

/** The request fields `lmplan pareto` takes from its flags (commander's attribute names are the fields'). */
const PARETO_FLAGS = ["lossTarget", "compute", "gpu", "maxGpus", "mfu", "price", "precision", "seqLen", "lossLaw", "bcrit", "paramsRange", "sizes", "batches", "maxBatchOverCrit", "days"] as const;

interface TableRow {
  index: number;
  point: FrontierPoint;
  marks: string[];
  plan?: Plan;
}

/** At most `rows` Pareto points, spread evenly in log time, always with the marked and deadline points. */
function pickRows(f: Frontier, rows: number, extra?: number): number[] {
  const n = f.pareto.length;
  const keep = new Set<number>([f.marks.fastest, f.marks.knee, f.marks.cheapest, ...(extra !== undefined ? [extra] : [])]);
  const t0 = Math.log((f.pareto[0] as FrontierPoint).seconds);
  const t1 = Math.log((f.pareto[n - 1] as FrontierPoint).seconds);
  const want = Math.max(0, rows - keep.size);
  for (let k = 1; k <= want && n > keep.size; k++) {
    const target = t0 + ((t1 - t0) * k) / (want + 1);
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(Math.log((f.pareto[i] as FrontierPoint).seconds) - target) < Math.abs(Math.log((f.pareto[best] as FrontierPoint).seconds) - target)) best = i;
    keep.add(best);
  }
  return [...keep].sort((a, b) => a - b);
}

function cliFlags(req: Record<string, unknown>): string {
  const flag: Record<string, string> = { params: "--params", tokens: "--tokens", batchSeqs: "--batch-seqs", gpus: "--gpus", gpu: "--gpu", seqLen: "--seq-len", mfu: "--mfu", price: "--price", lossLaw: "--loss-law" };
  return Object.entries(req)
    .map(([k, v]) => `${flag[k] ?? k} ${k === "params" || k === "tokens" ? formatCount(v as number, 4) : String(v)}`)
    .join(" ");
}

function renderPareto(f: Frontier, rows: TableRow[], ctx: { gpuTitle: string; mfu: number; price?: number; maxGpus: number; deadline?: { seconds: number; index: number }; base: Parameters<typeof pointRequest>[1]; lawsFlag?: string }): string {
  const money = ctx.price !== undefined;
  const out: string[] = [];
  out.push(
    `lmplan pareto · time vs ${money ? "cost" : "compute"} to reach loss ${s4(f.lossTarget)} (${f.lossLaw}), ${ctx.gpuTitle} at MFU ${ctx.mfu}${money ? `, ${formatUsd(ctx.price as number)}/GPU-h` : ""}, ≤ ${ctx.maxGpus} GPUs`,
    `  target: ${f.targetHow}`,
    `  compute-optimal for this loss: N ${formatCount(f.optimum.N, 4)}, D ${formatCount(f.optimum.D, 4)}, 6ND ${formatFlops(f.optimum.flops6ND)} (αA/N^α = βB/D^β, the condition behind Hoffmann Eq. 4)`,
    `  B_crit = ${s4(f.bcrit.coefficient)} · D_min^${s4(f.bcrit.exponent)} tokens — ${f.bcrit.title}${f.bcrit.verified ? "" : " [unverified]"}`,
    `  ${f.sizes} sizes, ${f.candidates.length} (N, batch) points; ${f.pareto.length} on the frontier (none is both faster and cheaper)`,
    "",
  );
  const header = ["", "N", "tokens", "batch seqs", "B/B_crit", "GPUs", "steps", "compute", "time", money ? "cost" : "GPU-h", money ? "$/h saved" : "FLOP/h saved", "peak η", "λ", "mem"];
  const table: string[][] = [header];
  rows.forEach((r, k) => {
    const q = r.point;
    const slower = rows[k + 1]?.point;
    let trade = "";
    if (slower) {
      const dt = (slower.seconds - q.seconds) / 3600;
      const dc = money ? (q.costUsd as number) - (slower.costUsd as number) : q.flops - slower.flops;
      trade = money ? formatUsd(dc / dt) : formatFlops(dc / dt);
    }
    const pl = r.plan;
    table.push([
      r.marks.join(","),
      formatCount(q.N, 3),
      formatCount(q.tokens, 3),
      String(q.batchSeqs),
      formatSig(q.batchOverCrit, 2),
      String(q.gpus),
      formatCount(Math.ceil(q.steps), 3),
      formatFlops(q.flops),
      formatDuration(q.seconds),
      money ? formatUsd(q.costUsd as number) : formatCount(q.gpuHours, 3),
      trade,
      pl ? formatSig(pl.optimizer.hiddenLr.value, 3) : "",
      pl ? formatSig(pl.optimizer.weightDecay.value, 3) : "",
      pl ? (pl.memory.fits ? "fits" : "no") : "",
    ]);
  });
  const widths = header.map((_, c) => Math.max(...table.map((r) => (r[c] as string).length)));
  for (const r of table) out.push(`  ${r.map((cell, c) => (c <= 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join("  ")}`);
  out.push(
    "",
    `  ${money ? "$/h saved" : "FLOP/h saved"}: what each row costs over the next slower row, per hour of wall-clock it saves. peak η, λ: the plan's hidden-weight LR and AdamW weight_decay, λ re-derived from τ_opt at each batch (Power Lines). mem: whether lmplan's memory model fits the plan per GPU.`,
  );
  if (ctx.deadline) {
    const q = f.pareto[ctx.deadline.index] as FrontierPoint;
    const cheapest = f.pareto[f.marks.cheapest] as FrontierPoint;
    out.push("", `DEADLINE ${formatDuration(ctx.deadline.seconds)}`);
    out.push(`  cheapest point that meets it: N ${formatCount(q.N, 3)}, ${formatCount(q.tokens, 3)} tokens, batch ${q.batchSeqs} × ${ctx.base.seqLen} on ${q.gpus} GPUs (${q.nodes} nodes): ${formatDuration(q.seconds)}, ${money ? formatUsd(q.costUsd as number) : `${formatFlops(q.flops)} FLOPs`}`);
    if (ctx.deadline.index === f.marks.cheapest) out.push("  the cheapest point on the frontier already meets the deadline; going faster only costs more");
    else {
      const extra = money ? `${formatUsd((q.costUsd as number) - (cheapest.costUsd as number))} (+${s3(((q.costUsd as number) / (cheapest.costUsd as number) - 1) * 100)}%)` : `${formatFlops(q.flops - cheapest.flops)} FLOPs (+${s3((q.flops / cheapest.flops - 1) * 100)}%)`;
      out.push(`  versus the cheapest (${formatDuration(cheapest.seconds)}): ${formatDuration(cheapest.seconds - q.seconds)} sooner for ${extra}`);
    }
    out.push(`  as a plan: lmplan plan ${cliFlags(pointRequest(q, ctx.base))}${ctx.lawsFlag ? ` --laws ${ctx.lawsFlag}` : ""}`);
  }
  out.push("", "EACH MARKED POINT AS A PLAN");
  for (const k of ["fastest", "knee", "cheapest"] as Mark[]) out.push(`  ${k.padEnd(8)} lmplan plan ${cliFlags(pointRequest(f.pareto[f.marks[k]] as FrontierPoint, ctx.base))}${ctx.lawsFlag ? ` --laws ${ctx.lawsFlag}` : ""}`);
  out.push("", "ASSUMPTIONS", ...f.assumptions.map((a) => `  · ${a}`));
  const w: Warning[] = f.warnings;
  if (w.length > 0) out.push("", "WARNINGS", ...w.map((x) => `  ! ${x.message}`));
  return `${out.join("\n")}\n`;
}

export function registerPareto(program: Command, io: Io): void {
  // `fit bcrit` rides on the fit command src/cli/fit.ts registers, when it is there.
  const fit = program.commands.find((c) => c.name() === "fit");
  if (fit && !fit.commands.some((c) => c.name() === "bcrit")) registerFitBcrit(fit, io);
  if (program.commands.some((c) => c.name() === "pareto")) return;
  program
    .command("pareto")
    .description("the time–compute Pareto frontier of model size, tokens, batch and GPUs for a target loss (McCandlish's S(B), E(B) with a calibrated B_crit); --days picks the cheapest point that meets a deadline")
    .option("--loss-target <nats>", "the loss to reach, on the loss law's scale (e.g. 2.1 for the Chinchilla laws)")
    .option("--compute <flops>", "or a budget: the target is the loss of the compute-optimal (N, D) at C = 6ND")
    .option("--gpu <name>", `accelerator: ${acceleratorNames().join(", ")}`, "h100")
    .option("--max-gpus <n>", `most GPUs a point may use, in whole 8-GPU nodes (default ${DEFAULT_MAX_GPUS}: Llama 3 405B's scale, arXiv 2407.21783)`)
    .option("--mfu <fraction>", `model FLOPs utilisation (default ${DEFAULT_MFU}, TorchTitan's measured Llama 3.1 8B on H100)`)
    .option("--price <usd-per-gpu-hour>", "price per GPU-hour (default: the catalog's, where it has one)")
    .option("--seq-len <tokens>", "tokens per sequence", "2048")
    .option("--loss-law <id>", "chinchilla-epoch (default) or chinchilla-hoffmann")
    .option("--laws <file>", "a fitted-laws file (lmplan fit … --out): its loss law and its bcrit law replace the defaults")
    .option("--bcrit <source>", `B_crit calibration: zhang2024 (the shipped fit; the default without a fitted one), fitted (the bcrit entry of --laws), or <B_crit>@<D_min> such as "4M@20B" (one calibrated run, scaled by Power Lines' ${POWER_LINES_BCRIT_TERM})`)
    .option("--params-range <lo..hi>", 'model sizes to consider, e.g. "2B..30B" (default: 1.5× the smallest that can reach the target … 2× the compute-optimal)')
    .option("--sizes <n>", `model sizes on the grid (2 … ${MAX_GRID})`, String(DEFAULT_SIZES))
    .option("--batches <n>", `batch sizes per model (2 … ${MAX_GRID})`, String(DEFAULT_BATCHES))
    .option("--max-batch-over-crit <x>", "largest batch as a multiple of B_crit", String(DEFAULT_MAX_BATCH_OVER_CRIT))
    .option("--days <duration>", 'a deadline such as "14d" or "36h": the cheapest frontier point that meets it')
    .option("--rows <n>", "frontier rows to print", "12")
    .option("--json", "print the frontier as JSON (every Pareto point with its plan request, η and λ)")
    .option("--plot <file.svg>", "draw time vs cost (or compute) of every point, the frontier and the marked points, to an SVG file")
    .addHelpText("after", "\nExamples:\n  lmplan pareto --loss-target 2.1 --gpu h100\n  lmplan pareto --loss-target 2.1 --max-gpus 1024 --days 14d\n  lmplan fit bcrit runs.csv --out fitted.json && lmplan pareto --compute 1e23 --laws fitted.json")
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const rowsWanted = wholeIn("rows", o.rows, 12, 3, 200, "a whole number");
      const request: Record<string, unknown> = {};
      for (const k of PARETO_FLAGS) if (o[k] !== undefined) request[k] = o[k];
      if (typeof o.laws === "string") request.fittedLaws = readLawsFile(o.laws, io);
      const res = paretoFromRequest(request);
      // The core names the field; the CLI names the flag that sets it.
      if (!res.ok) throw new BadInput(res.issues.map((i) => (i.path[0] === "fittedLaws" ? { ...i, path: ["laws", ...i.path.slice(1)], expected: i.expected.replace("(the laws have no bcrit entry)", `(${o.laws} has no bcrit entry)`) } : i.path[0] === "bcrit" ? { ...i, expected: i.expected.replace("(the laws have no bcrit entry)", `(${o.laws} has no bcrit entry)`) } : i)));
      const a = res.value;
      const f = a.frontier;
      const deadlineIndex = a.deadline?.index;
      const price = a.price;
      const planOf = (q: FrontierPoint): Plan | undefined => planOfPoint(a, q);
      if (typeof o.plot === "string") {
        const money = price !== undefined;
        const y = (q: FrontierPoint) => (money ? (q.costUsd as number) : q.flops);
        const h = (q: FrontierPoint) => q.seconds / 3600;
        const kinds = ["every (N, batch)", "Pareto frontier", `fastest · knee · cheapest${deadlineIndex !== undefined ? " · deadline" : ""}`];
        const markedIdx = [...new Set([...Object.values(f.marks), ...(deadlineIndex !== undefined ? [deadlineIndex] : [])])];
        // Points far above the frontier would squash it: those costing over 1.5× the fastest are not drawn.
        const yCap = 1.5 * y(f.pareto[0] as FrontierPoint);
        // Drawn in order: every point, then the frontier over it, then the marked points on top.
        const dots: Row[] = [
          ...f.candidates.filter((q) => y(q) <= yCap).map((q) => ({ hours: h(q), y: y(q), kind: kinds[0] as string })),
          ...f.pareto.map((q) => ({ hours: h(q), y: y(q), kind: kinds[1] as string })),
          ...markedIdx.map((i) => ({ hours: h(f.pareto[i] as FrontierPoint), y: y(f.pareto[i] as FrontierPoint), kind: kinds[2] as string })),
        ];
        const along = ["N (parameters)", "batch (tokens)", "B_crit (tokens)", "GPUs"];
        const lines: Row[] = f.pareto.flatMap((q) => [
          { hours: h(q), v: q.N, what: along[0] as string },
          { hours: h(q), v: q.batchTokens, what: along[1] as string },
          { hours: h(q), v: q.BcritTokens, what: along[2] as string },
          { hours: h(q), v: q.gpus, what: along[3] as string },
        ]);
        await writePlot(o.plot, [
          { title: `Time vs ${money ? "cost" : "compute"} to loss ${s4(f.lossTarget)} (${f.lossLaw}, ${f.bcrit.id}): points ≤ 1.5× the fastest's`, x: { label: "wall-clock (hours)", log: true }, y: { label: money ? "cost (USD)" : "compute (FLOPs)", log: true }, dots: { data: dots, x: "hours", y: "y", stroke: "kind", r: 2 }, series: kinds },
          { title: "Along the frontier: model size, batch, B_crit and GPUs against wall-clock", x: { label: "wall-clock (hours)", log: true }, y: { label: "count", log: true }, lines: [{ data: lines, x: "hours", y: "v", z: "what" }], series: along },
        ], io);
      }
      if (o.json) {
        // A plan for every Pareto point (≈ 1 ms each) up to MAX_DOCUMENT_PLANS of them; past that, the marked ones.
        io.out(`${JSON.stringify(paretoDocument(a, { plans: "all" }), null, 2)}\n`);
        return;
      }
      const idx = pickRows(f, rowsWanted, deadlineIndex);
      const rows: TableRow[] = idx.map((i) => {
        const q = f.pareto[i] as FrontierPoint;
        const pl = planOf(q);
        return { index: i, point: q, marks: markNames(f, i, deadlineIndex), ...(pl ? { plan: pl } : {}) };
      });
      io.out(renderPareto(f, rows, { gpuTitle: a.accelerator.title, mfu: a.mfu, ...(price !== undefined ? { price } : {}), maxGpus: a.maxGpus, ...(a.deadline ? { deadline: a.deadline } : {}), base: a.base, ...(typeof o.laws === "string" && a.fittedLoss !== undefined ? { lawsFlag: o.laws } : {}) }));
    });
}
