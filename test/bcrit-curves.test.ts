// `fit bcrit --curves`: steps to a target read from whole loss curves at several batch sizes (the first
// logged step each crosses the target, interpolated linearly in step), then McCandlish's
// S(B) = S_min(1 + B_crit/B) (arXiv 1812.06162 §2) and B_crit = k·E_min^b. The synthetic curves are built
// from a chosen k, b and E_min per group, so S_min = E_min/B_crit and every S(B) is known by hand.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { bcritCurveRuns, type LossCurveReader } from "../src/cli/pareto.js";
import { fitBcrit, runsFromCurves, stepsToTarget, type BatchCurve } from "../src/fit/bcrit.js";

// The known law: B_crit = K·E^B_EXP tokens, E = E_min tokens (the calibration's D).
const K = 2;
const B_EXP = 0.6;
const SEQ = 512;
const GROUPS = [
  { N: 1e8, target: 3.4, Emin: 2e9 },
  { N: 3e8, target: 3.1, Emin: 6e9 },
  { N: 1e9, target: 2.8, Emin: 2e10 },
];
const BATCH_SEQS = [64, 128, 256, 512, 1024, 2048, 4096, 8192];

function known(g: (typeof GROUPS)[number]) {
  const Bcrit = K * g.Emin ** B_EXP;
  return { Bcrit, Smin: g.Emin / Bcrit };
}

/** Logged every `every` steps; the loss falls linearly through the target at step S, or as a power law in step. */
function curve(S: number, target: number, every: number, shape: "linear" | "power"): { steps: number[]; loss: number[] } {
  const steps: number[] = [];
  const loss: number[] = [];
  const last = Math.ceil((1.5 * S) / every) * every;
  for (let s = every; s <= last; s += every) {
    steps.push(s);
    // linear: exactly T at S, so linear interpolation between any two logged points finds S exactly
    loss.push(shape === "linear" ? target + (0.5 * (S - s)) / S : target * (s / S) ** -0.1);
  }
  return { steps, loss };
}

function syntheticCurves(every: number, shape: "linear" | "power"): BatchCurve[] {
  return GROUPS.flatMap((g) => {
    const { Bcrit, Smin } = known(g);
    return BATCH_SEQS.map((bs) => {
      const B = bs * SEQ;
      const S = Smin * (1 + Bcrit / B);
      return { group: `N${g.N}`, N: g.N, targetLoss: g.target, batchTokens: B, ...curve(S, g.target, every, shape), name: `N${g.N} bs${bs}` };
    });
  });
}

describe("stepsToTarget: the first crossing, interpolated linearly between logged steps", () => {
  it("hand cases", () => {
    // between (100, 3.0) and (200, 2.5): 100 + (3.0 − 2.75)/(3.0 − 2.5)·100 = 150
    expect(stepsToTarget([0, 100, 200, 300], [4, 3, 2.5, 2], 2.75)).toEqual({ ok: true, step: 150, bracket: [100, 200] });
    // a logged point exactly on the target is the crossing
    expect(stepsToTarget([10, 20, 30], [3, 2.5, 2], 2.5)).toEqual({ ok: true, step: 20, bracket: [10, 20] });
    // the first crossing, not a later one after a spike back up
    expect(stepsToTarget([1, 2, 3, 4], [3, 1.9, 2.2, 1.5], 2)).toMatchObject({ ok: true, bracket: [1, 2] });
    expect(stepsToTarget([0, 100, 200], [4, 3, 2.5], 2)).toEqual({ ok: false, reason: "never", lowest: 2.5, firstStep: 0, lastStep: 200 });
    expect(stepsToTarget([50, 100], [1.9, 1.8], 2)).toMatchObject({ ok: false, reason: "starts-below", firstStep: 50 });
  });
});

describe("runsFromCurves → fitBcrit recovers the known S(B) and B_crit(D)", () => {
  it("curves linear through the target: S_min, B_crit and the law exactly (to 1e-6)", () => {
    const r = runsFromCurves(syntheticCurves(37, "linear"));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const f = fitBcrit(r.value.runs, { bootstrap: 0, seed: 1 });
    if (!f.ok) throw new Error(JSON.stringify(f.issues));
    for (const [i, g] of GROUPS.entries()) {
      const k = known(g);
      const got = f.value.groups[i]!;
      expect(got.Smin / k.Smin - 1).toBeCloseTo(0, 6);
      expect(got.Bcrit / k.Bcrit - 1).toBeCloseTo(0, 6);
      expect(got.Emin / g.Emin - 1).toBeCloseTo(0, 6);
    }
    expect(f.value.law!.exponent).toBeCloseTo(B_EXP, 6);
    expect(f.value.law!.coefficient / K - 1).toBeCloseTo(0, 5);
  });

  it("power-law curves logged every 10 steps: within the interpolation error (B_crit to 1%, exponent to 0.01)", () => {
    const r = runsFromCurves(syntheticCurves(10, "power"));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    // linear interpolation of a convex curve crosses late by at most one interval: < 10 steps of ≥ 2,400
    for (const run of r.value.runs) expect(run.steps).toBeGreaterThan(0);
    const f = fitBcrit(r.value.runs, { bootstrap: 0, seed: 1 });
    if (!f.ok) throw new Error(JSON.stringify(f.issues));
    for (const [i, g] of GROUPS.entries()) expect(Math.abs(f.value.groups[i]!.Bcrit / known(g).Bcrit - 1)).toBeLessThan(0.01);
    expect(Math.abs(f.value.law!.exponent - B_EXP)).toBeLessThan(0.01);
    expect(r.value.notes[0]).toMatch(/interpolated linearly in step/);
  });

  it("refuses a curve that never reaches its target, naming it and its lowest loss", () => {
    const curves = syntheticCurves(50, "linear");
    curves[3] = { ...curves[3]!, loss: Array.from(curves[3]!.loss, () => 5) };
    const r = runsFromCurves(curves);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]?.path).toEqual([curves[3]!.name]);
    expect(r.issues[0]?.expected).toMatch(/reaches the target loss 3\.4/);
    expect(r.issues[0]?.received).toMatch(/lowest loss of 5/);
  });
});

