// Property test (issue 10): ≥ 10,000 random and hostile bodies to every API route, in-process. Every
// answer is a 2xx or a 4xx with errors as data — never a 5xx, never a stack trace — and no 200 carries
// `undefined`, `NaN` or `[object Object]`. Latency and RSS under the same bodies are counted by
// `npm run bench` (bench/hostile.ts), not asserted here.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { EMITTERS } from "../../src/emit/index.js";
import { plan } from "../../src/plan/plan.js";
import { createApp } from "../../src/server/app.js";
import { FitQueue } from "../../src/server/fit-queue.js";
import { hostileCsv, hostileRequest, hostileString, hostileValue, leafPaths, mutate, nearValidRequest, rawBody } from "./bodies.js";

const RUNS = Number(process.env.LMPLAN_FUZZ_RUNS ?? 10_000);
const fits = new FitQueue({ workers: 1, maxQueued: 64, timeoutMs: 30_000 });
const app = createApp({ "/": { body: "<!doctype html><title>lmplan</title>", type: "text/html; charset=utf-8" } }, { fitQueue: fits });
afterAll(() => fits.close());

const STACK = /\n\s+at |node:internal|\.ts:\d+|\.js:\d+:\d+/;
const LEAKED = /undefined|NaN|\[object Object\]/;

async function check(res: Response, what: () => string): Promise<{ status: number; body: unknown }> {
  const text = await res.text();
  expect(res.status < 500, `${res.status} for ${what()}: ${text.slice(0, 300)}`).toBe(true);
  expect(STACK.test(text), `stack trace for ${what()}: ${text.slice(0, 300)}`).toBe(false);
  const body = res.headers.get("content-type")?.includes("json") ? (JSON.parse(text) as unknown) : text;
  if (res.status >= 400) {
    const errors = (body as { errors?: { path: unknown; message: unknown }[] }).errors;
    expect(Array.isArray(errors) && errors.length > 0 && errors.every((e) => typeof e.message === "string" && e.message.length > 0 && typeof e.path === "string"), `errors for ${what()}: ${text.slice(0, 300)}`).toBe(true);
  }
  return { status: res.status, body };
}

const post = (path: string, body: string, type = "application/json") => app.request(path, { method: "POST", body, headers: { "Content-Type": type } });
const show = (x: unknown) => {
  const s = typeof x === "string" ? x : JSON.stringify(x);
  return (s ?? String(x)).slice(0, 300);
};

// Real plans to mutate: the emit route takes them back from clients
const PLANS = [
  plan({ params: "125M", tpp: 20, gpus: 8, dataSources: "slimpajama-627b", upsampleFinal: "0.15:code" }),
  plan({ preset: "btlm-3b-8k", gpu: "h100", gpus: 64 }),
  plan({ params: "1B", tpp: 20, gpus: 8, schedule: "wsd", parameterization: "completep" }),
].map((p) => JSON.parse(JSON.stringify(p)) as unknown);
const PATHS = PLANS.map((p) => leafPaths(p));

const mutatedPlan = fc
  .record({ which: fc.nat({ max: PLANS.length - 1 }), edits: fc.array(fc.record({ pick: fc.nat(), value: fc.oneof(hostileValue, fc.constant(undefined)) }), { minLength: 1, maxLength: 3 }) })
  .map(({ which, edits }) => {
    const paths = PATHS[which] as (string | number)[][];
    return mutate(PLANS[which], edits.map((e) => ({ path: paths[e.pick % paths.length] as (string | number)[], value: e.value })));
  });

const formats = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...EMITTERS.map((e) => e.id)) }, { weight: 1, arbitrary: hostileValue });

