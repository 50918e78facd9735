/**
 * The law catalogue as Markdown: id, formula, coefficients, fitted range, source and status of every
 * law, printed from the laws themselves. docs/science.md carries it between two marker comments and
 * test/laws.test.ts checks that copy against this function, so the document cannot drift from the code
 * (`npm run docs:science` rewrites it after a law changes).
 */
import { LAWS } from "./index.js";
import type { AnyLaw } from "./types.js";
import { formatSig } from "../units/format.js";

export const CATALOG_BEGIN = "<!-- laws:begin (generated from src/laws by npm run docs:science; do not edit) -->";
export const CATALOG_END = "<!-- laws:end -->";

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();

function range(law: AnyLaw): string {
  const entries = Object.entries(law.fitRange as Record<string, readonly [number, number]>);
  const text = entries.map(([k, [lo, hi]]) => `${k} ${formatSig(lo, 3)}–${formatSig(hi, 3)}`).join(", ");
  return [text || "not recorded", law.fitRangeNote].filter(Boolean).join("; ");
}

function source(law: AnyLaw): string {
  const c = law.citation;
  return [c.short, c.arxiv ? `arXiv ${c.arxiv}` : undefined, c.repo, c.locator].filter(Boolean).join(", ");
}

function coefficients(law: AnyLaw): string {
  const entries = Object.entries(law.coefficients);
  return entries.length === 0 ? "—" : entries.map(([k, v]) => `${k} = ${String(v)}`).join(", ");
}

/** One Markdown table of every law in LAWS, between the catalogue's markers. */
export function renderLawCatalog(laws: readonly AnyLaw[] = LAWS): string {
  const rows = laws.map((l) => `| \`${l.id}\` | ${cell(l.formula)} | ${cell(coefficients(l))} | ${cell(range(l))} | ${cell(source(l))} | ${l.verified ? "primary [P]" : "unverified [S]"} |`);
  return [
    CATALOG_BEGIN,
    "",
    "| id | formula | coefficients | fitted range | source | read in |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    CATALOG_END,
  ].join("\n");
}
