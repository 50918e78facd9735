/**
 * Read runs from CSV or JSONL into numeric rows, mapping the user's column names onto the fields a
 * fitter needs. Every row that cannot be used is reported with its real file line and the reason, and
 * is left out of the rows — nothing is dropped or changed silently (issue 10):
 * - lines are counted in the raw file (src/io/csv.ts), so quoted line breaks and blank lines never
 *   shift them;
 * - a row with too many or too few fields, or only empty fields, is rejected;
 * - a cell is a decimal number ("3.1", "1.3e9") or one with a count suffix ("1.3B"); "0x10", "0b1",
 *   "Infinity" and the like are errors naming the cell, never read as 16;
 * - each column may declare its accepted range (src/io/ranges.ts); a value outside is an error naming
 *   the cell;
 * - two columns with the same name are an error naming both, not a silent choice of the first.
 * All parsing is linear in the text (no backtracking regular expressions on user text: a header cell
 * with 16k spaces once took 1.8–8.7 s in the alias matching). Pure over text: the CLI reads the file.
 */
import { conflict, invalid, missing, type Issue } from "../errors.js";
import { COUNT_SUFFIXES } from "../units/parse.js";
import { parseCsvRecords, type RowIssue } from "./csv.js";
import { forEachJsonLine, parseJsonLenient } from "./json-lenient.js";
import { inRange, rangeText, type Range } from "./ranges.js";

export type { RowIssue } from "./csv.js";

const UNIT_LETTERS = "KMBGTP";

/**
 * A header with its unit marker split off: "params (B)", "tokens [M]", "N_B" → base "params", "tokens",
 * "N" and suffix B, M, B. Plain string operations, linear in the header.
 */
function splitUnit(header: string): { base: string; suffix?: string } {
  const h = header.trim();
  const n = h.length;
  const last = h[n - 1];
  if (n >= 3 && (last === ")" || last === "]")) {
    const letter = h[n - 2] as string;
    const open = h[n - 3];
    if (UNIT_LETTERS.includes(letter) && open === (last === ")" ? "(" : "[")) return { base: h.slice(0, n - 3).trimEnd(), suffix: letter };
  }
  if (n >= 2 && h[n - 2] === "_" && last !== undefined && UNIT_LETTERS.includes(last)) return { base: h.slice(0, n - 2).trimEnd(), suffix: last };
  return { base: h };
}

/** A unit multiplier written in a header: "params (B)", "tokens [M]", "N_B" → 1e9, 1e6, 1e9. */
export function headerMultiplier(header: string): number {
  const s = splitUnit(header).suffix;
  return s ? (COUNT_SUFFIXES[s] as number) : 1;
}

// A decimal number: no repetition can trade characters with the next one, so a failing match is linear.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const WITH_SUFFIX = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([KMBGTP])$/i;
const PREFIXED = /^[+-]?0[xXbBoO]/;

/**
 * A cell as a number: plain decimal ("1.3e9", "0.5", "-2") or with a count suffix as people write it
 * ("1.3B", "627B"); NaN for anything else — hexadecimal, octal and binary ("0x10" is not 16),
 * "Infinity", "1,000", empty. A JSON number is taken as it is (NaN stays NaN and is rejected later).
 */
export function cellNumber(raw: unknown): number {
  if (typeof raw === "number") return raw;
  if (typeof raw !== "string") return Number.NaN;
  const t = raw.trim();
  if (t === "") return Number.NaN;
  if (DECIMAL.test(t)) return Number(t);
  const m = WITH_SUFFIX.exec(t);
  return m ? Number(m[1]) * (COUNT_SUFFIXES[(m[2] as string).toUpperCase()] as number) : Number.NaN;
}

export interface ColumnSpec {
  key: string;
  /** Header names recognised without --map, compared case-insensitively. */
  aliases: readonly string[];
  description: string;
  /** Optional columns may be absent from the file. */
  optional?: boolean;
  /** Values must be > 0 (counts, losses); otherwise any finite number. */
  positive?: boolean;
  /** Accepted values, after the header's unit multiplier (src/io/ranges.ts). */
  range?: Range;
}

export interface Table {
  rows: Record<string, number>[];
  /** 1-based line number in the file for each row (the header is line 1 in CSV). */
  lines: number[];
  /** Which header each key was read from. */
  headers: Record<string, string>;
  rejected: RowIssue[];
}

export type TableFormat = "csv" | "jsonl";

/** Records before columns are chosen: the header (CSV) or the keys seen (JSON), and cells per record. */
export interface RecordSet {
  fields: string[];
  records: { line: number; cells: unknown[] }[];
  rejected: RowIssue[];
}

