// References: docs/science.md §9–§10 (SlimPajama/RedPajama dataset cards; SlimPajama-DC arXiv 2309.10818 [S];
// Muennighoff et al. arXiv 2305.16264; Press et al. arXiv 2108.12409; Al-Khateeb et al. arXiv 2310.13017;
// BTLM-3B-8K arXiv 2309.11568 and its modelzoo configs).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alibiSlopes } from "../src/context/alibi.js";
import { parseStages, planContext } from "../src/context/stages.js";
import { effectiveData } from "../src/laws/data-constrained.js";
import { findPreset } from "../src/model/presets.js";
import { findMixPreset } from "../src/mixture/mixes.js";
import { parseWeights, planMixture, resolveWeights } from "../src/mixture/plan.js";
import { findSourcePreset, type DataSource } from "../src/mixture/sources.js";

const slim = findSourcePreset("slimpajama-627b")?.sources as DataSource[];
const red = findSourcePreset("redpajama-1t")?.sources as DataSource[];

describe("source presets", () => {
  it("SlimPajama shares (percent of 627B)", () => {
    const share = Object.fromEntries(slim.map((s) => [s.name, (100 * s.tokens) / 627e9]));
    for (const [k, v] of Object.entries(share)) expect(v, k).toBeCloseTo(({ commoncrawl: 52.2, c4: 26.7, github: 5.2, books: 4.2, arxiv: 4.6, wikipedia: 3.8, stackexchange: 3.3 } as Record<string, number>)[k] as number, 10);
  });
  it("RedPajama-1T token counts sum to 1.21T", () => {
    expect(Object.fromEntries(red.map((s) => [s.name, s.tokens / 1e9]))).toEqual({ commoncrawl: 878, c4: 175, github: 59, books: 26, arxiv: 28, wikipedia: 24, stackexchange: 20 });
    expect(red.reduce((a, s) => a + s.tokens, 0)).toBe(1.21e12);
  });
});

describe("mixtures", () => {
  it("D'/U_D = 3.726 at 4 epochs", () => {
    expect(effectiveData(4e9, 1e9) / 1e9).toBeCloseTo(3.726, 3);
  });

  it("DC-6 on SlimPajama for 1T tokens: tokens, epochs and effective tokens per source", () => {
    const w = findMixPreset("dc-6")?.weights as Record<string, number>;
    const r = resolveWeights(slim, Object.entries(w));
    if (!r.ok) throw new Error("weights");
    const p = planMixture(slim, r.value, { tokens: 1e12, params: 1.3e9 });
    if (!p.ok) throw new Error("plan");
    // DC-6's published percentages sum to 100.1; lmplan normalises them.
    const ghTokens = (1e12 * 9.1) / 100.1;
    const gh = p.value.sources.find((s) => s.name === "github");
    expect(gh?.tokens).toBeCloseTo(ghTokens, -3);
    expect(gh?.epochs).toBeCloseTo(ghTokens / (0.052 * 627e9), 10);
    expect(gh?.effectiveTokens).toBeCloseTo(effectiveData(ghTokens, 0.052 * 627e9), -3);
    expect(p.value.lossPenalty?.delta).toBeGreaterThan(0);
    expect(p.value.warnings.some((x) => x.message.includes("wikipedia is repeated"))).toBe(false);
  });

  it("warns above ~4 epochs and a cap keeps every source under it", () => {
    const r = resolveWeights(red, [["wikipedia", 0.5], ["commoncrawl", 0.5]]);
    if (!r.ok) throw new Error("weights");
    const loose = planMixture(red, r.value, { tokens: 400e9 });
    if (!loose.ok) throw new Error("plan");
    expect(loose.value.warnings.some((w) => /wikipedia is repeated 8.33 epochs/.test(w.message))).toBe(true);
    const capped = planMixture(red, r.value, { tokens: 400e9, capEpochs: 4 });
    if (!capped.ok) throw new Error("plan");
    const wiki = capped.value.sources.find((s) => s.name === "wikipedia");
    expect(wiki?.epochs).toBeCloseTo(4, 10);
    expect(capped.value.sources.reduce((a, s) => a + s.tokens, 0)).toBeCloseTo(400e9, -3);
  });

  it("a cap that cannot hold the budget is a conflict", () => {
    const r = resolveWeights(red, [["wikipedia", 1]]);
    if (!r.ok) throw new Error("weights");
    const p = planMixture(red, r.value, { tokens: 400e9, capEpochs: 4 });
    expect(p.ok).toBe(false);
  });

  it("domains split over their sources; unknown names and bad weights are refused by name", () => {
    const r = resolveWeights(slim, [["web", 0.7], ["code", 0.2], ["books", 0.1]]);
    if (!r.ok) throw new Error("weights");
    expect(r.value.commoncrawl! + r.value.c4!).toBeCloseTo(0.7, 12);
    expect(r.value.commoncrawl! / r.value.c4!).toBeCloseTo(52.2 / 26.7, 10);
    const bad = resolveWeights(slim, [["reddit", 1]]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]?.path).toEqual(["mix", "reddit"]);
    expect(parseWeights("web:-0.1").ok).toBe(false);
    expect(resolveWeights(slim, [["web", 0]]).ok).toBe(false);
  });

  it("end-of-training upsampling: the final phase raises the named domains", () => {
    const r = resolveWeights(slim, [["web", 0.7], ["code", 0.2], ["books", 0.1]]);
    if (!r.ok) throw new Error("weights");
    const p = planMixture(slim, r.value, { tokens: 2e12, upsample: { fraction: 0.15, names: ["code", "books"], factor: 2 } });
    if (!p.ok) throw new Error("plan");
    const [main, fin] = p.value.phases;
    expect(fin?.weights.github).toBeCloseTo((2 * 0.2) / (0.7 + 2 * 0.2 + 2 * 0.1), 12);
    expect(main?.weights.github).toBeCloseTo(0.2, 12);
    expect(p.value.sources.find((s) => s.name === "github")?.tokens).toBeCloseTo(0.85 * 2e12 * 0.2 + 0.15 * 2e12 * (0.4 / 1.3), -3);
  });

  it("properties: weights sum to 1 per phase and tokens per source sum to the budget", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 7, maxLength: 7 }),
        fc.double({ min: 1e9, max: 5e12, noNaN: true }),
        fc.option(fc.double({ min: 0.05, max: 0.3, noNaN: true }), { nil: undefined }),
        (ws, tokens, frac) => {
          if (ws.reduce((a, b) => a + b, 0) <= 0) return true;
          const r = resolveWeights(red, red.map((s, i) => [s.name, ws[i] as number] as [string, number]));
          if (!r.ok) return false;
          const p = planMixture(red, r.value, { tokens, ...(frac ? { upsample: { fraction: frac, names: ["code"], factor: 3 } } : {}) });
          if (!p.ok) return false;
          for (const ph of p.value.phases) if (Math.abs(Object.values(ph.weights).reduce((a, b) => a + b, 0) - 1) > 1e-9) return false;
          return Math.abs(p.value.sources.reduce((a, s) => a + s.tokens, 0) / tokens - 1) < 1e-9;
        },
      ),
    );
  });
});

