/**
 * Tables a tracker exports → series: W&B run history (CSV or JSON lines: one row per logged step, a
 * column per metric, blank where a metric was not logged at that step; `_step`, `_timestamp`,
 * `_runtime` are W&B's own), a W&B panel's "Export CSV" (`Step`, `"<run> - <metric>"`, `__MIN`/`__MAX`),
 * MLflow's metric history in long format (`key,value,step,timestamp`, timestamp in ms — as
 * MlflowClient.get_metric_history rows and the UI's CSV download give it), a Hugging Face
 * trainer_state.json (log_history entries; NaN as Python writes it), and any CSV/JSONL table with a
 * step column. Each point keeps its file line.
 */
import { invalid } from "../../errors.js";
import { parseCsvRecords } from "../csv.js";
import { forEachJsonLine, parseJsonLenient } from "../json-lenient.js";
import type { RunBuilder } from "./run.js";

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell as a logged number: decimal, or NaN/Infinity as Python and W&B write them; undefined when blank. */
function cellValue(raw: unknown): number | undefined | "text" {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "number") return raw;
  if (typeof raw === "boolean") return "text";
  if (typeof raw !== "string") return "text";
  const t = raw.trim();
  if (t === "") return undefined;
  if (DECIMAL.test(t)) return Number(t);
  const l = t.toLowerCase();
  if (l === "nan") return Number.NaN;
  if (l === "inf" || l === "infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  return "text";
}

/**
 * Step columns in order of preference: the trainer's own step before W&B's `_step` (W&B's count of
 * log calls, which is not the optimizer step when a trainer logs more than once per step).
 */
export const STEP_COLUMNS = ["train/global_step", "trainer/global_step", "global_step", "step", "steps", "iteration", "iter", "_step"];

/** Header of a W&B panel export: "Step" and "<run> - <metric>" columns. */
export function isWandbPanel(fields: readonly string[]): boolean {
  const h = fields.map((f) => f.trim());
  return h.includes("Step") && h.some((x) => x.includes(" - ") && !x.endsWith("__MIN") && !x.endsWith("__MAX"));
}

export function isMlflowLong(fields: readonly string[]): boolean {
  const h = new Set(fields.map((f) => f.trim().toLowerCase()));
  return h.has("key") && h.has("value") && h.has("step");
}

/** Objects or CSV records with a step column → series per numeric column. */
function readRows(fields: string[], rows: { line: number; cells: unknown[] }[], name: string, b: RunBuilder, fi: number, panel: boolean): void {
  const lower = fields.map((f) => f.trim().toLowerCase());
  let si = -1;
  for (const s of panel ? ["step"] : STEP_COLUMNS) {
    si = lower.indexOf(s);
    if (si >= 0) break;
  }
  if (si < 0) {
    b.run.problems.push(invalid([name, "step"], `a step column (${STEP_COLUMNS.join(", ")})`, `columns ${fields.slice(0, 12).map((f) => f.trim()).join(", ").slice(0, 200)}`));
    return;
  }
  const ti = lower.indexOf("_timestamp");
  const tags = fields.map((f) => {
    const t = f.trim();
    if (!panel) return t;
    if (t.endsWith("__MIN") || t.endsWith("__MAX")) return "";
    const k = t.lastIndexOf(" - ");
    return k >= 0 ? t.slice(k + 3) : t;
  });
  const textCols = new Map<number, number>();
  for (const r of rows) {
    const sv = cellValue(r.cells[si]);
    if (sv === undefined) continue;
    if (sv === "text" || !Number.isInteger(sv) || sv < 0) {
      b.run.problems.push(invalid([name, `line ${r.line}`, fields[si]?.trim() ?? "step"], "a whole-number step", String(r.cells[si]).slice(0, 60)));
      continue;
    }
    const wall = ti >= 0 ? (cellValue(r.cells[ti]) as number) : Number.NaN;
    for (let c = 0; c < fields.length; c++) {
      if (c === si || c === ti || tags[c] === "" || lower[c]?.startsWith("_")) continue;
      const v = cellValue(r.cells[c]);
      if (v === undefined) continue;
      if (v === "text") {
        textCols.set(c, (textCols.get(c) ?? 0) + 1);
        continue;
      }
      b.add(tags[c] as string, sv, v, typeof wall === "number" ? wall : Number.NaN, fi, r.line);
    }
  }
  if (textCols.size > 0) b.run.notes.push(`${name}: columns with text rather than numbers not read: ${[...textCols].map(([c, n]) => `"${fields[c]?.trim().slice(0, 40)}" (${n} cells)`).slice(0, 10).join(", ")}`);
  if (panel) {
    const runs = new Set(fields.filter((f) => f.includes(" - ") && !f.endsWith("__MIN") && !f.endsWith("__MAX")).map((f) => f.trim().slice(0, f.trim().lastIndexOf(" - "))));
    b.run.notes.push(`${name}: W&B panel export of run${runs.size > 1 ? "s" : ""} ${[...runs].slice(0, 5).join(", ")}; __MIN/__MAX columns (the panel's range over sampled points) not read`);
  }
}