type Parsed<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export function detectFormat(name: string, text: string): TableFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) return "jsonl";
  if (lower.endsWith(".csv") || lower.endsWith(".tsv")) return "csv";
  const first = firstNonSpace(text);
  return first === "{" || first === "[" ? "jsonl" : "csv";
}

function firstNonSpace(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r" && c !== "\ufeff") return c;
  }
  return undefined;
}

const FIELD_NAME = /^[A-Za-z_]\w*$/;

/** "N=Model Size,C=Training FLOP" → { N: "Model Size", C: "Training FLOP" } */
export function parseColumnMap(text: string | undefined): Parsed<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!text) return { ok: true, value: out };
  const bad = (part: string): Parsed<Record<string, string>> => ({
    ok: false,
    issues: [invalid("map", 'field=column pairs separated by commas, e.g. N="Model Size",C="Training FLOP"', clip(part))],
  });
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return bad(part);
    const key = part.slice(0, eq).trim();
    let col = part.slice(eq + 1).trim();
    if (col.length >= 2 && col.startsWith('"') && col.endsWith('"')) col = col.slice(1, -1).trim();
    if (!FIELD_NAME.test(key) || col === "" || col.includes('"')) return bad(part);
    out[key] = col;
  }
  return { ok: true, value: out };
}

