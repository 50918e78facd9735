/**
 * The HTTP API (and the UI's static files) over the same core and the same zod schemas as the CLI.
 * Errors are data: every 4xx body is { errors: [{ path, code, expected, received, message }] } with the
 * CLI's wording; a request the core cannot handle is never a 5xx. Hostile clients are expected
 * (issue 10): bodies are capped at 5 MB and JSON at 32 levels, the Host header must name this server
 * (DNS rebinding), bodies must say their type (a cross-origin "simple" POST is text/plain and is
 * refused), and fits run on worker threads behind a bounded queue so nothing holds the event loop.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isIP } from "node:net";
import * as z from "zod";
import { invalid, type Issue } from "../errors.js";
import { EMITTERS } from "../emit/index.js";
import { emitPlan } from "../emit/run.js";
import { parseJson } from "../json.js";
import { LAWS } from "../laws/index.js";
import { planSafe } from "../plan/plan.js";
import { PlanRequestSchema } from "../plan/request.js";
import { errorBody, type FitAnswer, type FitJob } from "./fit-job.js";
import { FitQueue } from "./fit-queue.js";

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface StaticFile {
  body: string;
  type: string;
}

const errors = errorBody;

async function jsonBody(req: Request): Promise<{ ok: true; value: unknown } | { ok: false; issues: Issue[] }> {
  const text = await req.text();
  if (text.trim() === "") return { ok: false, issues: [invalid("body", "a JSON object", "an empty body")] };
  return parseJson(text, "body");
}

/** The media type of a request, lower case, without parameters ("application/json; charset=utf-8" → "application/json"). */
const mediaType = (req: Request): string => (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

const JSON_TYPES = ["application/json"];
const FIT_TYPES = ["text/csv", "application/x-ndjson", "application/jsonl", "application/json"];

export interface AppOptions {
  /**
   * Host names (besides loopback names and IP literals) the Host header may carry: a page on another
   * name that resolves to this machine (DNS rebinding) is refused.
   */
  allowedHosts?: readonly string[];
  /** Where fits run (default: a queue of worker threads). */
  fitQueue?: { run(job: FitJob): Promise<FitAnswer> };
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1", "[::1]"];

function hostAllowed(hostname: string, allowed: readonly string[]): boolean {
  const h = hostname.toLowerCase();
  const bare = h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
  // An IP literal cannot be rebound to another address; a name can.
  return LOOPBACK_NAMES.includes(h) || isIP(bare) !== 0 || allowed.some((a) => a.toLowerCase() === h);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The API's contract, generated from the same schema the CLI's flags come from. */
export function openApi(): Record<string, unknown> {
  const planRequest = z.toJSONSchema(PlanRequestSchema, { unrepresentable: "any", io: "input" });
  const error = { type: "object", properties: { errors: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } } } };
  const bad = { description: "bad input: each error names the field, the value and what is accepted", content: { "application/json": { schema: { $ref: "#/components/schemas/Errors" } } } };
  return {
    openapi: "3.1.0",
    info: { title: "lmplan", version: "1", description: "Plan language-model pre-training runs: every number with its law and source." },
    paths: {
      "/api/plan": { post: { summary: "plan a run", requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/PlanRequest" } } } }, responses: { 200: { description: "the plan (every number with unit, source and derivation)" }, 400: bad, 413: bad, 415: bad } } },
      "/api/fit": { post: { summary: "fit L = E + A/N^α + B/D^β to runs (CSV or JSONL body: N, D or C, loss)", parameters: [{ name: "bootstrap", in: "query", schema: { type: "integer", minimum: 0, maximum: 1000 } }], requestBody: { content: { "text/csv": {}, "application/x-ndjson": {} } }, responses: { 200: { description: "fitted parameters, intervals, frontier" }, 400: bad, 413: bad, 415: bad, 429: { description: "too many fits running and waiting; retry after the Retry-After seconds" }, 503: { description: "the fit ran past the time limit" } } } },
      "/api/emit": { post: { summary: "write a trainer config", requestBody: { content: { "application/json": { schema: { type: "object", properties: { format: { enum: EMITTERS.map((e) => e.id) }, request: { $ref: "#/components/schemas/PlanRequest" }, plan: { type: "object", description: "a plan from /api/plan, validated against the full plan schema" }, gpus: { type: "integer", minimum: 1 }, strict: { type: "boolean", default: false, description: "refuse when the trainer's LR differs from the plan by more than 1% of the peak" }, allowOom: { type: "boolean", default: false, description: "write the config even when the plan does not fit in GPU memory" } }, required: ["format"] } } } }, responses: { 200: { description: "config text, file name, notes, the plan's warnings, measured schedule deviation" }, 400: bad, 415: bad } } },
      "/api/laws": { get: { summary: "every law: id, source, verified, fit range", responses: { 200: { description: "laws" } } } },
    },
    components: { schemas: { PlanRequest: planRequest, Errors: error } },
  };
}

export function createApp(staticFiles: Record<string, StaticFile> = {}, options: AppOptions = {}): Hono {
  const app = new Hono();
  const allowed = options.allowedHosts ?? [];
  const fits = options.fitQueue ?? new FitQueue();
  app.use("*", async (c, next) => {
    await next();
    // Observable Plot puts a <style> element in each chart, hence 'unsafe-inline' for styles only; scripts stay 'self'
    c.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Frame-Options", "DENY");
  });
  app.use("*", async (c, next) => {
    const host = new URL(c.req.url).hostname;
    if (!hostAllowed(host, allowed)) {
      return c.json(errors([invalid("host", `this server's own name (${[...LOOPBACK_NAMES.slice(0, 2), ...allowed].join(", ")} or an IP address; lmplan serve --allow-host <name> adds one)`, host)]), 403);
    }
    if (c.req.method === "POST") {
      const path = new URL(c.req.url).pathname;
      const accepted = path === "/api/fit" ? FIT_TYPES : JSON_TYPES;
      const type = mediaType(c.req.raw);
      if (!accepted.includes(type)) return c.json(errors([invalid("content-type", `one of ${accepted.join(", ")}`, type === "" ? "no Content-Type" : type)]), 415);
    }
    await next();
  });
  app.use("/api/*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(errors([invalid("body", `at most ${MAX_BODY_BYTES / 1024 / 1024} MB`, "a larger body")]), 413) }));

  app.post("/api/plan", async (c) => {
    const body = await jsonBody(c.req.raw);
    if (!body.ok) return c.json(errors(body.issues), 400);
    if (!isObject(body.value)) return c.json(errors([invalid("body", "a JSON object of plan fields", Array.isArray(body.value) ? "an array" : body.value)]), 400);
    const r = planSafe(body.value);
    return r.ok ? c.json(r.value) : c.json(errors(r.issues), 400);
  });

  app.post("/api/emit", async (c) => {
    const body = await jsonBody(c.req.raw);
    if (!body.ok) return c.json(errors(body.issues), 400);
    const b = body.value;
    if (!isObject(b)) return c.json(errors([invalid("body", "a JSON object {format, request | plan, gpus?, strict?, allowOom?}", b)]), 400);
    for (const k of ["strict", "allowOom"] as const) {
      if (b[k] !== undefined && typeof b[k] !== "boolean") return c.json(errors([invalid(k, "true or false", b[k])]), 400);
    }
    // the same function as lmplan emit: a saved plan validated in full, the batch policy, the memory check
    const r = emitPlan({ format: b.format, plan: b.plan, request: b.request, gpus: b.gpus, strict: b.strict === true, allowOom: b.allowOom === true });
    if (!r.ok) return c.json(errors(r.issues), 400);
    const res = r.value;
    return c.json({ format: res.format, fileName: res.fileName, text: res.text, notes: res.notes, deviation: res.deviation, warnings: res.warnings, source: res.source });
  });

  app.post("/api/fit", async (c) => {
    const bootstrap = Number(c.req.query("bootstrap") ?? 100);
    if (!Number.isInteger(bootstrap) || bootstrap < 0 || bootstrap > 1000) return c.json(errors([invalid("bootstrap", "a whole number 0 … 1000", c.req.query("bootstrap"))]), 400);
    const answer = await fits.run({ text: await c.req.text(), mediaType: mediaType(c.req.raw), bootstrap });
    if (answer.status === 429) c.header("Retry-After", "5");
    return c.json(answer.body as Record<string, unknown>, answer.status);
  });

  app.get("/api/laws", (c) => c.json(LAWS.map((l) => ({ id: l.id, title: l.title, citation: l.citation, verified: l.verified, formula: l.formula }))));
  app.get("/api/openapi.json", (c) => c.json(openApi()));

  for (const [path, file] of Object.entries(staticFiles)) {
    app.get(path, (c) => {
      c.header("Content-Type", file.type);
      return c.body(file.body);
    });
  }
  app.notFound((c) => c.json(errors([invalid("route", `one of POST /api/plan, /api/fit, /api/emit; GET /api/laws, /api/openapi.json${staticFiles["/"] ? ", /" : ""}`, `${c.req.method} ${new URL(c.req.url).pathname}`)]), 404));
  app.onError((_e, c) => c.json({ errors: [{ path: "", message: "internal error (please report the request)" }] }, 500));
  return app;
}
