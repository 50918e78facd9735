/**
 * A synthetic corpus with near-duplicates planted at known Jaccard similarities (deterministic seeds):
 * recall and precision against exact Jaccard, and the LSH S-curve's prediction within its sampling
 * error. Exact Jaccard here is computed from the 13-gram strings themselves (a Set per document), not
 * by the code under test.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../src/mixture/audit/config.js";
import { AuditEngine } from "../src/mixture/audit/engine.js";
import { estimateCorpus } from "../src/mixture/audit/estimate.js";
import { candidateProbability } from "../src/mixture/audit/lsh.js";
import { MinHasher } from "../src/mixture/audit/minhash.js";
import { computeNumbers } from "../src/mixture/audit/results.js";
import { mulberry32 } from "../src/fit/random.js";
import { runAudit } from "../src/mixture/audit/run.js";

/** Mulberry32 (lmplan's bootstrap PRNG): the corpus is the same on every run. */
const rng = mulberry32;

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const randomText = (r: () => number, n: number) => Array.from({ length: n }, () => LETTERS[Math.floor(r() * 26)]).join("");

function grams(s: string, n = 13): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= s.length; i++) out.add(s.slice(i, i + n));
  return out;
}
function exactJaccard(a: string, b: string): number {
  const A = grams(a);
  const B = grams(b);
  let inter = 0;
  for (const g of A) if (B.has(g)) inter++;
  return inter / (A.size + B.size - inter);
}

/**
 * B = A with k letters replaced at positions ≥ 13 apart: each replacement changes the 13 shingles over
 * it, so J ≈ (S − 13k) / (S + 13k) for S shingles; k is chosen for the target J.
 */
function plant(r: () => number, length: number, target: number): [string, string] {
  const a = randomText(r, length);
  const S = length - 12;
  const k = Math.max(1, Math.round((S * (1 - target)) / (13 * (1 + target))));
  const chars = a.split("");
  const slots = Math.floor((length - 26) / 13);
  const picked = new Set<number>();
  while (picked.size < Math.min(k, slots)) picked.add(Math.floor(r() * slots));
  for (const slot of picked) {
    const pos = 13 + slot * 13;
    const old = chars[pos] as string;
    let c = old;
    while (c === old) c = LETTERS[Math.floor(r() * 26)] as string;
    chars[pos] = c;
  }
  return [a, chars.join("")];
}

const LEVELS = [0.7, 0.76, 0.8, 0.84, 0.88, 0.92];
const PAIRS_PER_LEVEL = 100;

function buildCorpus() {
  const r = rng(20240917);
  const docs: string[] = [];
  const pairs: { a: number; b: number; j: number }[] = [];
  for (const level of LEVELS) {
    for (let i = 0; i < PAIRS_PER_LEVEL; i++) {
      const [a, b] = plant(r, 400 + Math.floor(r() * 400), level);
      pairs.push({ a: docs.length, b: docs.length + 1, j: exactJaccard(a, b) });
      docs.push(a, b);
    }
  }
  // unrelated documents: no pair among them is near
  for (let i = 0; i < 200; i++) docs.push(randomText(r, 500));
  return { docs, pairs };
}

/** Audit in memory with the engine (one thread), optionally verifying candidates by exact Jaccard. */
function audit(docs: string[], verify: boolean) {
  const cfg = PRESETS.slimpajama;
  const hasher = new MinHasher(cfg);
  const engine = new AuditEngine({ config: cfg, numSources: 1, tokenEstimate: "chars/4", verify, maxDocs: 1e6, maxEdges: 1e6 });
  const keys = new Uint32Array(2 * cfg.bands);
  for (const d of docs) {
    const { id, needsHash } = engine.register(0, d);
    if (needsHash) engine.applyKeys(id, hasher.bandKeys(d, keys, 0), keys, 0);
  }
  if (verify) {
    // the second pass in memory: every candidate's partner is an earlier document
    const from = engine.edgeFrom.data;
    const to = engine.edgeTo.data;
    for (let e = 0; e < engine.edgeFrom.length; e++) {
      const a = from[e] as number;
      const b = to[e] as number;
      if (exactJaccard(docs[a] as string, docs[b] as string) >= cfg.threshold) engine.ufG.union(a, b), engine.ufL.union(a, b);
    }
  }
  return engine;
}

const { docs, pairs } = buildCorpus();