describe("lmplan fit bcrit --curves (CLI, in-process)", () => {
  function writeCurves(dir: string, every: number, broken?: number): string {
    const rows = ["file,batch_seqs,seq_len,target_loss,N"];
    let k = 0;
    for (const g of GROUPS) {
      const { Bcrit, Smin } = known(g);
      for (const bs of BATCH_SEQS) {
        const S = Smin * (1 + Bcrit / (bs * SEQ));
        const c = curve(S, g.target, every, "linear");
        const name = `curves/n${g.N}-bs${bs}.csv`;
        const loss = k === broken ? c.loss.map(() => 9) : c.loss;
        writeFileSync(join(dir, name), `step,loss\n${c.steps.map((s, i) => `${s},${loss[i]}`).join("\n")}\n`);
        rows.push(`${name},${bs},${SEQ},${g.target},${g.N}`);
        k++;
      }
    }
    const manifest = join(dir, "runs.csv");
    writeFileSync(manifest, `${rows.join("\n")}\n`);
    return manifest;
  }
  async function run(args: string[]) {
    let out = "";
    let err = "";
    const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), readStdin: () => "" });
    return { code, out, err };
  }

  it("reads each curve's log, finds the crossing and fits the known B_crit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lmplan-bcrit-curves-"));
    mkdirSync(join(dir, "curves"));
    const manifest = writeCurves(dir, 25);
    const r = await run(["fit", "bcrit", manifest, "--curves", "--bootstrap", "0", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { groups: { Bcrit: number; Smin: number }[]; law: { exponent: number }; notes: string[] };
    for (const [i, g] of GROUPS.entries()) expect(j.groups[i]!.Bcrit / known(g).Bcrit - 1).toBeCloseTo(0, 5);
    expect(j.law.exponent).toBeCloseTo(B_EXP, 5);
    expect(j.notes.join(" ")).toMatch(/loss series read: "loss"/);
  });

  it("a curve that never crosses: exit 2 naming the manifest line and file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lmplan-bcrit-curves-"));
    mkdirSync(join(dir, "curves"));
    const manifest = writeCurves(dir, 25, 2);
    const r = await run(["fit", "bcrit", manifest, "--curves", "--bootstrap", "0"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lmplan: line 4 \(curves\/n100000000-bs256\.csv\): expected a curve that reaches the target loss 3\.4.*received "a lowest loss of 9 over steps 25 … /);
  });

  it("refuses --smooth without --curves, an even window, and a manifest without a file column", async () => {
    expect((await run(["fit", "bcrit", "x.csv", "--smooth", "5"])).err).toMatch(/curves: missing: --smooth reads loss curves/);
    const dir = mkdtempSync(join(tmpdir(), "lmplan-bcrit-curves-"));
    const m = join(dir, "m.csv");
    writeFileSync(m, "batch_seqs,target_loss\n64,3\n");
    expect((await run(["fit", "bcrit", m, "--curves", "--smooth", "4"])).err).toMatch(/smooth: expected an odd whole number/);
    expect((await run(["fit", "bcrit", m, "--curves"])).err).toMatch(/file: missing: a column naming each curve's log file/);
  });

  it("takes any reader: smoothing is applied before the crossing", () => {
    // one noisy point dips below the target early; a 3-point window averages it away
    const reader: LossCurveReader = () => ({ ok: true, value: { steps: [10, 20, 30, 40, 50], loss: [3, 2.6, 1.9, 2.6, 2.0], tag: "loss" } });
    const text = "file,batch_tokens,target_loss\na.csv,1000,2.3\n";
    const raw = bcritCurveRuns(text, "/m.csv", undefined, undefined, { evalLoss: false }, reader);
    // raw: crosses between 20 (2.6) and 30 (1.9): 20 + 0.3/0.7·10
    expect(raw.runs[0]!.steps).toBeCloseTo(20 + (0.3 / 0.7) * 10, 12);
    const smooth = bcritCurveRuns(text, "/m.csv", undefined, undefined, { evalLoss: false, smooth: 3 }, reader);
    // centred 3-point means: 2.8, 2.5, 2.3667, 2.1667, 2.3 → crosses between 30 (2.3667) and 40 (2.1667)
    const a = (2.6 + 1.9 + 2.6) / 3;
    const b = (1.9 + 2.6 + 2.0) / 3;
    expect(smooth.runs[0]!.steps).toBeCloseTo(30 + ((a - 2.3) / (a - b)) * 10, 12);
  });
});
