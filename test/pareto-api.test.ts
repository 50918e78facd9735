// POST /api/pareto and POST /api/plan with a target loss, in-process (Hono's app.request): the same answer as
// the core (src/plan/pareto-request.ts, src/plan/deadline.ts), 4xx JSON naming the field for bad input,
// never a 5xx, and a bounded grid so no request holds the event loop.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeadlineSectionSchema } from "../src/plan/deadline-section.js";
import { paretoDocument, paretoFromRequest } from "../src/plan/pareto-request.js";
import { createApp, MAX_API_PARETO_GRID } from "../src/server/app.js";

const app = createApp();
const post = (path: string, body: string, type = "application/json") => app.request(path, { method: "POST", body, headers: { "Content-Type": type } });
type Err = { errors: { path: string; code: string; expected: string; received: string; message: string }[] };
type Point = { seconds: number; flops: number; costUsd: number; marks: string[]; plan?: { seconds: number; weightDecay: number }; request: Record<string, unknown> };
type Doc = { kind: string; lossTarget: number; pareto: Point[]; candidates: number; deadline?: { seconds: number; index: number }; warnings: { message: string }[] };

describe("POST /api/pareto", () => {
  it("answers the core's frontier, marked points with their plans", async () => {
    const req = { lossTarget: 2.3, sizes: 12, batches: 12, maxGpus: 2048 };
    const res = await post("/api/pareto", JSON.stringify(req));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Doc;
    const core = paretoFromRequest(req);
    if (!core.ok) throw new Error("core refused");
    expect(body).toEqual(JSON.parse(JSON.stringify(paretoDocument(core.value, { plans: "marked" }))));
    expect(body.kind).toBe("pareto");
    expect(body.pareto.length).toBeGreaterThan(2);
    // fastest first, cheapest last: time rises and compute falls along the list (the Pareto property)
    for (let i = 1; i < body.pareto.length; i++) {
      expect(body.pareto[i]!.seconds).toBeGreaterThanOrEqual(body.pareto[i - 1]!.seconds);
      expect(body.pareto[i]!.flops).toBeLessThan(body.pareto[i - 1]!.flops);
    }
    expect(body.pareto[0]!.marks).toContain("fastest");
    expect(body.pareto.at(-1)!.marks).toContain("cheapest");
    // plans only for the marked points: a few ms, not one per Pareto point
    const planned = body.pareto.filter((p) => p.plan !== undefined);
    expect(planned.every((p) => p.marks.length > 0)).toBe(true);
    expect(planned.length).toBeGreaterThanOrEqual(2);
    // the plan of a marked point is the frontier's time plus the communication the frontier leaves out (docs/pareto.md: measured up to 5.9%)
    for (const p of planned) {
      expect((p.plan as { seconds: number }).seconds).toBeGreaterThanOrEqual(p.seconds * (1 - 1e-9));
      expect((p.plan as { seconds: number }).seconds / p.seconds - 1).toBeLessThan(0.08);
    }
  });

  it("days: the cheapest Pareto point that meets the deadline", async () => {
    const res = await post("/api/pareto", JSON.stringify({ lossTarget: 2.3, sizes: 12, batches: 12, maxGpus: 2048, days: "2h" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Doc;
    const d = body.deadline as { seconds: number; index: number };
    expect(d.seconds).toBe(7200);
    expect(body.pareto[d.index]!.seconds).toBeLessThanOrEqual(7200);
    if (d.index + 1 < body.pareto.length) expect(body.pareto[d.index + 1]!.seconds).toBeGreaterThan(7200);
    expect(body.pareto[d.index]!.marks).toContain("deadline");
  });

  it.each([
    [{ lossTarget: 1.5 }, "lossTarget", /above the law's irreducible loss E = 1\.817/],
    [{}, "lossTarget", /a target/],
    [{ lossTarget: 2.3, compute: 1e22 }, "lossTarget.compute", /give one/],
    [{ lossTarget: 2.3, sizes: 51, batches: 50 }, "sizes", new RegExp(`sizes × batches ≤ ${MAX_API_PARETO_GRID}`)],
    [{ lossTarget: 2.3, sizes: 1e9 }, "sizes", /a whole number 2 … 200/],
    [{ lossTarget: 2.3, maxGpus: 4 }, "maxGpus", /a whole number of GPUs 8 … 1000000/],
    [{ lossTarget: 2.3, gpu: "h900" }, "gpu", /one of/],
    [{ lossTarget: 2.3, days: "2min" }, "days", /fastest point reachable takes|no point meets/],
    [{ lossTarget: 2.3, bcrit: "nope" }, "bcrit", /zhang2024/],
    [{ lossTarget: 2.3, bcrit: "fitted" }, "bcrit", /lmplan fit bcrit.*bcrit fitted needs fittedLaws/],
    [{ lossTarget: 2.3, fittedLaws: { bcrit: { form: "mccandlish-power-law", D: "Emin", coefficient: 2, exponent: 1.5 } } }, "fittedLaws.bcrit.exponent", /the bcrit entry lmplan fit bcrit --out writes/],
    [{ lossTarget: 2.3, paramsRange: "30B..2B" }, "paramsRange", /two parameter counts/],
    [{ lossTarget: 2.3, nope: 1 }, "nope", /only known fields/],
    [{ lossTarget: "NaN" }, "lossTarget", /a number > 0/],
  ])("%j → 400 naming %s", async (body, path, message) => {
    const res = await post("/api/pareto", JSON.stringify(body));
    expect(res.status).toBe(400);
    const e = (await res.json()) as Err;
    expect(e.errors[0]?.path).toBe(path);
    expect(e.errors[0]?.message).toMatch(message);
    for (const x of e.errors) expect(Object.keys(x).sort()).toEqual(["code", "expected", "message", "path", "received"]);
  });

  it("refuses a body that is not a JSON object, and a cross-origin text/plain POST", async () => {
    for (const b of ["[1,2]", '"x"', "{bad", ""]) expect((await post("/api/pareto", b)).status).toBe(400);
    expect((await post("/api/pareto", '{"lossTarget": 2.3}', "text/plain")).status).toBe(415);
  });

  // Hostile: the largest grid the route admits, over the widest size range, answers without holding the
  // event loop long (the bound is MAX_API_PARETO_GRID; the CLI's 200 × 200 would be 16× the work).
  it("the largest admitted grid over the widest sizes answers in well under a second", async () => {
    const t0 = performance.now();
    const res = await post("/api/pareto", JSON.stringify({ lossTarget: 1.95, sizes: 50, batches: 50, maxGpus: 1e6, maxBatchOverCrit: 1000 }));
    const ms = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(((await res.json()) as Doc).pareto.length).toBeGreaterThan(50);
    // generous for a shared 2-core machine: about 6 ms alone, 25–50 ms cold or loaded (bench/pareto.js)
    expect(ms).toBeLessThan(2000);
  });

  it("random field values: only 200 or 400 with errors as data, never NaN or a 5xx", async () => {
    const value = fc.oneof(fc.constantFrom("2.3", "1e400", "-1", "", " ", "NaN", "Infinity", "2B..", "..", "1e6..1e15", "h100", "8xh100", "14d", "0s", "$-1/h", null, true, [], {}), fc.double(), fc.integer({ min: -10, max: 300 }));
    const body = fc.dictionary(fc.constantFrom("lossTarget", "compute", "gpu", "maxGpus", "mfu", "price", "seqLen", "lossLaw", "bcrit", "paramsRange", "sizes", "batches", "maxBatchOverCrit", "days", "precision"), value, { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await post("/api/pareto", JSON.stringify({ lossTarget: 2.4, sizes: 6, batches: 6, ...b }));
        const text = await res.text();
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(((JSON.parse(text) as Err).errors ?? []).length).toBeGreaterThan(0);
        else expect(text).not.toMatch(/NaN|undefined|\[object Object\]/);
      }),
      { numRuns: 150 },
    );
  });

  it("is in the OpenAPI document and the 404 route list", async () => {
    const spec = (await (await app.request("/api/openapi.json")).json()) as { paths: Record<string, unknown>; components: { schemas: { ParetoRequest: { properties: Record<string, unknown> } } } };
    expect(spec.paths["/api/pareto"]).toBeDefined();
    expect(Object.keys(spec.components.schemas.ParetoRequest.properties)).toEqual(expect.arrayContaining(["lossTarget", "compute", "days", "maxGpus", "sizes", "batches", "fittedLaws"]));
    const nf = await app.request("/api/nope");
    expect(((await nf.json()) as Err).errors[0]?.message).toMatch(/\/api\/pareto/);
  });
});

describe("POST /api/plan with a target loss and a deadline", () => {
  it("plans the cheapest frontier point that meets the deadline, with the deadline section", async () => {
    const res = await post("/api/plan", JSON.stringify({ lossTarget: 2.3, days: "2h", maxGpus: 2048, price: "$2/h" }));
    expect(res.status).toBe(200);
    const p = (await res.json()) as { lmplanPlanVersion: number; hardware: { numGpus: { value: number }; seconds: { value: number } }; deadline: unknown };
    expect(p.lmplanPlanVersion).toBe(1);
    const d = DeadlineSectionSchema.parse(p.deadline);
    expect(p.hardware.seconds.value).toBeLessThanOrEqual(7200);
    expect(p.hardware.numGpus.value).toBe(d.chosen.gpus);
    expect(d.chosen.seconds).toBeLessThanOrEqual(7200);
    // the next cheaper point is late on the frontier, or its plan (which adds communication) was passed over
    if (d.slower) expect(d.slower.seconds > 7200 || d.passedOver.length > 0).toBe(true);
  });
  it("without a target it is the ordinary plan", async () => {
    const a = await (await post("/api/plan", JSON.stringify({ params: "1.3B", tpp: 20, gpus: 64 }))).json();
    expect((a as { deadline?: unknown }).deadline).toBeUndefined();
  });
  it.each([
    [{ lossTarget: 2.3, params: "1B" }, "params.lossTarget", /the frontier chooses the model/],
    [{ lossTarget: 2.3, gpus: 64 }, "gpus.lossTarget", /maxGpus/],
    [{ lossTarget: 2.3, days: "1min" }, "days", /the fastest point reachable takes/],
    [{ params: "1B", tpp: 20, maxGpus: 64 }, "maxGpus.lossTarget", /add lossTarget/],
  ])("%j → 400 naming %s", async (body, path, message) => {
    const res = await post("/api/plan", JSON.stringify(body));
    expect(res.status).toBe(400);
    const e = (await res.json()) as Err;
    expect(e.errors[0]?.path).toBe(path);
    expect(e.errors[0]?.message).toMatch(message);
  });
});
