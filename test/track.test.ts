// lmplan track: a run against its plan. Synthetic runs follow the multi-power law with the published
// 100M parameters (Luo et al., arXiv 2503.12811; docs/science.md §7) under the plan's own schedule, with
// ±0.2% noise; the drifting one rises 3% per 10% of training after 30% of it. The plan is lmplan's
// own (125M parameters, 2.5B tokens, 8 × H100: 10,173 steps, linear decay to zero after 1,017 warmup steps).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { MULTI_POWER_PUBLISHED, predictCurve, prepareSchedule } from "../src/laws/multi-power-law.js";
import { planSafe } from "../src/plan/plan.js";
import type { Plan } from "../src/plan/types.js";
import { lrArray } from "../src/schedules/schedule.js";
import { track } from "../src/track/track.js";
import type { Points, TrackRun } from "../src/track/types.js";
import { watchLoop } from "../src/track/watch.js";

const planned = planSafe({ params: "125M", tokens: "2.5B", gpu: "h100", gpus: 8 } as never);
if (!planned.ok) throw new Error(JSON.stringify(planned.issues));
const plan: Plan = planned.value;
const T = plan.schedule.spec.totalSteps;
const LRS = lrArray(plan.schedule.spec);
const TPS = plan.batch.tokensTrained.value / plan.hardware.seconds.value;
const BT = plan.batch.globalBatchTokens.value;
const T0 = 1.77e9;

function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
}

interface Synth {
  upTo: number;
  drift?: number;
  tpsFactor?: (s: number) => number;
  lrFactor?: (s: number) => number;
  every?: number;
}

/** A run logged every 10 steps to `upTo` × the planned steps, on the plan's schedule and pace. */
function synth(o: Synth): TrackRun {
  const every = o.every ?? 10;
  const steps: number[] = [];
  for (let s = every; s <= o.upTo * T; s += every) steps.push(s);
  const clean = predictCurve(MULTI_POWER_PUBLISHED["100M"], prepareSchedule(LRS), steps);
  const r = rng(11);
  const d0 = o.drift !== undefined ? Math.round(o.drift * T) : Infinity;
  const loss = steps.map((s, i) => (clean[i] as number) * (1 + 0.004 * (r() - 0.5)) * (s > d0 ? 1 + (0.03 * (s - d0)) / (0.1 * T) : 1));
  const tps = steps.map((s) => TPS * (o.tpsFactor?.(s) ?? 1));
  let t = T0;
  const wall = steps.map((s, i) => (t += (every * BT) / (tps[i] as number)));
  const pts = (value: number[], tag: string): Points => ({ step: steps, value, wall, tag });
  return {
    loss: pts(loss, "lm loss"),
    lr: pts(steps.map((s) => (LRS[s] as number) * (o.lrFactor?.(s) ?? 1)), "learning rate"),
    tokensPerSec: pts(tps, "tokens_per_sec"),
    notes: [],
    problems: [],
  };
}

describe("loss against the refitted multi-power law", () => {
  it("a run that drifts after 30% of training raises the alert where the drift leaves the band", () => {
    const rep = track(plan, synth({ upTo: 0.6, drift: 0.3 }), { now: T0 });
    const a = rep.alerts.find((x) => x.code === "loss-above-band");
    expect(a, JSON.stringify(rep.alerts)).toBeDefined();
    // the drift is 3% per 10% of training from step 3052; the band is 1% (4σ of ±0.2% noise is less),
    // so it leaves the band at about step 3052 + 339 = 3391
    const d0 = Math.round(0.3 * T);
    expect(a?.step).toBeGreaterThan(d0 + 250);
    expect(a?.step).toBeLessThan(d0 + 450);
    expect(a?.threshold).toBe(0.01);
    // the reference is the last refit the run agreed with, made before the drift
    expect(rep.loss.reference?.atStep).toBeLessThanOrEqual(d0);
    expect(rep.loss.now?.excess).toBeGreaterThan(0.05);
    expect(rep.alerts.filter((x) => x.code !== "loss-above-band")).toEqual([]);
  });

  it("the same run without the drift raises no alert, and projects the plan's end from the refit", () => {
    const rep = track(plan, synth({ upTo: 0.6 }), { now: T0 });
    expect(rep.alerts).toEqual([]);
    const truthEnd = predictCurve(MULTI_POWER_PUBLISHED["100M"], prepareSchedule(LRS), [T - 1])[0] as number;
    expect(Math.abs((rep.loss.projection?.finalLoss as number) / truthEnd - 1)).toBeLessThan(0.01);
    expect(rep.loss.projection?.finalStep).toBe(T - 1);
    expect(rep.loss.planLaw.source).toBe(plan.budget.predictedLoss.source);
    expect(rep.loss.checkpoints.length).toBeGreaterThanOrEqual(8);
  });
});

