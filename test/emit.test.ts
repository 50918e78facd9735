// Emitters: each output parses, uses only keys its trainer accepts (lists read from the trainers'
// sources, cited below), agrees with the plan on tokens/steps/batch, and follows the plan's LR schedule
// by the trainer's own formula — implemented here independently from the emitters, from the sources:
//   TorchTitan  pytorch/torchtitan@v0.2.2 torchtitan/components/lr_scheduler.py linear_warmup_stable_decay
//   Megatron    NVIDIA/Megatron-LM@d98e8a64 megatron/core/optimizer_param_scheduler.py get_lr
//   nanoGPT     karpathy/nanoGPT@3adf61e1 train.py get_lr
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { findEmitter } from "../src/emit/index.js";
import { plan } from "../src/plan/plan.js";
import type { Plan } from "../src/plan/types.js";
import { lrAt } from "../src/schedules/schedule.js";

// pytorch/torchtitan@v0.2.2 torchtitan/config/job_config.py: fields of the dataclasses behind each TOML section
const TORCHTITAN_KEYS: Record<string, string[]> = {
  job: ["config_file", "dump_folder", "description", "print_config", "save_config_file", "custom_config_module"],
  model: ["name", "flavor", "hf_assets_path", "tokenizer_path", "converters", "print_after_conversion"],
  optimizer: ["name", "lr", "beta1", "beta2", "eps", "weight_decay", "implementation", "early_step_in_backward"],
  lr_scheduler: ["warmup_steps", "total_steps", "decay_ratio", "decay_type", "min_lr_factor"],
  training: ["dataset", "dataset_path", "local_batch_size", "global_batch_size", "seq_len", "max_norm", "steps", "enable_cpu_offload", "dtype", "mixed_precision_param", "mixed_precision_reduce", "gc_freq", "gc_debug", "dataloader"],
  parallelism: ["data_parallel_replicate_degree", "data_parallel_shard_degree", "fsdp_reshard_after_forward", "tensor_parallel_degree", "pipeline_parallel_degree", "context_parallel_degree", "expert_parallel_degree"],
  activation_checkpoint: ["mode", "selective_ac_option", "early_stop", "memory_budget", "preserve_rng_state", "determinism_check", "debug"],
};
// karpathy/nanoGPT@3adf61e1 train.py: the globals configurator.py may override
const NANOGPT_KEYS = ["out_dir", "eval_interval", "log_interval", "eval_iters", "eval_only", "always_save_checkpoint", "init_from", "wandb_log", "wandb_project", "wandb_run_name", "dataset", "gradient_accumulation_steps", "batch_size", "block_size", "n_layer", "n_head", "n_embd", "dropout", "bias", "learning_rate", "max_iters", "weight_decay", "beta1", "beta2", "grad_clip", "decay_lr", "warmup_iters", "lr_decay_iters", "min_lr", "backend", "device", "dtype", "compile"];
// Cerebras/modelzoo@f1fd1e09: model keys used by models/nlp/btlm/configs/params_btlm_2p7b_8k.yaml and
// models/nlp/llama/configs/params_code_llama_70b.yaml (rotary_dim, norm_type, attention_module,
// extra_attention_params), plus alibi_scaling (tools/checkpoint_converters/btlm_hf_cs.py)
const CEREBRAS_MODEL_KEYS = ["name", "hidden_size", "position_embedding_type", "rotary_dim", "share_embedding_weights", "max_position_embeddings", "vocab_size", "num_hidden_layers", "dropout_rate", "norm_type", "num_heads", "attention_type", "attention_module", "extra_attention_params", "attention_dropout_rate", "use_projection_bias_in_attention", "use_ffn_bias_in_attention", "filter_size", "nonlinearity", "use_ffn_bias", "embedding_initializer", "initializer", "output_layer_initializer", "use_bias_in_output", "mup_base_hidden_size", "mup_base_filter_size", "embeddings_scale", "output_logits_alpha", "scale_qk_dot_by_d", "alibi_scaling"];
const MEGATRON_FLAGS = new Set(readFileSync(new URL("./fixtures/megatron_flags.txt", import.meta.url), "utf8").split("\n").filter((l) => l.startsWith("--")));

