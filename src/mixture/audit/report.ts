/**
 * The audit as text (tables a person reads) and as a sources CSV that `lmplan data --sources` reads
 * (name, tokens = unique tokens, domain; src/io/sources.ts ignores the extra columns).
 */
import { formatCount, formatPercent, formatSig } from "../../units/format.js";
import type { DedupConfig } from "./config.js";
import type { SourceResult } from "./results.js";
import type { AuditResult } from "./run.js";

const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));
const padL = (s: string, n: number) => (s.length >= n ? ` ${s}` : s.padStart(n));
const tok = (x: number) => (Number.isFinite(x) ? formatCount(Math.round(x), 3) : "—");
const pct = (part: number, whole: number) => (whole > 0 ? formatPercent(part / whole) : "—");
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
// names come from the user's files: shown without control characters
const CONTROL = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;
const safe = (s: string) => s.replace(CONTROL, "?");

export function describeConfig(c: DedupConfig): string {
  const norm = { slimpajama: "SlimPajama-normalised", datatrove: "datatrove-simplified", "text-dedup": "text-dedup-tokenised", none: "raw" }[c.normalizer];
  const hash = c.hash === "sha1-32" ? "SHA-1 32-bit, values masked to 32 bits" : "XXH64, 64-bit values";
  const parts = [`${c.shingle === "chars" ? "character" : "word"} ${c.ngram}-grams of ${norm} text`, `MinHash ${c.numPerm} permutations (${hash}, RandomState(${c.seed}))`, `LSH ${c.bands} bands × ${c.rows} rows${c.bands * c.rows < c.numPerm ? ` (${c.bands * c.rows} of ${c.numPerm} values)` : ""}`, `Jaccard ${c.threshold}`];
  if (c.minChars > 0) parts.push(`documents under ${c.minChars} normalised characters dropped`);
  if (c.minWords > 0) parts.push(`documents under ${c.minWords} tokens dropped`);
  return parts.join(" · ");
}

function sourceTable(rows: SourceResult[], overall: SourceResult, tokenNote: string): string[] {
  const out = [`BY SOURCE (tokens: ${tokenNote})`];
  out.push(`  ${pad("source", 18)}${padL("docs", 10)}${padL("tokens", 10)}${padL("short", 9)}${padL("exact", 9)}${padL("near", 9)}${padL("local dup", 11)}${padL("global dup", 12)}${padL("unique local", 14)}${padL("unique global", 15)}`);
  for (const r of [...rows, overall]) {
    out.push(
      `  ${pad(clip(safe(r.name), 17), 18)}${padL(formatCount(r.read.documents, 3), 10)}${padL(tok(r.read.tokens), 10)}${padL(pct(r.short.tokens, r.read.tokens), 9)}${padL(pct(r.exact.tokens, r.read.tokens), 9)}${padL(pct(r.near.tokens, r.read.tokens), 9)}${padL(pct(r.removedLocal.tokens, r.read.tokens), 11)}${padL(pct(r.removedGlobal.tokens, r.read.tokens), 12)}${padL(tok(r.uniqueTokensLocal), 14)}${padL(tok(r.uniqueTokensGlobal), 15)}`,
    );
  }
  out.push("  short: dropped by the length filter; exact / near: removed under global dedup; % of the source's tokens");
  return out;
}

