// npm run bench: the layout search (src/layout/search.ts) for Llama 3.1 405B over every layout of 16,384
// H100s (TP × CP × PP × VPP × ZeRO/HSDP × micro-batch × recompute at a 16M-token batch target).
// Prints figures; asserts nothing. Target (issue 14): < 50 ms per search.
// Reference in the same run: the exhaustive search (every candidate evaluated in full, no early exits),
// alternated A/B with the pruned one, so the ratio is free of the machine's drift; both must return the
// same ranked layouts.
import { performance } from "node:perf_hooks";
import { findAccelerator } from "../dist/hardware/catalog.js";
import { describeLayout, searchLayouts } from "../dist/layout/index.js";
import { findPreset } from "../dist/model/presets.js";

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const input = { spec: findPreset("llama-3.1-405b").model, seqLen: 8192, batchTargetTokens: 16e6, gpus: 16384, accel: findAccelerator("h100") };
const exhaustive = { ...input, options: { exhaustive: true } };

const first = searchLayouts(input);
if (!first.ok) throw new Error(JSON.stringify(first.issues));
const ref = searchLayouts(exhaustive);
if (!ref.ok) throw new Error(JSON.stringify(ref.issues));
const same = JSON.stringify(first.value.ranked.map((r) => r.layout)) === JSON.stringify(ref.value.ranked.map((r) => r.layout));
for (let i = 0; i < 10; i++) {
  searchLayouts(input);
  searchLayouts(exhaustive);
}
const N = 40;
const a = new Float64Array(N);
const b = new Float64Array(N);
for (let i = 0; i < N; i++) {
  let t0 = performance.now();
  searchLayouts(input);
  a[i] = performance.now() - t0;
  t0 = performance.now();
  searchLayouts(exhaustive);
  b[i] = performance.now() - t0;
}
const sa = Array.from(a).sort((x, y) => x - y);
const sb = Array.from(b).sort((x, y) => x - y);
const f = first.value;
console.log(`layout search, Llama 3.1 405B on 16,384 H100s (${f.considered} layouts that divide the model and the batch, ${f.fitting} fit) over ${N} runs: median ${quantile(sa, 0.5).toFixed(2)} ms, p95 ${quantile(sa, 0.95).toFixed(2)} ms  (target < 50 ms)`);
console.log(`  exhaustive reference (every candidate in full): median ${quantile(sb, 0.5).toFixed(2)} ms; pruned / exhaustive = ${(quantile(sa, 0.5) / quantile(sb, 0.5)).toFixed(2)}; same ranked layouts: ${same ? "yes" : "NO"}`);
console.log(`  best: ${describeLayout(f.ranked[0].layout)} — ${f.ranked[0].why}`);