describe(`${RUNS} hostile bodies per route: only 2xx or 4xx, errors as data`, () => {
  it("POST /api/plan", async () => {
    const body = fc.oneof(
      { weight: 3, arbitrary: hostileRequest.map((b) => JSON.stringify(b)) },
      { weight: 3, arbitrary: nearValidRequest.map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: fc.jsonValue().map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: rawBody },
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const { status, body: out } = await check(await post("/api/plan", b), () => show(b));
        if (status === 200) expect((out as { lmplanPlanVersion?: number }).lmplanPlanVersion).toBe(1);
      }),
      { numRuns: RUNS },
    );
  });
  it("POST /api/emit: hostile requests and real plans mutated at random paths", async () => {
    const body = fc.oneof(
      { weight: 3, arbitrary: fc.record({ format: formats, plan: mutatedPlan, gpus: fc.option(fc.oneof(fc.constantFrom(1, 2, 4, 7, 8, 16, 64), hostileValue), { nil: undefined }) }) },
      { weight: 2, arbitrary: fc.record({ format: formats, request: nearValidRequest }) },
      { weight: 1, arbitrary: fc.record({ format: formats, request: hostileRequest, gpus: fc.option(hostileValue, { nil: undefined }) }) },
      { weight: 1, arbitrary: fc.jsonValue() },
    ).map((b) => JSON.stringify(b));
    const raw = fc.oneof({ weight: 9, arbitrary: body }, { weight: 1, arbitrary: rawBody });
    await fc.assert(
      fc.asyncProperty(raw, async (b) => {
        const { status, body: out } = await check(await post("/api/emit", b), () => show(b));
        if (status === 200) {
          const text = (out as { text: string }).text;
          expect(typeof text === "string" && text.length > 0).toBe(true);
          expect(LEAKED.test(text), `a config with undefined/NaN/[object Object] for ${show(b)}:\n${text.match(new RegExp(`.*(${LEAKED.source}).*`))?.[0]}`).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });
  it("POST /api/fit: hostile CSV and JSONL, odd types and queries", async () => {
    const req = fc.record({
      body: fc.oneof({ weight: 4, arbitrary: hostileCsv }, { weight: 1, arbitrary: fc.array(fc.dictionary(fc.constantFrom("N", "D", "loss", "C", "x"), hostileValue, { maxKeys: 4 }), { maxLength: 5 }).map((rows) => rows.map((r) => JSON.stringify(r)).join("\n")) }, { weight: 1, arbitrary: rawBody }),
      type: fc.constantFrom("text/csv", "text/csv", "application/x-ndjson", "application/json", "text/plain"),
      bootstrap: fc.oneof(fc.constantFrom("0", "10", "1000", "1001", "-1", "1e308", "x", ""), fc.constant(undefined)),
    });
    await fc.assert(
      fc.asyncProperty(req, async ({ body, type, bootstrap }) => {
        const q = bootstrap === undefined ? "" : `?bootstrap=${encodeURIComponent(bootstrap)}`;
        await check(await post(`/api/fit${q}`, body, type), () => `${type} ${q} ${show(body)}`);
      }),
      { numRuns: RUNS },
    );
  });
  it("GET and other methods on every route, with hostile paths and hosts", async () => {
    const req = fc.record({
      method: fc.constantFrom("GET", "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "POST"),
      path: fc.oneof(fc.constantFrom("/", "/api/laws", "/api/openapi.json", "/app.js", "/api/plan", "/api/pareto", "/api/emit", "/api/fit", "/api", "/api/laws/../plan", "//api/laws"), hostileString.map((s) => `/${encodeURIComponent(s)}`)),
      host: fc.constantFrom("localhost", "127.0.0.1", "evil.example", "[::1]", "localhost.evil.example"),
    });
    await fc.assert(
      fc.asyncProperty(req, async ({ method, path, host }) => {
        const res = await app.request(`http://${host}${path}`, { method, ...(method === "POST" || method === "PUT" || method === "PATCH" ? { body: "{}", headers: { "Content-Type": "application/json" } } : {}) });
        if (method === "HEAD") {
          expect(res.status < 500).toBe(true);
          return;
        }
        await check(res, () => `${method} ${host}${path}`);
      }),
      { numRuns: RUNS },
    );
  });
});
