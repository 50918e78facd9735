/**
 * `lmplan data audit` in-process through main(argv, io): the report, the sources CSV that `lmplan data`
 * reads, the datatrove script and --read, bad input (exit 2, the field, the accepted range) and hostile
 * files (huge lines, binary, invalid UTF-8, deep JSON, corrupt gzip: never exit 1).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), readStdin: () => "" });
  return { code, out, err };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz ";
function text(seed: number, n: number): string {
  let a = seed >>> 0;
  let s = "";
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    s += LETTERS[a % 26];
  }
  return s;
}

/** Two sources; web has a within-source copy, books a copy of a web page and a near copy. */
function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), "lmplan-audit-cli-"));
  mkdirSync(join(dir, "web"));
  mkdirSync(join(dir, "books"));
  const web = Array.from({ length: 30 }, (_, i) => text(i + 1, 800));
  writeFileSync(join(dir, "web", "part-0.jsonl"), [...web, web[0]].map((t) => JSON.stringify({ text: t, url: "x" })).join("\n") + "\n");
  const books = [web[1], `${web[2]}tail`, ...Array.from({ length: 10 }, (_, i) => text(100 + i, 900))];
  writeFileSync(join(dir, "books", "b.jsonl.gz"), gzipSync(books.map((t) => JSON.stringify({ text: t })).join("\n")));
  return dir;
}

