/**
 * Whole loss curves (step, lr, loss) → the per-step LR arrays the multi-power law needs.
 *
 * The per-step LR comes from the file's own lr column — exact when every step is logged, else linear
 * interpolation between logged steps, assuming a linear warmup from 0 before the first logged step
 * (stated in the result's notes, since a step change between logs is smeared). A built-in schedule is
 * used only when asked for by name (`schedule`, the CLI's --schedule; src/schedules/mpl-curves.ts), and
 * then the file's lr column, if it has one, must agree with it at every logged step. A file's *name*
 * never changes its data (issue 10: the same curve once fitted to 0.54% or 0.18% error depending on
 * whether the file was called cosine_24000.csv).
 *
 * Lines reported are lines of the file as given: for a Hugging Face trainer_state.json, the line where
 * each log_history entry starts; for a W&B export, the CSV line.
 */
import { conflict, invalid, type Issue, type Result } from "../errors.js";
import { builtInSchedule } from "../schedules/mpl-curves.js";
import type { RowIssue } from "./csv.js";
import { parseJsonLenient } from "./json-lenient.js";
import { inRange, MAX_CURVE_STEPS, RANGES } from "./ranges.js";
import { headerMultiplier, readRecords, recordsFromObjects, tableFromRecords, type ColumnSpec, type RecordSet } from "./table.js";

/** One loss curve as the fitters take it: the LR at every step, and the logged (step, loss) points. */
export interface CurveData {
  name: string;
  /** LR used at every step 0 … T−1. */
  lrs: Float64Array;
  /** Logged steps (indices into lrs), ascending. */
  steps: Int32Array;
  loss: Float64Array;
}

export interface LoadedCurve {
  curve: CurveData;
  /** "schedule": the named built-in schedule (checked against the lr column where there is one). */
  lrSource: "schedule" | "every-step" | "interpolated";
  notes: string[];
  rejected: RowIssue[];
}

export interface CurveOptions {
  /** A built-in schedule by name (see builtInSchedule), instead of interpolating the lr column. */
  schedule?: string;
}

/**
 * Hugging Face Trainer's trainer_state.json → records of its training entries, each at the file line
 * where the entry starts. log_history mixes training entries (loss, learning_rate, step) with eval and
 * summary entries; the latter are counted in a note, not dropped silently. Python writes a diverged
 * loss as a bare NaN, which is read (and then rejected at its line like any unusable value).
 * Returns undefined when the text is not a trainer_state.json.
 */
export function trainerStateRecords(text: string): { records: RecordSet; note: string } | undefined {
  const doc = parseJsonLenient(text);
  if (!doc.ok) return undefined;
  const log = (doc.value.value as { log_history?: unknown } | null)?.log_history;
  if (typeof doc.value.value !== "object" || !Array.isArray(log)) return undefined;
  const objects: { line: number; obj: Record<string, unknown> }[] = [];
  for (const e of log) {
    if (e && typeof e === "object" && !Array.isArray(e) && Object.prototype.hasOwnProperty.call(e, "loss")) {
      objects.push({ line: doc.value.lineOf.get(e) ?? 1, obj: e as Record<string, unknown> });
    }
  }
  const other = log.length - objects.length;
  return {
    records: recordsFromObjects(objects),
    note: `Hugging Face trainer_state.json: ${objects.length} training entries of log_history used${other > 0 ? `; ${other} entries without a training loss (eval or summary) are not part of the curve` : ""}`,
  };
}

/**
 * A W&B "Export CSV" (columns "Step", "<run> - <metric>", "<run> - <metric>__MIN", "__MAX"): map the
 * step, loss and LR columns by their metric names. Returns undefined for other headers.
 */
export function wandbColumnMap(fields: readonly string[]): Record<string, string> | undefined {
  const header = fields.map((h) => h.trim());
  const isMinMax = (h: string) => h.endsWith("__MIN") || h.endsWith("__MAX");
  const metrics = header.filter((h) => h.includes(" - ") && !isMinMax(h));
  if (metrics.length === 0 || !header.some((h) => isMinMax(h) || h === "Step")) return undefined;
  const metricOf = (h: string) => h.slice(h.lastIndexOf(" - ") + 3).toLowerCase();
  const find = (names: string[]) => metrics.find((h) => names.includes(metricOf(h)));
  const out: Record<string, string> = {};
  const step = header.find((h) => ["step", "_step", "global_step"].includes(h.toLowerCase()));
  const loss = find(["loss", "train_loss", "train/loss", "train/train_loss", "lm loss", "lm_loss", "train/lm_loss"]);
  const lr = find(["lr", "learning_rate", "learning-rate", "learning rate", "train/lr", "train/learning_rate", "train/learning-rate", "optim/lr"]);
  if (step) out.step = step;
  if (loss) out.loss = loss;
  if (lr) out.lr = lr;
  return out;
}

