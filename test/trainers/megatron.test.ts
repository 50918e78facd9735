// Megatron-LM (NVIDIA/Megatron-LM @ d98e8a64): plan value → flag → the value Megatron derives from it.
// Derivations ported from
//   megatron/core/transformer/transformer_config.py __post_init__ (μP): width_mult = hidden / mup_base_hidden_size;
//     init_method std = init_method_std / √width_mult; embedding std = init_method_std;
//     output layers (megatron/core/utils.py mup_scaled_init_method_normal) std = σ / (√(2L) · √width_mult);
//     softmax_scale = 1 / kv_channels^mup_attn_scale_power; mup_output_mult 1.0 → 1/width_mult
//   megatron/core/optimizer/__init__.py get_mup_config_overrides: hidden matrices lr / width_mult and
//     adam_eps / width_mult; embeddings, output layer and vectors keep lr and adam_eps
//   transformer_config.py: hidden_dropout = attention_dropout = 0.1 by default
//   tests/functional_tests/shell_test_utils/_run_training.sh: a value "[a b c]" has its brackets stripped and
//     is split into words by eval, after envsubst over the file and xargs over the value
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/types.js";
import { emit, PLANS } from "./helpers.js";

function flags(text: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const body = text.split("\n").filter((l) => /^\s+--/.test(l));
  for (const l of body) {
    const [f, ...rest] = l.trim().split(/\s+/);
    m.set(f as string, rest);
  }
  return m;
}

function derived(text: string, p: Plan) {
  const f = flags(text);
  const num = (k: string) => Number(f.get(k)?.[0]);
  const mup = f.has("--use-mup");
  const L = num("--num-layers");
  const m = mup ? num("--hidden-size") / num("--mup-base-hidden-size") : 1;
  const sigma = num("--init-method-std");
  const kv = num("--hidden-size") / num("--num-attention-heads");
  const power = mup ? num("--mup-attn-scale-power") : 0.5;
  const outMult = mup ? (num("--mup-output-mult") === 1 && m !== 1 ? 1 / m : num("--mup-output-mult")) : 1;
  return {
    hiddenStd: sigma / Math.sqrt(m),
    outStd: sigma / (Math.sqrt(2 * L) * Math.sqrt(m)),
    embeddingStd: sigma,
    attentionDivisor: 1 / (1 / kv ** power),
    logits: outMult,
    hiddenLr: num("--lr") / m,
    embeddingLr: num("--lr"),
    hiddenEps: num("--adam-eps") / m,
    embeddingEps: num("--adam-eps"),
    dropout: [num("--hidden-dropout"), num("--attention-dropout")],
    steps: num("--lr-decay-iters"),
    p,
  };
}