describe("lmplan data audit", () => {
  const dir = corpus();

  it("prints settings, the S-curve, the per-source table, the matrix and the clusters", async () => {
    const r = await run(["data", "audit", join(dir, "web"), join(dir, "books"), "--threads", "1"]);
    expect(r.code).toBe(0);
    for (const s of ["SETTINGS", "S-CURVE", "1 − (1 − J^13)^9", "39.9%", "BY SOURCE", "GLOBAL DEDUP: TOKENS REMOVED", "OVERLAP", "CLUSTERS", "to_hash.py", "9 bands × 13 rows"]) expect(r.out).toContain(s);
  });

  it("--out-sources writes unique tokens that `lmplan data --sources` plans with (epochs over unique tokens)", async () => {
    const csv = join(dir, "sources.csv");
    const r = await run(["data", "audit", join(dir, "web"), join(dir, "books"), "--threads", "1", "--out-sources", csv, "--domain", "web=web,books=books", "--json"]);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^name,tokens,domain,raw_tokens,unique_tokens_local,unique_tokens_global/);
    const books = lines.find((l) => l.startsWith("books,")) as string;
    const [, tokens, , raw, local, global] = books.split(",");
    expect(Number(tokens)).toBe(Number(global));
    expect(Number(local)).toBe(Number(raw));
    expect(Number(global)).toBeLessThan(Number(raw));
    expect(Number(global)).toBe(Math.round(a.numbers.sources.find((s: { name: string }) => s.name === "books").uniqueTokensGlobal));
    const plan = await run(["data", "--sources", csv, "--tokens", "1M", "--json"]);
    expect(plan.code).toBe(0);
    const p = JSON.parse(plan.out);
    expect(p.sources.find((s: { name: string }) => s.name === "books").uniqueTokens).toBe(Number(global));
    // …and lmplan plan takes the same file (issue 18, item 3): epochs and effective tokens over unique tokens
    const full = await run(["plan", "--params", "125M", "--tpp", "20", "--gpus", "8", "--data-sources-file", csv, "--json"]);
    expect(full.code).toBe(0);
    const q = JSON.parse(full.out);
    expect(q.data.sourcesPreset).toBe("your 2 sources");
    const b = q.data.sources.find((s: { name: string }) => s.name === "books");
    expect(b.uniqueTokens).toBe(Number(global));
    expect(b.epochs).toBeCloseTo(b.tokens / Number(global), 12);
  });
  it("plan --data-sources-file refuses a preset beside it, a bad file and a bad row, naming the field", async () => {
    const csv = join(dir, "sources-2.csv");
    writeFileSync(csv, "name,tokens,domain\nweb,3e11,web\ncode,2e10,code\n");
    const both = await run(["plan", "--params", "125M", "--tpp", "20", "--data-sources", "slimpajama-627b", "--data-sources-file", csv]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/^lmplan: dataSources\.dataSourcesTable: conflict/);
    const missing = await run(["plan", "--params", "125M", "--tpp", "20", "--data-sources-file", join(dir, "nope.csv")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^lmplan: dataSourcesTable: expected a readable CSV/);
    writeFileSync(csv, "name,tokens\nweb,0x10\n");
    const bad = await run(["plan", "--params", "125M", "--tpp", "20", "--data-sources-file", csv]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/dataSourcesTable/);
  });

  it("--sample-fraction prints the corpus estimate with its interval", async () => {
    const r = await run(["data", "audit", join(dir, "web"), join(dir, "books"), "--threads", "1", "--sample-fraction", "0.1"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("SAMPLE → CORPUS");
    expect(r.out).toContain("f² of the pairs");
  });

  it("reads zstd JSONL (fzstd) and Parquet (hyparquet; snappy, row groups of 5), sources from a field", async () => {
    // fixtures: docs.jsonl.zst made with zstd -19 (7 lines, line 7 = line 3); docs.parquet made with
    // hyparquet-writer 0.17.0 (14 rows, columns text and source; row 13 copies row 1 into the other
    // source, row 14 is row 4 with " tail" appended)
    const z = await run(["data", "audit", new URL("./audit/docs.jsonl.zst", import.meta.url).pathname, "--json", "--threads", "1"]);
    expect(z.code).toBe(0);
    const zj = JSON.parse(z.out);
    expect(zj.input.documents).toBe(7);
    expect(zj.numbers.overall.exact.documents).toBe(1);
    const p = await run(["data", "audit", new URL("./audit/docs.parquet", import.meta.url).pathname, "--source-by", "field:source", "--verify", "--json", "--threads", "1"]);
    expect(p.code).toBe(0);
    const pj = JSON.parse(p.out);
    expect(pj.input.documents).toBe(14);
    expect(pj.numbers.sources.map((s: { name: string }) => s.name).sort()).toEqual(["code", "web"]);
    expect(pj.numbers.overall.removedGlobal.documents).toBe(2);
    expect(pj.numbers.overall.removedLocal.documents).toBe(0);
    expect(pj.numbers.overall.exact.documents).toBe(1);
  });

  it("draws a progress line on a terminal only (stderr), and never into --json", async () => {
    let err = "";
    let out = "";
    const io = { out: (s: string) => (out += s), err: (s: string) => (err += s), readStdin: () => "", isTTY: true };
    // progress is throttled to 5 per second: a corpus read in under 200 ms may draw nothing, so only the form is checked
    expect(await main(["data", "audit", join(dir, "web"), "--threads", "1"], io)).toBe(0);
    if (err !== "") expect(err).toMatch(/^\r\x1b\[2K {2}audit pass 1\/3 · [\d,]+ documents/);
    err = "";
    expect(await main(["data", "audit", join(dir, "web"), "--threads", "1", "--json"], io)).toBe(0);
    expect(err).toBe("");
    expect(() => JSON.parse(out.slice(out.indexOf("{")))).not.toThrow();
  });

  it("--preset datatrove and text-dedup run, with their own settings", async () => {
    for (const [preset, want] of [["datatrove", "14 bands × 8 rows"], ["text-dedup", "24 bands × 10 rows"]]) {
      const r = await run(["data", "audit", join(dir, "web"), "--preset", preset as string, "--threads", "1"]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(want);
    }
  });

  it("--emit datatrove writes a Python script whose values are literals (a hostile source name stays a string)", async () => {
    const hostile = join(dir, 'x"; import os; os.system("echo pwned") #');
    mkdirSync(hostile);
    writeFileSync(join(hostile, "a.jsonl"), `${JSON.stringify({ text: text(5, 500) })}\n`);
    const script = join(dir, "dedup.py");
    const r = await run(["data", "audit", join(dir, "web"), hostile, "--emit", "datatrove", "--emit-file", script, "--output", "s3://bucket/out", "--partition", "hopper-cpu", "--tasks", "8"]);
    expect(r.code).toBe(0);
    const py = readFileSync(script, "utf8");
    expect(py).toContain('"ngram": 13');
    expect(py).toContain('"bands": 9, "rows": 13');
    expect(py).toContain('"param_order": "pairs"');
    expect(py).toContain('\\"; import os; os.system(\\"echo pwned\\") #');
    const py3 = spawnSync("python3", ["-c", "import sys; print(sys.version_info[0])"], { encoding: "utf8" });
    if (py3.status !== 0) return; // no Python here: the literal check above still holds
    expect(spawnSync("python3", ["-m", "py_compile", script], { encoding: "utf8" }).status).toBe(0);
    const d = spawnSync("python3", [script, "describe"], { encoding: "utf8" });
    expect(d.status).toBe(0);
    expect(d.stdout).not.toContain("pwned\n");
    const desc = JSON.parse(d.stdout);
    expect(desc.sources).toContain('x"; import os; os.system("echo pwned") #');
    expect(desc.slurm.partition).toBe("hopper-cpu");
    expect(desc.pipelines).toHaveLength(3);
  });

  it("--read reads the script's counts back (and datatrove's .remove files) into a sources CSV", async () => {
    const out = join(dir, "dt-out");
    const counts = (mode: string, pid: string, stage: string, sources: Record<string, [number, number]>) => {
      mkdirSync(join(out, "lmplan_counts", mode, pid, stage), { recursive: true });
      writeFileSync(join(out, "lmplan_counts", mode, pid, stage, "00000.json"), JSON.stringify({ lmplanCounts: 1, mode, stage, rank: 0, sources: Object.fromEntries(Object.entries(sources).map(([k, [d, c]]) => [k, { documents: d, characters: c, bytes: c, words: c / 5 }])) }));
    };
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "lmplan_manifest.json"), JSON.stringify({ lmplanDatatrove: 1, sources: ["web", "books"], modes: ["global", "local"], tasks: 1, settings: {} }));
    counts("global", "all", "read", { web: [100, 400_000], books: [50, 800_000] });
    counts("global", "all", "kept", { web: [98, 399_000], books: [50, 800_000] });
    counts("global", "all", "unique", { web: [80, 320_000], books: [40, 600_000] });
    counts("local", "000", "read", { web: [100, 400_000] });
    counts("local", "000", "kept", { web: [98, 399_000] });
    counts("local", "000", "unique", { web: [80, 320_000] });
    counts("local", "001", "read", { books: [50, 800_000] });
    counts("local", "001", "kept", { books: [50, 800_000] });
    counts("local", "001", "unique", { books: [45, 700_000] });
    mkdirSync(join(out, "global", "all", "remove_ids"), { recursive: true });
    writeFileSync(join(out, "global", "all", "remove_ids", "000000.remove"), Buffer.alloc(4 * 28));
    const csv = join(dir, "dt.csv");
    const r = await run(["data", "audit", "--read", out, "--out-sources", csv]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("datatrove results");
    expect(r.out).not.toContain("WARNINGS");
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows[1]).toBe("web,80000,web,100000,80000,80000,100,18,18");
    expect(rows[2]).toBe("books,150000,books,200000,175000,150000,50,5,10");
    expect((await run(["data", "--sources", csv, "--tokens", "1M"])).code).toBe(0);
  });
});

describe("bad input: exit 2, one line naming the field and what is accepted", () => {
  const dir = corpus();
  it.each([
    [["data", "audit"], /^lmplan: paths: expected one or more files or directories/],
    [["data", "audit", "DIR", "--preset", "minhash9"], /^lmplan: preset: expected one of slimpajama, datatrove, text-dedup, received "minhash9"$/],
    [["data", "audit", "DIR", "--threshold", "1.5"], /^lmplan: threshold: expected a Jaccard similarity strictly between 0 and 1, e.g. 0.8, received "1.5"$/],
    [["data", "audit", "DIR", "--num-perm", "5000"], /^lmplan: numPerm: expected permutations: a whole number 2 … 1024, received 5000$/],
    [["data", "audit", "DIR", "--bands", "20", "--rows", "13"], /^lmplan: bands\.rows: expected bands × rows ≤ num_perm = 128, received "20 × 13 = 260"$/],
    [["data", "audit", "DIR", "--ngram", "0"], /^lmplan: ngram: expected n-gram length: a whole number 1 … 64, received 0$/],
    [["data", "audit", "DIR", "--tokens-by", "tiktoken"], /^lmplan: tokensBy: expected chars\/4, bytes\/4, words, received "tiktoken"$/],
    [["data", "audit", "DIR", "--source-by", "column"], /^lmplan: sourceBy: expected arg .*field:NAME/],
    [["data", "audit", "DIR", "--sample-fraction", "2"], /^lmplan: sampleFraction: expected a sampling fraction in \(0, 1\]/],
    [["data", "audit", "DIR", "--out-sources", "x.txt"], /^lmplan: outSources: expected a file name ending in \.csv/],
    [["data", "audit", "DIR", "--emit", "spark"], /^lmplan: emit: expected datatrove/],
    [["data", "audit", "DIR", "--threads", "0"], /^lmplan: threads: expected hashing threads: a whole number 1 … 64, received "0"$/],
    [["data", "audit", "/nonexistent/corpus"], /^lmplan: paths: expected an existing file or directory \(or name=path\), received "\/nonexistent\/corpus"$/],
    [["data", "audit", "--read", "/nonexistent/out"], /^lmplan: read: expected the output folder of a pipeline written by --emit datatrove/],
  ])("%j", async (args, pattern) => {
    const r = await run((args as string[]).map((a) => (a === "DIR" ? dir : a)));
    expect(r.code).toBe(2);
    const lines = r.err.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });
});

describe("hostile files never exit 1: each is skipped and reported", () => {
  it("huge lines, binary, invalid UTF-8, deep JSON, non-string text, corrupt gzip and Parquet, lone surrogates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lmplan-audit-hostile-"));
    const good = text(3, 600);
    writeFileSync(join(dir, "huge.jsonl"), `${JSON.stringify({ text: "a".repeat(200_000) })}\n${JSON.stringify({ text: good })}\n`);
    writeFileSync(join(dir, "binary.bin"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
    writeFileSync(join(dir, "latin1.jsonl"), Buffer.concat([Buffer.from('{"text": "caf'), Buffer.from([0xe9, 0xff]), Buffer.from(` ${good}"}\n`)]));
    writeFileSync(join(dir, "deep.jsonl"), `${"[".repeat(45_000)}${"]".repeat(45_000)}\n{"text": {"a": 1}}\n{"nottext": "x"}\nnot json\n`);
    writeFileSync(join(dir, "surrogate.jsonl"), `{"text": "\\ud800 ${good} \\udfff"}\n`);
    writeFileSync(join(dir, "corrupt.jsonl.gz"), Buffer.from("this is not gzip at all"));
    writeFileSync(join(dir, "fake.parquet"), Buffer.from("PAR1 not really parquet PAR1"));
    writeFileSync(join(dir, "empty.jsonl"), "");
    writeFileSync(join(dir, "crlf.jsonl"), `${JSON.stringify({ text: good })}\r\n`);
    const r = await run(["data", "audit", dir, "--max-record-bytes", "100000", "--threads", "1", "--json", "--verify"]);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out);
    const reasons = a.input.problems.map((p: { file: string; line: number; reason: string }) => `${p.file.split("/").pop()}:${p.line} ${p.reason}`).join("\n");
    expect(reasons).toMatch(/huge\.jsonl:1 line over 100000 bytes/);
    expect(reasons).toMatch(/binary\.bin:0 binary file/);
    // V8 parses deep nesting without recursion: the array has no "text" (a RangeError would be reported as too deep)
    expect(reasons).toMatch(/deep\.jsonl:1 (JSON nested too deeply|no "text" field)/);
    expect(reasons).toMatch(/deep\.jsonl:2 "text" is not a string/);
    expect(reasons).toMatch(/deep\.jsonl:3 no "text" field/);
    expect(reasons).toMatch(/deep\.jsonl:4 not valid JSON/);
    expect(reasons).toMatch(/corrupt\.jsonl\.gz:0 read failed/);
    expect(reasons).toMatch(/fake\.parquet:0 read failed/);
    expect(a.input.invalidUtf8Files).toBe(1);
    // huge.jsonl line 2, latin1, surrogate and crlf: four documents, and latin1/surrogate/crlf/huge:2 are near copies
    expect(a.input.documents).toBe(4);
    expect(a.numbers.overall.removedGlobal.documents).toBeGreaterThanOrEqual(2);
  });
});