describe("context", () => {
  it("ALiBi slopes for 8 heads: 1/2 … 1/256", () => {
    expect(alibiSlopes(8)).toEqual([1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 256]);
  });
  it("ALiBi slopes for 12 heads: the 8-head set, then every other slope of the 16-head set", () => {
    const s = alibiSlopes(12);
    expect(s.slice(0, 8)).toEqual(alibiSlopes(8));
    expect(s.slice(8)).toEqual([2 ** -0.5, 2 ** -1.5, 2 ** -2.5, 2 ** -3.5]);
  });

  const btlm = findPreset("btlm-3b-8k")?.model;
  if (!btlm) throw new Error("preset");
  it("BTLM's stage split: 470.8B at 2048 (batch 1920), 156.9B at 8192 (batch 480), same tokens per step", () => {
    const p = planContext({ stages: [{ seqLen: 2048, share: 0.75 }, { seqLen: 8192, share: 0.25 }], tokens: 627.7e9, batchTokens: 1920 * 2048, spec: btlm });
    if (!p.ok) throw new Error("plan");
    const [a, b] = p.value.stages;
    // 0.75 × 627.7B = 470.775B, which the paper rounds to 470.8B
    expect(a?.tokens).toBeCloseTo(470.8e9, -8);
    expect(b?.tokens).toBeCloseTo(156.9e9, -8);
    expect(a?.batchSeqs).toBe(1920);
    expect(b?.batchSeqs).toBe(480);
    expect((a?.batchSeqs as number) * 2048).toBe((b?.batchSeqs as number) * 8192);
    expect(b?.attentionFlopsPerToken).toBe(4 * (a?.attentionFlopsPerToken as number));
    expect(p.value.warnings).toEqual([]);
  });
  it("position interpolation: factor, scaled slopes, and the published limits as warnings", () => {
    const ok = planContext({ stages: [{ seqLen: 8192, share: 1 }], tokens: 1e9, batchTokens: 8192 * 8, spec: btlm, targetLength: 16384 });
    if (!ok.ok) throw new Error("plan");
    expect(ok.value.extrapolation?.interpolationFactor).toBe(2);
    expect(ok.value.extrapolation?.scaledSlopes?.[0]).toBeCloseTo(alibiSlopes(32)[0]! / 2, 15);
    expect(ok.value.extrapolation?.cerebrasConfig).toEqual({ alibi_scaling: { type: "linear", factor: 2 } });
    expect(ok.value.warnings.some((w) => /plain ALiBi holds only ~12%/.test(w.message))).toBe(true);
    const far = planContext({ stages: [{ seqLen: 8192, share: 1 }], tokens: 1e9, batchTokens: 8192 * 8, spec: btlm, targetLength: 32768 });
    expect(far.ok && far.value.warnings.some((w) => /~2×/.test(w.message))).toBe(true);
    const rope = planContext({ stages: [{ seqLen: 8192, share: 1 }], tokens: 1e9, batchTokens: 8192 * 8, spec: { ...btlm, position: "rope" }, targetLength: 16384 });
    expect(rope.ok && rope.value.warnings.some((w) => /no published limit/.test(w.message))).toBe(true);
  });
  it("refuses shares that do not sum to 1 and a target shorter than training", () => {
    expect(planContext({ stages: [{ seqLen: 2048, share: 0.5 }, { seqLen: 8192, share: 0.25 }], tokens: 1e9, batchTokens: 8192, spec: btlm }).ok).toBe(false);
    const short = planContext({ stages: [{ seqLen: 8192, share: 1 }], tokens: 1e9, batchTokens: 8192, spec: btlm, targetLength: 4096 });
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.issues[0]?.code).toBe("conflict");
    expect(parseStages("2048:0.75,8192").ok).toBe(false);
  });
});