describe("pace, throughput, LR", () => {
  it("progress, tokens/s, MFU, finish and cost at the planned pace match the plan", () => {
    const rep = track(plan, synth({ upTo: 0.5 }), { now: T0 });
    const p = rep.pace;
    expect(p.steps.planned).toBe(T);
    expect(p.tokens.done).toBe(p.steps.done * BT);
    expect(p.tokensPerSec.measured).toBeCloseTo(TPS, 6);
    expect(p.mfu.measured).toBeCloseTo(plan.hardware.mfu.value, 9);
    expect((p.gpuHours.projected as number) / plan.hardware.gpuHours.value).toBeCloseTo(1, 3);
    expect((p.costUsd.projected as number) / (plan.hardware.costUsd?.value as number)).toBeCloseTo(1, 3);
    expect(p.finishAt).toBeCloseTo((p.lastLogAt as number) + ((T * BT - p.tokens.done) / TPS), 3);
  });

  it("throughput 25% below plan from half-way raises the alert at the first slow log", () => {
    const rep = track(plan, synth({ upTo: 0.7, tpsFactor: (s) => (s > 0.5 * T ? 0.75 : 1) }), { now: T0 });
    const a = rep.alerts.find((x) => x.code === "throughput-below-plan");
    const first = Math.ceil((0.5 * T) / 10) * 10 + (Math.ceil((0.5 * T) / 10) * 10 === 0.5 * T ? 10 : 0);
    expect(a?.step).toBe(first);
    expect(a?.measured).toBeCloseTo(0.75 * TPS, 6);
    expect(rep.pace.finishAt).toBeGreaterThan(0);
    // the projection uses the measured (slower) rate
    expect((rep.pace.gpuHours.projected as number) > plan.hardware.gpuHours.value).toBe(true);
  });

  it("an LR 20% below the plan's schedule from 40% raises the LR alert there; an off-by-one step numbering does not", () => {
    const rep = track(plan, synth({ upTo: 0.5, lrFactor: (s) => (s > 0.4 * T ? 0.8 : 1) }), { now: T0 });
    const a = rep.alerts.find((x) => x.code === "lr-off-schedule");
    expect(a?.step).toBe(Math.floor((0.4 * T) / 10) * 10 + 10);
    const shifted = synth({ upTo: 0.3 });
    shifted.lr = { ...(shifted.lr as Points), value: (shifted.lr as Points).step.map((s) => LRS[s + 1] as number) };
    expect(track(plan, shifted, { now: T0 }).alerts).toEqual([]);
  });
});

describe("--watch: re-reading as the logs grow (injected reader and clock)", () => {
  it("reports when the logs change, not otherwise, and the drift alert appears once the run has drifted", async () => {
    const sizes = [0.2, 0.2, 0.45, 0.6];
    let poll = 0;
    const reports: ReturnType<typeof track>[] = [];
    const slept: number[] = [];
    const n = await watchLoop(
      {
        fingerprint: () => String(sizes[Math.min(poll, sizes.length - 1)]),
        report: () => track(plan, synth({ upTo: sizes[Math.min(poll, sizes.length - 1)] as number, drift: 0.3 }), { now: T0 + poll * 60 }),
        emit: (r) => reports.push(r),
        sleep: async (ms) => {
          slept.push(ms);
          poll++;
        },
        stop: () => poll >= sizes.length - 1 && reports.length >= 3,
      },
      60,
      { maxPolls: 10 },
    );
    expect(n).toBe(3);
    expect(slept.every((ms) => ms === 60_000)).toBe(true);
    expect(reports.map((r) => r.alerts.some((a) => a.code === "loss-above-band"))).toEqual([false, true, true]);
    expect(reports.map((r) => r.now)).toEqual([T0, T0 + 120, T0 + 180]);
  });
});