describe.each(PLANS)("Megatron derives the plan: %s", (_name, p) => {
  const r = emit("megatron", p);
  const d = derived(r.text, p);
  const q = p.optimizer.parameterization;
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
  it.each([
    ["hidden init std", "--init-method-std / √m_d", () => d.hiddenStd, q.hidden.initStd as number],
    ["output-projection init std", "--init-method-std / (√(2L)·√m_d)", () => d.outStd, q.outProjection.initStd as number],
    ["embedding init std", "--init-method-std", () => d.embeddingStd, q.embedding.initStd as number],
    ["attention QᵀK divisor", "kv_channels^--mup-attn-scale-power", () => d.attentionDivisor, q.attentionDivisor],
    ["output logits multiplier", "--mup-output-mult", () => d.logits, q.outputLogitsScale],
    ["hidden LR", "--lr / m_d", () => d.hiddenLr, p.optimizer.hiddenLr.value],
    ["embedding LR", "--lr", () => d.embeddingLr, p.optimizer.baseLr.value],
    ["hidden Adam ε", "--adam-eps / m_d", () => d.hiddenEps, p.optimizer.eps.value],
    ["LR schedule length", "--lr-decay-iters", () => d.steps, p.batch.steps.value],
  ] as [string, string, () => number, number][])("%s: %s", (_what, _key, got, want) => {
    expect(close(got(), want), `${got()} vs ${want}`).toBe(true);
  });
  it("dropout 0 written (Megatron's default is 0.1); embedding ε differs from the plan only under μP, and says so", () => {
    expect(d.dropout).toEqual([0, 0]);
    if (q.kind === "sp") expect(close(d.embeddingEps, p.optimizer.eps.value)).toBe(true);
    else {
      expect(r.unexpressed.join(" ")).toMatch(/Adam ε .* for embeddings/);
      expect(r.notes.join(" ")).toMatch(/get_mup_config_overrides/);
    }
  });
  it("checkpoints and tokenizer are written, as placeholders the script refuses to run without", () => {
    expect(r.text).toMatch(/--save "\$\{CHECKPOINT_DIR:\?[^}]*\}"/);
    expect(r.text).toMatch(/--load "\$\{CHECKPOINT_DIR:\?/);
    expect(r.text).toMatch(/--save-interval \d+/);
    expect(r.text).toMatch(/--tokenizer-type (GPT2BPETokenizer|HuggingFaceTokenizer)/);
  });
  it("the functional-test YAML: every multi-value flag is \"[…]\" of words envsubst, xargs and eval leave as they are", () => {
    const y = parseYaml(emit("megatron-yaml", p).text) as Record<string, Record<string, unknown>>;
    for (const [run, map] of Object.entries(y)) {
      expect(run).toMatch(/^MODEL_ARGS(_\d+)?$/);
      for (const [flag, v] of Object.entries(map)) {
        if (typeof v !== "string") continue;
        // _run_training.sh: a value with a space and no brackets is passed as ONE quoted argument
        if (v.includes(" ")) expect(v, flag).toMatch(/^\[[^\]]+\]$/);
        const words = v.replace(/^\[|\]$/g, "").split(" ");
        for (const w of words) expect(w, flag).toMatch(/^(?:[A-Za-z0-9_@%+=:,./-]|\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/);
      }
    }
    const dp = String(y.MODEL_ARGS?.["--data-path"]);
    const phase = p.data?.phases[0];
    if (phase) expect(dp.replace(/^\[|\]$/g, "").split(" ").length).toBe(2 * Object.values(phase.weights).filter((w) => w > 0).length);
  });
});

describe("Megatron runs stages and phases as consecutive runs of one schedule", () => {
  it("BTLM with upsampling: 3 runs, each --train-iters where it ends; the YAML has MODEL_ARGS_2 and _3", () => {
    const p = PLANS[1]?.[1] as Plan;
    const sh = emit("megatron", p).text;
    const ends = [...sh.matchAll(/--train-iters (\d+)/g)].map((m) => Number(m[1]));
    expect(ends[ends.length - 1]).toBe(p.batch.steps.value);
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    expect(ends).toHaveLength(3);
    const y = parseYaml(emit("megatron-yaml", p).text) as Record<string, Record<string, unknown>>;
    expect(Object.keys(y)).toEqual(["MODEL_ARGS", "MODEL_ARGS_2", "MODEL_ARGS_3"]);
    expect(y.MODEL_ARGS_2?.["--seq-length"]).toBe(8192);
    expect(y.MODEL_ARGS_3?.["--train-iters"]).toBe(p.batch.steps.value);
  });
  it("CompleteP: the hidden ε is the plan's (scaled once, not twice)", () => {
    // a CompleteP plan: the plan's ε already carries m_N^−1·m_L^−1; Megatron divides --adam-eps by m_N once more
    const p = PLANS.find(([n]) => n.startsWith("1.3B"))?.[1] as Plan;
    const q = JSON.parse(JSON.stringify(p)) as Plan;
    const mN = q.optimizer.parameterization.widthMultiplier;
    (q.optimizer.parameterization as { kind: string }).kind = "completep";
    q.optimizer.eps.value = 1e-8 / (mN * 2);
    const d = derived(emit("megatron", q).text, q);
    expect(d.hiddenEps).toBeCloseTo(q.optimizer.eps.value, 20);
  });
});
