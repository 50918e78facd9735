/**
 * `lmplan fit …`: read a sweep, fit a law, print it, and optionally write it to a fitted-laws file
 * that `lmplan plan --laws` reads.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { invalid, type Issue } from "../errors.js";
import type { LossPoint } from "../fit/chinchilla.js";
import { fitLoss, type LossFitReport } from "../fit/loss.js";
import { EPOCH_PARAMS } from "../laws/chinchilla-epoch.js";
import { detectFormat, parseColumnMap, readTable, type ColumnSpec, type Table } from "../io/table.js";
import { formatCount, formatFlops, formatSig } from "../units/format.js";

export interface FitIo {
  out: (s: string) => void;
  err: (s: string) => void;
  readStdin: () => string;
  isTTY: boolean;
}

export class FitInputError extends Error {
  constructor(readonly issues: Issue[]) {
    super("bad input");
  }
}

const LOSS_COLUMNS: ColumnSpec[] = [
  { key: "N", aliases: ["N", "params", "parameters", "model_size", "model size"], description: "parameters N", positive: true },
  { key: "D", aliases: ["D", "tokens", "data"], description: "training tokens D", positive: true, optional: true },
  { key: "C", aliases: ["C", "flops", "compute", "training flop", "training_flops"], description: "training FLOPs C (D = C/(6N))", positive: true, optional: true },
  { key: "L", aliases: ["L", "loss", "final_loss", "eval_loss"], description: "final loss", positive: true },
];

function readInput(file: string, io: FitIo): string {
  try {
    return file === "-" ? io.readStdin() : readFileSync(file, "utf8");
  } catch (e) {
    throw new FitInputError([invalid("file", "a readable CSV or JSONL file", `${file} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)]);
  }
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

function writeFitted(path: string, key: string, value: unknown): void {
  let doc: { lmplanFitVersion: 1; laws: Record<string, unknown> } = { lmplanFitVersion: 1, laws: {} };
  if (existsSync(path)) {
    try {
      const prev = JSON.parse(readFileSync(path, "utf8")) as typeof doc;
      if (prev && prev.lmplanFitVersion === 1 && typeof prev.laws === "object") doc = prev;
    } catch {
      throw new FitInputError([invalid("out", "a new file or an lmplan fitted-laws JSON file to add to", path)]);
    }
  }
  doc.laws[key] = value;
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
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

function nonNegInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0) throw new FitInputError([invalid(name, "a whole number ≥ 0", v)]);
  return x;
}

export function registerFit(program: Command, io: FitIo): void {
  const fit = program.command("fit").description("fit published laws to your own sweeps (loss; more fitters: see lmplan fit --help)");
  fit
    .command("loss <file>")
    .description("fit L = E + A/N^α + B/D^β to (N, D or C, loss) runs from a CSV or JSONL file (- for stdin)")
    .option("--map <pairs>", 'column names, e.g. N="Model Size",C="Training FLOP" (fields: N, D, C, L)')
    .option("--drop-highest <k>", "drop the k highest-loss points first (Epoch drops 5 of Hoffmann's)", "0")
    .option("--bootstrap <n>", "bootstrap resamples for 95% intervals (0 for none)", "200")
    .option("--seed <n>", "bootstrap seed", "1")
    .option("--skip-bad-rows", "fit without unusable rows (they are listed) instead of stopping")
    .option("--json", "print the fit as JSON")
    .option("--out <file>", "write (or add to) a fitted-laws file for lmplan plan --laws")
    .action((file: string, o: Record<string, string | boolean | undefined>) => {
      const { table, skipped } = load(file, LOSS_COLUMNS, o.map as string | undefined, o.skipBadRows === true, io);
      if (table.headers.D === undefined && table.headers.C === undefined) {
        throw new FitInputError([invalid("D", 'a tokens column (D) or a compute column (C, with D = C/(6N)); name one or pass --map D=… or --map C=…', "neither")]);
      }
      const points: LossPoint[] = table.rows.map((r) => ({ N: r.N as number, D: r.D ?? (r.C as number) / (6 * (r.N as number)), L: r.L as number }));
      const bootstrap = nonNegInt("bootstrap", o.bootstrap as string, 200);
      const res = fitLoss(points, {
        dropHighest: nonNegInt("dropHighest", o.dropHighest as string, 0),
        bootstrap,
        seed: nonNegInt("seed", o.seed as string, 1),
        onProgress: progress(io, "bootstrap"),
      });
      if (!res.ok) throw new FitInputError(res.issues);
      const r = res.value;
      if (typeof o.out === "string") {
        writeFitted(o.out, "loss", { form: "chinchilla", params: r.fit.params, intervals: r.intervals, objective: r.fit.objective, numPoints: r.numPoints, source: file });
      }
      io.out(o.json ? `${JSON.stringify({ ...r, skippedRows: skipped }, null, 2)}\n` : renderLossFit(r, skipped));
    });
}