const CURVE_COLUMNS = (lrOptional: boolean): ColumnSpec[] => [
  { key: "step", aliases: ["step", "steps", "iteration", "iter", "global_step", "_step", "trainer/global_step", "train/global_step"], description: "optimizer step", positive: false, range: RANGES.step },
  { key: "lr", aliases: ["lr", "learning_rate", "learning rate", "learning-rate", "train/learning_rate", "train/lr", "train/learning-rate", "optim/lr"], description: "learning rate at that step", positive: false, range: RANGES.lrLogged, optional: lrOptional },
  { key: "loss", aliases: ["loss", "train_loss", "train/loss", "lm loss", "lm_loss", "train/lm_loss"], description: "training loss", positive: true, range: RANGES.loss },
];

/**
 * The LR at every step 0 … last from logged (step, lr) points (ascending, distinct steps): exact at each
 * logged step, linear between them, and a linear warmup from 0 assumed before the first (said in the
 * note, since a step change between logs is smeared). `last` ≤ MAX_CURVE_STEPS (the step range).
 */
export function perStepLr(steps: ArrayLike<number>, lr: ArrayLike<number>, last: number): { lrs: Float64Array; every: boolean; note?: string } {
  const n = steps.length;
  const lrs = new Float64Array(Math.min(last, MAX_CURVE_STEPS) + 1);
  const first = steps[0] as number;
  const lr0 = lr[0] as number;
  for (let s = 0; s < first && s < lrs.length; s++) lrs[s] = (lr0 * s) / Math.max(first, 1);
  for (let i = 0; i < n; i++) {
    const a = steps[i] as number;
    const b = i + 1 < n ? (steps[i + 1] as number) : a;
    const la = lr[i] as number;
    const lb = i + 1 < n ? (lr[i + 1] as number) : la;
    const to = Math.min(b, lrs.length - 1);
    for (let s = a; s <= to; s++) lrs[s] = b === a ? la : la + ((lb - la) * (s - a)) / (b - a);
  }
  for (let s = Math.max((steps[n - 1] as number) + 1, 0); s < lrs.length; s++) lrs[s] = lr[n - 1] as number;
  const every = n === Math.min(last, steps[n - 1] as number) + 1 - first;
  return {
    lrs,
    every,
    ...(every ? {} : { note: `per-step LR interpolated linearly between logged steps${first > 0 ? `, with a linear warmup from 0 assumed before step ${first}` : ""}; log the LR at every step for an exact fit` }),
  };
}

type CurveRow = { step: number; lr: number; loss: number; line: number };

const DECIMAL_CELL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A large plain numeric CSV (a per-step log of 10⁵–10⁷ rows) read without building a record per row:
 * only when every line is a clean row — no quotes, no blank lines, as many commas as the header,
 * every chosen cell a decimal inside its declared range — which is exactly when the general reader
 * would accept every row unchanged. Anything else returns undefined and the general reader (which
 * names each problem at its line) runs instead, so the results never differ.
 */