describe("planted near-duplicates (SlimPajama preset: 9 bands × 13 rows, threshold 0.8)", () => {
  const engine = audit(docs, false);
  const same = (a: number, b: number) => engine.ufG.find(a) === engine.ufG.find(b);

  it("the planted similarities span the S-curve (exact Jaccard of each pair, from the 13-gram strings)", () => {
    const js = pairs.map((p) => p.j);
    expect(Math.min(...js)).toBeLessThan(0.72);
    expect(Math.max(...js)).toBeGreaterThan(0.9);
  });

  it("the share of pairs found follows 1 − (1 − J^13)^9 within its sampling error, at each level", () => {
    const report: string[] = [];
    for (const level of LEVELS) {
      const ps = pairs.filter((_, i) => LEVELS[Math.floor(i / PAIRS_PER_LEVEL)] === level);
      const expected = ps.reduce((s, p) => s + candidateProbability(p.j, 9, 13), 0);
      const variance = ps.reduce((s, p) => s + candidateProbability(p.j, 9, 13) * (1 - candidateProbability(p.j, 9, 13)), 0);
      const found = ps.filter((p) => same(p.a, p.b)).length;
      report.push(`J≈${level}: found ${found}/${ps.length}, S-curve predicts ${expected.toFixed(1)} ± ${Math.sqrt(variance).toFixed(1)}`);
      // 4σ (a binomial sum; a floor of 2 pairs where the variance is tiny)
      expect(Math.abs(found - expected)).toBeLessThanOrEqual(4 * Math.sqrt(variance) + 2);
    }
    console.info(`S-curve check\n  ${report.join("\n  ")}`);
  });

  it("unverified candidates: precision and recall against exact Jaccard ≥ 0.8", () => {
    const truth = pairs.filter((p) => p.j >= 0.8);
    const found = pairs.filter((p) => same(p.a, p.b));
    const tp = found.filter((p) => p.j >= 0.8).length;
    // no unrelated document joins any cluster
    for (let d = 2 * pairs.length; d < docs.length; d++) expect(engine.ufG.find(d)).toBe(d);
    const recall = tp / truth.length;
    const precision = tp / found.length;
    const expectedRecall = truth.reduce((s, p) => s + candidateProbability(p.j, 9, 13), 0) / truth.length;
    console.info(`unverified: recall ${recall.toFixed(3)} (S-curve ${expectedRecall.toFixed(3)}), precision ${precision.toFixed(3)} over ${found.length} pairs found`);
    expect(Math.abs(recall - expectedRecall)).toBeLessThan(0.08);
    // below-threshold pairs are found too (the S-curve is not a step): precision < 1 without verification
    expect(precision).toBeGreaterThan(0.75);
  });

  it("verified candidates: precision 1 against exact Jaccard, recall unchanged", () => {
    const v = audit(docs, true);
    const found = pairs.filter((p) => v.ufG.find(p.a) === v.ufG.find(p.b));
    expect(found.every((p) => p.j >= 0.8)).toBe(true);
    const truth = pairs.filter((p) => p.j >= 0.8);
    const recall = found.length / truth.length;
    const expectedRecall = truth.reduce((s, p) => s + candidateProbability(p.j, 9, 13), 0) / truth.length;
    console.info(`verified: recall ${recall.toFixed(3)} (S-curve ${expectedRecall.toFixed(3)}), precision 1`);
    expect(Math.abs(recall - expectedRecall)).toBeLessThan(0.08);
  });

  it("the shingle sets lmplan verifies with give the same Jaccard as the strings (32-bit hashes: no collisions here)", () => {
    const h = new MinHasher(PRESETS.slimpajama);
    for (const p of pairs.slice(0, 50)) {
      const a = h.shingleSet(docs[p.a] as string);
      const b = h.shingleSet(docs[p.b] as string);
      let inter = 0;
      const B = new Set(b);
      for (const x of a) if (B.has(x)) inter++;
      expect(inter / (a.length + b.length - inter)).toBeCloseTo(p.j, 12);
    }
  });
});

describe("local vs global dedup across sources", () => {
  it("a document copied into another source is removed globally, kept locally; the matrix says who keeps it", () => {
    const r = rng(7);
    const cfg = PRESETS.slimpajama;
    const hasher = new MinHasher(cfg);
    const engine = new AuditEngine({ config: cfg, numSources: 2, tokenEstimate: "chars/4", verify: false, maxDocs: 1e6, maxEdges: 1e6 });
    const keys = new Uint32Array(2 * cfg.bands);
    const add = (s: number, t: string) => {
      const { id, needsHash } = engine.register(s, t);
      if (needsHash) engine.applyKeys(id, hasher.bandKeys(t, keys, 0), keys, 0);
    };
    const web = Array.from({ length: 20 }, () => randomText(r, 600));
    for (const t of web) add(0, t);
    add(0, web[0] as string); // an exact copy within "web"
    add(1, web[1] as string); // an exact copy of a web page in "books"
    add(1, `${web[2] as string}x`); // a near copy (J ≈ 0.998) in "books"
    for (let i = 0; i < 5; i++) add(1, randomText(r, 600));
    add(0, "too short"); // under SlimPajama's 200 characters
    const n = computeNumbers(engine, [{ name: "web" }, { name: "books" }]);
    const [w, b] = n.sources as [(typeof n.sources)[0], (typeof n.sources)[0]];
    expect(w.short.documents).toBe(1);
    expect(w.removedLocal.documents).toBe(1);
    expect(w.removedGlobal.documents).toBe(1);
    expect(b.removedLocal.documents).toBe(0);
    expect(b.removedGlobal.documents).toBe(2);
    expect(b.exact.documents).toBe(1);
    expect(b.near.documents).toBe(1);
    expect(n.removedBy?.documents).toEqual([[1, 0], [2, 0]]);
    expect(b.uniqueTokensLocal).toBeCloseTo(b.read.tokens, 6);
    expect(b.uniqueTokensGlobal).toBeCloseTo(b.read.tokens - 150 - 150.25, 6);
    expect(n.overlap).toEqual([[0, 2], [2, 0]]);
  });
});

