// TorchTitan (pytorch/torchtitan @ v0.2.2 = 73a0e699): plan value → TOML key → what TorchTitan derives.
// Ported from torchtitan/components/lr_scheduler.py build_lr_schedulers: total = lr_scheduler.total_steps
// or training.steps; decay_steps = round(total × decay_ratio) — Python's round, half to even — clipped to
// total − warmup; and torchtitan/config/job_config.py defaults (training.dataset c4_test,
// model.hf_assets_path ./tests/assets/tokenizer, checkpoint.enable false).
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { pyRound } from "../../src/emit/launch.js";
import { plan } from "../../src/plan/plan.js";
import { lrAt } from "../../src/schedules/schedule.js";
import { emit, PLANS } from "./helpers.js";

type Doc = { lr_scheduler: { warmup_steps: number; total_steps?: number; decay_ratio?: number }; training: Record<string, number | string>; checkpoint?: { enable: boolean; interval: number }; model: Record<string, string>; optimizer: Record<string, number> };

describe("Python's round: halves to even", () => {
  it.each([[660.5, 660], [661.5, 662], [0.5, 0], [1.5, 2], [2.4999999, 2], [2.5000001, 3], [660, 660]])("round(%s) = %s", (x, want) => expect(pyRound(x)).toBe(want));
});

describe("the WSD decay length TorchTitan derives is the plan's", () => {
  it("T = 10568, decay 0.0625: round(660.5) = 660 in TorchTitan, so the ratio is written as 661/10568", () => {
    // find a plan with this T by asking for it directly through the tokens
    const p = plan({ params: "350M", tokens: String(10568 * 256 * 2048), batchSeqs: 256, seqLen: 2048, gpus: 8, schedule: "wsd", decayFraction: 0.0625 });
    expect(p.batch.steps.value).toBe(10568);
    const r = emit("torchtitan", p);
    const doc = parseToml(r.text) as unknown as Doc;
    const total = doc.lr_scheduler.total_steps ?? (doc.training.steps as number);
    expect(pyRound(total * (doc.lr_scheduler.decay_ratio as number))).toBe(Math.round(0.0625 * 10568));
    expect(r.notes.join(" ")).toMatch(/half to even/);
    // lr_scheduler.py linear_warmup_stable_decay over the decay: the plan's LR at every step of it
    const W = doc.lr_scheduler.warmup_steps;
    const D = pyRound(total * (doc.lr_scheduler.decay_ratio as number));
    const stable = total + 1 - W - D;
    for (let step = W + stable; step < total; step++) {
      const factor = 1 - (step + 1 - (W + stable)) / D;
      const lr0 = doc.optimizer.lr as number;
      expect(Math.abs(lr0 * factor - lrAt(p.schedule.spec, step)) / lr0).toBeLessThan(1e-9);
    }
  });
});

describe.each(PLANS)("TorchTitan derives the plan: %s", (_name, p) => {
  const r = emit("torchtitan", p);
  const doc = parseToml(r.text) as unknown as Doc;
  it.each([
    ["optimizer.lr = hidden LR", () => doc.optimizer.lr, p.optimizer.hiddenLr.value],
    ["schedule length (lr_scheduler.total_steps or training.steps)", () => doc.lr_scheduler.total_steps ?? (doc.training.steps as number), p.batch.steps.value],
    ["warmup", () => doc.lr_scheduler.warmup_steps, p.schedule.warmupSteps.value],
    ["weight decay", () => doc.optimizer.weight_decay, p.optimizer.weightDecay.value],
    ["ε", () => doc.optimizer.eps, p.optimizer.eps.value],
  ] as [string, () => number, number][])("%s", (_w, got, want) => expect(got()).toBe(want));
  it("dataset, tokenizer and checkpointing are written, not left to the test defaults", () => {
    expect(doc.training.dataset).not.toBe("c4_test");
    expect(doc.training.dataset_path).toBe("${DATA_DIR}");
    expect(doc.model.hf_assets_path).toBe("${TOKENIZER_DIR}");
    expect(doc.checkpoint?.enable).toBe(true);
  });
  it("context stages: this run stops where the first ends, the rest are resumed runs in the file's last lines", () => {
    const stages = p.context?.stages ?? [];
    if (stages.length < 2) return expect(doc.lr_scheduler.total_steps).toBeUndefined();
    expect(doc.training.steps).toBe(stages[0]?.steps);
    expect(doc.training.seq_len).toBe(stages[0]?.seqLen);
    expect(r.text).toMatch(new RegExp(`--training\\.seq_len=${stages[1]?.seqLen} .*--training\\.steps=${p.batch.steps.value}`));
  });
});
