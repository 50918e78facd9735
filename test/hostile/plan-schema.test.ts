// The Plan schema (src/plan/schema.ts) against the plans lmplan writes: every plan the planner makes,
// over presets, sizes, schedules, parameterizations, data, context stages, hardware and budgets, reads
// back through JSON unchanged; hand-edited plans are refused with the path, the value and what is
// accepted.
import { describe, expect, it } from "vitest";
import { ALL_MODEL_PRESETS as MODEL_PRESETS } from "../../src/model/presets.js";
import { acceleratorNames } from "../../src/hardware/catalog.js";
import { planSafe } from "../../src/plan/plan.js";
import { parsePlan, PLAN_LIMITS } from "../../src/plan/schema.js";
import type { Plan } from "../../src/plan/types.js";
import { formatIssue } from "../../src/errors.js";
import { EMITTERS } from "../../src/emit/index.js";

const REQUESTS: Record<string, unknown>[] = [
  ...MODEL_PRESETS.flatMap((p) => [{ preset: p.id }, { preset: p.id, gpus: 64, targetContext: 16384 }]),
  ...acceleratorNames().map((gpu) => ({ params: "350M", tpp: 20, gpu })),
  { params: "125M", tpp: 20, gpus: 8, dataSources: "slimpajama-627b", upsampleFinal: "0.15:code" },
  { params: "1B", tpp: 20, gpus: 8, dataSources: "redpajama-1t", mix: "dc-3", capEpochs: 2, uniqueTokens: "5B" },
  { params: "1.3B", tpp: 100, gpus: 64, price: "$2/h", days: "30d" },
  { params: "70B", tpp: 20, gpus: 8 },
  { params: "7B", tpp: 20, gpus: 7, zeroStage: 0, recompute: "full" },
  { params: "1B", tpp: 20, schedule: "power", decayFraction: 0.1 },
  { params: "1B", tpp: 20, schedule: "wsd", decayShape: "exponential", minLrRatio: 0.01 },
  { params: "1B", tpp: 20, schedule: "cosine", warmupFraction: 0.3 },
  { params: "1B", tpp: 20, schedule: "constant", parameterization: "completep" },
  { params: "1B", tpp: 20, parameterization: "sp", lossLaw: "chinchilla-hoffmann" },
  { params: "1B", tpp: 20, contextStages: "2048:0.5,4096:0.5", targetContext: 32768 },
  { compute: "3e22", gpus: 256, precision: "fp8" },
  { gpus: 128, gpu: "h200", days: "14d" },
  { width: 256, layers: 8, tpp: 20, gpus: 8 },
  { params: "20T", tpp: 1, gpus: 1024 },
  { params: "10M", tokens: "1e18", gpus: 8 },
];

const roundTrip = (p: Plan): unknown => JSON.parse(JSON.stringify(p));

describe("every plan lmplan writes reads back through the schema", () => {
  it(`${REQUESTS.length} requests over presets, hardware, schedules, data and context`, () => {
    let planned = 0;
    for (const req of REQUESTS) {
      const r = planSafe(req);
      if (!r.ok) continue; // a request the planner refuses writes no plan
      planned++;
      const back = parsePlan(roundTrip(r.value));
      if (!back.ok) throw new Error(`${JSON.stringify(req)}: ${back.issues.map(formatIssue).join("; ")}`);
      expect(back.value).toEqual(roundTrip(r.value));
    }
    expect(planned).toBeGreaterThan(REQUESTS.length * 0.8);
  });
});