describe("lmplan track from the command line", () => {
  const tmp = () => mkdtempSync(join(tmpdir(), "lmplan-track-"));
  async function cli(args: string[]) {
    let out = "";
    let err = "";
    const code = await main(args, { out: (s) => void (out += s), err: (s) => void (err += s), readStdin: () => "", isTTY: false });
    return { code, out, err };
  }
  /** A Megatron-LM stdout log (training.py training_log's format) of the synthetic run. */
  function megatronLog(r: TrackRun): string {
    return r.loss.step
      .map((s, i) => {
        const d = new Date((r.loss.wall[i] as number) * 1000).toISOString().replace("T", " ").replace("Z", "000");
        return ` [${d}] iteration ${String(s).padStart(8)}/${String(T).padStart(8)} | consumed samples: ${String(s * plan.batch.globalBatchSeqs.value).padStart(12)} | elapsed time per iteration (ms): ${((BT / TPS) * 1000).toFixed(1)} | learning rate: ${(r.lr?.value[i] as number).toExponential(6).toUpperCase()} | global batch size: ${String(plan.batch.globalBatchSeqs.value).padStart(5)} | lm loss: ${(r.loss.value[i] as number).toExponential(6).toUpperCase()} | loss scale: 1.0 | grad norm: 0.250 | number of skipped iterations:   0 | number of nan iterations:   0 |`;
      })
      .join("\n");
  }

  it("reads a Megatron log against plan.json: text and --json, with the drift alert", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    writeFileSync(join(dir, "train.out"), megatronLog(synth({ upTo: 0.5, drift: 0.3 })));
    const text = await cli(["track", "--plan", join(dir, "plan.json"), join(dir, "train.out")]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^PROGRESS {4}step 5,080 of 10,173 \(49\.9%\)/m);
    expect(text.out).toMatch(/loss above the multi-power-law band from step 3[3-4]\d0/);
    expect(text.out).toMatch(/THROUGHPUT .*tokens\/s measured \(tokens between logs ÷ the logs' wall-clock times|THROUGHPUT .*"elapsed time per iteration \(ms\)"/);
    const json = await cli(["track", "--plan", join(dir, "plan.json"), join(dir, "train.out"), "--json"]);
    expect(json.code).toBe(0);
    const j = JSON.parse(json.out);
    expect(j.lmplanTrackVersion).toBe(1);
    expect(j.alerts.map((a: { code: string }) => a.code)).toContain("loss-above-band");
  });

  it("bad input exits 2 naming the field", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    writeFileSync(join(dir, "x.out"), "nothing here\n");
    const cases: [string[], RegExp][] = [
      [["track", join(dir, "x.out")], /--plan/],
      [["track", "--plan", join(dir, "nope.json"), join(dir, "x.out")], /^lmplan: plan: expected a readable JSON file/],
      [["track", "--plan", join(dir, "x.out"), join(dir, "x.out")], /^lmplan: plan/],
      [["track", "--plan", join(dir, "plan.json"), join(dir, "x.out")], /^lmplan: x\.out|^lmplan: .*x\.out: expected a log lmplan reads/],
      [["track", "--plan", join(dir, "plan.json"), join(dir, "x.out"), "--watch", "0.1"], /^lmplan: watch: expected a polling interval in seconds, 1 … 3600/],
      [["track", "--plan", join(dir, "plan.json"), join(dir, "x.out"), "--loss-band", "2"], /^lmplan: lossBand: expected a number in \[0, 1\]/],
      [["track", "--plan", join(dir, "plan.json"), join(dir, "x.out"), "--map", "speed=tps"], /^lmplan: map\.speed: expected a role/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toMatch(re);
    }
  });
});