export function renderAudit(r: AuditResult): string {
  const c = r.config;
  const n = r.numbers;
  const L: string[] = [];
  L.push(`lmplan data audit · preset ${c.preset}${c.overridden.length ? ` (changed: ${c.overridden.join(", ")})` : ""} · ${n.sources.length} source${n.sources.length === 1 ? "" : "s"}, ${formatCount(r.input.documents, 4)} documents, ${tok(n.overall.read.tokens)} tokens in ${formatSig(r.seconds, 3)} s on ${r.threads} thread${r.threads === 1 ? "" : "s"}`);
  L.push("", "SETTINGS", `  ${describeConfig(c)}`);
  for (const s of c.citations) L.push(`  · ${s}`);
  for (const d of c.differences) L.push(`  ≠ ${d}`);
  const sc = r.sCurve;
  L.push("", `S-CURVE  P(candidate | J) = 1 − (1 − J^${sc.rows})^${sc.bands}  (Leskovec, Rajaraman & Ullman, Mining of Massive Datasets §3.4.2); steepest near (1/${sc.bands})^(1/${sc.rows}) = ${formatSig(sc.midpoint, 3)}`);
  L.push(`  J  ${sc.points.map((p) => padL(p.jaccard.toFixed(2), 6)).join("")}`);
  L.push(`  P  ${sc.points.map((p) => padL(p.probability.toFixed(3), 6)).join("")}`);
  L.push(`  a pair at the threshold J = ${sc.threshold} becomes a candidate ${formatPercent(sc.atThreshold)} of the time`);
  L.push("", ...sourceTable(n.sources, n.overall, r.tokenEstimate.description));
  if (n.removedBy && n.sources.length > 1 && n.sources.length <= 12) {
    L.push("", "GLOBAL DEDUP: TOKENS REMOVED FROM EACH SOURCE (row) BECAUSE THE KEPT COPY IS IN (column)");
    L.push(`  ${pad("", 18)}${n.sources.map((s) => padL(clip(safe(s.name), 11), 12)).join("")}`);
    n.sources.forEach((s, i) => L.push(`  ${pad(clip(safe(s.name), 17), 18)}${(n.removedBy?.tokens[i] ?? []).map((x) => padL(tok(x), 12)).join("")}`));
    L.push("  the diagonal is what local (within-source) dedup also removes; off-diagonal is what only global dedup removes");
  }
  if (n.overlap && n.sources.length > 1 && n.sources.length <= 12) {
    L.push("", "OVERLAP: DOCUMENTS OF EACH SOURCE (row) WITH A DUPLICATE IN (column)");
    L.push(`  ${pad("", 18)}${n.sources.map((s) => padL(clip(safe(s.name), 11), 12)).join("")}`);
    n.sources.forEach((s, i) => L.push(`  ${pad(clip(safe(s.name), 17), 18)}${(n.overlap?.[i] ?? []).map((x, j) => padL(i === j ? "·" : formatCount(x, 3), 12)).join("")}`));
  }
  const v = r.candidates.verification;
  L.push("", `CANDIDATES  ${formatCount(r.candidates.pairs, 4)} pairs from LSH (${formatCount(r.candidates.localPairs, 4)} within a source)`);
  if (v) {
    L.push(`  exact Jaccard checked ${formatCount(v.checked, 4)}: ${formatCount(v.confirmed, 4)} at or above ${c.threshold} (precision ${pct(v.confirmed, v.checked)}), ${formatCount(v.rejected, 4)} below (dropped)${v.unverified ? `, ${formatCount(v.unverified, 4)} unverified` : ""}`);
    const h = v.histogram;
    const rows: string[] = [];
    for (let i = 0; i < h.length; i++) if ((h[i] as number) > 0) rows.push(`${(i / 20).toFixed(2)}: ${h[i]}`);
    if (rows.length > 0) L.push(`  exact Jaccard of the candidates (bin start: pairs): ${rows.join(", ")}`);
  } else L.push("  not verified (add --verify for an exact-Jaccard check of every candidate pair)");
  L.push("", `CLUSTERS  ${formatCount(n.clusters.count, 4)} duplicate clusters hold ${formatCount(n.clusters.documentsInClusters, 4)} documents`);
  n.clusters.largest.forEach((cl, i) => {
    const by = Object.entries(cl.sources).map(([k, x]) => `${safe(k)} ${x}`).join(", ");
    L.push(`  ${i + 1}. ${cl.size} documents (${by}), ${tok(cl.tokens)} tokens`);
    cl.examples.forEach((e, j) => L.push(`     ${j === 0 ? "kept" : "dup "}  ${clip(safe(e.file), 60)}${e.line ? `:${e.line}` : ""}  "${safe(e.snippet).slice(0, 100)}${e.snippet.length > 100 ? "…" : ""}"`));
  });
  const est = r.estimate;
  if (est) {
    L.push("", `SAMPLE → CORPUS  the input is a uniform sample at f = ${formatSig(est.fraction, 3)} (${formatCount(est.sampleDocuments, 4)} of ~${formatCount(Math.round(est.corpusDocuments), 4)} documents)`);
    L.push(`  duplicate pairs: ${formatCount(est.samplePairs, 4)} in the sample → ~${formatCount(Math.round(est.corpusPairs.point), 4)} in the corpus (95%: ${formatCount(Math.round(est.corpusPairs.low), 3)} … ${formatCount(Math.round(est.corpusPairs.high), 3)}) — a sample keeps f² of the pairs`);
    L.push(`  duplicate documents: ${formatPercent(est.sampleRate)} of the sample → ~${formatPercent(est.corpusRate.point)} of the corpus (interval ${formatPercent(est.corpusRate.low)} … ${formatPercent(est.corpusRate.high)}; cluster size K̂ = ${formatSig(est.clusterSize, 3)})`);
    L.push(`  method: ${est.method}`);
  }
  L.push("", `MEMORY  ${formatSig(r.memory.engineBytes / 2 ** 20, 3)} MiB of counters and buckets; peak process ${formatSig(r.memory.peakRssBytes / 2 ** 20, 3)} MiB for ${formatSig(r.input.bytes / 2 ** 20, 3)} MiB read`);
  if (r.input.problems.length > 0) {
    L.push("", "INPUT PROBLEMS (skipped)");
    for (const p of r.input.problems.slice(0, 10)) L.push(`  ${clip(safe(p.file), 70)}${p.line ? `:${p.line}` : ""}: ${p.reason}`);
    if (r.input.problemCount > 10) L.push(`  … ${r.input.problemCount - 10} more (see --json)`);
  }
  if (r.warnings.length > 0) L.push("", "WARNINGS", ...r.warnings.map((w) => `  ! ${safe(w)}`));
  return `${L.join("\n")}\n`;
}