describe("sample → corpus estimate (a uniform sample at f sees ~f² of the pairs)", () => {
  it("recovers a corpus's duplicate rate from a 20% sample within its interval (deterministic simulation)", () => {
    const r = rng(99);
    // corpus: 20,000 unique documents, 2,000 pairs, 300 clusters of 5
    const sizes = [...new Array(20_000).fill(1), ...new Array(2_000).fill(2), ...new Array(300).fill(5)];
    const N = sizes.reduce((a, b) => a + b, 0);
    const removed = sizes.reduce((a, m) => a + m - 1, 0);
    const f = 0.2;
    const sampleSizes: number[] = [];
    let n = 0;
    for (const m of sizes) {
      let k = 0;
      for (let i = 0; i < m; i++) if (r() < f) k++;
      n += k;
      if (k >= 2) sampleSizes.push(k);
    }
    const e = estimateCorpus(sampleSizes, n, f);
    const truth = removed / N;
    console.info(`corpus rate ${truth.toFixed(4)}; sample ${e.sampleRate.toFixed(4)}; estimate ${e.corpusRate.point.toFixed(4)} [${e.corpusRate.low.toFixed(4)}, ${e.corpusRate.high.toFixed(4)}], K̂ ${e.clusterSize.toFixed(2)}`);
    expect(e.sampleRate).toBeLessThan(truth / 2);
    expect(e.corpusRate.low).toBeLessThanOrEqual(truth);
    expect(e.corpusRate.high).toBeGreaterThanOrEqual(truth);
    expect(Math.abs(e.corpusRate.point - truth) / truth).toBeLessThan(0.3);
    const P = 2_000 + 300 * 10;
    expect(e.corpusPairs.low).toBeLessThanOrEqual(P);
    expect(e.corpusPairs.high).toBeGreaterThanOrEqual(P);
  });
});

describe("the full pipeline on files", () => {
  it("reads JSONL, gzip JSONL and text files (one source per path): the same numbers as the in-memory audit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lmplan-audit-"));
    // levels 0.8 and 0.84: pairs on both sides of the threshold
    const sample = docs.slice(400, 800);
    writeFileSync(join(dir, "a.jsonl"), sample.slice(0, 200).map((t) => JSON.stringify({ text: t })).join("\n"));
    writeFileSync(join(dir, "b.jsonl.gz"), gzipSync(sample.slice(200, 398).map((t) => JSON.stringify({ text: t })).join("\n") + "\n"));
    mkdirSync(join(dir, "txt"));
    writeFileSync(join(dir, "txt", "1.txt"), sample[398] as string);
    writeFileSync(join(dir, "txt", "2.txt"), sample[399] as string);
    const result = await runAudit({
      paths: [dir],
      read: { textField: ["text"], sourceBy: { kind: "arg" }, maxRecordBytes: 1 << 20, maxFiles: 10 },
      config: PRESETS.slimpajama,
      tokenEstimate: "chars/4",
      verify: true,
      threads: 1,
      maxDocs: 1e6,
      clustersShown: 3,
      membersShown: 2,
    });
    expect(result.input.documents).toBe(400);
    const mem = audit(sample, true);
    const removed = Array.from({ length: 400 }, (_, d) => (mem.ufG.find(d) !== d ? 1 : 0) as number).reduce((a, b) => a + b, 0);
    expect(removed).toBeGreaterThan(40);
    expect(result.numbers.overall.removedGlobal.documents).toBe(removed);
    expect(result.candidates.verification?.rejected).toBeGreaterThan(0);
    const ex = result.numbers.clusters.largest[0]?.examples ?? [];
    expect(ex).toHaveLength(2);
    expect(ex[0]?.line).toBeGreaterThan(0);
    expect(sample.some((t) => t.startsWith(ex[0]?.snippet ?? "?"))).toBe(true);
  });

  it("two hashing threads give the same result as one (batches come back in reading order)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lmplan-audit-threads-"));
    writeFileSync(join(dir, "c.jsonl"), docs.slice(0, 1400).map((t) => JSON.stringify({ text: t })).join("\n"));
    const opts = (threads: number) => ({ paths: [dir], read: { textField: ["text"], sourceBy: { kind: "arg" as const }, maxRecordBytes: 1 << 20, maxFiles: 10 }, config: PRESETS.slimpajama, tokenEstimate: "chars/4" as const, verify: false, threads, maxDocs: 1e6, clustersShown: 3, membersShown: 2 });
    const one = await runAudit(opts(1));
    const two = await runAudit(opts(2));
    // the built worker (dist/, from `npm run build`) runs the hashing; without it the pool hashes inline
    if (existsSync(new URL("../dist/mixture/audit/worker.js", import.meta.url))) expect(two.threads).toBe(2);
    expect(two.numbers).toEqual(one.numbers);
    expect(two.candidates).toEqual(one.candidates);
  });
});
