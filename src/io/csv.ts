/**
 * CSV (and TSV) text → the header and the data records, each with the file line it starts on.
 *
 * papaparse does the parsing (quotes, quoted line breaks, delimiter detection); its step callback gives
 * the character offset after every record, so each record's first line is counted in the raw file —
 * a quoted line break, a blank line or an empty row never shifts the lines reported after it.
 *
 * Rows are never dropped silently: a row with more or fewer fields than the header, a row of empty
 * fields (",,"), and a row papaparse could not parse (an unterminated quote) are each rejected with
 * their line. Only blank lines (nothing but spaces) are skipped: they hold no data.
 */
import Papa from "papaparse";
import { invalid, type Issue } from "../errors.js";

export interface RowIssue {
  line: number;
  issue: Issue;
}

/** A data record: its cells in header order, and the 1-based file line it starts on. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export interface CsvRecords {
  /** Header cells as written (not trimmed). */
  fields: string[];
  /** 1-based file line of the header. */
  headerLine: number;
  records: CsvRecord[];
  rejected: RowIssue[];
  /** Set when the header row itself could not be parsed (an unterminated quote). */
  headerError?: string;
}

/** An invalid-value issue whose received part is a description, not a value to quote. */
function described(path: string, expected: string, received: string): Issue {
  return { ...invalid(path, expected, ""), received };
}

/** Longest text shown back in a message. */
function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * 1-based line of each character offset, for offsets asked in increasing order: one moving pointer over
 * the line breaks, so the whole file costs one pass. "\r\n" and "\n" end a line, and so does a lone "\r"
 * (old Mac files; papaparse accepts it as a line break).
 */
function lineCounter(text: string): (offset: number) => number {
  let pos = 0;
  let line = 1;
  return (offset: number) => {
    for (; pos < offset && pos < text.length; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 0x0a) line++;
      else if (c === 0x0d && text.charCodeAt(pos + 1) !== 0x0a) line++;
    }
    return line;
  };
}

export function parseCsvRecords(input: string): CsvRecords {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lineAt = lineCounter(text);
  const rows: { line: number; cells: string[]; error?: string }[] = [];
  let start = 0;
  Papa.parse<string[]>(text, {
    header: false,
    skipEmptyLines: false,
    dynamicTyping: false,
    step: (r) => {
      const line = lineAt(start);
      start = r.meta.cursor;
      const err = r.errors.find((e) => e.code !== "UndetectableDelimiter");
      rows.push({ line, cells: r.data, ...(err ? { error: err.message } : {}) });
    },
  });
  const blank = (cells: string[]) => cells.length === 1 && (cells[0] as string).trim() === "";
  let h = 0;
  while (h < rows.length && blank((rows[h] as { cells: string[] }).cells) && rows[h]?.error === undefined) h++;
  const header = rows[h];
  const out: CsvRecords = { fields: header?.cells ?? [], headerLine: header?.line ?? 1, records: [], rejected: [] };
  if (header?.error !== undefined) out.headerError = header.error;
  const width = out.fields.length;
  for (let k = h + 1; k < rows.length; k++) {
    const r = rows[k] as { line: number; cells: string[]; error?: string };
    const at = `line ${r.line}`;
    if (r.error !== undefined) out.rejected.push({ line: r.line, issue: described(at, "a well-formed CSV row", `${r.error}: ${JSON.stringify(clip(r.cells.join(",")))}`) });
    else if (blank(r.cells)) continue;
    else if (r.cells.every((c) => c.trim() === "")) out.rejected.push({ line: r.line, issue: described(at, `a row of values under the header's ${width} columns`, "an empty row (only delimiters)") });
    else if (r.cells.length !== width) {
      out.rejected.push({ line: r.line, issue: described(at, `a row of ${width} fields, as many as the header on line ${out.headerLine}`, `${r.cells.length} fields: ${JSON.stringify(clip(r.cells.join(",")))}`) });
    } else out.records.push({ line: r.line, cells: r.cells });
  }
  return out;
}