export function renderDatatroveRead(rows: SourceResult[], overall: SourceResult, tokenNote: string, output: string, warnings: string[]): string {
  const L = [`lmplan data audit --read ${safe(output)} · datatrove results`, "", ...sourceTable(rows, overall, tokenNote)];
  L.push("  (datatrove's MinHash finds exact copies as near-duplicates: the exact column is not separated here)");
  if (warnings.length > 0) L.push("", "WARNINGS", ...warnings.map((w) => `  ! ${safe(w)}`));
  return `${L.join("\n")}\n`;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A sources CSV for `lmplan data --sources`: tokens = unique tokens under the chosen dedup. Sources with
 * no unique tokens are left out (the planner needs a positive count) and named in the returned list.
 */
export function sourcesCsv(rows: SourceResult[], unique: "global" | "local", domains: Record<string, string> = {}): { csv: string; omitted: string[] } {
  const lines = ["name,tokens,domain,raw_tokens,unique_tokens_local,unique_tokens_global,documents,removed_local_documents,removed_global_documents"];
  const omitted: string[] = [];
  for (const r of rows) {
    const t = Math.round(unique === "global" ? r.uniqueTokensGlobal : r.uniqueTokensLocal);
    if (!(t >= 1)) {
      omitted.push(r.name);
      continue;
    }
    const name = r.name.replace(CONTROL, " ").trim() || "(none)";
    lines.push([csvCell(name), String(t), csvCell(domains[r.name] ?? r.domain ?? name), String(Math.round(r.read.tokens)), String(Math.round(r.uniqueTokensLocal)), String(Math.round(r.uniqueTokensGlobal)), String(r.read.documents), String(r.removedLocal.documents), String(r.removedGlobal.documents)].join(","));
  }
  return { csv: `${lines.join("\n")}\n`, omitted };
}
