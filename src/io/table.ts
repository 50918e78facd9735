/**
 * Read runs from CSV or JSONL into numeric rows, mapping the user's column names onto the fields a
 * fitter needs. Every row that cannot be used is reported with its line number and the reason —
 * nothing is dropped silently. Pure over text: the CLI reads the file.
 */
import Papa from "papaparse";
import { invalid, missing, type Issue } from "../errors.js";
import { COUNT_SUFFIXES } from "../units/parse.js";

/** A unit multiplier written in a header: "params (B)", "tokens [M]", "N_B" → 1e9, 1e6, 1e9. */
export function headerMultiplier(header: string): number {
  const m = /(?:\(([KMBGTP])\)|\[([KMBGTP])\]|_([KMBGTP]))\s*$/.exec(header.trim());
  const suffix = m?.[1] ?? m?.[2] ?? m?.[3];
  return suffix ? (COUNT_SUFFIXES[suffix] as number) : 1;
}

/** A cell as a number: plain ("1.3e9") or with a count suffix as people write it ("1.3B", "627B"). */
export function cellNumber(raw: unknown): number {
  if (typeof raw === "number") return raw;
  if (typeof raw !== "string" || raw.trim() === "") return NaN;
  const t = raw.trim();
  const plain = Number(t);
  if (!Number.isNaN(plain)) return plain;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([KMBGTP])$/i.exec(t);
  return m ? Number(m[1]) * (COUNT_SUFFIXES[(m[2] as string).toUpperCase()] as number) : NaN;
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
}

export interface RowIssue {
  line: number;
  issue: Issue;
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

export function detectFormat(name: string, text: string): TableFormat {
  if (/\.jsonl$|\.ndjson$|\.json$/i.test(name)) return "jsonl";
  if (/\.csv$|\.tsv$/i.test(name)) return "csv";
  return text.trimStart().startsWith("{") ? "jsonl" : "csv";
}

/** "N=Model Size,C=Training FLOP" → { N: "Model Size", C: "Training FLOP" } */
export function parseColumnMap(text: string | undefined): { ok: true; value: Record<string, string> } | { ok: false; issues: Issue[] } {
  const out: Record<string, string> = {};
  if (!text) return { ok: true, value: out };
  for (const part of text.split(",")) {
    const m = /^\s*([A-Za-z_][\w]*)\s*=\s*"?([^"]+?)"?\s*$/.exec(part);
    if (!m) return { ok: false, issues: [invalid("map", 'field=column pairs separated by commas, e.g. N="Model Size",C="Training FLOP"', part)] };
    out[m[1] as string] = m[2] as string;
  }
  return { ok: true, value: out };
}

export function readTable(text: string, format: TableFormat, columns: readonly ColumnSpec[], map: Record<string, string> = {}): { ok: true; value: Table } | { ok: false; issues: Issue[] } {
  let records: Record<string, unknown>[];
  let fields: string[] | undefined;
  let headerLine = 0;
  const recordLines: number[] = [];
  const rejected: RowIssue[] = [];
  if (format === "csv") {
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: "greedy", dynamicTyping: false });
    records = parsed.data;
    fields = parsed.meta.fields;
    headerLine = 1;
    // papaparse reports the data row index; with greedy empty-line skipping, recover line numbers by counting.
    const physical = text.split(/\r?\n/);
    let r = 0;
    for (let i = 1; i < physical.length && r < records.length; i++) {
      if ((physical[i] ?? "").trim() === "") continue;
      recordLines.push(i + 1);
      r++;
    }
    for (const e of parsed.errors) {
      const line = e.row !== undefined && e.row !== null ? (recordLines[e.row] ?? e.row + 2) : 0;
      rejected.push({ line, issue: invalid(`line ${line}`, "a well-formed CSV row", e.message) });
    }
  } else {
    records = [];
    const physical = text.split(/\r?\n/);
    physical.forEach((l, i) => {
      if (l.trim() === "") return;
      try {
        const v = JSON.parse(l) as unknown;
        if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
        records.push(v as Record<string, unknown>);
        recordLines.push(i + 1);
      } catch {
        rejected.push({ line: i + 1, issue: invalid(`line ${i + 1}`, "one JSON object per line", l.length > 60 ? `${l.slice(0, 60)}…` : l) });
      }
    });
  }
  const available = fields ?? (records.length > 0 ? Object.keys(records[0] as object) : []);
  const headers: Record<string, string> = {};
  const issues: Issue[] = [];
  for (const c of columns) {
    const wanted = map[c.key];
    // Aliases match the header with any unit marker removed: "params (B)" is a "params" column in billions.
    const bare = (h: string) => h.trim().replace(/\s*(\([KMBGTP]\)|\[[KMBGTP]\]|_[KMBGTP])$/, "").toLowerCase();
    const found = wanted !== undefined ? available.find((h) => h === wanted) : available.find((h) => c.aliases.some((a) => a.toLowerCase() === h.trim().toLowerCase() || a.toLowerCase() === bare(h)));
    if (found !== undefined) headers[c.key] = found;
    else if (wanted !== undefined) issues.push(invalid(["map", c.key], `a column of the file (${available.join(", ")})`, wanted));
    else if (!c.optional) issues.push(missing([c.key], `a column for ${c.description}: name it ${c.aliases.map((a) => `"${a}"`).join(" or ")}, or pass --map ${c.key}="<your column>" (columns: ${available.join(", ")})`));
  }
  for (const k of Object.keys(map)) {
    if (!columns.some((c) => c.key === k)) issues.push(invalid(["map", k], `one of the fields ${columns.map((c) => c.key).join(", ")}`, k));
  }
  if (issues.length > 0) return { ok: false, issues };
  if (records.length === 0) return { ok: false, issues: [missing(["file"], "data rows after the header")] };

  const rows: Record<string, number>[] = [];
  const lines: number[] = [];
  records.forEach((rec, i) => {
    const line = recordLines[i] ?? i + headerLine + 1;
    const row: Record<string, number> = {};
    for (const c of columns) {
      const h = headers[c.key];
      if (h === undefined) continue;
      const raw = rec[h];
      const x = cellNumber(raw) * headerMultiplier(h);
      const ok = Number.isFinite(x) && (!c.positive || x > 0);
      if (!ok) {
        rejected.push({ line, issue: invalid([`line ${line}`, h], c.positive ? "a positive finite number" : "a finite number", raw) });
        return;
      }
      row[c.key] = x;
    }
    rows.push(row);
    lines.push(line);
  });
  return { ok: true, value: { rows, lines, headers, rejected } };
}
