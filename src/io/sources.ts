/**
 * A user's data sources from CSV: name, tokens (unique tokens available; "25B" accepted), and optional
 * domain and quality columns. Rows that cannot be used are reported by their real file line (quoted
 * line breaks and blank lines do not shift it; src/io/csv.ts), and stop the read: a mixture is not
 * planned over a silently shortened list of sources.
 */
import { conflict, invalid, missing, type Issue, type Result } from "../errors.js";
import type { DataSource } from "../mixture/sources.js";
import { parseCsvRecords } from "./csv.js";
import { inRange, RANGES, rangeText } from "./ranges.js";
import { cellNumber } from "./table.js";

/** Most sources in one file: far past any published mixture (SlimPajama has 7), and it keeps the water-filling cap quadratic-safe. */
export const MAX_SOURCES = 10_000;

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

export function readSources(text: string): Result<{ sources: DataSource[]; quality: Record<string, string> }> {
  const csv = parseCsvRecords(text);
  if (csv.headerError !== undefined) return { ok: false, issues: [invalid(["file", `line ${csv.headerLine}`], "a well-formed CSV header", csv.headerError)] };
  const lower = csv.fields.map((f) => f.trim().toLowerCase());
  const fields = csv.fields.map((f) => clip(f.trim())).slice(0, 30).join(", ");
  const issues: Issue[] = [];
  const col = (names: string[], key: string): number | undefined => {
    const i = lower.findIndex((f) => names.includes(f));
    if (i < 0) return undefined;
    const twin = lower.findIndex((f, k) => k !== i && f === lower[i]);
    if (twin >= 0) issues.push(conflict([key], `columns ${Math.min(i, twin) + 1} and ${Math.max(i, twin) + 1} are both named "${clip(csv.fields[i]?.trim() ?? "")}"; rename one of them`));
    return i;
  };
  const nameCol = col(["name", "source"], "name");
  const tokCol = col(["tokens", "unique_tokens", "unique tokens"], "tokens");
  const domCol = col(["domain", "tag", "category"], "domain");
  const qCol = col(["quality"], "quality");
  if (nameCol === undefined) issues.push(missing(["name"], `a "name" column (columns: ${fields})`));
  if (tokCol === undefined) issues.push(missing(["tokens"], `a "tokens" column of unique tokens per source (columns: ${fields})`));
  if (issues.length > 0 || nameCol === undefined || tokCol === undefined) return { ok: false, issues };
  if (csv.records.length > MAX_SOURCES) return { ok: false, issues: [invalid("file", `at most ${MAX_SOURCES} sources`, `${csv.records.length} rows`)] };
  const sources: DataSource[] = [];
  const quality: Record<string, string> = {};
  const seen = new Set<string>();
  const bad = [...csv.rejected];
  for (const { line, cells } of csv.records) {
    const at = `line ${line}`;
    const name = (cells[nameCol] ?? "").trim();
    const rawTokens = cells[tokCol] ?? "";
    const tokens = cellNumber(rawTokens);
    if (name === "") bad.push({ line, issue: invalid([at, "name"], "a source name", cells[nameCol]) });
    else if (!(tokens > 0) || !inRange(RANGES.tokens, tokens)) bad.push({ line, issue: invalid([at, "tokens"], `a positive token count such as 25B: ${rangeText(RANGES.tokens)}`, clip(rawTokens)) });
    else if (seen.has(name)) bad.push({ line, issue: invalid([at, "name"], "a name not used by an earlier row", clip(name)) });
    else {
      seen.add(name);
      sources.push({ name, tokens, domain: (domCol !== undefined && cells[domCol]?.trim()) || name });
      const q = qCol !== undefined ? cells[qCol]?.trim() : undefined;
      if (q) quality[name] = q;
    }
  }
  if (bad.length > 0) return { ok: false, issues: bad.sort((a, b) => a.line - b.line).slice(0, 20).map((b) => b.issue) };
  if (sources.length === 0) return { ok: false, issues: [missing(["file"], "at least one source row")] };
  return { ok: true, value: { sources, quality } };
}