const percentSteps = (T: number) => Array.from({ length: 101 }, (_, k) => Math.min(Math.round((k * T) / 100), T - 1));

function maxDeviation(p: Plan, trainerLr: (s: number) => number): number {
  const peak = p.optimizer.hiddenLr.value;
  return Math.max(...percentSteps(p.schedule.spec.totalSteps).map((s) => Math.abs(trainerLr(s) - lrAt(p.schedule.spec, s)) / peak));
}

const PLANS: [string, Plan][] = [
  ["BTLM-3B-8K preset (μP, 2 stages, SlimPajama)", plan({ preset: "btlm-3b-8k", gpu: "h100", gpus: 64 })],
  ["1.3B at 20 TPP, D2Z", plan({ params: "1.3B", tpp: 20, gpus: 64 })],
  ["350M cosine to 10%", plan({ params: "350M", tpp: 40, gpus: 16, schedule: "cosine" })],
  ["1B WSD 20% linear", plan({ params: "1B", tpp: 50, gpus: 32, schedule: "wsd", decayFraction: 0.2 })],
  ["Llama 2 7B, SP", plan({ preset: "llama-2-7b", tokens: "2T", gpus: 256, parameterization: "sp" })],
];

describe.each(PLANS)("%s", (_name, p) => {
  it("TorchTitan: TOML parses, keys are v0.2.2's, tokens and schedule agree", () => {
    const r = findEmitter("torchtitan")?.emit(p);
    if (!r) throw new Error("emitter");
    const doc = parseToml(r.text) as Record<string, Record<string, unknown>>;
    for (const [section, values] of Object.entries(doc)) {
      expect(TORCHTITAN_KEYS[section], section).toBeDefined();
      for (const k of Object.keys(values)) expect(TORCHTITAN_KEYS[section], `${section}.${k}`).toContain(k);
    }
    const t = doc.training as { steps: number; global_batch_size: number; seq_len: number; local_batch_size: number };
    expect(t.steps * t.global_batch_size * t.seq_len).toBe(p.batch.tokensTrained.value);
    expect(t.global_batch_size % (t.local_batch_size * (doc.parallelism?.data_parallel_shard_degree as number))).toBe(0);
    const s = doc.lr_scheduler as Record<string, number | string>;
    const o = doc.optimizer as { lr: number };
    // TorchTitan v0.2.2 linear_warmup_stable_decay, independently
    const total = t.steps;
    const warmup = s.warmup_steps as number;
    const decay = s.decay_ratio !== undefined ? Math.min(Math.round(total * (s.decay_ratio as number)), total - warmup) : total - warmup;
    const stable = total + 1 - warmup - decay;
    const lr = (step: number) => {
      if (step < warmup) return (o.lr * (step + 1)) / warmup;
      if (step < warmup + stable) return o.lr;
      const prog = (step + 1 - (warmup + stable)) / decay;
      const f = s.decay_type === "linear" ? 1 - prog : s.decay_type === "sqrt" ? 1 - Math.sqrt(prog) : 0.5 * (1 + Math.cos(Math.PI * prog));
      return o.lr * ((s.min_lr_factor as number) + (1 - (s.min_lr_factor as number)) * f);
    };
    const dev = maxDeviation(p, lr);
    // either it matches within 1e-6 of the peak, or the emitter reported this very deviation
    if (dev > 1e-6) expect(r.deviation.maxRelative).toBeCloseTo(dev, 12);
    else expect(r.deviation.maxRelative).toBeLessThanOrEqual(1e-6);
  });

  it("Megatron: bash syntax, only flags Megatron defines, tokens and schedule agree", () => {
    const r = findEmitter("megatron")?.emit(p);
    if (!r) throw new Error("emitter");
    const dir = mkdtempSync(`${tmpdir()}/lmplan-`);
    writeFileSync(`${dir}/train.sh`, r.text);
    expect(spawnSync("bash", ["-n", `${dir}/train.sh`]).status).toBe(0);
    const flags = [...r.text.matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((m) => m[1] as string);
    for (const f of flags) expect(MEGATRON_FLAGS.has(f), f).toBe(true);
    const val = (f: string) => Number(new RegExp(`${f} ([0-9.e+-]+)`).exec(r.text)?.[1]);
    expect(val("--train-iters") * val("--global-batch-size") * val("--seq-length")).toBe(p.batch.tokensTrained.value);
    expect(r.text).not.toMatch(/--lr-wsd-decay-style exponential/);
    // Megatron get_lr, independently; hidden LR = lr / width_mult under --use-mup
    const width = /--use-mup/.test(r.text) ? p.model.spec.dModel / val("--mup-base-hidden-size") : 1;
    const style = /--lr-decay-style (\w+)/.exec(r.text)?.[1];
    const [lr0, minLr, W, Dd] = [val("--lr"), val("--min-lr"), val("--lr-warmup-iters"), val("--lr-decay-iters")];
    const wsdIters = val("--lr-wsd-decay-iters");
    const base = (it: number) => {
      if (W > 0 && it <= W) return (lr0 * it) / W;
      if (style === "constant") return lr0;
      if (it > Dd) return minLr;
      const ratio = (it - W) / (Dd - W);
      let c = style === "cosine" ? 0.5 * (Math.cos(Math.PI * ratio) + 1) : 1 - ratio;
      if (style === "WSD") c = it <= Dd - wsdIters ? 1 : 1 - (it - (Dd - wsdIters)) / wsdIters;
      return minLr + c * (lr0 - minLr);
    };
    const lr = (it: number) => base(it) / width;
    const dev = maxDeviation(p, lr);
    if (dev > 1e-6) expect(r.deviation.maxRelative).toBeCloseTo(dev, 12);
    else expect(r.deviation.maxRelative).toBeLessThanOrEqual(1e-6);
  });

  it("nanoGPT: the config is Python, uses train.py's globals, tokens agree, the cosine deviation is reported", () => {
    const r = findEmitter("nanogpt")?.emit(p);
    if (!r) throw new Error("emitter");
    const assigns = Object.fromEntries(
      r.text
        .split("\n")
        .filter((l) => /^[a-z_]+ = /.test(l))
        .map((l) => {
          const [k, v] = l.split(" = ") as [string, string];
          return [k, v];
        }),
    );
    for (const k of Object.keys(assigns)) expect(NANOGPT_KEYS, k).toContain(k);
    const py = spawnSync("python3", ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], { input: r.text });
    if (py.error === undefined) expect(py.status).toBe(0);
    const n = (k: string) => Number(assigns[k]);
    expect(n("max_iters") * n("gradient_accumulation_steps") * n("batch_size") * n("block_size")).toBe(p.batch.tokensTrained.value);
    const lr = (it: number) => {
      if (it < n("warmup_iters")) return (n("learning_rate") * (it + 1)) / (n("warmup_iters") + 1);
      if (it > n("lr_decay_iters")) return n("min_lr");
      const ratio = (it - n("warmup_iters")) / (n("lr_decay_iters") - n("warmup_iters"));
      return n("min_lr") + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (n("learning_rate") - n("min_lr"));
    };
    const dev = maxDeviation(p, lr);
    expect(r.deviation.maxRelative).toBeCloseTo(dev, 12);
    if (p.schedule.spec.kind !== "cosine") {
      expect(dev).toBeGreaterThan(0.01);
      expect(r.notes.join(" ")).toMatch(/cosine only/);
    }
  });
});

