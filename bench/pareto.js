// npm run bench: the time–compute frontier (src/plan/pareto.ts) for 50 model sizes × 50 batches.
// Prints figures; asserts nothing. Target (issue 16): < 50 ms per frontier. Also: POST /api/pareto's
// largest admitted grid (50 × 50, run inline on the server), 100 × 100 for comparison, and `plan --loss-target --days`.
// Case: the README's — Chinchilla (Epoch refit) loss 2.1, the shipped Zhang et al. B_crit calibration,
// H100 at MFU 0.337, ≤ 16,384 GPUs, the planner's shape rule for each size.
import { performance } from "node:perf_hooks";
import { ZHANG_BCRIT } from "../dist/laws/bcrit-zhang.js";
import { EPOCH_PARAMS } from "../dist/laws/chinchilla-epoch.js";
import { paretoFrontier, planPoint } from "../dist/plan/pareto.js";
import { paretoDocument, paretoFromRequest } from "../dist/plan/pareto-request.js";
import { planWithDeadline } from "../dist/plan/deadline.js";

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const input = {
  lossTarget: 2.1,
  loss: { id: "chinchilla-epoch", params: EPOCH_PARAMS },
  bcrit: { id: "zhang-bcrit", title: "Zhang et al. 2024 (lmplan's fit)", coefficient: ZHANG_BCRIT.coefficient, exponent: ZHANG_BCRIT.exponent, fitRangeD: ZHANG_BCRIT.fitRangeD, verified: false },
  peakFlopsPerGpu: 989e12,
  mfu: 0.337,
  pricePerGpuHour: 148e3 / 59.4e3,
  seqLen: 2048,
  numSizes: 50,
  numBatches: 50,
};

const first = paretoFrontier(input);
if (!first.ok) throw new Error(JSON.stringify(first.issues));
for (let i = 0; i < 10; i++) paretoFrontier(input); // warm up the JIT
const N = 100;
const times = new Float64Array(N);
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  paretoFrontier(input);
  times[i] = performance.now() - t0;
}
const sorted = Array.from(times).sort((a, b) => a - b);
const f = first.value;
console.log(`pareto frontier, 50 sizes × 50 batches (${f.candidates.length} points, ${f.pareto.length} on the frontier) over ${N} runs: median ${quantile(sorted, 0.5).toFixed(2)} ms, p95 ${quantile(sorted, 0.95).toFixed(2)} ms  (target < 50 ms)`);

// Re-planning every Pareto point with the planner (η, λ, schedule, memory): what `lmplan pareto --json` adds.
const t0 = performance.now();
for (const q of f.pareto) planPoint(q, { gpu: "h100", seqLen: 2048 });
const dt = performance.now() - t0;
console.log(`  + a full plan for each of the ${f.pareto.length} Pareto points: ${dt.toFixed(1)} ms (${(dt / f.pareto.length).toFixed(2)} ms each)`);

/** Median and p95 of `runs` timings of f, after 3 warm-up calls. */
function timeIt(f, runs) {
  for (let i = 0; i < 3; i++) f();
  const t = [];
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    f();
    t.push(performance.now() - a);
  }
  t.sort((a, b) => a - b);
  return `median ${quantile(t, 0.5).toFixed(1)} ms, p95 ${quantile(t, 0.95).toFixed(1)} ms`;
}

// POST /api/pareto at its bound (MAX_API_PARETO_GRID = 50 × 50) and at 100 × 100: the frontier plus plans of the marked points.
for (const n of [50, 100]) {
  const apiReq = { lossTarget: 2.1, sizes: n, batches: n };
  console.log(`POST /api/pareto body, ${n} sizes × ${n} batches (marked points planned)${n === 50 ? " — the route's bound" : ""}: ${timeIt(() => {
    const r = paretoFromRequest(apiReq);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    JSON.stringify(paretoDocument(r.value, { plans: "marked" }));
  }, 20)}`);
}

// lmplan plan --loss-target 2.1 --days 30d: the frontier (50 × 50), the pick and the plan of the point.
console.log(`plan --loss-target 2.1 --days 30d (planWithDeadline): ${timeIt(() => {
  const r = planWithDeadline({ lossTarget: 2.1, days: "30d" });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
}, 20)}`);
