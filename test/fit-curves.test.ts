// References: Luo et al., arXiv 2503.12811; thu-yao-01-luo/MultiPowerLaw @8da9f190 (src/config.py PARAMS,
// src/evaluation.py, src/fitting.py); data in data/multipowerlaw_loss_curves (SCIENCE.md §7).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { blockedObjective, curveError, exactObjective, fitMultiPower, type CurveData } from "../src/fit/curves.js";
import { mulberry32 } from "../src/fit/random.js";
import { readCurve } from "../src/io/curves.js";
import { MPL_KEYS, MULTI_POWER_PUBLISHED, predictCurve, prepareSchedule } from "../src/laws/multi-power-law.js";
import { mplScheduleFromName } from "../src/schedules/mpl-curves.js";

const DIR = new URL("../data/multipowerlaw_loss_curves/", import.meta.url).pathname;
const TRAIN = ["cosine_24000", "constant_24000", "wsdcon_9"];
const TEST = ["constant_72000", "cosine_72000", "wsd_20000_24000", "wsdld_20000_24000", "wsdcon_3", "wsdcon_18"];

// The repository's exact per-step schedules, named explicitly (--schedule mpl): the files log the LR
// only every 128 steps. readCurve checks that each file's lr column agrees with the named schedule.
function load(size: string, name: string): CurveData {
  const r = readCurve(`${name}.csv`, readFileSync(`${DIR}csv_${size}/${name}.csv`, "utf8"), "csv", {}, { schedule: "mpl" });
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.issues)}`);
  return r.value.curve;
}

describe("multi-power law with the published parameters", () => {
  const p = MULTI_POWER_PUBLISHED["400M"];
  it.each([
    ["constant_24000", 23936, 2.8172],
    ["cosine_24000", 23920, 2.7572],
    ["wsd_20000_24000", 23936, 2.7005],
  ])("400M %s at step %d predicts %d (SCIENCE.md §7 golden)", (name, step, published) => {
    const c = load("400", name);
    expect(c.steps[c.steps.length - 1]).toBe(step);
    const pred = predictCurve(p, prepareSchedule(c.lrs), [step]);
    expect(pred[0]).toBeCloseTo(published, 4);
  });

  it.each([
    ["25", 0.0011],
    ["100", 0.0013],
    ["400", 0.0017],
  ])("%sM: mean relative error over all nine curves ≈ %d", (size, published) => {
    const errs = [...TRAIN, ...TEST].map((n) => curveError(MULTI_POWER_PUBLISHED[`${size}M` as "25M"], load(size, n)).mean);
    expect(Math.abs(errs.reduce((a, b) => a + b) / errs.length - published)).toBeLessThan(0.0001);
  });
});

describe("refit on the curves the authors fit on (400M)", () => {
  const train = TRAIN.map((n) => load("400", n));
  const fit = fitMultiPower(train);

  it("the blocked objective used inside the optimizer matches the exact one", () => {
    const exact = exactObjective(train, MULTI_POWER_PUBLISHED["400M"]);
    expect(Math.abs(blockedObjective(train, MULTI_POWER_PUBLISHED["400M"]) / exact - 1)).toBeLessThan(1e-3);
  });

  it("repeats the authors' procedure and lands on their parameters", () => {
    for (const k of MPL_KEYS) expect(Math.abs(fit.params[k] / MULTI_POWER_PUBLISHED["400M"][k] - 1), k).toBeLessThan(1e-3);
  });

  it("predicts the six held-out curves as well as the published parameters (≤ 0.35% each, ≤ 0.2% average)", () => {
    const errs = TEST.map((n) => curveError(fit.params, load("400", n)).mean);
    for (const e of errs) expect(e).toBeLessThanOrEqual(0.0035);
    expect(errs.reduce((a, b) => a + b) / errs.length).toBeLessThanOrEqual(0.002);
  });
});

describe("synthetic recovery and input handling", () => {
  it("recovers a known law from noisy curves under three schedules", () => {
    const truth = MULTI_POWER_PUBLISHED["100M"];
    const rand = mulberry32(3);
    const make = (name: string): CurveData => {
      const lrs = mplScheduleFromName(name) as Float64Array;
      const steps = Int32Array.from({ length: Math.floor((lrs.length - 2200) / 256) }, (_, i) => 2200 + 256 * i);
      const clean = predictCurve(truth, prepareSchedule(lrs), steps);
      return { name, lrs, steps, loss: Float64Array.from(clean, (x) => x * (1 + 0.001 * (rand() - 0.5))) };
    };
    const fit = fitMultiPower(["cosine_24000", "constant_24000", "wsdcon_9"].map(make), { optimizer: "lbfgs" });
    const heldOut = make("wsd_20000_24000");
    const truthCurve = predictCurve(truth, prepareSchedule(heldOut.lrs), heldOut.steps);
    const fitCurve = predictCurve(fit.params, prepareSchedule(heldOut.lrs), heldOut.steps);
    for (let i = 0; i < truthCurve.length; i++) expect(Math.abs((fitCurve[i] as number) / (truthCurve[i] as number) - 1)).toBeLessThan(0.002);
  });

  it("interpolates a sparsely logged LR and says so", () => {
    const text = "step,lr,loss\n100,0.0001,4\n200,0.0002,3.5\n300,0.0002,3.4\n";
    const r = readCurve("run.csv", text, "csv");
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.lrSource).toBe("interpolated");
      expect(r.value.curve.lrs[150]).toBeCloseTo(0.00015, 12);
      expect(r.value.curve.lrs[50]).toBeCloseTo(0.00005, 12);
      expect(r.value.notes[0]).toMatch(/interpolated linearly/);
    }
  });

  it("refuses steps out of order, naming the line", () => {
    const r = readCurve("run.csv", "step,lr,loss\n100,1e-4,4\n90,1e-4,3.9\n", "csv");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.path).toEqual(["run.csv", "line 3", "step"]);
  });
});

describe("trainer logs", () => {
  it("reads a Hugging Face trainer_state.json and says which entries it used", () => {
    const state = {
      global_step: 40,
      log_history: [
        { step: 10, loss: 4.0, learning_rate: 1e-4, epoch: 0.1 },
        { step: 20, loss: 3.5, learning_rate: 2e-4, epoch: 0.2 },
        { step: 20, eval_loss: 3.6, epoch: 0.2 },
        { step: 30, loss: 3.3, learning_rate: 2e-4, epoch: 0.3 },
        { step: 40, loss: 3.2, learning_rate: 1e-4, epoch: 0.4 },
        { train_runtime: 100, step: 40 },
      ],
    };
    const r = readCurve("trainer_state.json", JSON.stringify(state, null, 2), "jsonl");
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Array.from(r.value.curve.steps)).toEqual([10, 20, 30, 40]);
      expect(r.value.notes[0]).toMatch(/4 training entries of log_history used; 2 entries without a training loss/);
    }
  });

  it("reads a W&B export CSV by its metric names", () => {
    const csv = [
      'Step,"run-a - train/loss","run-a - train/loss__MIN","run-a - train/loss__MAX","run-a - train/learning_rate"',
      "10,4.0,4.0,4.0,0.0001",
      "20,3.5,3.5,3.5,0.0002",
      "25,,,,0.0002",
      "30,3.3,3.3,3.3,0.0002",
    ].join("\n");
    const r = readCurve("export.csv", csv, "csv");
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Array.from(r.value.curve.loss)).toEqual([4, 3.5, 3.3]);
      expect(r.value.notes[0]).toMatch(/W&B export: .*1 rows where a metric was not logged/);
    }
  });
});
