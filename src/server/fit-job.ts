/**
 * One /api/fit request as a pure function of its body: read the table, fit the Chinchilla form, and
 * answer a status and a JSON body. The server runs it on a worker thread (fit-queue.ts) so a fit never
 * holds the event loop; the same function runs inline where no worker is available.
 */
import { formatIssue, invalid, type Issue } from "../errors.js";
import { fitLoss, LOSS_COLUMNS, lossFitCurves, lossPoints } from "../fit/loss.js";
import { detectFormat, readTable } from "../io/table.js";

export interface FitJob {
  text: string;
  /** The request's media type, lower case, without parameters. */
  mediaType: string;
  bootstrap: number;
}

export interface FitAnswer {
  status: 200 | 400 | 429 | 500 | 503;
  body: unknown;
}

/** Most rows a fit over HTTP takes (the shipped Chinchilla extraction has 245). */
export const MAX_FIT_ROWS = 5000;
/**
 * Most refits a request may ask for, rows × (bootstrap + 1): about a minute of one core at the worst.
 * 245 rows × 101 fits (the UI's default) is 24,745.
 */
export const MAX_FIT_WORK = 250_000;

export const errorBody = (issues: Issue[]) => ({ errors: issues.map((i) => ({ path: i.path.join("."), code: i.code, expected: i.expected, received: i.received, message: formatIssue(i) })) });

export function runFitJob(job: FitJob): FitAnswer {
  const bad = (issues: Issue[]): FitAnswer => ({ status: 400, body: errorBody(issues) });
  const { text, bootstrap } = job;
  if (text.includes("\u0000")) return bad([invalid("body", "a text CSV or JSONL file", "binary data")]);
  if (text.trim() === "") return bad([invalid("body", "a CSV or JSONL file of runs (N, D or C, loss)", "an empty body")]);
  const t = readTable(text, /ndjson|jsonl/.test(job.mediaType) ? "jsonl" : detectFormat("", text), LOSS_COLUMNS);
  if (!t.ok) return bad(t.issues);
  if (t.value.rejected.length > 0) return bad(t.value.rejected.map((r) => r.issue));
  const lp = lossPoints(t.value);
  if (lp === undefined) return bad([invalid("D", "a tokens column (D) or a compute column (C)", "neither")]);
  if (lp.rejected.length > 0) return bad(lp.rejected.map((r) => r.issue));
  const rows = lp.points.length;
  if (rows > MAX_FIT_ROWS) return bad([invalid("body", `at most ${MAX_FIT_ROWS} runs per fit over HTTP (the CLI's lmplan fit loss takes more)`, `${rows} runs`)]);
  if (rows * (bootstrap + 1) > MAX_FIT_WORK) {
    return bad([invalid("bootstrap", `at most ${Math.floor(MAX_FIT_WORK / rows) - 1} resamples for ${rows} runs (runs × (bootstrap + 1) ≤ ${MAX_FIT_WORK})`, bootstrap)]);
  }
  const points = lp.points;
  const res = fitLoss(points, { dropHighest: 0, bootstrap, seed: 1 });
  if (!res.ok) return bad(res.issues);
  const p = res.value.fit.params;
  const { runs: residuals, frontier } = lossFitCurves(p, points, 40);
  return { status: 200, body: { ...res.value, residuals, frontier, fittedLaws: { loss: { form: "chinchilla", params: p } } } };
}