export function readCsvTable(text: string, name: string, b: RunBuilder, fi: number): void {
  const csv = parseCsvRecords(text);
  if (csv.headerError !== undefined) {
    b.run.problems.push(invalid([name, `line ${csv.headerLine}`], "a well-formed CSV header", csv.headerError));
    return;
  }
  for (const r of csv.rejected) b.run.problems.push({ ...r.issue, path: [name, ...r.issue.path] });
  if (isMlflowLong(csv.fields)) return readMlflow(csv.fields, csv.records, name, b, fi);
  readRows(csv.fields, csv.records, name, b, fi, isWandbPanel(csv.fields));
}

function readMlflow(fields: string[], rows: { line: number; cells: string[] }[], name: string, b: RunBuilder, fi: number): void {
  const lower = fields.map((f) => f.trim().toLowerCase());
  const [ki, vi, si, ti] = ["key", "value", "step", "timestamp"].map((k) => lower.indexOf(k)) as [number, number, number, number];
  const ri = lower.indexOf("run_id");
  const runs = new Set<string>();
  for (const r of rows) {
    const key = (r.cells[ki] ?? "").trim();
    const v = cellValue(r.cells[vi]);
    const s = cellValue(r.cells[si]);
    if (ri >= 0) runs.add((r.cells[ri] ?? "").trim());
    if (key === "" || v === undefined || v === "text" || s === undefined || s === "text" || !Number.isInteger(s) || s < 0) {
      b.run.problems.push(invalid([name, `line ${r.line}`], "a metric row: key, a numeric value, a whole-number step", r.cells.join(",").slice(0, 80)));
      continue;
    }
    const t = ti >= 0 ? cellValue(r.cells[ti]) : undefined;
    b.add(key, s, v, typeof t === "number" ? t / 1000 : Number.NaN, fi, r.line);
  }
  if (runs.size > 1) b.run.problems.push(invalid([name, "run_id"], "the metrics of one run (export one run per file)", `${runs.size} run ids`));
}

/** JSON lines (W&B history JSONL), a JSON array of rows, or a Hugging Face trainer_state.json. */
export function readJsonTable(text: string, name: string, b: RunBuilder, fi: number): "hf" | "rows" | undefined {
  const first = text.trimStart()[0];
  if (first === "{" || first === "[") {
    const doc = parseJsonLenient(text);
    if (doc.ok) {
      const v = doc.value.value as { log_history?: unknown } | unknown[];
      if (!Array.isArray(v) && v && typeof v === "object" && Array.isArray((v as { log_history?: unknown }).log_history)) {
        readTrainerState((v as { log_history: unknown[] }).log_history, doc.value.lineOf, name, b, fi);
        return "hf";
      }
      if (Array.isArray(v)) {
        const objs = v.filter((o): o is Record<string, unknown> => o !== null && typeof o === "object" && !Array.isArray(o));
        rowsFromObjects(objs.map((o) => ({ line: doc.value.lineOf.get(o) ?? 1, obj: o })), name, b, fi);
        return "rows";
      }
    }
  }
  // JSON lines
  const objs: { line: number; obj: Record<string, unknown> }[] = [];
  forEachJsonLine(
    text,
    (line, obj) => objs.push({ line, obj }),
    (line, l) => b.run.problems.push(invalid([name, `line ${line}`], "one JSON object per line", l.trim().slice(0, 60))),
  );
  rowsFromObjects(objs, name, b, fi);
  return "rows";
}

function rowsFromObjects(objs: { line: number; obj: Record<string, unknown> }[], name: string, b: RunBuilder, fi: number): void {
  const seen = new Set<string>();
  const fields: string[] = [];
  for (const { obj } of objs) for (const k of Object.keys(obj)) if (!seen.has(k)) (seen.add(k), fields.push(k));
  readRows(fields, objs.map(({ line, obj }) => ({ line, cells: fields.map((f) => (Object.prototype.hasOwnProperty.call(obj, f) ? obj[f] : undefined)) })), name, b, fi, false);
}

/**
 * log_history → series at each entry's step: training entries (loss, learning_rate, grad_norm), eval
 * entries (eval_loss, …) and the closing summary (train_runtime, train_loss — the run's average, not a
 * point of the curve), which is noted and not read.
 */
function readTrainerState(log: unknown[], lineOf: WeakMap<object, number>, name: string, b: RunBuilder, fi: number): void {
  let summaries = 0;
  for (const e of log) {
    if (!e || typeof e !== "object" || Array.isArray(e)) continue;
    const o = e as Record<string, unknown>;
    const line = lineOf.get(o) ?? 1;
    if ("train_runtime" in o) {
      summaries++;
      continue;
    }
    const step = o.step;
    if (typeof step !== "number" || !Number.isInteger(step) || step < 0) {
      b.run.problems.push(invalid([name, `line ${line}`, "step"], "a whole-number step", step));
      continue;
    }
    for (const [k, v] of Object.entries(o)) {
      if (k === "step" || k === "epoch") continue;
      if (typeof v === "number") b.add(k, step, v, Number.NaN, fi, line);
    }
  }
  if (summaries > 0) b.run.notes.push(`${name}: Hugging Face trainer_state.json; ${summaries} closing summary entr${summaries > 1 ? "ies" : "y"} (train_runtime, train_loss: the run's average) not part of the curve`);
}
