// `plan --days … --loss-target …` through planWithDeadline (src/plan/deadline.ts). The chosen point is
// checked against a brute force over every (N, batch) candidate — the least compute among all candidates
// that finish in time, found without the Pareto set — and each step's Δhours and Δ$ against the points'
// own GPU-hours × price.
import { describe, expect, it } from "vitest";
import { DEFAULT_MFU } from "../src/hardware/time.js";
import { selectEfficiency } from "../src/layout/calibrate.js";
import { formatDuration } from "../src/units/format.js";
import { findAccelerator } from "../src/hardware/catalog.js";
import { DeadlineSectionSchema } from "../src/plan/deadline-section.js";
import { planWithDeadline, renderDeadline } from "../src/plan/deadline.js";
import { paretoFrontier, type FrontierPoint } from "../src/plan/pareto.js";
import { LOSS_LAWS, ZHANG_CALIBRATION } from "../src/plan/pareto-request.js";
import { planSafe } from "../src/plan/plan.js";
import { chinchillaLoss, computeOptimal } from "../src/laws/chinchilla-form.js";
import { EPOCH_PARAMS } from "../src/laws/chinchilla-epoch.js";

const H100 = findAccelerator("h100")!;
const PRICE = 2;

/** The same frontier planWithDeadline builds for {lossTarget, maxGpus, price} on an H100 at the planner's cited efficiency per size. */
function frontierFor(lossTarget: number, maxGpus: number) {
  const r = paretoFrontier({ lossTarget, loss: { id: "chinchilla-epoch", params: LOSS_LAWS["chinchilla-epoch"]! }, bcrit: ZHANG_CALIBRATION, peakFlopsPerGpu: H100.peakBf16, mfu: DEFAULT_MFU, mfuFor: (N) => selectEfficiency(N, "bf16", false).u, pricePerGpuHour: PRICE, seqLen: 2048, maxGpus });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

function ok<T>(r: { ok: true; value: T } | { ok: false; issues: unknown }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

describe("planWithDeadline: the cheapest frontier point that meets --days", () => {
  it.each([["3h"], ["1.5h"], ["1h"], ["14d"]])("days %s: least compute among all candidates that finish in time", (days) => {
    const p = ok(planWithDeadline({ lossTarget: 2.3, days, maxGpus: 2048, price: PRICE }));
    const d = DeadlineSectionSchema.parse(p.deadline);
    const seconds = d.deadlineSeconds as number;
    const f = frontierFor(2.3, 2048);
    // brute force over every (N, batch) candidate, not the Pareto set
    const inTime = f.candidates.filter((q) => q.seconds <= seconds);
    const best = Math.min(...inTime.map((q) => q.flops));
    // the frontier's cheapest in-time point — unless its plan, which adds the communication the frontier
    // leaves out, runs late: then it is passed over (and named) for the next faster Pareto point
    expect(d.chosen.flops).toBeGreaterThanOrEqual(best * (1 - 1e-9));
    if (d.passedOver.length === 0) expect(Math.abs(d.chosen.flops / best - 1)).toBeLessThan(1e-9);
    for (const why of d.passedOver) expect(why).toMatch(/past the deadline|does not fit/);
    expect(d.chosen.seconds).toBeLessThanOrEqual(seconds);
    // the plan is that point: its model, batch, GPUs, and a time within the deadline
    expect(p.batch.globalBatchSeqs.value).toBe(d.chosen.batchSeqs);
    expect(p.hardware.numGpus.value).toBe(d.chosen.gpus);
    expect(p.model.totalParams.value).toBe(d.chosen.params);
    expect(p.hardware.seconds.value).toBeLessThanOrEqual(seconds);
    expect(p.hardware.seconds.value / d.chosen.seconds - 1).toBeLessThan(0.08);
    expect(p.hardware.deadlineSeconds?.value).toBe(seconds);
    // the next cheaper Pareto point is late, or there is none
    if (d.slower) expect(d.slower.seconds > seconds || d.passedOver.length > 0).toBe(true);
    else expect(d.chosen.index).toBe(d.paretoPoints - 1);
    expect(d.why).toMatch(/cheapest of the \d+ Pareto points/);
  });

  it("each step trades hours for dollars: Δ$ = ΔGPU-hours × price, $/h = Δ$/Δh, faster always costs more", () => {
    const d = DeadlineSectionSchema.parse(ok(planWithDeadline({ lossTarget: 2.3, days: "1.5h", maxGpus: 2048, price: PRICE })).deadline);
    const f = frontierFor(2.3, 2048);
    expect(d.steps.length).toBeGreaterThan(1);
    for (const s of d.steps) {
      const slow = f.pareto[s.fromIndex] as FrontierPoint;
      const fast = f.pareto[s.toIndex] as FrontierPoint;
      expect(s.toIndex).toBe(s.fromIndex - 1);
      expect(s.hoursSaved).toBeCloseTo((slow.seconds - fast.seconds) / 3600, 12);
      expect(s.extraUsd as number).toBeCloseTo((fast.gpuHours - slow.gpuHours) * PRICE, 6);
      expect(s.usdPerHourSaved as number).toBeCloseTo((s.extraUsd as number) / s.hoursSaved, 6);
      expect(s.hoursSaved).toBeGreaterThan(0);
      expect(s.extraUsd as number).toBeGreaterThan(0);
    }
    // the chosen point's neighbours are its Pareto neighbours
    if (d.faster) expect(d.faster.index).toBe(d.chosen.index - 1);
    if (d.slower) expect(d.slower.index).toBe(d.chosen.index + 1);
    expect(renderDeadline(d)).toMatch(/DEADLINE 1\.5 h[\s\S]*chosen[\s\S]*\/h saved/);
  });

  it("refuses a deadline no point meets, naming the fastest time reachable", () => {
    const r = planWithDeadline({ lossTarget: 2.3, days: "20min", maxGpus: 256 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const f = frontierFor(2.3, 256);
    const fastest = Math.min(...f.candidates.map((q) => q.seconds));
    expect(r.issues[0]?.path).toEqual(["days"]);
    expect(r.issues[0]?.code).toBe("conflict");
    // the fastest of all candidates (brute force), written as lmplan writes durations
    expect(r.issues[0]?.expected).toContain(`the fastest point reachable takes ${formatDuration(fastest)}`);
    expect(r.issues[0]?.expected).toMatch(/--max-gpus, now 256/);
  });

  it("without --days it plans the cheapest point; with --compute and --deadline-by frontier the target is the compute-optimal loss", () => {
    const d = DeadlineSectionSchema.parse(ok(planWithDeadline({ lossTarget: 2.3, maxGpus: 2048 })).deadline);
    expect(d.deadlineSeconds).toBeUndefined();
    expect(d.chosen.index).toBe(d.paretoPoints - 1);
    const c = DeadlineSectionSchema.parse(ok(planWithDeadline({ compute: 1e22, days: "3d", deadlineBy: "frontier" })).deadline);
    // Hoffmann Eq. 4 split of C = 6ND, its loss by Eq. 2 (the law's own functions, not the frontier's)
    const opt = computeOptimal(EPOCH_PARAMS, 1e22);
    expect(c.lossTarget).toBeCloseTo(chinchillaLoss(EPOCH_PARAMS, opt.N, opt.D), 12);
    expect(c.targetHow).toMatch(/compute-optimal/);
  });

  it("carries the user's other options into the plan", () => {
    const p = ok(planWithDeadline({ lossTarget: 2.3, days: "3h", maxGpus: 2048, schedule: "cosine", mfu: 0.4, price: "$3/h", parameterization: "sp" }));
    expect(p.schedule.spec.kind).toBe("cosine");
    expect(p.hardware.mfu.value).toBe(0.4);
    expect(p.optimizer.parameterization.kind).toBe("sp");
    expect(p.hardware.costUsd?.value).toBeCloseTo(p.hardware.gpuHours.value * 3, 6);
    const d = p.deadline!;
    expect(d.chosen.costUsd).toBeCloseTo(d.chosen.gpuHours * 3, 6);
  });

  it("without a target it is planSafe", () => {
    for (const x of [{ params: "1.3B", tpp: 20, gpus: 64 }, { compute: 3e22, days: "14d" }, { gpus: 128, gpu: "h200", days: "14d" }]) {
      expect(JSON.parse(JSON.stringify(ok(planWithDeadline(x))))).toEqual(JSON.parse(JSON.stringify(ok(planSafe(x)))));
    }
  });

  it.each([
    [{ lossTarget: 2.3, params: "1B" }, ["params", "lossTarget"], "conflict"],
    [{ lossTarget: 2.3, tokens: "20B" }, ["tokens", "lossTarget"], "conflict"],
    [{ lossTarget: 2.3, preset: "btlm-3b-8k" }, ["preset", "lossTarget"], "conflict"],
    [{ lossTarget: 2.3, gpus: 64 }, ["gpus", "lossTarget"], "conflict"],
    [{ lossTarget: 2.3, gpu: "64xh100" }, ["gpu", "lossTarget"], "conflict"],
    [{ lossTarget: 2.3, compute: 1e22 }, ["lossTarget", "compute"], "conflict"],
    [{ lossTarget: 2.3, deadlineBy: "gpus" }, ["deadlineBy", "lossTarget"], "conflict"],
    [{ deadlineBy: "frontier", days: "3d" }, ["lossTarget"], "missing"],
    [{ params: "1B", tpp: 20, bcrit: "zhang2024" }, ["bcrit", "lossTarget"], "missing"],
    [{ lossTarget: 1.5 }, ["lossTarget"], "invalid_value"],
    [{ lossTarget: 0 }, ["lossTarget"], "invalid_value"],
    [{ lossTarget: 2.3, maxGpus: 4 }, ["maxGpus"], "invalid_value"],
    [{ lossTarget: 2.3, bcrit: "4M" }, ["bcrit"], "invalid_value"],
  ])("%j → %j (%s)", (input, path, code) => {
    const r = planWithDeadline(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]?.path).toEqual(path);
    expect(r.issues[0]?.code).toBe(code);
  });
});