describe.each(PLANS)("Cerebras: %s", (_name, p) => {
  it("YAML parses, model keys are modelzoo's, tokens and schedule agree", () => {
    const r = findEmitter("cerebras")?.emit(p);
    if (!r) throw new Error("emitter");
    const doc = parseYaml(r.text) as { trainer: { init: { model: Record<string, unknown>; schedulers: { SequentialLR: { schedulers: Record<string, { initial_learning_rate: number; end_learning_rate: number; total_iters: number }>[] } }[]; loop: { max_steps: number } }; fit: { train_dataloader: { batch_size: number } } } };
    for (const k of Object.keys(doc.trainer.init.model)) expect(CEREBRAS_MODEL_KEYS, k).toContain(k);
    expect(doc.trainer.init.loop.max_steps * doc.trainer.fit.train_dataloader.batch_size * p.batch.seqLen.value).toBe(p.batch.tokensTrained.value);
    // SequentialLR of LinearLR / CosineDecayLR, each interpolating over its own total_iters
    const phases = doc.trainer.init.schedulers[0]?.SequentialLR.schedulers.map((x) => Object.entries(x)[0] as [string, { initial_learning_rate: number; end_learning_rate: number; total_iters: number }]) ?? [];
    const m = doc.trainer.init.model;
    const scale = m.mup_base_hidden_size ? (m.hidden_size as number) / (m.mup_base_hidden_size as number) : 1;
    const lr = (step: number) => {
      let start = 0;
      for (const [i, [kind, c]] of phases.entries()) {
        if (step < start + c.total_iters || i === phases.length - 1) {
          const t = Math.min(step - start, c.total_iters) / c.total_iters;
          const v = kind === "LinearLR" ? c.initial_learning_rate + (c.end_learning_rate - c.initial_learning_rate) * t : c.end_learning_rate + (c.initial_learning_rate - c.end_learning_rate) * 0.5 * (1 + Math.cos(Math.PI * t));
          return v / scale;
        }
        start += c.total_iters;
      }
      return 0;
    };
    const dev = maxDeviation(p, lr);
    if (dev > 1e-6) expect(r.deviation.maxRelative).toBeCloseTo(dev, 10);
    else expect(r.deviation.maxRelative).toBeLessThanOrEqual(1e-6);
  });
});

