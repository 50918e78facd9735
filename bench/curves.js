// Benchmark (issue 17): `lmplan fit curves` on a synthetic 500k-step run logged at every step, end to
// end through the CLI (process start, CSV read, fit, exact errors), and the multi-power law's evaluation
// at 384k steps. Prints figures; asserts nothing. Target: the fit under 5 s, and the errors it reports
// equal to the defining sum's (src/laws/multi-power-law.ts predictCurveDirect) at the points checked.
// The run follows the 100M parameters of Luo et al. (arXiv 2503.12811; docs/science.md §7) under a cosine
// schedule (2,000 warmup steps, peak 3e-4 to 3e-5) with ±0.2% noise.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { blockedObjective } from "../dist/fit/curves.js";
import { MULTI_POWER_PUBLISHED, predictCurve, predictCurveDirect, prepareSchedule } from "../dist/laws/multi-power-law.js";

const bin = new URL("../bin/lmplan.js", import.meta.url).pathname;
const cosine = (T) => Float64Array.from({ length: T }, (_, s) => (s < 2000 ? (3e-4 * s) / 2000 : 3e-5 + 0.5 * 2.7e-4 * (1 + Math.cos((Math.PI * (s - 2000)) / (T - 2000)))));
let seed = 1;
const rand = () => ((seed = (seed * 1664525 + 1013904223) % 4294967296), seed / 4294967296);

// ---- evaluation cost at 384k steps (the figures: 3.7 s per objective, 36 s exact prediction)
{
  const T = 384_000;
  const lrs = cosine(T);
  const steps = Int32Array.from({ length: T - 1 }, (_, i) => i + 1);
  const p = MULTI_POWER_PUBLISHED["400M"];
  const sch = prepareSchedule(lrs);
  let t0 = performance.now();
  const pred = predictCurve(p, sch, steps);
  const tPred = (performance.now() - t0) / 1000;
  const c = { name: "x", lrs, steps, loss: Float64Array.from(pred, (x) => x * 1.001) };
  t0 = performance.now();
  blockedObjective([c], p);
  const tObj = (performance.now() - t0) / 1000;
  const few = Int32Array.from({ length: 100 }, (_, i) => 1 + i * 3839);
  t0 = performance.now();
  const direct = predictCurveDirect(p, sch, few);
  const tDirect = (performance.now() - t0) / 1000;
  let worst = 0;
  few.forEach((s, i) => (worst = Math.max(worst, Math.abs(pred[s - 1] / direct[i] - 1))));
  console.log(`384k-step cosine, every step logged: exact prediction at all ${steps.length} points ${tPred.toFixed(2)} s (the defining sum: ${tDirect.toFixed(2)} s for 100 points → ~${((tDirect * steps.length) / 100 / 60).toFixed(0)} min for all); the optimizer's objective (2,048 sampled points, ≤ 4,096 blocks, including building them) ${(tObj * 1000).toFixed(0)} ms; max relative difference from the defining sum at 100 points ${worst.toExponential(1)}`);
}

// ---- fit curves on 500k steps through the CLI
{
  const T = 500_000;
  const lrs = cosine(T);
  // every step from 20 (before it the law's A·S1^−α exceeds the 100-nat loss range: S1 → 0)
  const steps = Int32Array.from({ length: T - 20 }, (_, i) => i + 20);
  const truth = MULTI_POWER_PUBLISHED["100M"];
  const sch = prepareSchedule(lrs);
  const clean = predictCurve(truth, sch, steps);
  const rows = ["step,lr,loss"];
  const loss = new Float64Array(steps.length);
  for (let i = 0; i < steps.length; i++) {
    loss[i] = Number((clean[i] * (1 + 0.004 * (rand() - 0.5))).toFixed(6));
    rows.push(`${steps[i]},${lrs[steps[i]]},${loss[i]}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "lmplan-bench-curves-"));
  const file = join(dir, "run500k.csv");
  writeFileSync(file, `${rows.join("\n")}\n`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, "fit", "curves", file, "--json"], { encoding: "utf8", maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    console.log(`fit curves failed (exit ${r.status}): ${r.stderr}`);
    process.exit(0);
  }
  const j = JSON.parse(r.stdout);
  // the errors it reported, against the defining sum: the final step exactly, the mean on 400 evenly spaced points
  const last = steps[steps.length - 1];
  const finalDirect = predictCurveDirect(j.params, sch, [last])[0];
  const finalErr = Math.abs(finalDirect - loss[loss.length - 1]) / loss[loss.length - 1];
  const idx = Array.from({ length: 400 }, (_, k) => Math.round((k * (steps.length - 1)) / 399));
  const sub = Int32Array.from(idx, (i) => steps[i]);
  const dSub = predictCurveDirect(j.params, sch, sub);
  const fSub = predictCurve(j.params, sch, sub);
  let worst = 0;
  idx.forEach((_, k) => (worst = Math.max(worst, Math.abs(fSub[k] / dSub[k] - 1))));
  console.log(`fit curves, 500k-step cosine logged at every step (${(rows.join("\n").length / 1e6).toFixed(0)} MB CSV), whole CLI run: ${wall.toFixed(2)} s  (target < 5 s)`);
  console.log(`  reported mean |err| ${(j.train[0].mean * 100).toFixed(4)}%, final |err| ${(j.train[0].final * 100).toFixed(6)}%; the defining sum's final |err| ${(finalErr * 100).toFixed(6)}% (difference ${Math.abs(finalErr - j.train[0].final).toExponential(1)}); predictions at 400 points differ from the defining sum by at most ${worst.toExponential(1)} (relative)`);
  console.log(`  objective ${j.objective.toPrecision(6)} (exact, at the returned parameters), optimizer's own ${j.optimizerObjective.toPrecision(6)}; ${j.iterations} AdamW steps; warnings: ${j.warnings.length === 0 ? "none" : j.warnings.map((w) => w.code).join(", ")}`);
}
