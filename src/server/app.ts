/**
 * The HTTP API (and the UI's static files) over the same core and the same zod schemas as the CLI.
 * Errors are data: every 4xx body is { errors: [{ path, code, expected, received, message }] } with the
 * CLI's wording; a request the core cannot handle is never a 5xx. Hostile clients are expected
 * (issue 10): bodies are capped at 5 MB and JSON at 32 levels, the Host header must name this server
 * (DNS rebinding), bodies must say their type (a cross-origin "simple" POST is text/plain and is
 * refused), and fits run on worker threads behind a bounded queue so nothing holds the event loop.
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isIP } from "node:net";
import * as z from "zod";
import { invalid, type Issue } from "../errors.js";
import { EMITTERS } from "../emit/index.js";
import { emitPlan } from "../emit/run.js";
import { parseJson } from "../json.js";
import { LAWS } from "../laws/index.js";
import { planWithDeadline } from "../plan/deadline.js";
import { paretoDocument, paretoFromRequest, ParetoRequestSchema } from "../plan/pareto-request.js";
import { planRequestJsonSchema } from "../plan/request.js";
import { errorBody, MAX_DROP_HIGHEST, type FitAnswer, type FitJob, type FitKind } from "./fit-job.js";
import { FitQueue } from "./fit-queue.js";

export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/**
 * Most (size, batch) grid points one POST /api/pareto computes: 50 × 50, the default grid — about 6 ms of
 * frontier alone (25 ms on a loaded machine) and a few ms more for the marked points' plans
 * (bench/pareto.js), so the route runs inline without holding the event loop; 100 × 100 measured
 * 80 ms median, 310 ms p95 under load, too long for an inline route. The CLI allows 200 × 200.
 */
export const MAX_API_PARETO_GRID = 2_500;

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
  fitQueue?: { run(job: FitJob, signal?: AbortSignal): Promise<FitAnswer> };
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1", "[::1]"];

