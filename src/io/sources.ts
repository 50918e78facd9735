/**
 * A user's data sources from CSV: name, tokens (unique tokens available; "25B" accepted), and optional
 * domain and quality columns. Rows that cannot be used are reported by line.
 */
import Papa from "papaparse";
import { invalid, missing, type Issue, type Result } from "../errors.js";
import type { DataSource } from "../mixture/sources.js";
import { cellNumber } from "./table.js";

export function readSources(text: string): Result<{ sources: DataSource[]; quality: Record<string, string> }> {
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: "greedy" });
  const fields = (parsed.meta.fields ?? []).map((f) => f.trim());
  const col = (names: string[]) => parsed.meta.fields?.find((f) => names.includes(f.trim().toLowerCase()));
  const nameCol = col(["name", "source"]);
  const tokCol = col(["tokens", "unique_tokens", "unique tokens"]);
  const domCol = col(["domain", "tag", "category"]);
  const qCol = col(["quality"]);
  const issues: Issue[] = [];
  if (!nameCol) issues.push(missing(["name"], `a "name" column (columns: ${fields.join(", ")})`));
  if (!tokCol) issues.push(missing(["tokens"], `a "tokens" column of unique tokens per source (columns: ${fields.join(", ")})`));
  if (issues.length > 0 || !nameCol || !tokCol) return { ok: false, issues };
  const sources: DataSource[] = [];
  const quality: Record<string, string> = {};
  parsed.data.forEach((row, i) => {
    const line = i + 2;
    const name = (row[nameCol] ?? "").trim();
    const tokens = cellNumber(row[tokCol]);
    if (name === "") issues.push(invalid([`line ${line}`, "name"], "a source name", row[nameCol]));
    else if (!(tokens > 0)) issues.push(invalid([`line ${line}`, "tokens"], "a positive token count such as 25B", row[tokCol]));
    else if (sources.some((s) => s.name === name)) issues.push(invalid([`line ${line}`, "name"], "a name not used by an earlier row", name));
    else {
      sources.push({ name, tokens, domain: (domCol && row[domCol]?.trim()) || name });
      if (qCol && row[qCol]) quality[name] = row[qCol].trim();
    }
  });
  if (issues.length > 0) return { ok: false, issues };
  if (sources.length === 0) return { ok: false, issues: [missing(["file"], "at least one source row")] };
  return { ok: true, value: { sources, quality } };
}
