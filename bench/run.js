// npm run bench: plan() latency in-process and CLI cold start. Prints figures; asserts nothing.
// Targets (issue #2): plan() median < 1 ms; `lmplan plan --json` cold start < 150 ms.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { plan } from "../dist/index.js";

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const requests = [
  { preset: "btlm-3b-8k", gpu: "h100", gpus: 64 },
  { params: "1.3B", tpp: 20, gpus: 64 },
  { compute: "3e22", gpu: "h100", gpus: 64 },
  { params: "70B", tokens: "15T", gpus: 1024 },
];
for (let i = 0; i < 200; i++) plan(requests[i % requests.length]); // warm up the JIT
const N = 10_000;
const times = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  plan(requests[i % requests.length]);
  times[i] = performance.now() - t0;
}
const sorted = Array.from(times).sort((a, b) => a - b);
console.log(`plan() over ${N} calls (4 request shapes): median ${quantile(sorted, 0.5).toFixed(3)} ms, p99 ${quantile(sorted, 0.99).toFixed(3)} ms  (target: median < 1 ms)`);

const bin = new URL("../bin/lmplan.js", import.meta.url).pathname;
const runs = 20;
const cold = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, "plan", "--params", "1.3B", "--tpp", "20", "--json"], { encoding: "utf8" });
  cold.push(performance.now() - t0);
  if (r.status !== 0) throw new Error(r.stderr);
}
const base = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  spawnSync(process.execPath, ["-e", "0"]);
  base.push(performance.now() - t0);
}
cold.sort((a, b) => a - b);
base.sort((a, b) => a - b);
const med = quantile(cold, 0.5);
const nodeMed = quantile(base, 0.5);
console.log(`lmplan plan --json cold start over ${runs} runs: median ${med.toFixed(1)} ms, p95 ${quantile(cold, 0.95).toFixed(1)} ms  (target < 150 ms)`);
console.log(`  reference: bare \`node -e 0\` median ${nodeMed.toFixed(1)} ms → lmplan adds ${(med - nodeMed).toFixed(1)} ms, ratio ${(med / nodeMed).toFixed(2)}×`);
