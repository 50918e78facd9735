// Reference: Zhang et al., "How Does Critical Batch Size Scale in Pre-training?" (arXiv 2410.21676);
// data/critical_batch/zhang2024_steps_to_target.csv, transcribed from the `results` table of
// hlzhang109/critical-batch-size @ c5b509d8, plots/chinchilla.ipynb (5 model sizes × 9 batch sizes).
//
// Golden numbers were computed independently with scipy 1.10.1 / numpy (Debian python3-scipy), not by
// lmplan: per model, scipy.optimize.least_squares on r_i = log S_min + log1p(B_crit/B_i) − log S_i
// (B_i = batch_seqs × 512 tokens; xtol = ftol = gtol = 1e-15), then numpy.linalg.lstsq of log B_crit on
// [1, log E_min] and on [1, log N, log E_min]. scipy's curve_fit on Zhang et al.'s own log(a + b/B)
// (B in sequences) gives the same a = S_min and b = S_min·B_crit/512 to 7 digits, and matches the a, b
// the notebook prints.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { bcritRuns } from "../src/cli/pareto.js";
import { fitBcrit, fitMcCandlish, stepsAt, type BatchRun } from "../src/fit/bcrit.js";
import { mulberry32 } from "../src/fit/random.js";
import { ZHANG_BCRIT, zhangBcrit } from "../src/laws/bcrit-zhang.js";
import { mccandlish } from "../src/laws/mccandlish.js";

const CSV_PATH = new URL("../data/critical_batch/zhang2024_steps_to_target.csv", import.meta.url).pathname;
const CSV = readFileSync(CSV_PATH, "utf8");

function zhangRuns(): BatchRun[] {
  return bcritRuns(CSV, CSV_PATH, undefined, undefined, false).runs;
}

// scipy least_squares per model: S_min (steps), B_crit (tokens), E_min = S_min·B_crit (tokens)
const SCIPY = {
  "85M · target 3.42": { Smin: 1293.8269154397735, Bcrit: 1121587.5094278345, Emin: 1451140107.7187932 },
  "151M · target 3.24": { Smin: 1752.4215666832497, Bcrit: 1658772.572930179, Emin: 2906868831.0255094 },
  "302M · target 3.07": { Smin: 2095.3497815704077, Bcrit: 2781508.942832338, Emin: 5828234155.799875 },
  "604M · target 2.92": { Smin: 2459.9275546528443, Bcrit: 4048184.455504143, Emin: 9958240488.411963 },
  "1.2B · target 2.736": { Smin: 3897.306438827542, Bcrit: 5699099.926630663, Emin: 22211138839.579254 },
} as const;

// The a, b the notebook prints (cell "fitted log(Y) = log(a + b * batch_size^(-1))", B in sequences of 512).
const NOTEBOOK = {
  "85M · target 3.42": { a: 1293.8268694659337, b: 2834258.0888740215, cbs: 745.3201466381583 },
  "151M · target 3.24": { a: 1752.4211962796799, b: 5677478.783007255, cbs: 955.1582414387951 },
  "302M · target 3.07": { a: 2095.3497601960876, b: 11383269.891870424, cbs: 1393.726947253441 },
  "604M · target 2.92": { a: 2459.9274969089824, b: 19449688.58779496, cbs: 1888.5221009346358 },
  "1.2B · target 2.736": { a: 3897.306597333535, b: 43381130.22429582, cbs: 2533.4108017868743 },
} as const;

