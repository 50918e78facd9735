// Benchmark: autocannon against POST /api/plan on loopback, 30 s at 100 connections (issue 6's figure:
// goal 0 errors and p99 < 50 ms). The server is the real one (dist/server/app.js on @hono/node-server).
import { serve } from "@hono/node-server";
import autocannon from "autocannon";
import { createApp } from "../dist/server/app.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const app = createApp();
const server = await new Promise((resolve) => {
  const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
});
const { port } = server.address();
const result = await autocannon({
  url: `http://127.0.0.1:${port}/api/plan`,
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ params: "1.3B", tpp: 20, gpu: "h100", gpus: 64 }),
  connections: 100,
  duration: seconds,
});
server.close();
const non2xx = result.non2xx ?? 0;
console.log(`\nPOST /api/plan, ${seconds} s, 100 connections, loopback (2-core machine)`);
console.log(`  requests/s    ${result.requests.average.toFixed(0)} (total ${result.requests.total})`);
console.log(`  latency       p50 ${result.latency.p50} ms · p99 ${result.latency.p99} ms · max ${result.latency.max} ms  (goal p99 < 50 ms: ${result.latency.p99 < 50 ? "met" : "NOT met"})`);
console.log(`  errors        ${result.errors} connection errors, ${result.timeouts} timeouts, ${non2xx} non-2xx  (goal 0: ${result.errors + result.timeouts + non2xx === 0 ? "met" : "NOT met"})`);
