// npm run bench (issue 10): the server under hostile load, over real HTTP on loopback.
//  1. /api/plan latency while 10 clients keep fits running, as a ratio to idle (goal ≤ 2×): idle and
//     loaded rounds alternate (A/B/A/B/A/B) so machine noise hits both.
//  2. Every body the property tests generate (≤ 64 KB), sent one at a time: the slowest answer, how many
//     took over 2 s (goal 0), the status classes, and the process RSS before and after (bounded).
// Prints figures; asserts nothing. Bundled by esbuild into .bench-out/ (the dist/ imports stay external).
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createApp } from "../dist/server/app.js";
import { listen } from "../dist/server/node.js";
import { hostileCsv, hostileRequest, nearValidRequest, rawBody } from "../test/hostile/bodies.js";

const ROUND_S = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
const HOSTILE_N = Number(process.env.BENCH_HOSTILE_N ?? 3000);
const chinchilla = readFileSync(new URL("../data/chinchilla_svg_extracted_data.csv", import.meta.url), "utf8");
const PLAN_BODY = JSON.stringify({ params: "1.3B", tpp: 20, gpu: "h100", gpus: 64 });

const { server, port } = await listen(createApp(), 0, "127.0.0.1");
const base = `http://127.0.0.1:${port}`;
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;

async function planLatencies(seconds: number): Promise<number[]> {
  const out: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    const r = await fetch(`${base}/api/plan`, { method: "POST", body: PLAN_BODY, headers: { "Content-Type": "application/json" } });
    await r.arrayBuffer();
    out.push(performance.now() - t0);
  }
  return out;
}

async function withFits<T>(clients: number, f: () => Promise<T>): Promise<{ value: T; fits: number; refused: number }> {
  let stop = false;
  let fits = 0;
  let refused = 0;
  const loop = async () => {
    while (!stop) {
      const r = await fetch(`${base}/api/fit?bootstrap=0`, { method: "POST", body: chinchilla, headers: { "Content-Type": "text/csv" } });
      await r.arrayBuffer();
      if (r.status === 200) fits++;
      else if (r.status === 429) {
        refused++;
        await new Promise((res) => setTimeout(res, 200));
      }
    }
  };
  const loops = Array.from({ length: clients }, loop);
  await new Promise((res) => setTimeout(res, 300)); // let the fits start
  const value = await f();
  stop = true;
  await Promise.all(loops);
  return { value, fits, refused };
}

console.log(`\n/api/plan latency, idle vs 10 clients fitting the 245-run Chinchilla CSV (${ROUND_S} s rounds, alternating)`);
const idle: number[] = [];
const loaded: number[] = [];
let fitsDone = 0;
let fitsRefused = 0;
for (let round = 0; round < 3; round++) {
  idle.push(...(await planLatencies(ROUND_S)));
  const r = await withFits(10, () => planLatencies(ROUND_S));
  loaded.push(...r.value);
  fitsDone += r.fits;
  fitsRefused += r.refused;
}
const ratio50 = q(loaded, 0.5) / q(idle, 0.5);
const ratio99 = q(loaded, 0.99) / q(idle, 0.99);
console.log(`  idle     p50 ${q(idle, 0.5).toFixed(2)} ms · p99 ${q(idle, 0.99).toFixed(2)} ms (${idle.length} requests)`);
console.log(`  loaded   p50 ${q(loaded, 0.5).toFixed(2)} ms · p99 ${q(loaded, 0.99).toFixed(2)} ms (${loaded.length} requests; ${fitsDone} fits finished, ${fitsRefused} refused with 429)`);
console.log(`  ratio    p50 ${ratio50.toFixed(2)}× · p99 ${ratio99.toFixed(2)}×  (goal ≤ 2×: ${ratio50 <= 2 ? "met" : "NOT met"})`);

console.log(`\n${HOSTILE_N} hostile bodies per route (the property tests' generators, ≤ 64 KB), one at a time over HTTP`);
const rss0 = process.memoryUsage().rss;
let rssMax = rss0;
const routes: [string, string, fc.Arbitrary<string>][] = [
  ["/api/plan", "application/json", fc.oneof(hostileRequest.map((b) => JSON.stringify(b)), nearValidRequest.map((b) => JSON.stringify(b)), rawBody)],
  ["/api/emit", "application/json", fc.oneof(nearValidRequest.map((r) => JSON.stringify({ format: "megatron", request: r })), hostileRequest.map((r) => JSON.stringify({ format: "nanotron", request: r, gpus: 7 })), rawBody)],
  ["/api/fit?bootstrap=0", "text/csv", hostileCsv],
];
for (const [path, type, gen] of routes) {
  const times: number[] = [];
  const classes: Record<string, number> = {};
  let slow = 0;
  for (const body of fc.sample(gen.filter((b) => Buffer.byteLength(b) <= 65536), { numRuns: HOSTILE_N, seed: 42 })) {
    const t0 = performance.now();
    const r = await fetch(`${base}${path}`, { method: "POST", body, headers: { "Content-Type": type } });
    await r.arrayBuffer();
    const ms = performance.now() - t0;
    times.push(ms);
    if (ms > 2000) slow++;
    const k = `${Math.floor(r.status / 100)}xx`;
    classes[k] = (classes[k] ?? 0) + 1;
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
  }
  console.log(`  ${path.padEnd(22)} p50 ${q(times, 0.5).toFixed(2)} ms · p99 ${q(times, 0.99).toFixed(2)} ms · max ${Math.max(...times).toFixed(1)} ms · over 2 s: ${slow} (goal 0) · ${Object.entries(classes).map(([k, v]) => `${k} ${v}`).join(", ")}`);
}
console.log(`  RSS      ${(rss0 / 2 ** 20).toFixed(0)} MiB before, ${(rssMax / 2 ** 20).toFixed(0)} MiB at most (server and client in one process)`);
server.close();
process.exit(0);