const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe("fit bcrit on Zhang et al.'s table (golden)", () => {
  const res = fitBcrit(zhangRuns(), { bootstrap: 200, seed: 1, withN: true });
  if (!res.ok) throw new Error(JSON.stringify(res.issues));
  const r = res.value;

  it("reads 45 runs in 5 groups, all bounded", () => {
    expect(r.groups.map((g) => g.key)).toEqual(Object.keys(SCIPY));
    expect(r.groups.every((g) => g.runs === 9 && g.atEdge === undefined)).toBe(true);
    expect(r.excluded).toEqual([]);
  });

  it.each(Object.entries(SCIPY))("%s: S_min, B_crit, E_min match scipy least_squares to 1e-6", (key, ref) => {
    const g = r.groups.find((x) => x.key === key);
    if (!g) throw new Error(key);
    expect(rel(g.Smin, ref.Smin)).toBeLessThan(1e-6);
    expect(rel(g.Bcrit, ref.Bcrit)).toBeLessThan(1e-6);
    expect(rel(g.Emin, ref.Emin)).toBeLessThan(1e-6);
  });

  it.each(Object.entries(NOTEBOOK))("%s: the same fit as the notebook's curve_fit of log(a + b/B); its own cbs = b/(5a) + 1.2·256", (key, nb) => {
    const g = r.groups.find((x) => x.key === key);
    if (!g) throw new Error(key);
    // a = S_min; b = S_min·B_crit in sequences of 512
    expect(rel(g.Smin, nb.a)).toBeLessThan(1e-6);
    expect(rel(g.Emin / 512, nb.b)).toBeLessThan(1e-6);
    // Zhang et al.'s reported critical batch (fsolve of b − 5a·cbs + 5a·1.2·256 = 0), not McCandlish's b/a
    const a = g.Smin;
    const b = g.Emin / 512;
    expect(rel(b / (5 * a) + 1.2 * 256, nb.cbs)).toBeLessThan(1e-6);
    expect(g.Bcrit / 512).toBeGreaterThan(2.9 * nb.cbs);
  });

  it("B_crit = k·D^b over the five sizes matches numpy lstsq (k 2.49776, b 0.617399, R² 0.99084)", () => {
    const l = r.law;
    if (!l) throw new Error("no law");
    expect(rel(l.coefficient, 2.4977561839826667)).toBeLessThan(1e-5);
    expect(Math.abs(l.exponent - 0.6173992879223357)).toBeLessThan(1e-7);
    expect(l.r2).toBeCloseTo(0.99083563, 6);
    // the bootstrap interval brackets the estimate and excludes Power Lines' 0.462 [S]
    const ci = l.intervals?.exponent;
    if (!ci) throw new Error("no interval");
    expect(ci[0]).toBeLessThan(l.exponent);
    expect(ci[1]).toBeGreaterThan(l.exponent);
    expect(ci[0]).toBeGreaterThan(0.462);
    expect(r.fitRangeD?.[0]).toBeCloseTo(1.45114e9, -5);
  });

  it("with N: B_crit = k·N^a·D^b matches numpy lstsq, and N and D are collinear (r 0.99771)", () => {
    const w = r.withN;
    if (!w) throw new Error("no N law");
    expect(rel(w.coefficient, 8.82487278405783)).toBeLessThan(1e-4);
    expect(Math.abs(w.expN - 0.45009029904257536)).toBeLessThan(1e-6);
    expect(Math.abs(w.expD - 0.1691318422352896)).toBeLessThan(1e-6);
    expect(r.correlationLogNLogD).toBeCloseTo(0.9977078806617069, 8);
    expect(r.notes.join(" ")).toMatch(/collinear/);
    const ci = w.intervals?.expN;
    if (!ci) throw new Error("no interval");
    expect(ci[0]).toBeLessThan(0);
    expect(ci[1]).toBeGreaterThan(0);
  });

  it("the shipped law (src/laws/bcrit-zhang.ts) is this fit, rounded to 7 digits", () => {
    const l = r.law;
    if (!l) throw new Error("no law");
    expect(rel(ZHANG_BCRIT.coefficient, l.coefficient)).toBeLessThan(1e-6);
    expect(Math.abs(ZHANG_BCRIT.exponent - l.exponent)).toBeLessThan(1e-7);
    expect(rel(ZHANG_BCRIT.fitRangeD[0], (r.fitRangeD as [number, number])[0])).toBeLessThan(1e-3);
    expect(rel(ZHANG_BCRIT.fitRangeD[1], (r.fitRangeD as [number, number])[1])).toBeLessThan(1e-3);
    // @example: D = 1.451e9 → 1.132e6 tokens
    expect(zhangBcrit.evaluate({ D: 1.451e9 }).value.Bcrit).toBeCloseTo(1.1323e6, -2);
    expect(zhangBcrit.evaluate({ D: 2e11 }).warnings[0]?.code).toBe("extrapolation");
  });

  it("is reproducible for a seed, and does not mutate its input", () => {
    const runs = zhangRuns().map((x) => Object.freeze(x));
    Object.freeze(runs);
    const a = fitBcrit(runs, { bootstrap: 50, seed: 7 });
    const b = fitBcrit(runs, { bootstrap: 50, seed: 7 });
    if (!a.ok || !b.ok) throw new Error("fit");
    expect(a.value.law?.intervals).toEqual(b.value.law?.intervals);
  });
});