describe("Cerebras: BTLM-3B-8K reproduces BTLM's published μP keys (modelzoo params_btlm_2p7b_8k.yaml)", () => {
  const r = findEmitter("cerebras")?.emit(plan({ preset: "btlm-3b-8k", gpu: "h100", gpus: 64 }));
  const m = (parseYaml(r?.text ?? "") as { trainer: { init: { model: Record<string, unknown>; schedulers: { SequentialLR: { schedulers: Record<string, { end_learning_rate: number }>[] } }[] } } }).trainer.init;
  it.each([
    ["mup_base_hidden_size", 256],
    ["mup_base_filter_size", 682.6],
    ["embeddings_scale", 14.6],
    ["output_logits_alpha", 2.22],
    ["scale_qk_dot_by_d", true],
    ["hidden_size", 2560],
    ["filter_size", 6826],
    ["position_embedding_type", "alibi"],
  ])("%s = %s", (k, v) => {
    expect(m.model[k]).toBe(v);
  });
  it("σ_base 0.073 in the initializers and η_base 0.012 at the end of warmup", () => {
    expect((m.model.initializer as { std: number }).std).toBe(0.073);
    expect(m.schedulers[0]?.SequentialLR.schedulers[0]?.LinearLR?.end_learning_rate).toBe(0.012);
  });
});

describe("Megatron μP and data", () => {
  const p = plan({ preset: "btlm-3b-8k", gpu: "h100", gpus: 64 });
  const r = findEmitter("megatron")?.emit(p);
  it("writes BTLM's μP base and multipliers, with σ_base for Megatron to scale", () => {
    expect(r?.text).toContain("--use-mup");
    expect(r?.text).toContain("--mup-base-hidden-size 256");
    expect(r?.text).toContain("--mup-embedding-mult 14.6");
    expect(r?.text).toContain("--mup-output-mult 0.222");
    expect(r?.text).toContain("--init-method-std 0.073");
    expect(r?.text).toContain("--lr 0.012");
  });
  it("writes the SlimPajama weights on --data-path and the 8k stage as a resume", () => {
    expect(r?.text).toMatch(/--data-path 0\.522 "\$\{DATA_DIR\}\/commoncrawl_text_document" 0\.267/);
    expect(r?.text).toMatch(/--seq-length 8192 --max-position-embeddings 8192 --global-batch-size 256/);
  });
});
