// nanotron (huggingface/nanotron @ 2411b022): plan value → config key → the value nanotron derives.
// Ported from src/nanotron/scaling/parametrization.py StandardParametrizator (column linears and the
// embedding: normal(init_method.std); row linears: std / √(2·num_hidden_layers), scaling_method NUM_LAYERS)
// and src/nanotron/helpers.py lr_scheduler_builder (one LR; absolute lr_decay_starting_step / lr_decay_steps).
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { emit, PLANS } from "./helpers.js";

describe.each(PLANS)("nanotron derives the plan: %s", (_name, p) => {
  const r = emit("nanotron", p);
  const doc = parseYaml(r.text) as { model: { init_method: { std: number }; model_config: { num_hidden_layers: number } }; optimizer: { learning_rate_scheduler: { learning_rate: number; lr_decay_starting_step: number; lr_decay_steps: number } }; checkpoints: { checkpoint_interval: number; checkpoints_path: string }; tokens: { train_steps: number } };
  const q = p.optimizer.parameterization;
  const std = doc.model.init_method.std;
  const L = doc.model.model_config.num_hidden_layers;
  it.each([
    ["column linears (QKV, gate/up)", () => std, q.hidden.initStd as number],
    ["row linears (attention-out, down)", () => std / Math.sqrt(2 * L), q.outProjection.initStd as number],
    ["learning rate (hidden)", () => doc.optimizer.learning_rate_scheduler.learning_rate, p.optimizer.hiddenLr.value],
  ] as [string, () => number, number][])("%s", (_w, got, want) => {
    expect(Math.abs(got() - want) / want).toBeLessThan(1e-9);
  });
  it("the embedding: init_method.std, not the plan's μP σ_base — said in a note and unexpressed", () => {
    const emb = q.embedding.initStd as number;
    if (Math.abs(emb - std) / emb > 1e-9) {
      expect(r.notes.join(" ")).toMatch(/initialises the embedding with init_method\.std/);
      expect(r.unexpressed.join(" ")).toMatch(/embedding init std/);
    } else expect(r.unexpressed.join(" ")).not.toMatch(/embedding init std/);
  });
  it("checkpoints are written; the schedule ends at the plan's T whatever train_steps this run stops at", () => {
    expect(doc.checkpoints.checkpoint_interval).toBeGreaterThan(0);
    const l = doc.optimizer.learning_rate_scheduler;
    expect(l.lr_decay_starting_step + l.lr_decay_steps).toBeLessThanOrEqual(p.batch.steps.value);
    expect(doc.tokens.train_steps).toBeLessThanOrEqual(p.batch.steps.value);
  });
});