describe("fit bcrit: synthetic recovery and properties", () => {
  it("recovers a known S_min and B_crit from noisy steps, and the law from three sizes", () => {
    const rand = mulberry32(3);
    const k = 0.8;
    const bexp = 0.55;
    const runs: BatchRun[] = [];
    for (const [gi, Emin] of [1e9, 4e9, 1.6e10].entries()) {
      const Bcrit = k * Emin ** bexp;
      const Smin = Emin / Bcrit;
      for (let j = 0; j < 10; j++) {
        const B = Bcrit * 2 ** (j - 5);
        // 2% log-normal-ish noise
        runs.push({ group: `g${gi}`, batchTokens: B, steps: stepsAt({ Smin, Bcrit }, B) * Math.exp(0.02 * (rand() - 0.5)) });
      }
    }
    const r = fitBcrit(runs, { bootstrap: 0, seed: 1 });
    if (!r.ok) throw new Error("fit");
    for (const [gi, Emin] of [1e9, 4e9, 1.6e10].entries()) {
      const g = r.value.groups[gi];
      expect(rel(g?.Emin as number, Emin)).toBeLessThan(0.02);
      expect(rel(g?.Bcrit as number, k * Emin ** bexp)).toBeLessThan(0.03);
    }
    expect(Math.abs((r.value.law?.exponent as number) - bexp)).toBeLessThan(0.02);
  });

  it("flags a sweep that never leaves perfect scaling: B_crit above every batch tried", () => {
    const runs = [256, 512, 1024, 2048].map((b) => ({ group: "x", batchTokens: b * 2048, steps: 1e9 / (b * 2048) }));
    const r = fitBcrit(runs, { bootstrap: 0, seed: 1 });
    if (!r.ok) throw new Error("fit");
    expect(r.value.groups[0]?.atEdge).toBe("high");
    expect(r.value.law).toBeUndefined();
    expect(r.value.notes.join(" ")).toMatch(/add larger batches/);
  });

  it("S(B) from the fit is the McCandlish law: S(B_crit) = 2·S_min (laws/mccandlish.ts)", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e2, max: 1e6, noNaN: true }), fc.double({ min: 1e4, max: 1e8, noNaN: true }), (Smin, Bcrit) => {
        const batches = [0.1, 0.3, 1, 3, 10].map((x) => x * Bcrit);
        const f = fitMcCandlish(batches, batches.map((B) => mccandlish.evaluate({ B, Bcrit, Smin }).value.S));
        return rel(f.Smin, Smin) < 1e-6 && rel(f.Bcrit, Bcrit) < 1e-6 && rel(stepsAt(f, f.Bcrit), 2 * f.Smin) < 1e-12;
      }),
      { numRuns: 40 },
    );
  });

  it("refuses groups with fewer than 3 batch sizes, naming the group; bad steps name the run", () => {
    const r = fitBcrit([{ group: "85M", batchTokens: 1e5, steps: 10 }, { group: "85M", batchTokens: 2e5, steps: 6 }], { bootstrap: 0, seed: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]?.path).toEqual(["group", "85M"]);
    const bad = fitBcrit([{ group: "a", batchTokens: 1e5, steps: -1, line: 4 }], { bootstrap: 0, seed: 1 });
    expect(!bad.ok && bad.issues[0]?.path).toEqual(["line 4", "steps"]);
    const boot = fitBcrit([], { bootstrap: 1e9, seed: 1 });
    expect(!boot.ok && boot.issues[0]?.path).toEqual(["bootstrap"]);
  });
});

async function run(args: string[], stdin = "") {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), readStdin: () => stdin });
  return { code, out, err };
}

describe("lmplan fit bcrit (CLI, in-process)", () => {
  it("prints the per-size fits and the law", async () => {
    const r = await run(["fit", "bcrit", CSV_PATH, "--bootstrap", "0", "--with-n"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("B_crit = 2.498 · D^0.6174 tokens");
    expect(r.out).toMatch(/85M · target 3\.42\s+9\s+1293\.8/);
    expect(r.out).toContain("with N: B_crit = 8.825 · N^0.4501 · D^0.1691");
  });

  it("--json and --out write the law pareto --laws reads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lmplan-bcrit-"));
    const out = join(dir, "fitted.json");
    const r = await run(["fit", "bcrit", CSV_PATH, "--bootstrap", "20", "--json", "--out", out]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.kind).toBe("bcrit");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.lmplanFitVersion).toBe(1);
    expect(doc.laws.bcrit.form).toBe("mccandlish-power-law");
    expect(doc.laws.bcrit.exponent).toBeCloseTo(0.6174, 4);
    const p = await run(["pareto", "--loss-target", "2.3", "--laws", out, "--sizes", "10", "--batches", "10"]);
    expect(p.code).toBe(0);
    expect(p.out).toContain("your fit (lmplan fit bcrit");
  });

  it("names the line and field of a bad row; reads --map and a steps-less tokens column", async () => {
    const bad = await run(["fit", "bcrit", "-"], "model,target_loss,batch_seqs,seq_len,steps_to_target\n85M,3.42,64,512,abc\n");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/line 2\.steps_to_target: expected a positive finite number, received "abc"/);
    const text = "size,B,toks\n" + [64, 128, 256, 512, 1024].map((b) => `1e8,${b * 2048},${(1e9 * (1 + (b * 2048) / 1e6)).toFixed(0)}`).join("\n") + "\n";
    const ok = await run(["fit", "bcrit", "-", "--map", "N=size,batchTokens=B,tokens=toks", "--bootstrap", "0"], text);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/100M\s+5\s+1000\b/);
    const noSteps = await run(["fit", "bcrit", "-"], "model,batch_seqs\n1,2\n");
    expect(noSteps.code).toBe(2);
    expect(noSteps.err).toMatch(/^lmplan: steps: missing:/);
  });

  it("refuses an --out that is not a fitted-laws file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lmplan-bcrit-"));
    const other = join(dir, "plan.json");
    writeFileSync(other, '{"lmplanPlanVersion":1}');
    const r = await run(["fit", "bcrit", CSV_PATH, "--bootstrap", "0", "--out", other]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lmplan: out: expected a new file, or a fitted-laws file/);
  });
});