function hostAllowed(hostname: string, allowed: readonly string[]): boolean {
  const h = hostname.toLowerCase();
  const bare = h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
  // An IP literal cannot be rebound to another address; a name can.
  return LOOPBACK_NAMES.includes(h) || isIP(bare) !== 0 || allowed.some((a) => a.toLowerCase() === h);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A whole number in [lo, hi] from a query parameter, written as a plain decimal; the default when absent. */
function wholeParam(name: string, v: string | undefined, dflt: number, lo: number, hi: number, what = "a whole number"): { ok: true; value: number } | { ok: false; issue: Issue } {
  if (v === undefined) return { ok: true, value: dflt };
  const x = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(x) && x >= lo && x <= hi ? { ok: true, value: x } : { ok: false, issue: invalid(name, `${what} ${lo} … ${hi}`, v) };
}

/** Each fit route's query parameters: bootstrap (all), dropHighest (loss), seqLen and map (lr-batch, timescale), threshold (lr-batch). */
function fitOptions(kind: FitKind, q: (k: string) => string | undefined): { ok: true; value: Omit<FitJob, "text" | "mediaType" | "kind"> } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  const take = (r: ReturnType<typeof wholeParam>): number => {
    if (r.ok) return r.value;
    issues.push(r.issue);
    return 0;
  };
  const bootstrap = take(wholeParam("bootstrap", q("bootstrap"), kind === "loss" ? 100 : 200, 0, 1000));
  const value: Omit<FitJob, "text" | "mediaType" | "kind"> = { bootstrap };
  const allowed = new Set(["bootstrap", "map", ...(kind === "loss" ? ["dropHighest"] : ["seqLen"]), ...(kind === "lr-batch" ? ["threshold"] : [])]);
  if (kind === "loss") value.dropHighest = take(wholeParam("dropHighest", q("dropHighest"), 0, 0, MAX_DROP_HIGHEST, "a whole number of runs"));
  else value.seqLen = take(wholeParam("seqLen", q("seqLen"), 2048, 1, 1e7, "a whole number of tokens"));
  if (kind === "lr-batch") {
    const t = q("threshold");
    const x = t === undefined ? 0.0025 : /^(?:0?\.\d{1,12}|0)$/.test(t) ? Number(t) : NaN;
    if (x > 0 && x < 1) value.threshold = x;
    else issues.push(invalid("threshold", "a fraction in (0, 1), e.g. 0.0025 (Step Law)", t));
  }
  const map = q("map");
  if (map !== undefined) {
    if (map.length > 2000) issues.push(invalid("map", "field=column pairs, at most 2000 characters", `${map.length} characters`));
    else value.map = map;
  }
  for (const k of ["dropHighest", "seqLen", "threshold"]) {
    if (!allowed.has(k) && q(k) !== undefined) issues.push(invalid(k, `only ${[...allowed].join(", ")} for this fit`, q(k)));
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}

/** The API's contract, generated from the same schema the CLI's flags come from. */
export function openApi(): Record<string, unknown> {
  // each field's accepted types, enum, range, unit and default, from its one declaration (src/plan/request.ts)
  const planRequest = planRequestJsonSchema();
  const paretoRequest = z.toJSONSchema(ParetoRequestSchema, { unrepresentable: "any", io: "input" });
  const error = { type: "object", properties: { errors: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } } } };
  const bad = { description: "bad input: each error names the field, the value and what is accepted", content: { "application/json": { schema: { $ref: "#/components/schemas/Errors" } } } };
  const bootstrapParam = (dflt: number) => ({ name: "bootstrap", in: "query", description: "bootstrap resamples for 95% intervals", schema: { type: "integer", minimum: 0, maximum: 1000, default: dflt } });
  const seqLenParam = { name: "seqLen", in: "query", description: "tokens per sequence, to turn a batch in sequences into tokens", schema: { type: "integer", minimum: 1, maximum: 1e7, default: 2048 } };
  const mapParam = { name: "map", in: "query", description: 'column names as field=column pairs, e.g. loss="smooth loss" (lmplan fit --map)', schema: { type: "string", maxLength: 2000 } };
  const fitBody = { content: { "text/csv": {}, "application/x-ndjson": {} } };
  const fitErrors = { 400: bad, 413: bad, 415: bad, 429: { description: "too many fits running and waiting; retry after the Retry-After seconds" }, 503: { description: "the fit ran past the time limit" } };
  return {
    openapi: "3.1.0",
    info: { title: "lmplan", version: "1", description: "Plan language-model pre-training runs: every number with its law and source." },
    paths: {
      "/api/plan": { post: { summary: "plan a run", requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/PlanRequest" } } } }, responses: { 200: { description: "the plan (every number with unit, source and derivation)" }, 400: bad, 413: bad, 415: bad } } },
      "/api/fit": { post: { summary: "fit L = E + A/N^α + B/D^β to runs (CSV or JSONL body: N, D or C, loss) — lmplan fit loss", parameters: [bootstrapParam(100), { name: "dropHighest", in: "query", description: "drop the k highest-loss runs first (Epoch AI drops 5 of Hoffmann's 245)", schema: { type: "integer", minimum: 0, maximum: MAX_DROP_HIGHEST, default: 0 } }, mapParam], requestBody: fitBody, responses: { 200: { description: "fitted parameters, intervals, the dropped runs, frontier" }, ...fitErrors } } },
      "/api/fit/lr-batch": { post: { summary: "fit η_opt = c·N^a·D^b and B_opt = c·D^b to a sweep (N, D, lr, bs or batch_tokens, loss) — lmplan fit lr-batch (Step Law's method)", parameters: [bootstrapParam(200), seqLenParam, { name: "threshold", in: "query", description: "runs within this fraction of their group's best loss count as optimal", schema: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.0025 } }, mapParam], requestBody: fitBody, responses: { 200: { description: "the law, intervals, each (N, D) group's best and fitted η and B" }, ...fitErrors } } },
      "/api/fit/timescale": { post: { summary: "fit τ_opt = c·TPP^m to weight-decay sweeps (N, D, lr, bs or batch_tokens, wd, loss) — lmplan fit timescale (Power Lines' method)", parameters: [bootstrapParam(200), seqLenParam, mapParam], requestBody: fitBody, responses: { 200: { description: "c, m, intervals, each sweep's λ_opt and τ_opt" }, ...fitErrors } } },
      "/api/emit": { post: { summary: "write a trainer config", requestBody: { content: { "application/json": { schema: { type: "object", properties: { format: { enum: EMITTERS.map((e) => e.id) }, request: { $ref: "#/components/schemas/PlanRequest" }, plan: { type: "object", description: "a plan from /api/plan, validated against the full plan schema" }, gpus: { type: "integer", minimum: 1 }, strict: { type: "boolean", default: false, description: "refuse when the trainer's LR differs from the plan by more than 1% of the peak" }, allowOom: { type: "boolean", default: false, description: "write the config even when the plan does not fit in GPU memory" } }, required: ["format"] } } } }, responses: { 200: { description: "config text, file name, notes, the plan's warnings, measured schedule deviation" }, 400: bad, 415: bad } } },
      "/api/pareto": { post: { summary: `the time–compute Pareto frontier for a target loss or compute budget (lmplan pareto): every Pareto point with its plan request, fastest/knee/cheapest marked, the deadline's point with --days; sizes × batches ≤ ${MAX_API_PARETO_GRID}`, requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/ParetoRequest" } } } }, responses: { 200: { description: "the frontier: target, calibration, optimum, Pareto points (marked ones with a plan summary), warnings, assumptions" }, 400: bad, 413: bad, 415: bad } } },
      "/api/laws": { get: { summary: "every law: id, source, verified, fit range", responses: { 200: { description: "laws" } } } },
    },
    components: { schemas: { PlanRequest: planRequest, ParetoRequest: paretoRequest, Errors: error } },
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
      const path = c.req.path;
      const accepted = path === "/api/fit" || path.startsWith("/api/fit/") ? FIT_TYPES : JSON_TYPES;
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
    // With --loss-target (or deadlineBy "frontier") the cheapest frontier point that meets the deadline; else planSafe.
    const r = planWithDeadline(body.value);
    return r.ok ? c.json(r.value) : c.json(errors(r.issues), 400);
  });

  app.post("/api/pareto", async (c) => {
    const body = await jsonBody(c.req.raw);
    if (!body.ok) return c.json(errors(body.issues), 400);
    if (!isObject(body.value)) return c.json(errors([invalid("body", "a JSON object of frontier fields", Array.isArray(body.value) ? "an array" : body.value)]), 400);
    const r = paretoFromRequest(body.value, { maxGridPoints: MAX_API_PARETO_GRID });
    // Plans for the marked points only (fastest, knee, cheapest, deadline): a few ms, not one per Pareto point.
    return r.ok ? c.json(paretoDocument(r.value, { plans: "marked" })) : c.json(errors(r.issues), 400);
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

  // Fits: the body is the runs (CSV or JSONL), the options are query parameters with the CLI's ranges.
  const fitRoute = (kind: FitKind) => async (c: Context) => {
    const q = (k: string) => c.req.query(k);
    const opts = fitOptions(kind, q);
    if (!opts.ok) return c.json(errors(opts.issues), 400);
    const answer = await fits.run({ ...opts.value, kind, text: await c.req.text(), mediaType: mediaType(c.req.raw) }, c.req.raw.signal);
    if (answer.status === 429) c.header("Retry-After", "5");
    return c.json(answer.body as Record<string, unknown>, answer.status);
  };
  app.post("/api/fit", fitRoute("loss"));
  app.post("/api/fit/lr-batch", fitRoute("lr-batch"));
  app.post("/api/fit/timescale", fitRoute("timescale"));

  app.get("/api/laws", (c) => c.json(LAWS.map((l) => ({ id: l.id, title: l.title, citation: l.citation, verified: l.verified, formula: l.formula }))));
  app.get("/api/openapi.json", (c) => c.json(openApi()));

  for (const [path, file] of Object.entries(staticFiles)) {
    app.get(path, (c) => {
      c.header("Content-Type", file.type);
      return c.body(file.body);
    });
  }
  app.notFound((c) => c.json(errors([invalid("route", `one of POST /api/plan, /api/pareto, /api/fit, /api/fit/lr-batch, /api/fit/timescale, /api/emit; GET /api/laws, /api/openapi.json${staticFiles["/"] ? ", /" : ""}`, `${c.req.method} ${c.req.path}`)]), 404));
  app.onError((_e, c) => c.json({ errors: [{ path: "", message: "internal error (please report the request)" }] }, 500));
  return app;
}
