/**
 * What the stdout readers share: lines with their numbers (ANSI colour codes and carriage returns
 * removed; over-long lines counted, not parsed), numbers as the trainers print them, and timestamps.
 * All linear in the text: no regular expression here can backtrack on a hostile line.
 */
import { LOG_LIMITS } from "./limits.js";

// CSI sequences (colours: ESC [ … m) and two-character escapes
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;

export interface LineScan {
  /** Lines longer than LOG_LIMITS.lineChars: their numbers (at most 20) and count. */
  longLines: number[];
  longCount: number;
}

/** Calls fn for every line (1-based numbers as an editor shows them). */
export function forEachLine(text: string, fn: (line: string, n: number) => void): LineScan {
  const scan: LineScan = { longLines: [], longCount: 0 };
  let from = 0;
  let n = 0;
  const len = text.length;
  while (from < len) {
    let to = text.indexOf("\n", from);
    if (to < 0) to = len;
    n++;
    if (to - from > LOG_LIMITS.lineChars) {
      scan.longCount++;
      if (scan.longLines.length < 20) scan.longLines.push(n);
    } else {
      let line = text.slice(from, to);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line.includes("\u001b")) line = line.replace(ANSI, "");
      fn(line, n);
    }
    from = to + 1;
  }
  return scan;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number as Python prints it ("3.456789E+00", "1,234", "nan", "inf"); NaN for anything else. */
export function pyNumber(raw: string): number {
  const t = raw.trim().replace(/,/g, "");
  if (DECIMAL.test(t)) return Number(t);
  const l = t.toLowerCase();
  if (l === "nan" || l === "-nan") return Number.NaN;
  if (l === "inf" || l === "infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  return Number.NaN;
}

/** Python's repr of NaN/inf: a value the log really printed, as opposed to text that is not a number. */
export function isPyNonFinite(raw: string): boolean {
  const l = raw.trim().toLowerCase();
  return l === "nan" || l === "-nan" || l === "inf" || l === "-inf" || l === "infinity" || l === "-infinity";
}

const DATE = /(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?/;

/** "2026-08-22 12:00:00.123456" or "…,123" anywhere in the text → seconds since the epoch, read as UTC. */
export function isoSeconds(text: string): number {
  const m = DATE.exec(text);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const frac = m[7] ? Number(`0.${m[7]}`) : 0;
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 + frac;
}
