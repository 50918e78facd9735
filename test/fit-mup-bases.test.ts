// μP bases as files, the planner-side pure functions of issue 15 (base choice, --lr, warmup, the proxy →
// target bridge) and the fitted ranges of issue 11 item 6. Expected values are hand computations from the
// sources: μP rules (docs/science.md §4; Cerebras/modelzoo convert_config_to_mup.py @244523ac), Power Lines'
// τ_opt goldens (docs/science.md §1: TPP 20 → 0.2236, TPP 200 → 0.0664), Step Law's D exponent 0.307
// (arXiv 2503.04715), Llama 2's 2,000 warmup steps (arXiv 2307.09288 §2.2).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { applyLrOverride, mupBaseFromRequest, proxyBridge, warmupFromRequest } from "../src/fit/mup-bridge.js";
import { findMupBase, MUP_BASES, mupBaseFile, parseMupBase, type MupBase } from "../src/parameterization/bases.js";
import { mup } from "../src/parameterization/mup.js";
import { FittedLawsSchema, fittedRangeWarnings } from "../src/plan/fitted-laws.js";
import { planSafe } from "../src/plan/plan.js";
import { parsePlanRequest } from "../src/plan/request.js";

const roundTrip = (b: MupBase) => JSON.parse(JSON.stringify(mupBaseFile(b))) as unknown;

