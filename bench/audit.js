// Benchmark: `lmplan data audit` — MinHash signature throughput per core against a NumPy reference of the
// same hashing (bench/audit_reference.py: datasketch's sha1_hash32 + RandomState(1) permutations on
// SlimPajama's character 13-grams, on Debian's python3-numpy, installed if missing; bench only, never in
// the test path), scaling from 1 to 2 hashing threads, and the end-to-end audit of a generated corpus
// (1 GB by default; LMPLAN_AUDIT_BENCH_MB=200 for a shorter run). Prints figures, asserts nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { PRESETS } from "../dist/mixture/audit/config.js";
import { MinHasher } from "../dist/mixture/audit/minhash.js";
import { runAudit } from "../dist/mixture/audit/run.js";
import { mulberry32 } from "../dist/fit/random.js";

const PY = "/usr/bin/python3";
const TOTAL_MB = Number(process.env.LMPLAN_AUDIT_BENCH_MB ?? 1024);
const SIG_MB = Number(process.env.LMPLAN_AUDIT_BENCH_SIG_MB ?? 16);
const REF_MB = Number(process.env.LMPLAN_AUDIT_BENCH_REF_MB ?? 4);
const SCALE_MB = Number(process.env.LMPLAN_AUDIT_BENCH_SCALE_MB ?? 24);

// ---- a corpus: Zipf-distributed words, 10% exact copies and 10% near copies (a few words changed) ----
// the same seeded PRNG as lmplan's bootstrap (mulberry32)
const makeRng = mulberry32;
const rng = makeRng(42);
const vocab = Array.from({ length: 30000 }, (_, i) => {
  let w = "";
  const n = 2 + Math.floor(rng() * 8);
  for (let k = 0; k < n; k++) w += "etaoinshrdlcumwfgypbvkjxqz"[Math.floor(rng() ** 2 * 26)];
  return i % 17 === 0 ? w[0].toUpperCase() + w.slice(1) : w;
});
const zipf = () => vocab[Math.min(vocab.length - 1, Math.floor(1 / (rng() + 1e-4)) - 1 + Math.floor(rng() * 50))];
function doc() {
  const words = 300 + Math.floor(rng() * 900);
  const out = [];
  for (let i = 0; i < words; i++) out.push(i % 15 === 14 ? `${zipf()}.` : zipf());
  return out.join(" ");
}

function writeCorpus(path, mb) {
  const fd = openSync(path, "w");
  let bytes = 0;
  const recent = [];
  let docs = 0;
  while (bytes < mb * 1e6) {
    let t;
    const r = rng();
    if (r < 0.1 && recent.length > 0) t = recent[Math.floor(rng() * recent.length)];
    else if (r < 0.2 && recent.length > 0) {
      const w = recent[Math.floor(rng() * recent.length)].split(" ");
      for (let k = 0; k < 3; k++) w[Math.floor(rng() * w.length)] = zipf();
      t = w.join(" ");
    } else t = doc();
    if (recent.length < 2000) recent.push(t);
    else recent[Math.floor(rng() * 2000)] = t;
    const line = `${JSON.stringify({ text: t })}\n`;
    writeSync(fd, line);
    bytes += Buffer.byteLength(line);
    docs++;
  }
  closeSync(fd);
  return { bytes, docs };
}

function ensureNumpy() {
  if (spawnSync(PY, ["-c", "import numpy"]).status === 0) return true;
  console.log("installing python3-numpy from Debian for the reference …");
  const r = spawnSync("bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy >/dev/null"], { stdio: "inherit" });
  return r.status === 0 && spawnSync(PY, ["-c", "import numpy"]).status === 0;
}

