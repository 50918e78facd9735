/**
 * `lmplan data audit`'s pipeline: read (streaming) → exact hash and tokens (this thread) → MinHash band
 * keys (worker threads) → LSH buckets and union–find (this thread, in reading order) → optional second
 * pass for exact-Jaccard verification → the numbers → a third, short pass for the example texts of the
 * largest clusters. Memory holds per-document counters and bucket keys, never the texts: a batch of
 * texts in flight is at most `BATCH_BYTES` × 2 × threads.
 */
import type { DedupConfig } from "./config.js";
import { AuditEngine, DEFAULT_MAX_EDGES, type TokenEstimate, TOKEN_ESTIMATE_TEXT } from "./engine.js";
import { estimateCorpus, type SampleEstimate } from "./estimate.js";
import { candidateProbability, sCurve, sCurveThreshold, type SCurvePoint } from "./lsh.js";
import { MinHasher } from "./minhash.js";
import { HashPool } from "./pool.js";
import { addProblem, listInputs, newReadReport, readFileDocs, type InputFile, type ReadOptions, type ReadReport } from "./read.js";
import { computeNumbers, type AuditNumbers } from "./results.js";
import { DEFAULT_MAX_HELD_SHINGLES, makeVerifier, type VerifyStats } from "./verify.js";

/** Texts per hashing batch: about 1 MiB, or 512 documents. */
export const BATCH_BYTES = 1 << 20;
export const BATCH_DOCS = 512;
/** Most distinct sources (the per-document source id is 16 bits). */
export const MAX_SOURCES = 65_535;
/** Characters of each example shown. */
export const SNIPPET_CHARS = 160;

export interface AuditOptions {
  paths: string[];
  read: ReadOptions;
  config: DedupConfig;
  tokenEstimate: TokenEstimate;
  verify: boolean;
  threads: number;
  maxDocs: number;
  maxEdges?: number;
  maxHeldShingles?: number;
  /** Largest clusters shown, and members shown of each. */
  clustersShown: number;
  membersShown: number;
  /** The input is a uniform sample at this fraction of a larger corpus. */
  sampleFraction?: number;
  /** Or the corpus size in tokens: the fraction is the sample's tokens over it. */
  corpusTokens?: number;
  /** Domain tag per source name (for the sources CSV). */
  domains?: Record<string, string>;
  /** Called now and then with progress (the CLI draws a bar on a terminal). */
  onProgress?: (p: { pass: number; documents: number; bytes: number }) => void;
}

export interface ClusterExample {
  source: string;
  file: string;
  line: number;
  snippet: string;
}

export interface AuditResult {
  lmplanAuditVersion: 1;
  config: DedupConfig;
  sCurve: { bands: number; rows: number; threshold: number; midpoint: number; atThreshold: number; points: SCurvePoint[] };
  tokenEstimate: { method: TokenEstimate; description: string };
  input: ReadReport & { documents: number; truncatedDocuments: number };
  numbers: Omit<AuditNumbers, "clusterSizes" | "clusters"> & { clusters: { count: number; documentsInClusters: number; largest: (AuditNumbers["clusters"]["largest"][number] & { examples: ClusterExample[] })[] } };
  candidates: { pairs: number; localPairs: number; verification?: VerifyStats };
  estimate?: SampleEstimate;
  memory: { engineBytes: number; peakRssBytes: number };
  threads: number;
  seconds: number;
  warnings: string[];
}

interface FileSpan {
  file: InputFile;
  first: number;
  count: number;
}

const CONTROL = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;

function snippet(text: string): string {
  return text.replace(/\s+/g, " ").replace(CONTROL, " ").trim().slice(0, SNIPPET_CHARS);
}

