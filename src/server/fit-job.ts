/**
 * One fit request as a pure function of its body: read the table, run the fitter the route names, and
 * answer a status and a JSON body. The server runs it on a worker thread (fit-queue.ts) so a fit never
 * holds the event loop; the same function runs inline where no worker is available.
 * Kinds: "loss" (/api/fit: the Chinchilla form, Hoffmann App. D.2), "lr-batch" (/api/fit/lr-batch:
 * Step Law's method) and "timescale" (/api/fit/timescale: Power Lines' method) — the fitters and the
 * column declarations of `lmplan fit loss | lr-batch | timescale`.
 */
import { formatIssue, invalid, type Issue } from "../errors.js";
import { respell } from "../plan/spelling.js";
import { dropHighestLoss, fitLoss, LOSS_COLUMNS, lossFitCurves, lossPoints } from "../fit/loss.js";
import { fitLrBatch, LR_BATCH_COLUMNS, tableBatchTokens } from "../fit/lr-batch.js";
import { fitTimescale, TIMESCALE_COLUMNS } from "../fit/timescale.js";
import { detectFormat, parseColumnMap, readTable, type ColumnSpec, type Table } from "../io/table.js";

export type FitKind = "loss" | "lr-batch" | "timescale";

export interface FitJob {
  /** Which fitter; "loss" when absent. */
  kind?: FitKind;
  text: string;
  /** The request's media type, lower case, without parameters. */
  mediaType: string;
  bootstrap: number;
  /** loss: drop the k highest-loss runs before fitting (Epoch AI drops 5 of Hoffmann's 245). */
  dropHighest?: number;
  /** lr-batch, timescale: tokens per sequence, to turn a batch in sequences into tokens (default 2048). */
  seqLen?: number;
  /** lr-batch: runs within this fraction of a group's best loss count as optimal (Step Law: 0.0025). */
  threshold?: number;
  /** Column names as field=column pairs, as `lmplan fit --map` takes them. */
  map?: string;
}

export interface FitAnswer {
  status: 200 | 400 | 429 | 500 | 503;
  body: unknown;
}

/** Most rows a fit over HTTP takes (the shipped Chinchilla extraction has 245, Step Law's sweep 1,911). */
export const MAX_FIT_ROWS = 5000;
/**
 * Most refits a request may ask for, rows × (bootstrap + 1): about a minute of one core at the worst.
 * 245 rows × 101 fits (the UI's default) is 24,745.
 */
export const MAX_FIT_WORK = 250_000;
/** Most highest-loss runs a loss fit over HTTP may drop (Epoch drops 5). */
export const MAX_DROP_HIGHEST = 50;

/** The API's error body: each issue's fields as data, and its message, with plan fields spelled as the JSON keys a client sends. */
export const errorBody = (issues: Issue[]) => ({ errors: issues.map((i) => ({ path: i.path.join("."), code: i.code, expected: respell(i.expected, "json"), received: i.received, message: respell(formatIssue(i), "json") })) });

type Read = { ok: true; table: Table } | { ok: false; answer: FitAnswer };

const bad = (issues: Issue[]): FitAnswer => ({ status: 400, body: errorBody(issues) });

function read(job: FitJob, columns: readonly ColumnSpec[]): Read {
  const { text } = job;
  if (text.includes("\u0000")) return { ok: false, answer: bad([invalid("body", "a text CSV or JSONL file", "binary data")]) };
  if (text.trim() === "") return { ok: false, answer: bad([invalid("body", "a CSV or JSONL file of runs", "an empty body")]) };
  const map = parseColumnMap(job.map);
  if (!map.ok) return { ok: false, answer: bad(map.issues) };
  const t = readTable(text, /ndjson|jsonl/.test(job.mediaType) ? "jsonl" : detectFormat("", text), columns, map.value);
  if (!t.ok) return { ok: false, answer: bad(t.issues) };
  if (t.value.rejected.length > 0) return { ok: false, answer: bad(t.value.rejected.map((r) => r.issue)) };
  return { ok: true, table: t.value };
}