const dir = mkdtempSync(join(tmpdir(), "lmplan-audit-bench-"));
try {
  // ---- 1. signature throughput on one core -----------------------------------------------------
  const sigFile = join(dir, "sig.jsonl");
  writeCorpus(sigFile, Math.max(SIG_MB, REF_MB));
  const { readFileSync } = await import("node:fs");
  const texts = readFileSync(sigFile, "utf8").trim().split("\n").map((l) => JSON.parse(l).text);
  const sliceTo = (mb) => {
    const out = [];
    let b = 0;
    for (const t of texts) {
      if (b >= mb * 1e6) break;
      out.push(t);
      b += Buffer.byteLength(t);
    }
    return { out, mb: b / 1e6 };
  };
  const rate = (preset, wasm, mb) => {
    const h = new MinHasher(PRESETS[preset], wasm);
    const { out, mb: got } = sliceTo(mb);
    h.signature(out[0]); // warm the JIT
    const t0 = performance.now();
    for (const t of out) h.signature(t);
    return got / ((performance.now() - t0) / 1000);
  };
  const sp = rate("slimpajama", true, SIG_MB);
  const spJs = rate("slimpajama", false, Math.min(SIG_MB, 4));
  const dt = rate("datatrove", true, SIG_MB);
  console.log(`MinHash signatures, one core (${SIG_MB} MB of generated English-like text):`);
  console.log(`  lmplan slimpajama (SHA-1 32-bit × 128 permutations of character 13-grams): ${sp.toFixed(2)} MB/s  (JavaScript loop without WebAssembly: ${spJs.toFixed(2)} MB/s)`);
  console.log(`  lmplan datatrove  (XXH64 × 112 64-bit permutations of word 5-grams):       ${dt.toFixed(2)} MB/s`);
  if (ensureNumpy()) {
    const ver = execFileSync(PY, ["-c", "import numpy; print(numpy.__version__)"], { encoding: "utf8" }).trim();
    // OPENBLAS_* only slow NumPy here (the reference does no BLAS): left as the machine has them
    const ref = JSON.parse(execFileSync(PY, [new URL("./audit_reference.py", import.meta.url).pathname, "bench", sigFile, String(REF_MB)], { encoding: "utf8" }));
    console.log(`  NumPy ${ver} reference, same hashing (datasketch MinHash.update_batch arithmetic, hashlib SHA-1): ${ref.mb_per_s.toFixed(2)} MB/s on ${ref.mb.toFixed(1)} MB`);
    console.log(`  ratio lmplan / NumPy per core: ${(sp / ref.mb_per_s).toFixed(2)}×  (goal ≥ 1×)`);
  } else console.log("  NumPy reference unavailable (python3-numpy could not be installed)");

  // ---- 2. scaling from 1 to 2 hashing threads, end to end ----------------------------------------
  // first what the machine itself allows: the same integer loop split over 1 and 2 worker threads (a
  // shared 2-core machine under load shows ~1×, and then no program scales)
  const spin = async (n) => {
    const code = `const { parentPort } = require("node:worker_threads"); let x = 0; for (let i = 0; i < 3e8 / ${n}; i++) x = (x + Math.imul(i, 2654435761)) | 0; parentPort.postMessage(x);`;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, () => new Promise((res) => { const w = new Worker(code, { eval: true }); w.once("message", () => { res(); w.terminate(); }); })));
    return (performance.now() - t0) / 1000;
  };
  const s1 = await spin(1);
  const s2 = await spin(2);
  console.log(`machine check: an integer loop on 1 worker ${s1.toFixed(2)} s, split over 2 workers ${s2.toFixed(2)} s → ${(s1 / s2).toFixed(2)}× available`);
  const scaleFile = join(dir, "scale.jsonl");
  writeCorpus(scaleFile, SCALE_MB);
  const opts = (threads, paths) => ({ paths, read: { textField: ["text"], sourceBy: { kind: "arg" }, maxRecordBytes: 64 * 2 ** 20, maxFiles: 100 }, config: PRESETS.slimpajama, tokenEstimate: "chars/4", verify: false, threads, maxDocs: 1e8, clustersShown: 5, membersShown: 2 });
  const mbOf = (p) => statSync(p).size / 1e6;
  const r1 = await runAudit(opts(1, [scaleFile]));
  const r2 = await runAudit(opts(2, [scaleFile]));
  console.log(`audit end to end, ${mbOf(scaleFile).toFixed(0)} MB: 1 thread ${r1.seconds.toFixed(1)} s (${(mbOf(scaleFile) / r1.seconds).toFixed(2)} MB/s), ${r2.threads} threads ${r2.seconds.toFixed(1)} s (${(mbOf(scaleFile) / r2.seconds).toFixed(2)} MB/s): ${(r1.seconds / r2.seconds).toFixed(2)}× (goal: linear, 2×; ${availableParallelism()} cores, the reading thread shares them)`);

  // ---- 3. the whole corpus ----------------------------------------------------------------------
  const big = join(dir, "corpus.jsonl");
  const g0 = performance.now();
  const made = writeCorpus(big, TOTAL_MB);
  console.log(`generated ${(made.bytes / 1e6).toFixed(0)} MB, ${made.docs.toLocaleString("en-US")} documents in ${((performance.now() - g0) / 1000).toFixed(0)} s`);
  const threads = Math.max(1, Math.min(availableParallelism(), 8));
  const rb = await runAudit({ ...opts(threads, [big]), verify: false });
  console.log(`audit of ${(made.bytes / 1e6).toFixed(0)} MB (slimpajama preset, ${rb.threads} hashing threads): ${rb.seconds.toFixed(0)} s = ${(made.bytes / 1e6 / rb.seconds).toFixed(2)} MB/s; ${rb.numbers.overall.removedGlobal.documents.toLocaleString("en-US")} of ${rb.input.documents.toLocaleString("en-US")} documents removed (${rb.numbers.overall.exact.documents.toLocaleString("en-US")} exact)`);
  console.log(`  memory: ${(rb.memory.engineBytes / 2 ** 20).toFixed(0)} MiB of counters and buckets, peak RSS ${(rb.memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB for ${(made.bytes / 2 ** 20).toFixed(0)} MiB of input`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