export async function runAudit(o: AuditOptions, now: () => number = () => performance.now()): Promise<AuditResult> {
  const t0 = now();
  const cfg = o.config;
  const warnings: string[] = [];
  const report = newReadReport();
  const files = await listInputs(o.paths, o.read, report);
  const engine = new AuditEngine({ config: cfg, numSources: 0, tokenEstimate: o.tokenEstimate, verify: o.verify, maxDocs: o.maxDocs, maxEdges: o.maxEdges ?? DEFAULT_MAX_EDGES });
  const sourceIds = new Map<string, number>();
  const sourceNames: string[] = [];
  const spans: FileSpan[] = [];
  const pool = new HashPool(cfg, o.threads);
  let truncated = 0;
  let peakRss = process.memoryUsage().rss;
  let docsSeen = 0;
  let lastProgress = 0;
  const progress = (pass: number) => {
    const t = now();
    if (o.onProgress && t - lastProgress > 200) {
      lastProgress = t;
      o.onProgress({ pass, documents: docsSeen, bytes: report.bytes });
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  };

  // ---- pass 1: register, hash, bucket ---------------------------------------------------------
  let batchIds: number[] = [];
  let batchTexts: string[] = [];
  let batchBytes = 0;
  const inFlight: { ids: number[]; result: Promise<Awaited<ReturnType<HashPool["submit"]>>> }[] = [];
  const apply = async (upTo: number) => {
    while (inFlight.length > upTo) {
      const head = inFlight.shift() as (typeof inFlight)[number];
      const r = await head.result;
      truncated += r.truncated;
      const stride = 2 * cfg.bands;
      for (let i = 0; i < head.ids.length; i++) engine.applyKeys(head.ids[i] as number, r.statuses[i] as number, r.keys, i * stride);
    }
  };
  const dispatch = async () => {
    if (batchIds.length === 0) return;
    inFlight.push({ ids: batchIds, result: pool.submit(batchTexts) });
    batchIds = [];
    batchTexts = [];
    batchBytes = 0;
    // two batches per thread in flight: the threads stay busy, memory stays bounded
    await apply(2 * pool.threads - 1);
  };
  let stopped = false;
  try {
    for (const file of files) {
      if (stopped) break;
      const span: FileSpan = { file, first: engine.n, count: 0 };
      spans.push(span);
      await readFileDocs(file, o.read, report, async (d) => {
        let sid = sourceIds.get(d.source);
        if (sid === undefined) {
          if (sourceNames.length >= MAX_SOURCES) {
            addProblem(report, { file: file.path, line: d.line, reason: `more than ${MAX_SOURCES} sources: document skipped (group sources by directory or field)` });
            return true;
          }
          sid = sourceNames.length;
          sourceIds.set(d.source, sid);
          sourceNames.push(d.source);
        }
        if (engine.n >= o.maxDocs) {
          if (!stopped) warnings.push(`stopped at --max-docs ${o.maxDocs} documents; the rest of the input was not read`);
          stopped = true;
          return false;
        }
        const { id, needsHash } = engine.register(sid, d.text);
        span.count++;
        docsSeen++;
        if (needsHash) {
          batchIds.push(id);
          batchTexts.push(d.text);
          batchBytes += d.text.length;
          if (batchBytes >= BATCH_BYTES || batchIds.length >= BATCH_DOCS) await dispatch();
        }
        progress(1);
        return true;
      });
    }
    await dispatch();
    await apply(0);
  } finally {
    await pool.close();
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  // ---- re-reading: later passes visit only the files that hold the documents they need ----------
  const revisit = async (pass: number, needed: Int32Array, visit: (id: number, text: string, source: string, file: string, line: number) => void) => {
    let k = 0;
    for (const span of spans) {
      if (k >= needed.length) break;
      const end = span.first + span.count;
      if ((needed[k] as number) >= end) continue;
      let id = span.first;
      await readFileDocs(span.file, o.read, newReadReport(), (d) => {
        // the same acceptance rules as pass 1, so ids line up; a source past the cap was skipped there too
        if (!sourceIds.has(d.source)) return true;
        if (id >= end) return false;
        if (id === needed[k]) {
          visit(id, d.text, d.source, span.file.path, d.line);
          k++;
        }
        id++;
        docsSeen++;
        progress(pass);
        return k < needed.length && (needed[k] as number) < end;
      });
      if (id < end && k < needed.length && (needed[k] as number) < end) {
        warnings.push(`${span.file.path} changed between passes (fewer documents on re-reading)`);
        while (k < needed.length && (needed[k] as number) < end) k++;
      }
    }
  };

  let verification: VerifyStats | undefined;
  if (o.verify) {
    const hasher = new MinHasher(cfg);
    const v = makeVerifier(engine, hasher, cfg.threshold, o.maxHeldShingles ?? DEFAULT_MAX_HELD_SHINGLES);
    await revisit(2, v.needed, (id, text) => v.visit(id, text));
    verification = v.finish();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }

  const sources = sourceNames.map((name) => ({ name, ...(o.domains?.[name] !== undefined ? { domain: o.domains[name] as string } : {}) }));
  const numbers = computeNumbers(engine, sources, o.clustersShown, o.membersShown);

  // ---- examples of the largest clusters ----------------------------------------------------------
  const wanted = Int32Array.from(numbers.clusters.largest.flatMap((c) => c.memberIds)).sort();
  const examples = new Map<number, ClusterExample>();
  if (wanted.length > 0) await revisit(3, wanted, (id, text, source, file, line) => examples.set(id, { source, file, line, snippet: snippet(text) }));

  if (truncated > 0) warnings.push(`${truncated} documents over 64 MiB were hashed on their first 64 MiB`);
  if (report.problemCount > 0) warnings.push(`${report.problemCount} records or files could not be used (listed under input.problems)`);
  if (report.invalidUtf8Files > 0) warnings.push(`${report.invalidUtf8Files} files hold bytes that are not UTF-8 (decoded with U+FFFD)`);
  if (verification && verification.unverified > 0) warnings.push(`${verification.unverified} candidate pairs were joined without an exact-Jaccard check (memory cap)`);

  const { clusterSizes, clusters, ...rest } = numbers;
  let estimate: SampleEstimate | undefined;
  const fraction = o.sampleFraction ?? (o.corpusTokens !== undefined ? Math.min(1, numbers.overall.read.tokens / o.corpusTokens) : undefined);
  if (fraction !== undefined && fraction < 1 && fraction > 0) estimate = estimateCorpus(clusterSizes, numbers.keptByFilter, fraction);
  if (o.corpusTokens !== undefined && fraction === 1) warnings.push(`the sample holds ${Math.round(numbers.overall.read.tokens)} tokens, at least --corpus-tokens ${o.corpusTokens}: no sample-to-corpus estimate`);
  return {
    lmplanAuditVersion: 1,
    config: cfg,
    sCurve: { bands: cfg.bands, rows: cfg.rows, threshold: cfg.threshold, midpoint: sCurveThreshold(cfg.bands, cfg.rows), atThreshold: candidateProbability(cfg.threshold, cfg.bands, cfg.rows), points: sCurve(cfg.bands, cfg.rows) },
    tokenEstimate: { method: o.tokenEstimate, description: TOKEN_ESTIMATE_TEXT[o.tokenEstimate] },
    input: { ...report, documents: engine.n, truncatedDocuments: truncated },
    numbers: { ...rest, clusters: { ...clusters, largest: clusters.largest.map((c) => ({ ...c, examples: c.memberIds.map((id) => examples.get(id)).filter((x): x is ClusterExample => x !== undefined) })) } },
    candidates: { pairs: engine.candidatePairs, localPairs: engine.candidateLocalPairs, ...(verification ? { verification } : {}) },
    ...(estimate ? { estimate } : {}),
    memory: { engineBytes: engine.memoryBytes, peakRssBytes: peakRss },
    threads: pool.threads,
    seconds: (now() - t0) / 1000,
    warnings,
  };
}