/** The runs-and-resamples bound every kind shares. */
function tooMuch(rows: number, bootstrap: number): FitAnswer | undefined {
  if (rows > MAX_FIT_ROWS) return bad([invalid("body", `at most ${MAX_FIT_ROWS} runs per fit over HTTP (the CLI's lmplan fit takes more)`, `${rows} runs`)]);
  if (rows * (bootstrap + 1) > MAX_FIT_WORK) {
    return bad([invalid("bootstrap", `at most ${Math.floor(MAX_FIT_WORK / rows) - 1} resamples for ${rows} runs (runs × (bootstrap + 1) ≤ ${MAX_FIT_WORK})`, bootstrap)]);
  }
  return undefined;
}

function batchTokens(table: Table, seqLen: number): number[] | Issue {
  return tableBatchTokens(table, seqLen) ?? invalid("bs", "a batch column: bs (sequences, with seqLen) or batch_tokens; or map bs=…", "neither");
}

export function runFitJob(job: FitJob): FitAnswer {
  switch (job.kind ?? "loss") {
    case "lr-batch":
      return runLrBatch(job);
    case "timescale":
      return runTimescale(job);
    default:
      return runLoss(job);
  }
}

function runLoss(job: FitJob): FitAnswer {
  const { bootstrap } = job;
  const dropHighest = job.dropHighest ?? 0;
  const r = read(job, LOSS_COLUMNS);
  if (!r.ok) return r.answer;
  const lp = lossPoints(r.table);
  if (lp === undefined) return bad([invalid("D", "a tokens column (D) or a compute column (C)", "neither")]);
  if (lp.rejected.length > 0) return bad(lp.rejected.map((x) => x.issue));
  const over = tooMuch(lp.points.length, bootstrap);
  if (over) return over;
  const points = lp.points;
  const res = fitLoss(points, { dropHighest, bootstrap, seed: 1 });
  if (!res.ok) return bad(res.issues);
  const p = res.value.fit.params;
  // the runs the fit used (the dropped ones are in res.value.dropped.points), as `lmplan fit loss --plot` draws them
  const { runs: residuals, frontier } = lossFitCurves(p, dropHighestLoss(points, dropHighest).used, 40);
  // frontier: 40 points over the runs' compute (for plots); frontierTable: the report's C = 1e19 … 1e25 rows, as the CLI prints them
  return { status: 200, body: { ...res.value, frontierTable: res.value.frontier, residuals, frontier, fittedLaws: { loss: { form: "chinchilla", params: p } } } };
}

function runLrBatch(job: FitJob): FitAnswer {
  const r = read(job, LR_BATCH_COLUMNS);
  if (!r.ok) return r.answer;
  const bt = batchTokens(r.table, job.seqLen ?? 2048);
  if (!Array.isArray(bt)) return bad([bt]);
  const over = tooMuch(r.table.rows.length, job.bootstrap);
  if (over) return over;
  const runs = r.table.rows.map((x, i) => ({ N: x.N as number, D: x.D as number, lr: x.lr as number, batchTokens: bt[i] as number, loss: x.loss as number }));
  const res = fitLrBatch(runs, { threshold: job.threshold ?? 0.0025, bootstrap: job.bootstrap, seed: 1 });
  if (!res.ok) return bad(res.issues);
  return { status: 200, body: { ...res.value, fittedLaws: { lrBatch: { form: "step-law", law: res.value.law } } } };
}

function runTimescale(job: FitJob): FitAnswer {
  const r = read(job, TIMESCALE_COLUMNS);
  if (!r.ok) return r.answer;
  const bt = batchTokens(r.table, job.seqLen ?? 2048);
  if (!Array.isArray(bt)) return bad([bt]);
  const over = tooMuch(r.table.rows.length, job.bootstrap);
  if (over) return over;
  const runs = r.table.rows.map((x, i) => ({ N: x.N as number, D: x.D as number, lr: x.lr as number, batchTokens: bt[i] as number, weightDecay: x.wd as number, loss: x.loss as number }));
  const res = fitTimescale(runs, { bootstrap: job.bootstrap, seed: 1 });
  if (!res.ok) return bad(res.issues);
  return { status: 200, body: { ...res.value, fittedLaws: { timescale: { form: "power-lines", coefficient: res.value.coefficient, exponent: res.value.exponent } } } };
}