describe("a hand-edited plan is refused with the path, the value and what is accepted", () => {
  const base = planSafe({ params: "125M", tpp: 20, gpus: 8, dataSources: "slimpajama-627b", upsampleFinal: "0.15:code" });
  if (!base.ok) throw new Error("plan");
  const edit = (f: (p: any) => void) => {
    const p = roundTrip(base.value) as any;
    f(p);
    return parsePlan(p);
  };
  it.each([
    ["numLayers as text", (p: any) => (p.model.spec.numLayers = "12 $(touch x)"), /^plan\.model\.spec\.numLayers: expected a whole number ≥ 1 and ≤ 1e6 \(transformer blocks\), received "12 \$\(touch x\)"$/],
    ["a fractional head count", (p: any) => (p.model.spec.numHeads = 7.5), /^plan\.model\.spec\.numHeads: expected a whole number/],
    ["a negative micro-batch", (p: any) => (p.batch.microBatchSeqs.value = -1), /^plan\.batch\.microBatchSeqs\.value: expected a whole number ≥ 1/],
    ["an unknown schedule", (p: any) => (p.schedule.spec.kind = "rm -rf"), /^plan\.schedule\.spec\.kind: expected one of linear, cosine, wsd, constant, power, received "rm -rf"$/],
    ["an unknown field", (p: any) => (p.model.spec.evil = 1), /^plan\.model\.spec: expected only the fields lmplan plan --json writes, received unknown field\(s\) "evil"$/],
    ["a huge step count", (p: any) => (p.batch.steps.value = 1e300), /^plan\.batch\.steps\.value: expected a whole number ≥ 1 and ≤ 2\^53 − 1/],
    ["a weight that is not a number", (p: any) => (p.data.phases[0].weights.c4 = "0.5"), /^plan\.data\.phases\.0\.weights\.c4: expected a finite number ≥ 0 and ≤ 1/],
    ["an extra Cerebras key", (p: any) => (p.context = { stages: [{ seqLen: 2048, share: 1 }], warnings: [], extrapolation: { position: "alibi", trainedLength: 2048, targetLength: 4096, interpolationFactor: 2, cerebrasConfig: { alibi_scaling: { type: "linear", factor: 2 }, evil: 1 } } }), /^plan\.context\.extrapolation\.cerebrasConfig: expected only the fields/],
    ["a batch that does not add up", (p: any) => (p.batch.gradAccumSteps.value *= 2), /^plan\.batch: conflict: the global batch \d+ is not micro-batch/],
    ["steps that are not the schedule's", (p: any) => (p.schedule.spec.totalSteps += 1), /^plan\.schedule\.spec\.totalSteps: conflict: the schedule's/],
    ["a GPU lmplan does not know", (p: any) => (p.hardware.gpu = "h100; reboot"), /^plan\.hardware\.gpu: expected one of a100, h100/],
    ["a title too long", (p: any) => (p.title = "x".repeat(PLAN_LIMITS.title + 1)), /^plan\.title: expected a title of at most 1000 characters, received "x+"… \(1001 characters\)$/],
    ["a lone surrogate", (p: any) => (p.title = "a\ud800b"), /^plan\.title: expected well-formed a title/],
    ["another version", (p: any) => (p.lmplanPlanVersion = 2), /^plan\.lmplanPlanVersion: expected a plan written by lmplan plan --json \(lmplanPlanVersion 1\), received 2$/],
  ])("%s", (_name, f, pattern) => {
    const r = edit(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssue(r.issues[0] as never)).toMatch(pattern);
  });
});

describe("property: random requests the planner accepts write plans the schema accepts", () => {
  it("300 random requests over sizes, budgets, hardware, schedules, data and context", () => {
    const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let planned = 0;
    for (let i = 0; i < 300; i++) {
      const req: Record<string, unknown> = {};
      const size = pick(rand, ["params", "compute", "preset", "width"]);
      if (size === "params") req.params = pick(rand, ["20M", "125M", "1.3B", "7B", "70B", "1T"]);
      if (size === "compute") req.compute = pick(rand, ["1e19", "3e21", "1e24"]);
      if (size === "preset") req.preset = pick(rand, MODEL_PRESETS.map((p) => p.id));
      if (size === "width") Object.assign(req, { width: pick(rand, [256, 512, 1024]), layers: pick(rand, [4, 8, 24]) });
      if (size !== "compute" && size !== "preset") req.tpp = pick(rand, [1, 5, 20, 100]);
      if (rand() < 0.7) req.gpus = pick(rand, [1, 7, 8, 64, 256]);
      if (rand() < 0.3) req.gpu = pick(rand, acceleratorNames());
      if (rand() < 0.3) req.schedule = pick(rand, ["linear", "cosine", "wsd", "constant", "power"]);
      if (rand() < 0.2) req.parameterization = pick(rand, ["mup", "completep", "sp"]);
      if (rand() < 0.3) req.dataSources = pick(rand, ["slimpajama-627b", "redpajama-1t"]);
      if (req.dataSources && rand() < 0.5) req.upsampleFinal = "0.1:code";
      if (rand() < 0.2) req.contextStages = pick(rand, ["2048:0.75,8192:0.25", "1024:0.5,2048:0.5"]);
      if (rand() < 0.2) req.targetContext = 16384;
      if (rand() < 0.2) req.days = "30d";
      if (rand() < 0.2) req.price = "$2/h";
      if (rand() < 0.2) req.zeroStage = pick(rand, [0, 1, 2, 3]);
      if (rand() < 0.2) req.recompute = pick(rand, ["none", "full"]);
      if (rand() < 0.2) req.warmupFraction = pick(rand, [0, 0.05, 0.3]);
      const r = planSafe(req);
      if (!r.ok) continue;
      planned++;
      const back = parsePlan(roundTrip(r.value));
      if (!back.ok) throw new Error(`${JSON.stringify(req)}: ${back.issues.map(formatIssue).join("; ")}`);
    }
    expect(planned).toBeGreaterThan(100);
  });
});

describe("issue 10: a mutated plan is refused, or written without undefined, NaN or [object Object]", () => {
  it("every field of two plans deleted, zeroed or made huge in turn, through every emitter (the API answered 1.7% of such plans with broken configs)", () => {
    const bad: string[] = [];
    let accepted = 0;
    for (const req of [{ preset: "btlm-3b-8k", gpus: 64, targetContext: 16384 }, { params: "125M", tpp: 20, gpus: 8, dataSources: "slimpajama-627b", upsampleFinal: "0.15:code", schedule: "wsd" }]) {
      const r = planSafe(req);
      if (!r.ok) throw new Error("plan");
      const json = roundTrip(r.value);
      const paths: string[][] = [];
      const walk = (o: unknown, p: string[]) => {
        if (o !== null && typeof o === "object") for (const [k, v] of Object.entries(o)) paths.push([...p, k]), walk(v, [...p, k]);
      };
      walk(json, []);
      for (const path of paths) {
        for (const mutation of ["delete", "zero", "huge"] as const) {
          const q = roundTrip(json as Plan) as Record<string, unknown>;
          let o = q;
          for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
          const last = path[path.length - 1] as string;
          if (mutation === "delete") delete o[last];
          else if (typeof o[last] === "number") o[last] = mutation === "zero" ? 0 : 1e12;
          else continue;
          const v = parsePlan(q);
          if (!v.ok) continue;
          accepted++;
          for (const e of EMITTERS) {
            const out = e.emit(v.value);
            if (/undefined|NaN|\[object Object\]|Infinity/.test(`${out.text}\n${out.notes.join("\n")}`)) bad.push(`${e.id}: ${path.join(".")} ${mutation}`);
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(100);
    expect(bad).toEqual([]);
  });
});