function fastCsvRows(text: string, columns: ColumnSpec[], map: Record<string, string>): { rows: CurveRow[]; hasLr: boolean } | undefined {
  if (text.length < 1 << 20) return undefined;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const nl = body.indexOf("\n");
  if (nl < 0) return undefined;
  const header = body.slice(0, nl).replace(/\r$/, "");
  if (/["\t;|]/.test(header) || !header.includes(",") || header.trim() === "") return undefined;
  const fields = header.split(",");
  if (wandbColumnMap(fields) !== undefined) return undefined;
  const firstEnd = body.indexOf("\n", nl + 1);
  const firstRow = body.slice(nl + 1, firstEnd < 0 ? body.length : firstEnd).replace(/\r$/, "");
  const t = tableFromRecords({ fields, records: [{ line: 2, cells: firstRow.split(",") }], rejected: [] }, columns, map);
  if (!t.ok) return undefined;
  const idx: Record<string, number> = {};
  for (const [k, h] of Object.entries(t.value.headers)) {
    if (headerMultiplier(h) !== 1) return undefined;
    idx[k] = fields.indexOf(h);
  }
  const si = idx.step as number;
  const li = idx.loss as number;
  const ri = idx.lr;
  const spec = (k: string) => columns.find((c) => c.key === k) as ColumnSpec;
  const [rs, rl, rr] = [spec("step").range, spec("loss").range, spec("lr").range];
  const width = fields.length;
  const rows: CurveRow[] = [];
  let from = nl + 1;
  let line = 1;
  const cells: string[] = new Array(width);
  while (from < body.length) {
    let to = body.indexOf("\n", from);
    if (to < 0) to = body.length;
    line++;
    let end = to;
    if (body.charCodeAt(end - 1) === 13) end--;
    if (end <= from) return undefined; // a blank line: the general reader skips it, keeping line numbers
    let c = 0;
    let a = from;
    for (let k = from; k <= end; k++) {
      const ch = k === end ? 44 : body.charCodeAt(k);
      // a quote, a stray CR, or another delimiter papaparse might pick (tab ; |): the general reader decides
      if (ch === 34 || ch === 13 || ch === 9 || ch === 59 || ch === 124) return undefined;
      if (ch === 44) {
        if (c >= width) return undefined;
        cells[c++] = body.slice(a, k);
        a = k + 1;
      }
    }
    if (c !== width) return undefined;
    const num = (i: number | undefined, r: typeof rs) => {
      if (i === undefined) return Number.NaN;
      const cell = (cells[i] as string).trim();
      if (!DECIMAL_CELL.test(cell)) return undefined;
      const x = Number(cell);
      return r && !inRange(r, x) ? undefined : x;
    };
    const step = num(si, rs);
    const loss = num(li, rl);
    const lr = num(ri, rr);
    if (step === undefined || loss === undefined || lr === undefined || !(loss > 0)) return undefined;
    rows.push({ step, lr, loss, line });
    from = to + 1;
  }
  return { rows, hasLr: ri !== undefined };
}

export function readCurve(name: string, text: string, format: "csv" | "jsonl", map: Record<string, string> = {}, opts: CurveOptions = {}): Result<LoadedCurve> {
  const preNotes: string[] = [];
  const inFile = (issues: Issue[]): Issue[] => issues.map((i) => ({ ...i, path: [name, ...i.path] }));
  const fast = format === "csv" ? fastCsvRows(text, CURVE_COLUMNS(opts.schedule !== undefined), map) : undefined;
  if (fast) return curveFromRows(name, fast.rows, fast.hasLr, [], [], opts);
  let set: RecordSet;
  const hf = format === "jsonl" ? trainerStateRecords(text) : undefined;
  if (hf) {
    set = hf.records;
    preNotes.push(hf.note);
  } else {
    if (format === "jsonl" && name.toLowerCase().endsWith(".json")) {
      // One JSON document (not JSON lines): say where it breaks rather than rejecting every line.
      const doc = parseJsonLenient(text);
      if (!doc.ok && !/text after the JSON value/.test(doc.message)) return { ok: false, issues: [invalid([name, `line ${doc.line}`], "valid JSON (NaN and Infinity are read as Python writes them)", doc.message)] };
    }
    const r = readRecords(text, format);
    if (!r.ok) return { ok: false, issues: inFile(r.issues) };
    set = r.value;
  }
  const wandb = format === "csv" ? wandbColumnMap(set.fields) : undefined;
  if (wandb && Object.keys(map).length === 0) {
    map = wandb;
    // W&B exports leave a cell blank where a metric was not logged at that step: those rows are not
    // part of the curve (counted and listed by line), unlike a malformed value.
    const idx = [wandb.step, wandb.loss, wandb.lr].map((h) => set.fields.findIndex((f) => f.trim() === h));
    const blankLines: number[] = [];
    const kept = set.records.filter((r) => {
      const ok = idx.every((i) => i < 0 || String(r.cells[i] ?? "").trim() !== "");
      if (!ok) blankLines.push(r.line);
      return ok;
    });
    const shown = blankLines.slice(0, 5).join(", ") + (blankLines.length > 5 ? ", …" : "");
    preNotes.push(`W&B export: columns ${Object.entries(wandb).map(([k, v]) => `${k} = "${v}"`).join(", ")}${blankLines.length > 0 ? `; ${blankLines.length} rows where a metric was not logged are not part of the curve (line${blankLines.length > 1 ? "s" : ""} ${shown})` : ""}`);
    set = { ...set, records: kept };
  }
  const t = tableFromRecords(set, CURVE_COLUMNS(opts.schedule !== undefined), map);
  if (!t.ok) {
    const noLr = t.issues.some((i) => i.path[0] === "lr" && i.code === "missing");
    const issues = inFile(t.issues);
    if (noLr) issues.push(invalid([name, "schedule"], "an lr column, or a built-in schedule named with --schedule (e.g. --schedule cosine_24000)", "neither"));
    return { ok: false, issues };
  }
  const rejected = t.value.rejected.map((r) => ({ line: r.line, issue: { ...r.issue, path: [name, ...r.issue.path] } }));
  const hasLr = t.value.headers.lr !== undefined;
  const rows = t.value.rows.map((r, i) => ({ step: r.step as number, lr: r.lr ?? Number.NaN, loss: r.loss as number, line: t.value.lines[i] as number }));
  return curveFromRows(name, rows, hasLr, rejected, preNotes, opts);
}

/** Rows read from a table (in file order, each with its line) → the curve, its per-step LR and notes. */
function curveFromRows(name: string, rows: CurveRow[], hasLr: boolean, rejected: RowIssue[], preNotes: string[], opts: CurveOptions): Result<LoadedCurve> {
  const issues: Issue[] = [];
  for (let i = 1; i < rows.length; i++) if ((rows[i]?.step as number) <= (rows[i - 1]?.step as number)) issues.push(invalid([name, `line ${rows[i]?.line}`, "step"], `steps in increasing order (the row before is step ${rows[i - 1]?.step})`, rows[i]?.step));
  if (issues.length > 0) return { ok: false, issues: issues.slice(0, 5) };
  if (rows.length < 2) return { ok: false, issues: [invalid([name], "at least 2 usable logged steps", `${rows.length}`), ...rejected.slice(0, 5).map((r) => r.issue)] };
  const notes: string[] = [...preNotes];
  let lrs: Float64Array;
  let lrSource: LoadedCurve["lrSource"];
  if (opts.schedule !== undefined) {
    const s = builtInSchedule(opts.schedule, name);
    if (!s.ok) return s;
    lrs = s.value.lrs;
    lrSource = "schedule";
    if (hasLr) {
      for (const r of rows) {
        if (r.step >= lrs.length) continue;
        const b = lrs[r.step] as number;
        if (Math.abs(r.lr - b) > 1e-6 * Math.max(Math.abs(r.lr), Math.abs(b))) {
          return { ok: false, issues: [conflict([name, `line ${r.line}`, "lr"], `the file's lr ${r.lr} at step ${r.step} is not the ${s.value.label} schedule's ${b}; lmplan never replaces a logged LR column — drop --schedule to fit with the file's LRs`, String(r.lr))] };
        }
      }
    }
    notes.push(`per-step LR from --schedule ${opts.schedule}: ${s.value.label}${hasLr ? "; the file's lr column agrees with it at every logged step" : " (the file has no lr column)"}`);
  } else {
    const last = (rows[rows.length - 1] as { step: number }).step;
    const built = perStepLr(Float64Array.from(rows, (r) => r.step), Float64Array.from(rows, (r) => r.lr), last);
    lrs = built.lrs;
    lrSource = built.every ? "every-step" : "interpolated";
    if (built.note) notes.push(built.note);
  }
  const kept = rows.filter((r) => r.step < lrs.length && r.step > 0);
  for (const r of rows) {
    if (r.step >= lrs.length) rejected.push({ line: r.line, issue: invalid([name, `line ${r.line}`, "step"], `a step < ${lrs.length}, the length of the schedule`, r.step) });
    else if (r.step === 0) rejected.push({ line: r.line, issue: invalid([name, `line ${r.line}`, "step"], "a step > 0 (S1 is 0 at step 0)", r.step) });
  }
  rejected.sort((a, b) => a.line - b.line);
  for (const r of kept) {
    if (!((lrs[r.step] as number) >= 0)) return { ok: false, issues: [invalid([name, `line ${r.line}`, "lr"], "a non-negative learning rate", r.lr)] };
  }
  if (kept.length < 2) return { ok: false, issues: [invalid([name], "at least 2 logged steps", `${kept.length}`)] };
  return {
    ok: true,
    value: {
      curve: { name, lrs, steps: Int32Array.from(kept, (r) => r.step), loss: Float64Array.from(kept, (r) => r.loss) },
      lrSource,
      notes,
      rejected,
    },
  };
}

/** Most logged points a --smooth window may span. */
export const MAX_SMOOTH = 10_001;

/**
 * The loss averaged over a centred window of `n` logged points (n odd; shorter windows at the ends), in
 * one pass of prefix sums. For a noisy per-step log; a window much shorter than the curve's bends (a
 * decay of k steps wants n ≪ k) keeps the curve's shape.
 */
export function smoothLoss(c: CurveData, n: number): CurveData {
  const P = c.loss.length;
  const half = Math.floor(n / 2);
  const pre = new Float64Array(P + 1);
  for (let i = 0; i < P; i++) pre[i + 1] = (pre[i] as number) + (c.loss[i] as number);
  const loss = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(P, i + half + 1);
    loss[i] = ((pre[b] as number) - (pre[a] as number)) / (b - a);
  }
  return { ...c, loss };
}
