/**
 * The layout search (src/layout/search.ts), the deadline's whole nodes, and `lmplan layout`.
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { registerLayout } from "../src/cli/layout.js";
import { BadInput, type Io } from "../src/cli/shared.js";
import { findAccelerator } from "../src/hardware/catalog.js";
import { nodesForDeadline } from "../src/layout/deadline.js";
import { searchLayouts } from "../src/layout/search.js";
import { findPreset } from "../src/model/presets.js";

const h100 = findAccelerator("h100")!;
const spec = (id: string) => findPreset(id)!.model;

describe("searchLayouts", () => {
  it("405B on 16,384 H100s: layouts that fit, batch within ×1.25 of a 16M-token target", () => {
    const r = searchLayouts({ spec: spec("llama-3.1-405b"), seqLen: 8192, batchTargetTokens: 16e6, gpus: 16384, accel: h100 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.ranked.length).toBe(5);
    for (const x of r.value.ranked) {
      const l = x.layout;
      expect(l.dp * l.tp * l.pp * l.cp).toBe(16384);
      expect(x.memory.totalBytes).toBeLessThanOrEqual(80e9);
      expect(x.batchSeqs).toBe(l.dp * l.microBatch * l.gradAccum);
      expect(x.batchTokens / 16e6).toBeGreaterThan(1 / 1.25);
      expect(x.batchTokens / 16e6).toBeLessThan(1.25);
      expect(x.why.length).toBeGreaterThan(0);
    }
    // ranked by time per token
    const t = r.value.ranked.map((x) => x.secondsPerToken);
    expect(t[0]).toBeLessThanOrEqual(Math.min(...t) * 1.005);
    // no layout treats all 16,384 GPUs as data-parallel ranks (batch ≥ 16,384 sequences, 8.4× the target)
    expect(r.value.ranked.every((x) => x.layout.tp * x.layout.pp * x.layout.cp > 1)).toBe(true);
  });

  it("70B at seq 131,072 fits on 512 H100s (context parallelism splits the sequence)", () => {
    const r = searchLayouts({ spec: spec("llama-3.1-70b"), seqLen: 131072, batchTargetTokens: 16e6, gpus: 512, accel: h100 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.ranked[0]!.layout.cp * r.value.ranked[0]!.layout.tp).toBeGreaterThan(1);
    expect(r.value.ranked[0]!.memory.totalBytes).toBeLessThanOrEqual(80e9);
  });

  it("the batch need not be a multiple of the GPU count: 96 sequences on 256 GPUs", () => {
    const r = searchLayouts({ spec: spec("llama-3.1-70b"), seqLen: 8192, globalBatchSeqs: 96, gpus: 256, accel: h100 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const x of r.value.ranked) {
      expect(x.batchSeqs).toBe(96);
      expect(96 % (x.layout.dp * x.layout.microBatch)).toBe(0);
    }
  });

  it("pins fix a degree; a pin the model cannot take names the field", () => {
    const r = searchLayouts({ spec: spec("llama-3.1-70b"), seqLen: 8192, batchTargetTokens: 4e6, gpus: 256, accel: h100, pins: { tp: 8, recompute: "full" } });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.ranked.every((x) => x.layout.tp === 8 && x.layout.recompute === "full")).toBe(true);
    const bad = searchLayouts({ spec: spec("llama-3.1-70b"), seqLen: 8192, batchTargetTokens: 4e6, gpus: 256, accel: h100, pins: { tp: 3 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]!.path).toEqual(["tp"]);
  });

  it("whole nodes: 107 GPUs is refused; nothing fitting is a conflict naming the smallest need", () => {
    const r = searchLayouts({ spec: spec("llama-3.1-8b"), seqLen: 8192, batchTargetTokens: 1e6, gpus: 107, accel: h100 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ path: ["gpus"], code: "invalid_value" });
    const none = searchLayouts({ spec: spec("llama-3.1-405b"), seqLen: 8192, batchTargetTokens: 1e6, gpus: 8, accel: h100 });
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.issues[0]!.expected).toMatch(/smallest needs/);
  });

  it("the pruned search returns the exhaustive search's best layouts", () => {
    const input = { spec: spec("llama-3.1-70b"), seqLen: 8192, batchTargetTokens: 4e6, gpus: 256, accel: h100 };
    const a = searchLayouts(input);
    const b = searchLayouts({ ...input, options: { exhaustive: true } });
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) expect(a.value.ranked.map((x) => x.layout)).toEqual(b.value.ranked.map((x) => x.layout));
  });
});

describe("nodesForDeadline", () => {
  it("rounds up to whole nodes: 1e24 FLOPs in 30 days at 989e12 × 0.4 needs 975.2 GPUs → 122 nodes", () => {
    // hand: 1e24 / (2,592,000 s × 989e12 × 0.4) = 975.23; ⌈975.23 / 8⌉ = 122
    const r = nodesForDeadline(1e24, 30 * 86400, h100, 989e12, 0.4);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject({ nodes: 122, gpus: 976 });
    expect(nodesForDeadline(1e24, 0, h100, 989e12, 0.4).ok).toBe(false);
  });
});

describe("lmplan layout", () => {
  async function run(args: string[]) {
    let out = "";
    const io: Io = { out: (s) => (out += s), err: () => {}, readStdin: () => "" };
    const program = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    registerLayout(program, io);
    try {
      await program.parseAsync(["layout", ...args], { from: "user" });
      return { out, issues: [] as string[] };
    } catch (e) {
      if (e instanceof BadInput) return { out, issues: e.issues.map((i) => i.path.join(".")) };
      throw e;
    }
  }
  it("prints ranked layouts with memory by component and time", async () => {
    const r = await run(["--preset", "llama-3.1-70b", "--gpu", "h100", "--gpus", "256", "--top", "2"]);
    expect(r.out).toMatch(/#1 {2}TP/);
    expect(r.out).toMatch(/#2 {2}TP/);
    expect(r.out).toMatch(/activations/);
    expect(r.out).toMatch(/Assumed:/);
  });
  it("--json carries the ranked layouts; --tp pins", async () => {
    const r = await run(["--preset", "llama-3.1-70b", "--gpu", "h100", "--gpus", "256", "--tp", "4", "--json"]);
    const doc = JSON.parse(r.out) as { ranked: { layout: { tp: number } }[] };
    expect(doc.ranked.length).toBeGreaterThan(0);
    expect(doc.ranked.every((x) => x.layout.tp === 4)).toBe(true);
  });
  it("bad input names the field", async () => {
    expect((await run(["--preset", "llama-3.1-70b", "--gpus", "256", "--tp", "x"])).issues).toEqual(["tp"]);
    expect((await run(["--preset", "llama-3.1-70b", "--gpus", "256", "--top", "0"])).issues).toEqual(["top"]);
  });
});
