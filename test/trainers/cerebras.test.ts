// Cerebras modelzoo (Cerebras/modelzoo @ f1fd1e09, Release 2.10.0): plan value → config key → the value
// modelzoo derives. Ported from src/cerebras/modelzoo/models/nlp/gpt2/gpt2_model.py (GPT2LMHeadModel
// __init__, μP branch) and common/utils/model/mup_utils.py scale_initializers_by_dimension:
//   default initializer: truncated normal, std = initializer_range (0.02 unless given)
//   QKV, FFN-in: initializer.std × (hidden/mup_base_hidden_size)^−½
//   attention-out: output_layer_initializer.std × m_d^−½ × (2L)^−½ (the default initializer when not given)
//   FFN-out: ffn_output_layer_initializer.std × (filter/mup_base_filter_size)^−½ × (2L)^−½ (default when not given)
//   outside μP: a given output_layer_initializer is used unscaled; FFN-out falls back to it
//   output logits × output_logits_alpha / m_d (scale_output_logits_by_d, default True)
//   LR: lr_adjustment_groups decoder_attention, decoder_input_ffn × 1/m_d, decoder_output_ffn × 1/(filter mult)
//   untied LM head: normal(std = initializer_range)
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { emit, PLANS } from "./helpers.js";

type Init = { std: number; a: number; b: number };

function derive(model: Record<string, unknown>) {
  const std = (k: string) => (model[k] as Init | undefined)?.std;
  const range = (model.initializer_range as number | undefined) ?? 0.02;
  const L = model.num_hidden_layers as number;
  const mupH = model.mup_base_hidden_size as number | undefined;
  const mupF = model.mup_base_filter_size as number | undefined;
  const base = std("initializer") ?? range;
  const m = mupH ? (model.hidden_size as number) / mupH : 1;
  const mf = mupF ? (model.filter_size as number) / mupF : 1;
  const attnOut = mupH ? (std("output_layer_initializer") ?? range) * m ** -0.5 * (2 * L) ** -0.5 : (std("output_layer_initializer") ?? (std("initializer") === undefined ? range * (2 * L) ** -0.5 : undefined));
  const ffnOut = mupF ? (std("ffn_output_layer_initializer") ?? range) * mf ** -0.5 * (2 * L) ** -0.5 : (std("ffn_output_layer_initializer") ?? attnOut);
  return {
    hidden: mupH ? base * m ** -0.5 : base,
    attnOut,
    ffnOut,
    embedding: std("embedding_initializer") ?? range,
    lmHead: model.share_embedding_weights ? (std("embedding_initializer") ?? range) : range,
    logits: mupH ? ((model.output_logits_alpha as number | undefined) ?? 1) / m : 1,
    hiddenLrScale: 1 / m,
    ffnOutLrScale: 1 / mf,
  };
}

describe.each(PLANS)("modelzoo derives the plan's μP: %s", (_name, p) => {
  const doc = parseYaml(emit("cerebras", p).text) as { trainer: { init: { model: Record<string, unknown>; checkpoint?: { steps: number } } } };
  const d = derive(doc.trainer.init.model);
  const q = p.optimizer.parameterization;
  const rel = (a: number | undefined, b: number) => Math.abs((a ?? Number.NaN) - b) / b;
  it.each([
    ["QKV/FFN-in init std", () => d.hidden, q.hidden.initStd as number],
    ["attention-out init std", () => d.attnOut, q.outProjection.initStd as number],
    ["FFN-out init std (issue 12: was 3.65× too small)", () => d.ffnOut, q.outProjection.initStd as number],
    ["embedding init std", () => d.embedding, q.embedding.initStd as number],
    ["output logits multiplier", () => d.logits, q.outputLogitsScale],
    ["hidden LR scale (η_hidden / η_base)", () => d.hiddenLrScale, p.optimizer.hiddenLr.value / (q.kind === "sp" ? p.optimizer.hiddenLr.value : p.optimizer.baseLr.value)],
    ["FFN-out LR scale", () => d.ffnOutLrScale, p.optimizer.hiddenLr.value / (q.kind === "sp" ? p.optimizer.hiddenLr.value : p.optimizer.baseLr.value)],
  ] as [string, () => number | undefined, number][])("%s", (_what, got, want) => {
    expect(rel(got(), want), `${got()} vs ${want}`).toBeLessThan(1e-6);
  });
  it("an untied LM head starts at σ_base (initializer_range), and checkpoints are written", () => {
    expect(rel(d.lmHead, q.embedding.initStd as number)).toBeLessThan(1e-6);
    expect(doc.trainer.init.checkpoint?.steps).toBeGreaterThan(0);
  });
});

it("BTLM: FFN-out std 0.00289 as the plan (0.000791 before, from initializer_range 0.02)", () => {
  const p = PLANS[0]?.[1];
  if (!p) throw new Error("plan");
  const d = derive((parseYaml(emit("cerebras", p).text) as { trainer: { init: { model: Record<string, unknown> } } }).trainer.init.model);
  expect(d.ffnOut).toBeCloseTo(0.0028855783649, 9);
});
