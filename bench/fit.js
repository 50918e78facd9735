// Benchmark: lmplan's `fit loss` against the same fit in scipy (bench/fit_loss_reference.py), side by side
// on this machine. Installs Debian's python3-scipy for /usr/bin/python3 if it is missing (bench only,
// never in CI's test path). Prints both times, the ratio and the parameter agreement; asserts nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fitChinchilla } from "../dist/fit/chinchilla.js";
import { dropHighestLoss, fitLoss } from "../dist/fit/loss.js";
import { fitChinchillaParallel } from "../dist/workers/fit-pool.js";
import { availableParallelism } from "node:os";
import { readTable } from "../dist/io/table.js";

const DATA = new URL("../data/chinchilla_svg_extracted_data.csv", import.meta.url).pathname;
const PY = "/usr/bin/python3";

function ensureScipy() {
  if (spawnSync(PY, ["-c", "import scipy, numpy"]).status === 0) return true;
  console.log("installing python3-scipy and python3-numpy from Debian for the reference …");
  const r = spawnSync("bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-scipy python3-numpy >/dev/null"], { stdio: "inherit" });
  return r.status === 0 && spawnSync(PY, ["-c", "import scipy, numpy"]).status === 0;
}

const t = readTable(readFileSync(DATA, "utf8"), "csv", [
  { key: "N", aliases: [], description: "N", positive: true },
  { key: "C", aliases: [], description: "C", positive: true },
  { key: "L", aliases: ["loss"], description: "loss", positive: true },
], { N: "Model Size", C: "Training FLOP" });
const points = t.value.rows.map((r) => ({ N: r.N, D: r.C / (6 * r.N), L: r.L }));

fitChinchilla(points.slice(0, 50), [[5, 5, 0, 0.5, 0.5]]); // warm the JIT
const t0 = performance.now();
const gridFit = await fitChinchillaParallel(dropHighestLoss(points, 5).used);
const res = fitLoss(points, { dropHighest: 5, bootstrap: 0, seed: 1, gridFit });
const lmplanFit = (performance.now() - t0) / 1000;
const ts = performance.now();
fitLoss(points, { dropHighest: 5, bootstrap: 0, seed: 1 });
const lmplanSerial = (performance.now() - ts) / 1000;
const t1 = performance.now();
fitLoss(points, { dropHighest: 5, bootstrap: 1000, seed: 1, gridFit });
const lmplanBoot = (performance.now() - t1) / 1000;
const p = res.value.fit.params;
console.log(`lmplan fit loss (4,500 L-BFGS starts, 240 points) on ${availableParallelism()} worker threads: ${lmplanFit.toFixed(2)} s (one thread: ${lmplanSerial.toFixed(2)} s)   objective ${res.value.fit.objective.toPrecision(8)}`);
console.log(`lmplan 1,000 bootstrap refits: ${lmplanBoot.toFixed(2)} s   (target < 10 s on 2 cores)`);

if (!ensureScipy()) {
  console.log("scipy reference unavailable (python3-scipy could not be installed); skipping the comparison");
  process.exit(0);
}
const ver = execFileSync(PY, ["-c", "import scipy; print(scipy.__version__)"], { encoding: "utf8" }).trim();
const out = JSON.parse(execFileSync(PY, [new URL("./fit_loss_reference.py", import.meta.url).pathname, DATA, "200"], { encoding: "utf8" }));
console.log(`scipy ${ver} L-BFGS-B, same objective/grid/analytic gradient: ${out.fit_seconds.toFixed(2)} s   objective ${out.objective.toPrecision(8)}`);
console.log(`  ratio scipy / lmplan (fit): ${(out.fit_seconds / lmplanFit).toFixed(1)}× with worker threads, ${(out.fit_seconds / lmplanSerial).toFixed(1)}× on one thread  (goal ≥ 10×; scipy runs on one core)`);
console.log(`  bootstrap: scipy ${out.bootstrap} refits ${out.bootstrap_seconds.toFixed(2)} s → ${((out.bootstrap_seconds / out.bootstrap) * 1000).toFixed(1)} ms each; lmplan ${((lmplanBoot / 1000) * 1000).toFixed(2)} ms each (${((out.bootstrap_seconds / out.bootstrap) / (lmplanBoot / 1000)).toFixed(1)}×)`);
console.log("  parameter agreement (lmplan vs scipy):");
for (const k of ["A", "B", "E", "alpha", "beta"]) console.log(`    ${k.padEnd(6)} ${p[k].toPrecision(6).padEnd(10)} ${Number(out[k]).toPrecision(6).padEnd(10)} ${(((p[k] / out[k]) - 1) * 100).toFixed(4)}%`);
