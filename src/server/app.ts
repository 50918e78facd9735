/**
 * The HTTP API (and the UI's static files) over the same core and the same zod schemas as the CLI.
 * Errors are data: every 4xx body is { errors: [{ path, message }] } with the CLI's wording; a request
 * the core cannot handle is never a 5xx. Bodies are capped at 5 MB; responses carry a strict CSP.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { formatIssue, invalid, type Issue } from "../errors.js";
import { resplitBatch } from "../emit/decompose.js";
import { EMITTERS, findEmitter } from "../emit/index.js";
import { fitLoss, LOSS_COLUMNS, lossFitCurves } from "../fit/loss.js";
import { detectFormat, readTable } from "../io/table.js";
import { LAWS } from "../laws/index.js";
import { planSafe } from "../plan/plan.js";
import { PlanRequestSchema } from "../plan/request.js";
import type { Plan } from "../plan/types.js";

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface StaticFile {
  body: string;
  type: string;
}

const errors = (issues: Issue[]) => ({ errors: issues.map((i) => ({ path: i.path.join("."), message: formatIssue(i) })) });

async function jsonBody(req: Request): Promise<{ ok: true; value: unknown } | { ok: false; issues: Issue[] }> {
  const text = await req.text();
  if (text.trim() === "") return { ok: false, issues: [invalid("body", "a JSON object", "an empty body")] };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, issues: [invalid("body", `valid JSON (${(e as Error).message})`, text.length > 40 ? `${text.slice(0, 40)}…` : text)] };
  }
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
      "/api/plan": { post: { summary: "plan a run", requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/PlanRequest" } } } }, responses: { 200: { description: "the plan (every number with unit, source and derivation)" }, 400: bad, 413: bad } } },
      "/api/fit": { post: { summary: "fit L = E + A/N^α + B/D^β to runs (CSV or JSONL body: N, D or C, loss)", parameters: [{ name: "bootstrap", in: "query", schema: { type: "integer", minimum: 0, maximum: 1000 } }], requestBody: { content: { "text/csv": {}, "application/x-ndjson": {} } }, responses: { 200: { description: "fitted parameters, intervals, frontier" }, 400: bad, 413: bad } } },
      "/api/emit": { post: { summary: "write a trainer config", requestBody: { content: { "application/json": { schema: { type: "object", properties: { format: { enum: EMITTERS.map((e) => e.id) }, request: { $ref: "#/components/schemas/PlanRequest" }, plan: { type: "object" }, gpus: { type: "integer" } }, required: ["format"] } } } }, responses: { 200: { description: "config text, file name, notes, measured schedule deviation" }, 400: bad } } },
      "/api/laws": { get: { summary: "every law: id, source, verified, fit range", responses: { 200: { description: "laws" } } } },
    },
    components: { schemas: { PlanRequest: planRequest, Errors: error } },
  };
}

export function createApp(staticFiles: Record<string, StaticFile> = {}): Hono {
  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    // Observable Plot puts a <style> element in each chart, hence 'unsafe-inline' for styles only; scripts stay 'self'
    c.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Frame-Options", "DENY");
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
    if (!isObject(b)) return c.json(errors([invalid("body", "a JSON object {format, request | plan}", b)]), 400);
    const emitter = typeof b.format === "string" ? findEmitter(b.format) : undefined;
    if (!emitter) return c.json(errors([invalid("format", `one of ${EMITTERS.map((e) => e.id).join(", ")}`, b.format ?? "nothing")]), 400);
    let plan: Plan;
    if (isObject(b.plan)) {
      if (b.plan.lmplanPlanVersion !== 1) return c.json(errors([invalid(["plan", "lmplanPlanVersion"], "a plan from /api/plan (lmplanPlanVersion 1)", b.plan.lmplanPlanVersion ?? "no version")]), 400);
      plan = b.plan as unknown as Plan;
    } else {
      const r = planSafe(isObject(b.request) ? b.request : {});
      if (!r.ok) return c.json(errors(r.issues), 400);
      plan = r.value;
    }
    if (b.gpus !== undefined) {
      const r = resplitBatch(plan, Number(b.gpus));
      if (!r.ok) return c.json(errors(r.issues), 400);
      plan = r.value;
    }
    try {
      const res = emitter.emit(plan);
      return c.json({ format: res.format, fileName: res.fileName, text: res.text, notes: res.notes, deviation: res.deviation, source: emitter.source });
    } catch {
      // a hand-edited plan missing fields the emitter reads
      return c.json(errors([invalid("plan", "a complete plan as /api/plan returns it", "an incomplete plan")]), 400);
    }
  });

  app.post("/api/fit", async (c) => {
    const text = await c.req.text();
    if (text.includes("\u0000")) return c.json(errors([invalid("body", "a text CSV or JSONL file", "binary data")]), 400);
    if (text.trim() === "") return c.json(errors([invalid("body", "a CSV or JSONL file of runs (N, D or C, loss)", "an empty body")]), 400);
    const bootstrap = Number(c.req.query("bootstrap") ?? 100);
    if (!Number.isInteger(bootstrap) || bootstrap < 0 || bootstrap > 1000) return c.json(errors([invalid("bootstrap", "a whole number 0 … 1000", c.req.query("bootstrap"))]), 400);
    const type = c.req.header("content-type") ?? "";
    const t = readTable(text, /ndjson|jsonl/.test(type) ? "jsonl" : detectFormat("", text), LOSS_COLUMNS);
    if (!t.ok) return c.json(errors(t.issues), 400);
    if (t.value.rejected.length > 0) return c.json(errors(t.value.rejected.map((r) => r.issue)), 400);
    if (t.value.headers.D === undefined && t.value.headers.C === undefined) return c.json(errors([invalid("D", "a tokens column (D) or a compute column (C)", "neither")]), 400);
    const points = t.value.rows.map((r) => ({ N: r.N as number, D: r.D ?? (r.C as number) / (6 * (r.N as number)), L: r.L as number }));
    const res = fitLoss(points, { dropHighest: 0, bootstrap, seed: 1 });
    if (!res.ok) return c.json(errors(res.issues), 400);
    const p = res.value.fit.params;
    const { runs: residuals, frontier } = lossFitCurves(p, points, 40);
    return c.json({ ...res.value, residuals, frontier, fittedLaws: { loss: { form: "chinchilla", params: p } } });
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