function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Column names for a message: each clipped, at most 30 of them. */
function columnList(fields: readonly string[]): string {
  const shown = fields.slice(0, 30).map((f) => clip(f, 40));
  return `${shown.join(", ")}${fields.length > 30 ? `, … (${fields.length} columns)` : ""}`;
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** JSON objects (one per JSONL line, or the elements of one JSON array) → records with their lines. */
function jsonRecords(text: string): Parsed<RecordSet> {
  const rejected: RowIssue[] = [];
  const objects: { line: number; obj: Record<string, unknown> }[] = [];
  if (firstNonSpace(text) === "[") {
    const doc = parseJsonLenient(text);
    if (!doc.ok) return { ok: false, issues: [invalid(["file", `line ${doc.line}`], "a JSON array of objects, or one JSON object per line", doc.message)] };
    const arr = doc.value.value as unknown[];
    for (const v of arr) {
      const line = (v !== null && typeof v === "object" ? doc.value.lineOf.get(v) : undefined) ?? doc.value.lineOf.get(arr) ?? 1;
      if (v === null || typeof v !== "object" || Array.isArray(v)) rejected.push({ line, issue: invalid(`line ${line}`, "a JSON object per run", clip(JSON.stringify(v) ?? String(v))) });
      else objects.push({ line, obj: v as Record<string, unknown> });
    }
  } else {
    forEachJsonLine(
      text,
      (line, obj) => objects.push({ line, obj }),
      (line, l) => rejected.push({ line, issue: invalid(`line ${line}`, "one JSON object per line", clip(l.trim())) }),
    );
  }
  return { ok: true, value: recordsFromObjects(objects, rejected) };
}

/** Objects → records over the union of their keys (in order of first appearance). */
export function recordsFromObjects(objects: readonly { line: number; obj: Record<string, unknown> }[], rejected: RowIssue[] = []): RecordSet {
  const seen = new Set<string>();
  const fields: string[] = [];
  for (const { obj } of objects) {
    for (const k of Object.keys(obj)) {
      if (!seen.has(k)) {
        seen.add(k);
        fields.push(k);
      }
    }
  }
  return { fields, records: objects.map(({ line, obj }) => ({ line, cells: fields.map((f) => (hasOwn(obj, f) ? obj[f] : undefined)) })), rejected };
}

/** Text → records with their file lines (CSV through papaparse, JSON through a NaN-tolerant parser). */
export function readRecords(text: string, format: TableFormat): Parsed<RecordSet> {
  if (format === "jsonl") return jsonRecords(text);
  const csv = parseCsvRecords(text);
  if (csv.headerError !== undefined) return { ok: false, issues: [invalid(["file", `line ${csv.headerLine}`], "a well-formed CSV header", csv.headerError)] };
  return { ok: true, value: { fields: csv.fields, records: csv.records, rejected: csv.rejected } };
}

/** Which column (index) each field is read from; the issues stop the read. */
function chooseColumns(fields: readonly string[], columns: readonly ColumnSpec[], map: Record<string, string>): Parsed<Map<string, number>> {
  const trimmed = fields.map((f) => f.trim());
  const lower = trimmed.map((f) => f.toLowerCase());
  // Aliases match the header with any unit marker removed: "params (B)" is a "params" column in billions.
  const bare = fields.map((f) => splitUnit(f).base.toLowerCase());
  const chosen = new Map<string, number>();
  const issues: Issue[] = [];
  for (const c of columns) {
    const wanted = map[c.key];
    let i: number;
    if (wanted !== undefined) i = trimmed.indexOf(wanted.trim());
    else {
      const aliases = new Set(c.aliases.map((a) => a.toLowerCase()));
      i = lower.findIndex((h, k) => aliases.has(h) || aliases.has(bare[k] as string));
    }
    if (i < 0) {
      if (wanted !== undefined) issues.push(invalid(["map", c.key], `a column of the file (${columnList(fields)})`, clip(wanted)));
      else if (!c.optional) issues.push(missing([c.key], `a column for ${c.description}: name it ${c.aliases.map((a) => `"${a}"`).join(" or ")}, or pass --map ${c.key}="<your column>" (columns: ${columnList(fields)})`));
      continue;
    }
    // A --map name is exact; an alias match is case-insensitive, so "loss" and "Loss" are the same name.
    const twin = wanted !== undefined ? trimmed.findIndex((h, k) => k !== i && h === trimmed[i]) : lower.findIndex((h, k) => k !== i && h === lower[i]);
    if (twin >= 0) {
      const [a, b] = [Math.min(i, twin), Math.max(i, twin)];
      issues.push(conflict([c.key], `columns ${a + 1} ("${clip(fields[a] as string, 40)}") and ${b + 1} ("${clip(fields[b] as string, 40)}") have the same name, so which one holds ${c.description} is ambiguous; rename one of them`, `${clip(fields[i] as string, 40)}`));
      continue;
    }
    chosen.set(c.key, i);
  }
  for (const k of Object.keys(map)) {
    if (!columns.some((c) => c.key === k)) issues.push(invalid(["map", k], `one of the fields ${columns.map((c) => c.key).join(", ")}`, k));
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: chosen };
}

/** Records → numeric rows for the columns; unusable rows are rejected with their line and cell. */
export function tableFromRecords(set: RecordSet, columns: readonly ColumnSpec[], map: Record<string, string> = {}): Parsed<Table> {
  const chosen = chooseColumns(set.fields, columns, map);
  if (!chosen.ok) return chosen;
  if (set.records.length === 0 && set.rejected.length === 0) return { ok: false, issues: [missing(["file"], "data rows after the header")] };
  const headers: Record<string, string> = {};
  const mults: Record<string, number> = {};
  for (const [k, i] of chosen.value) {
    headers[k] = set.fields[i] as string;
    mults[k] = headerMultiplier(set.fields[i] as string);
  }
  const rows: Record<string, number>[] = [];
  const lines: number[] = [];
  const rejected: RowIssue[] = [...set.rejected];
  for (const rec of set.records) {
    const row: Record<string, number> = {};
    let bad: Issue | undefined;
    for (const c of columns) {
      const i = chosen.value.get(c.key);
      if (i === undefined) continue;
      const raw = rec.cells[i];
      const h = headers[c.key] as string;
      const x = cellNumber(raw) * (mults[c.key] as number);
      const shown = typeof raw === "string" ? clip(raw) : raw;
      if (!Number.isFinite(x) || (c.positive && x <= 0)) {
        const t = typeof raw === "string" ? raw.trim() : "";
        const expected = PREFIXED.test(t)
          ? `a decimal number such as 16 or 1.6e1 (hexadecimal, octal and binary are not read as numbers)${c.range ? `: ${rangeText(c.range)}` : ""}`
          : c.positive ? "a positive finite number" : "a finite number";
        bad = invalid([`line ${rec.line}`, h], expected, shown);
        break;
      }
      if (c.range && !inRange(c.range, x)) {
        bad = invalid([`line ${rec.line}`, h], `${rangeText(c.range)}${(mults[c.key] as number) !== 1 ? ` (after the header's ×${mults[c.key]})` : ""}`, shown);
        break;
      }
      row[c.key] = x;
    }
    if (bad) rejected.push({ line: rec.line, issue: bad });
    else {
      rows.push(row);
      lines.push(rec.line);
    }
  }
  rejected.sort((a, b) => a.line - b.line);
  return { ok: true, value: { rows, lines, headers, rejected } };
}

export function readTable(text: string, format: TableFormat, columns: readonly ColumnSpec[], map: Record<string, string> = {}): Parsed<Table> {
  const set = readRecords(text, format);
  if (!set.ok) return set;
  return tableFromRecords(set.value, columns, map);
}