describe("the published bases written as base files", () => {
  it("BTLM (η 0.012, σ 0.073, m_emb 14.6, α_out 2.22, d_base 256) and Cerebras-GPT (6e-3, 0.08, 10, 1) read back exactly", () => {
    const btlm = parseMupBase({ lmplanMupBase: 1, base: { dModelBase: 256, lrBase: 0.012, initStdBase: 0.073, embeddingMultiplier: 14.6, outputLogitsAlpha: 2.22 } });
    expect(btlm.ok).toBe(true);
    const target = { dModel: 2560, numLayers: 32, numHeads: 32 };
    if (btlm.ok) {
      const p = mup(btlm.value, target);
      // by hand: m_d = 2560/256 = 10; hidden LR 0.012/10; hidden init 0.073/√10; out-proj 0.073/√(2·10·32); logits 2.22/10
      expect(p.hidden.lr).toBe(0.012 / 10);
      expect(p.hidden.initStd).toBe(0.073 / Math.sqrt(10));
      expect(p.outProjection.initStd).toBe(0.073 / Math.sqrt(640));
      expect(p.outputLogitsScale).toBe(2.22 / 10);
      expect(p.embedding.outputMultiplier).toBe(14.6);
    }
    for (const b of MUP_BASES) {
      const back = parseMupBase(roundTrip(b));
      expect(back.ok && back.value).toEqual(b);
      if (back.ok) expect(mup(back.value, target)).toEqual(mup(b, target));
    }
  });

  it.each(MUP_BASES.map((b) => [b.id, b.id]))("planSafe with muBaseSpec = the %s base file gives exactly the plan of muBase %s", (id) => {
    const b = findMupBase(id) as MupBase;
    const req = { params: "1.3B", tpp: 20, gpus: 64 };
    const builtIn = planSafe({ ...req, muBase: id });
    const fromFile = planSafe({ ...req, muBaseSpec: roundTrip(b) });
    expect(builtIn.ok && fromFile.ok).toBe(true);
    if (!builtIn.ok || !fromFile.ok) return;
    expect(fromFile.value.optimizer).toEqual(builtIn.value.optimizer);
    expect(fromFile.value.schedule).toEqual(builtIn.value.schedule);
    // and the two bases really differ (the field is not ignored): Cerebras-GPT's hidden LR is half BTLM's
    const other = planSafe({ ...req, muBase: id === "btlm" ? "cerebras-gpt" : "btlm" });
    if (other.ok) expect(other.value.optimizer.hiddenLr.value).not.toBe(fromFile.value.optimizer.hiddenLr.value);
  });

  it("a bad base names the field inside muBaseSpec", () => {
    const r = parsePlanRequest({ params: "1B", muBaseSpec: { dModelBase: 256, lrBase: -1, initStdBase: 0.05, embeddingMultiplier: 10, outputLogitsAlpha: 1 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.path).toEqual(["muBaseSpec", "lrBase"]);
    const typo = parseMupBase({ dModelBase: 256, lrbase: 0.01, initStdBase: 0.05, embeddingMultiplier: 10, outputLogitsAlpha: 1 });
    expect(typo.ok).toBe(false);
  });
});

describe("which base a request chooses (mupBaseFromRequest)", () => {
  const mine: MupBase = { ...(findMupBase("btlm") as MupBase), id: "mine", lrBase: 0.02 };
  it("--mu-base-file beats a base in --laws (said), --laws beats the preset's and the default, both ids is a conflict", () => {
    const laws = FittedLawsSchema.parse({ mup: { dModelBase: 256, lrBase: 0.009, initStdBase: 0.05, embeddingMultiplier: 10, outputLogitsAlpha: 1 } });
    const a = mupBaseFromRequest({ muBaseSpec: mine, fittedLaws: laws }, { defaultId: "btlm" });
    expect(a.ok && a.value.base.lrBase).toBe(0.02);
    expect(a.ok && a.value.warnings[0]?.message).toMatch(/the base in --laws \(your fit\) is not used/);
    const b = mupBaseFromRequest({ fittedLaws: laws }, { presetBase: "cerebras-gpt", presetId: "cerebras-gpt-1.3b", defaultId: "btlm" });
    expect(b.ok && [b.value.from, b.value.source, b.value.base.lrBase]).toEqual(["fitted", "fitted:mup", 0.009]);
    const c = mupBaseFromRequest({}, { presetBase: "cerebras-gpt", presetId: "cerebras-gpt-1.3b", defaultId: "btlm" });
    expect(c.ok && [c.value.from, c.value.base.id]).toEqual(["preset", "cerebras-gpt"]);
    expect(mupBaseFromRequest({ muBase: "btlm", muBaseSpec: mine }, { defaultId: "btlm" }).ok).toBe(false);
  });
});

describe("--lr, warmup and the proxy → target bridge", () => {
  it("--lr sets the hidden LR and keeps μP's ratios (BTLM at d 2048: 0.0015 → 0.001 scales embeddings 0.012 → 0.008)", () => {
    const p = mup(findMupBase("btlm") as MupBase, { dModel: 2048, numLayers: 24, numHeads: 16 });
    expect(p.hidden.lr).toBe(0.0015);
    const o = applyLrOverride(p, 0.001, "μP from the btlm base");
    expect(o.parameterization.hidden.lr).toBe(0.001);
    expect(o.parameterization.embedding.lr).toBeCloseTo(0.008, 15);
    expect(o.parameterization.normAndBias.lr).toBeCloseTo(0.008, 15);
    expect(o.parameterization.hidden.initStd).toBe(p.hidden.initStd);
    expect(o.warnings[0]?.message).toMatch(/--lr 0\.001 replaces the hidden-weight LR 0\.0015 .* \(0\.6667× it\)/);
  });

  it("warmup: the default 10% (63,578 of 635,780 steps) says Llama 2 used 2,000; tokens become steps; too long is clamped with a warning; two ways is a conflict", () => {
    const run = { steps: 635_780, batchTokens: 4_194_304, defaultFraction: 0.1 };
    const d = warmupFromRequest({}, run);
    expect(d.ok && d.value.steps).toBe(63_578);
    expect(d.ok && d.value.warnings[0]?.message).toMatch(/Llama 2 warmed up 2000 steps/);
    const t = warmupFromRequest({ warmupTokens: 2e9 }, run);
    // 2e9 / 4,194,304 = 476.84 → 477
    expect(t.ok && [t.value.steps, t.value.source]).toEqual([477, "user"]);
    const s = warmupFromRequest({ warmupSteps: 2000 }, run);
    expect(s.ok && [s.value.steps, s.value.warnings.length]).toEqual([2000, 0]);
    const long = warmupFromRequest({ warmupSteps: 400_000 }, run);
    expect(long.ok && long.value.steps).toBe(317_890);
    expect(long.ok && long.value.warnings[0]?.message).toMatch(/400000 steps is more than half the run's 635780 steps; using 317890/);
    const both = warmupFromRequest({ warmupSteps: 2000, warmupTokens: 2e9 }, run);
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.issues[0]?.path).toEqual(["warmupSteps", "warmupTokens"]);
  });

  it("a base tuned at 20 TPP for a 200-TPP target: λ from τ_opt at 200 (0.0664, not 0.2236); the horizon alternatives side by side", () => {
    const b = proxyBridge({ proxyTpp: 20, targetTpp: 200, proxyBatchTokens: 262_144, targetBatchTokens: 262_144 * 16, targetParams: 7e9 });
    expect(b.notes[0]).toMatch(/λ is set from Power Lines' τ_opt at the target's TPP \(0\.066\d*, vs 0\.2236 at the proxy's\)/);
    const step = b.horizon.find((h) => h.source === "step-law");
    // by hand: (200/20)^0.307 = 10^0.307 = 2.0277
    expect(step?.lrFactor).toBeCloseTo(10 ** 0.307, 12);
    expect(b.horizon.find((h) => h.source === "power-lines-tau")?.lrFactor).toBe(1);
    expect(b.horizon.find((h) => h.source === "bjorck-horizon")?.lrFactor).toBeUndefined();
    expect(b.notes[1]).toMatch(/batch: the proxy ran 262100 tokens per step, the target 4194000/);
    expect(b.warnings).toHaveLength(1);
    const same = proxyBridge({ proxyTpp: 20, targetTpp: 22, proxyBatchTokens: 1e6, targetBatchTokens: 1.1e6 });
    expect([same.notes, same.warnings, same.horizon]).toEqual([[], [], []]);
  });
});

describe("fitted laws carry their fitted ranges (issue 11 item 6)", () => {
  it("fit lr-batch --out records N, D and TPP ranges; a plan outside warns, inside does not; an old file says the range is unknown", async () => {
    const dir = mkdtempSync(`${tmpdir()}/lmplan-ranges-`);
    const out = `${dir}/fitted.json`;
    const code = await main(["fit", "lr-batch", "data/steplaw/dense_lr_bs_loss.csv", "--loss", "smooth loss", "--bootstrap", "0", "--out", out], { out: () => {}, err: () => {}, readStdin: () => "" });
    expect(code).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8")) as { laws: unknown };
    const laws = FittedLawsSchema.parse(doc.laws);
    const range = laws.lrBatch?.fittedRange;
    // the CSV's own extremes: non-embedding N 2.15e8 … 1.07e9 (Step Law's fitted range, src/laws/step-law.ts), D 4e9 … 1e11
    expect(range?.N?.[0]).toBeGreaterThan(2e8);
    expect(range?.N?.[1]).toBeLessThan(1.1e9);
    expect(range?.D).toEqual([4e9, 1e11]);
    expect(fittedRangeWarnings(laws, { N: 6e8, nonEmbeddingN: 5e8, D: 2e10 })).toEqual([]);
    const w = fittedRangeWarnings(laws, { N: 7.8e10, nonEmbeddingN: 7.7e10, D: 2e12 });
    expect(w.map((x) => [x.code, x.source])).toEqual([["extrapolation", "fitted:lrBatch"], ["extrapolation", "fitted:lrBatch"]]);
    expect(w[0]?.message).toMatch(/N = 7\.70e10 is outside the range it was fitted on/);
    const old = FittedLawsSchema.parse({ timescale: { form: "power-lines", coefficient: 1.084, exponent: -0.527 } });
    expect(fittedRangeWarnings(old, { N: 1e9, D: 2e10 })[0]?.code).toBe("range-unknown");
  });
});
