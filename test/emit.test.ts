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
import { main } from "../src/cli/main.js";
import { nearbyDivisors, resplitBatch } from "../src/emit/decompose.js";
import { emitPlan, findEmitter } from "../src/emit/index.js";
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
  checkpoint: ["enable", "folder", "interval", "initial_load_path", "initial_load_model_only", "last_save_model_only", "export_dtype", "async_mode", "keep_latest_k", "load_step", "exclude_from_loading", "enable_first_step_checkpoint", "create_seed_checkpoint", "load_only"],
};
// karpathy/nanoGPT@3adf61e1 train.py: the globals configurator.py may override
const NANOGPT_KEYS = ["out_dir", "eval_interval", "log_interval", "eval_iters", "eval_only", "always_save_checkpoint", "init_from", "wandb_log", "wandb_project", "wandb_run_name", "dataset", "gradient_accumulation_steps", "batch_size", "block_size", "n_layer", "n_head", "n_embd", "dropout", "bias", "learning_rate", "max_iters", "weight_decay", "beta1", "beta2", "grad_clip", "decay_lr", "warmup_iters", "lr_decay_iters", "min_lr", "backend", "device", "dtype", "compile"];
// Cerebras/modelzoo@f1fd1e09: model keys used by models/nlp/btlm/configs/params_btlm_2p7b_8k.yaml and
// models/nlp/llama/configs/params_code_llama_70b.yaml (rotary_dim, norm_type, attention_module,
// extra_attention_params), plus alibi_scaling (tools/checkpoint_converters/btlm_hf_cs.py) and
// initializer_range, ffn_output_layer_initializer (models/nlp/gpt2/gpt2_model.py GPT2LMHeadModelConfig)
const CEREBRAS_MODEL_KEYS = ["initializer_range", "ffn_output_layer_initializer", "name", "hidden_size", "position_embedding_type", "rotary_dim", "share_embedding_weights", "max_position_embeddings", "vocab_size", "num_hidden_layers", "dropout_rate", "norm_type", "num_heads", "attention_type", "attention_module", "extra_attention_params", "attention_dropout_rate", "use_projection_bias_in_attention", "use_ffn_bias_in_attention", "filter_size", "nonlinearity", "use_ffn_bias", "embedding_initializer", "initializer", "output_layer_initializer", "use_bias_in_output", "mup_base_hidden_size", "mup_base_filter_size", "embeddings_scale", "output_logits_alpha", "scale_qk_dot_by_d", "alibi_scaling"];
const MEGATRON_FLAGS = new Set(readFileSync(new URL("./fixtures/megatron_flags.txt", import.meta.url), "utf8").split("\n").filter((l) => l.startsWith("--")));

/** The tokens a config's own run trains: the first context stage's when the plan has stages (the later ones are resumed runs). */
function firstRunTokens(p: Plan): number {
  const st = p.context?.stages ?? [];
  const first = st[0];
  return st.length > 1 && first ? (first.steps ?? 0) * (first.batchSeqs ?? 0) * first.seqLen : p.batch.tokensTrained.value;
}

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
    expect(t.steps * t.global_batch_size * t.seq_len).toBe(firstRunTokens(p));
    expect(t.global_batch_size % (t.local_batch_size * (doc.parallelism?.data_parallel_shard_degree as number))).toBe(0);
    const s = doc.lr_scheduler as Record<string, number | string>;
    const o = doc.optimizer as { lr: number };
    // TorchTitan v0.2.2 linear_warmup_stable_decay, independently: total_steps if set, else training.steps;
    // decay_steps = round(total × decay_ratio), Python's round (half to even)
    const total = (s.total_steps as number | undefined) ?? t.steps;
    expect(total).toBe(p.batch.steps.value);
    const warmup = s.warmup_steps as number;
    const pyRound = (x: number) => (x - Math.floor(x) === 0.5 ? (Math.floor(x) % 2 === 0 ? Math.floor(x) : Math.ceil(x)) : Math.round(x));
    const decay = s.decay_ratio !== undefined ? Math.min(pyRound(total * (s.decay_ratio as number)), total - warmup) : total - warmup;
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
    expect(val("--train-iters") * val("--global-batch-size") * val("--seq-length")).toBe(firstRunTokens(p));
    expect(val("--lr-decay-iters")).toBe(p.batch.steps.value);
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
    expect(doc.trainer.init.loop.max_steps * doc.trainer.fit.train_dataloader.batch_size * p.batch.seqLen.value).toBe(firstRunTokens(p));
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

// ---- Hugging Face, LitGPT, llm-foundry, nanotron, Megatron YAML ---------------------------------------
// Formulas re-implemented from:
//   HF          huggingface/transformers@005edacb src/transformers/optimization.py (schedule lambdas)
//   LitGPT      Lightning-AI/litgpt@26857050 litgpt/pretrain.py get_lr and fit() (LR set per micro-iteration)
//   Composer    mosaicml/composer@64051888 composer/optim/scheduler.py; trainer.py steps schedulers before
//               advancing the batch counter; llm-foundry@8c8dd48f llmfoundry/optim/scheduler.py (inv_sqrt)
//   nanotron    huggingface/nanotron@2411b022 src/nanotron/helpers.py lr_scheduler_builder

// huggingface/transformers@00349ae8 src/transformers/training_args.py: TrainingArguments fields (subset that matters here)
const HF_KEYS = ["save_strategy", "save_steps", "output_dir", "per_device_train_batch_size", "num_train_epochs", "max_steps", "learning_rate", "lr_scheduler_type", "lr_scheduler_kwargs", "warmup_steps", "optim", "optim_args", "weight_decay", "adam_beta1", "adam_beta2", "adam_epsilon", "gradient_accumulation_steps", "max_grad_norm", "bf16", "fp16", "tf32", "gradient_checkpointing", "gradient_checkpointing_kwargs", "torch_compile", "fsdp", "deepspeed"];
const HF_SCHEDULERS = ["linear", "cosine", "cosine_with_restarts", "polynomial", "constant", "constant_with_warmup", "inverse_sqrt", "reduce_lr_on_plateau", "cosine_with_min_lr", "cosine_warmup_with_min_lr", "warmup_stable_decay"];
// Lightning-AI/litgpt@26857050: pretrain.py setup() parameters; args.py TrainArgs; config.py Config (fields used)
const LITGPT_KEYS = ["model_name", "model_config", "out_dir", "precision", "initial_checkpoint_dir", "resume", "data", "train", "eval", "log", "optimizer", "devices", "num_nodes", "tokenizer_dir", "logger_name", "seed"];
const LITGPT_TRAIN_KEYS = ["save_interval", "log_interval", "global_batch_size", "micro_batch_size", "lr_warmup_steps", "lr_warmup_fraction", "epochs", "max_tokens", "max_steps", "max_time", "max_seq_length", "tie_embeddings", "max_norm", "min_lr"];
const LITGPT_MODEL_KEYS = ["name", "hf_config", "block_size", "n_layer", "n_embd", "vocab_size", "padding_multiple", "padded_vocab_size", "norm_class_name", "norm_eps", "parallel_residual", "n_head", "head_size", "n_query_groups", "attn_bias", "rope_base", "rotary_percentage", "intermediate_size", "bias", "mlp_class_name"];
// mosaicml/llm-foundry@8c8dd48f: config_utils.py TrainConfig fields; configuration_mpt.py MPTConfig.__init__;
// config_defaults.py attn_config_defaults (+ kv_n_heads for grouped_query_attention); ffn.py; optim/__init__.py
const FOUNDRY_KEYS = ["model", "tokenizer", "optimizer", "scheduler", "train_loader", "device_train_batch_size", "device_eval_batch_size", "max_duration", "max_seq_len", "seed", "precision", "fsdp_config", "tp_config", "eval_interval", "eval_loader", "loggers", "callbacks", "algorithms", "save_folder", "save_interval", "load_path", "device_train_microbatch_size", "global_train_batch_size", "run_name", "autoresume", "variables"];
const FOUNDRY_MODEL_KEYS = ["name", "init_device", "d_model", "n_heads", "n_layers", "head_dim", "expansion_ratio", "max_seq_len", "vocab_size", "resid_pdrop", "emb_pdrop", "learned_pos_emb", "attn_config", "ffn_config", "logit_scale", "no_bias", "norm_type", "norm_eps", "init_config", "fc_type", "tie_word_embeddings"];
const FOUNDRY_ATTN_KEYS = ["attn_type", "attn_pdrop", "attn_impl", "qk_ln", "clip_qkv", "softmax_scale", "alibi", "alibi_bias_max", "rope", "rope_theta", "kv_n_heads", "sliding_window_size"];
const FOUNDRY_SCHEDULERS = ["constant_with_warmup", "cosine_with_warmup", "linear_decay_with_warmup", "inv_sqrt_with_warmup"];
// huggingface/nanotron@2411b022 src/nanotron/config/config.py and models_config.py dataclass fields
const NANOTRON_KEYS: Record<string, string[]> = {
  "": ["general", "parallelism", "model", "tokenizer", "checkpoints", "logging", "metrics_logging", "tokens", "optimizer", "data_stages", "profiler", "lighteval", "s3_upload"],
  parallelism: ["dp", "pp", "tp", "pp_engine", "tp_mode", "tp_linear_async_communication", "recompute_layer", "tp_recompute_allgather", "expert_parallel_size", "context_parallel_size"],
  model: ["model_config", "init_method", "dtype", "make_vocab_size_divisible_by", "ddp_bucket_cap_mb"],
  optimizer: ["optimizer_factory", "zero_stage", "weight_decay", "clip_grad", "accumulate_grad_in_fp32", "learning_rate_scheduler", "weight_decay_exclude_named_params"],
  tokens: ["sequence_length", "train_steps", "micro_batch_size", "batch_accumulation_per_replica", "val_check_interval", "limit_val_batches", "limit_test_batches"],
  learning_rate_scheduler: ["learning_rate", "lr_warmup_steps", "lr_warmup_style", "lr_decay_style", "lr_decay_steps", "lr_decay_starting_step", "min_decay_lr"],
  model_config: ["bos_token_id", "eos_token_id", "hidden_act", "hidden_size", "initializer_range", "intermediate_size", "is_llama_config", "max_position_embeddings", "num_attention_heads", "num_hidden_layers", "num_key_value_heads", "pad_token_id", "pretraining_tp", "rms_norm_eps", "rope_scaling", "rope_theta", "tie_word_embeddings", "use_cache", "vocab_size"],
};

function expectDeviation(r: { deviation: { maxRelative: number } }, p: Plan, lr: (s: number) => number): number {
  const dev = maxDeviation(p, lr);
  // either it matches within 1e-6 of the peak, or the emitter reported this very deviation
  if (dev > 1e-6) expect(r.deviation.maxRelative).toBeCloseTo(dev, 10);
  else expect(r.deviation.maxRelative).toBeLessThanOrEqual(1e-6);
  return dev;
}

const emitOrThrow = (id: string, p: Plan) => {
  const r = findEmitter(id)?.emit(p);
  if (!r) throw new Error(`no emitter ${id}`);
  return r;
};

describe.each(PLANS)("more trainers: %s", (_name, p) => {
  it("HF: JSON parses, keys are TrainingArguments', tokens and schedule agree, warmup is an integer", () => {
    const r = emitOrThrow("hf", p);
    const a = JSON.parse(r.text) as Record<string, number | string | Record<string, number | string>>;
    for (const k of Object.keys(a)) expect(HF_KEYS, k).toContain(k);
    expect(HF_SCHEDULERS).toContain(a.lr_scheduler_type);
    const n = (k: string) => a[k] as number;
    expect(n("max_steps") * n("per_device_train_batch_size") * n("gradient_accumulation_steps") * p.batch.dataParallel.value * p.batch.seqLen.value).toBe(p.batch.tokensTrained.value);
    expect(Number.isInteger(n("warmup_steps"))).toBe(true);
    const [W, T, peak] = [n("warmup_steps"), n("max_steps"), n("learning_rate")];
    const kw = (a.lr_scheduler_kwargs ?? {}) as Record<string, number | string>;
    const lr = (s: number) => {
      const warm = s / Math.max(1, W);
      const cos = (x: number) => 0.5 * (1 + Math.cos(Math.PI * x));
      switch (a.lr_scheduler_type) {
        case "linear":
          return peak * (s < W ? warm : Math.max(0, (T - s) / Math.max(1, T - W)));
        case "cosine":
          return peak * (s < W ? warm : Math.max(0, cos((s - W) / Math.max(1, T - W))));
        case "cosine_with_min_lr": {
          const m = kw.min_lr_rate as number;
          return peak * (s < W ? warm : cos((s - W) / Math.max(1, T - W)) * (1 - m) + m);
        }
        case "polynomial": {
          const end = kw.lr_end as number;
          return s < W ? peak * warm : (peak - end) * (1 - (s - W) / (T - W)) ** (kw.power as number) + end;
        }
        case "constant_with_warmup":
          return peak * (s < W ? warm : 1);
        case "warmup_stable_decay": {
          const m = kw.min_lr_ratio as number;
          const D = kw.num_decay_steps as number;
          if (s < W) return peak * (warm * (1 - m) + m);
          if (s < T - D) return peak;
          const x = (s - (T - D)) / Math.max(1, D);
          const f = kw.decay_type === "linear" ? 1 - x : kw.decay_type === "cosine" ? cos(x) : 1 - Math.sqrt(x);
          return peak * (f * (1 - m) + m);
        }
      }
      throw new Error(String(a.lr_scheduler_type));
    };
    const dev = expectDeviation(r, p, lr);
    if (p.schedule.spec.kind === "linear" || p.schedule.spec.kind === "cosine") expect(dev).toBeLessThan(1e-9);
  });

  it("LitGPT: YAML parses, keys are pretrain.py's, max_tokens agrees, the cosine-only deviation is reported", () => {
    const r = emitOrThrow("litgpt", p);
    const doc = parseYaml(r.text) as { train: Record<string, number>; model_config: Record<string, unknown>; optimizer: { init_args: { lr: number } }; devices: number; num_nodes: number };
    for (const k of Object.keys(doc)) expect(LITGPT_KEYS, k).toContain(k);
    for (const k of Object.keys(doc.train)) expect(LITGPT_TRAIN_KEYS, k).toContain(k);
    for (const k of Object.keys(doc.model_config)) expect(LITGPT_MODEL_KEYS, k).toContain(k);
    const t = doc.train as Record<string, number>;
    const world = doc.devices * doc.num_nodes;
    expect(world).toBe(p.batch.dataParallel.value);
    // pretrain.py fit(): max_iters = (max_tokens // world) // (micro × seq); accumulation = global // world // micro
    const maxIters = Math.floor(Math.floor((t.max_tokens as number) / world) / ((t.micro_batch_size as number) * (t.max_seq_length as number)));
    const A = Math.floor((t.global_batch_size as number) / world) / (t.micro_batch_size as number);
    expect(maxIters / A).toBe(p.batch.steps.value);
    expect(t.max_tokens).toBe(p.batch.tokensTrained.value);
    const lr0 = doc.optimizer.init_args.lr;
    const getLr = (it: number) => {
      const warm = Math.min(maxIters, (t.lr_warmup_steps as number) * A);
      if (it < warm) return (lr0 * it) / warm;
      if (it > maxIters) return t.min_lr as number;
      return (t.min_lr as number) + 0.5 * (1 + Math.cos((Math.PI * (it - warm)) / (maxIters - warm))) * (lr0 - (t.min_lr as number));
    };
    const dev = expectDeviation(r, p, (k) => getLr((k + 1) * A - 1));
    if (p.schedule.spec.kind !== "cosine") {
      expect(dev).toBeGreaterThan(0.01);
      expect(r.notes.join(" ")).toMatch(/cosine only/);
    }
  });

  it("llm-foundry: YAML parses, keys are TrainConfig's/MPT's, weight decay is η·λ, schedule agrees", () => {
    const r = emitOrThrow("llmfoundry", p);
    const doc = parseYaml(r.text) as Record<string, unknown> & { model: Record<string, unknown> & { attn_config: Record<string, unknown> }; scheduler: Record<string, string | number>; optimizer: { name: string; lr: number; weight_decay: number } };
    for (const k of Object.keys(doc)) expect(FOUNDRY_KEYS, k).toContain(k);
    for (const k of Object.keys(doc.model)) expect(FOUNDRY_MODEL_KEYS, k).toContain(k);
    for (const k of Object.keys(doc.model.attn_config)) expect(FOUNDRY_ATTN_KEYS, k).toContain(k);
    expect(FOUNDRY_SCHEDULERS).toContain(doc.scheduler.name);
    expect(doc.optimizer.name).toBe("decoupled_adamw");
    expect(doc.optimizer.weight_decay / doc.optimizer.lr).toBeCloseTo(p.optimizer.weightDecay.value, 8);
    const ba = (x: unknown) => Number(/^(\d+)ba$/.exec(String(x))?.[1]);
    expect(ba(doc.max_duration) * (doc.global_train_batch_size as number) * (doc.max_seq_len as number)).toBe(firstRunTokens(p));
    const s = doc.scheduler;
    // Composer schedulers run over t_max (default 1dur = max_duration)
    const T = s.t_max !== undefined ? ba(s.t_max) : ba(doc.max_duration);
    expect(T).toBe(p.batch.steps.value);
    const W = ba(s.t_warmup);
    const f = (t: number) => {
      if (t < W) return t / W;
      const frac = Math.min(1, (t - W) / (T - W));
      if (s.name === "linear_decay_with_warmup") return 1 + frac * ((s.alpha_f as number) - 1);
      if (s.name === "cosine_with_warmup") return (s.alpha_f as number) + (1 - (s.alpha_f as number)) * 0.5 * (1 + Math.cos(Math.PI * frac));
      if (s.name === "constant_with_warmup") return 1;
      // inv_sqrt_with_warmup with alpha_f_decay = 1: 1 until the cooldown, then linear to alpha_f_cooldown
      expect(s.alpha_f_decay).toBe(1);
      const C = ba(s.t_cooldown);
      const start = Math.max(W, T - C);
      return t < start ? 1 : 1 + Math.min(1, (t - start) / C) * ((s.alpha_f_cooldown as number) - 1);
    };
    // batch k trains at the multiplier the scheduler computed at batch count k − 1
    const dev = expectDeviation(r, p, (k) => doc.optimizer.lr * f(Math.max(k - 1, 0)));
    expect(dev).toBeLessThan(0.01);
  });

  it("nanotron: YAML parses, keys are the config dataclasses', min_decay_lr always written, schedule agrees", () => {
    const r = emitOrThrow("nanotron", p);
    const doc = parseYaml(r.text) as Record<string, Record<string, unknown>> & { optimizer: { learning_rate_scheduler: Record<string, number | string> }; model: { model_config: Record<string, unknown> }; tokens: { train_steps: number; micro_batch_size: number; batch_accumulation_per_replica: number; sequence_length: number }; parallelism: { dp: number } };
    for (const k of Object.keys(doc)) expect(NANOTRON_KEYS[""], k).toContain(k);
    for (const sec of ["parallelism", "model", "optimizer", "tokens"]) for (const k of Object.keys(doc[sec] ?? {})) expect(NANOTRON_KEYS[sec], `${sec}.${k}`).toContain(k);
    for (const k of Object.keys(doc.model.model_config)) expect(NANOTRON_KEYS.model_config, k).toContain(k);
    const l = doc.optimizer.learning_rate_scheduler;
    for (const k of Object.keys(l)) expect(NANOTRON_KEYS.learning_rate_scheduler, k).toContain(k);
    expect(l.min_decay_lr).toBeDefined();
    const t = doc.tokens;
    expect(t.train_steps * t.micro_batch_size * t.batch_accumulation_per_replica * doc.parallelism.dp * t.sequence_length).toBe(firstRunTokens(p));
    const [lr0, W, start, D, floor] = [l.learning_rate, l.lr_warmup_steps, l.lr_decay_starting_step, l.lr_decay_steps, l.min_decay_lr] as number[];
    const lr = (k: number) => {
      if (W === 0 && D === 0) return lr0 as number;
      if (k <= (W as number)) return ((lr0 as number) * k) / Math.max(W as number, 1);
      if (k < (start as number)) return lr0 as number;
      if (k < (start as number) + (D as number)) {
        const x = (k - (start as number)) / (D as number);
        const f = l.lr_decay_style === "cosine" ? (1 + Math.cos(Math.PI * x)) / 2 : l.lr_decay_style === "linear" ? 1 - x : 1 - Math.sqrt(x);
        return (floor as number) + ((lr0 as number) - (floor as number)) * f;
      }
      return floor as number;
    };
    const dev = expectDeviation(r, p, lr);
    if (p.schedule.spec.kind !== "power" && p.schedule.spec.decayShape !== "exponential") expect(dev).toBeLessThan(1e-9);
  });

  it("Megatron YAML map: the same flags and values as the launch script", () => {
    const sh = emitOrThrow("megatron", p).text;
    const y = parseYaml(emitOrThrow("megatron-yaml", p).text) as { MODEL_ARGS: Record<string, string | number | boolean> };
    const flags = Object.keys(y.MODEL_ARGS);
    for (const f of flags) expect(MEGATRON_FLAGS.has(f), f).toBe(true);
    for (const [f, v] of Object.entries(y.MODEL_ARGS)) {
      if (typeof v === "number") expect(Number(new RegExp(`${f} (\\S+)`).exec(sh)?.[1]), f).toBe(v);
      if (v === true) expect(sh, f).toMatch(new RegExp(`^\\s+${f}$`, "m"));
    }
  });
});

describe("data mixtures reach the trainers that take them", () => {
  const p = plan({ preset: "btlm-3b-8k", gpu: "h100", gpus: 64, upsampleFinal: "0.15:github,arxiv" });
  it("llm-foundry streams carry the main phase's proportions and the final phase as a resume", () => {
    const r = emitOrThrow("llmfoundry", p);
    const streams = (parseYaml(r.text) as { train_loader: { dataset: { streams: Record<string, { proportion: number }> } } }).train_loader.dataset.streams;
    const main = p.data?.phases[0]?.weights ?? {};
    for (const [name, w] of Object.entries(main)) if (w > 0) expect(streams[name]?.proportion).toBeCloseTo(w, 5);
    expect(Object.values(streams).reduce((a, s) => a + s.proportion, 0)).toBeCloseTo(1, 4);
    expect(r.text).toMatch(/# Final phase \(15% of tokens, from batch \d+\)/);
  });
  it("Cerebras writes modelzoo's mixture [{data_dir, weight}]", () => {
    const r = emitOrThrow("cerebras", p);
    const mix = (parseYaml(r.text) as { trainer: { fit: { train_dataloader: { mixture: { data_dir: string; weight: number }[] } } } }).trainer.fit.train_dataloader.mixture;
    expect(mix.map((m) => m.data_dir)).toContain("${DATA_DIR}/github");
    expect(mix.reduce((a, m) => a + m.weight, 0)).toBeCloseTo(1, 4);
  });
  it("nanotron writes the final phase as a second data stage at the right step", () => {
    const r = emitOrThrow("nanotron", p);
    const stages = (parseYaml(r.text) as { data_stages: { start_training_step: number; data: { dataset: { dataset_weights: number[] } } }[] }).data_stages;
    expect(stages).toHaveLength(2);
    expect(stages[0]?.start_training_step).toBe(1);
    expect(stages[1]?.start_training_step).toBe(Math.round(0.85 * p.batch.steps.value) + 1);
    for (const s of stages) expect(s.data.dataset.dataset_weights.reduce((a, w) => a + w, 0)).toBeCloseTo(1, 4);
  });
});

describe("issue 10 regressions: emit says what the plan says", () => {
  async function cli(args: string[]) {
    let out = "";
    let err = "";
    const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), readStdin: () => "" });
    return { code, out, err };
  }

  it("--params 300T in emit is an error naming the size, not a tiny model (the shape rule reaches 64T)", async () => {
    const r = await cli(["emit", "--format", "megatron", "--params", "300T", "--tpp", "1"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^lmplan: params: expected .*received 300000000000000/);
  });

  it("emit prints the plan's warnings: a 70B on 8 GPUs says it needs 134 GiB per GPU, and is refused without --allow-oom", async () => {
    const refused = await cli(["emit", "--format", "megatron", "--params", "70B", "--tpp", "20", "--gpus", "8"]);
    expect(refused.code).toBe(2);
    expect(refused.out).toBe("");
    // the least-memory layout of 8 GPUs (issue 14): model states alone are ≥ 70.05e9 × 16 B / 8 = 130.5 GiB per GPU
    expect(refused.err.trim()).toMatch(/^lmplan: memory: conflict: the plan needs \d+ GiB per GPU on TP8 · PP1 · CP1 · DP1 \(ZeRO-1\), .* and the NVIDIA H100 SXM 80GB has 74\.5 GiB: use more GPUs .*pass --allow-oom \(API: allowOom\) to write the config anyway$/);
    expect(Number(/needs (\d+) GiB/.exec(refused.err)?.[1])).toBeGreaterThan(130.5);
    const written = await cli(["emit", "--format", "megatron", "--params", "70B", "--tpp", "20", "--gpus", "8", "--allow-oom"]);
    expect(written.code).toBe(0);
    expect(written.out.startsWith("#!/usr/bin/env bash")).toBe(true);
    expect(written.err).toMatch(/^lmplan: warning: memory: no layout of these GPUs fits; the least memory found, \d+ GiB per GPU \(TP8\+SP · PP1 · DP1 \(ZeRO-1\) · micro-batch 1 × \d+ · recompute full\), exceeds the NVIDIA H100 SXM 80GB's 74\.5 GiB/m);
    // the efficiency is the cited table's row nearest 70B in bf16 (Megatron-LM's 462B, MFU 0.47), not one number
    expect(written.err).toMatch(/^lmplan: warning: compute efficiency u 0\.47 from NVIDIA\/Megatron-LM README\.md/m);
    // a plan that fits prints its warnings too, before the notes
    const ok = await cli(["emit", "--format", "torchtitan", "--params", "1B", "--tpp", "20"]);
    expect(ok.code).toBe(0);
    expect(ok.err.indexOf("lmplan: warning: ")).toBeGreaterThanOrEqual(0);
    expect(ok.err.indexOf("lmplan: warning: ")).toBeLessThan(ok.err.indexOf("lmplan: note: "));
  });

  it("emitPlan (the API path) returns the plan's warnings, and the same refusal and override", () => {
    const request = { params: "70B", tpp: 20, gpus: 8 };
    const refused = emitPlan({ format: "hf", request });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.issues[0]).toMatchObject({ code: "conflict", path: ["memory"] });
    const written = emitPlan({ format: "hf", request, allowOom: true });
    expect(written.ok).toBe(true);
    if (written.ok) {
      expect(written.value.warnings.map((w) => w.code)).toContain("memory");
      expect(written.value.fileName).toBe("training_args.json");
      expect(written.value.source).toMatch(/transformers/);
    }
    // re-split over enough GPUs, the saved plan fits and the stale memory warning is gone
    const saved = plan({ params: "70B", tpp: 20, gpus: 8 });
    // the layout search for 64 GPUs holds the plan's batch (TP 8 × PP 8 when dp must be 1)
    const resplit = emitPlan({ format: "hf", plan: JSON.parse(JSON.stringify(saved)), gpus: 64 });
    expect(resplit.ok).toBe(true);
    if (resplit.ok) expect(resplit.value.warnings.map((w) => w.code)).not.toContain("memory");
  });

  it("the GPU counts suggested in a re-split error are found in bounded time for any batch and GPU count", () => {
    // a hang would be caught by the test timeout (no wall-clock assertions in unit tests; the bench times things)
    expect(nearbyDivisors(1024, 48)).toEqual([8, 16, 32, 64]);
    expect(nearbyDivisors(2 ** 40, 1e300).length).toBe(4);
    expect(nearbyDivisors(999_999_999_989, 7)).toEqual([1, 999_999_999_989]); // a prime
    const p = plan({ params: "1.3B", tpp: 20, gpus: 64 });
    const r = resplitBatch(p, 1e300);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.expected).toMatch(/a whole number of GPUs ≥ 1 and ≤ 1e6/);
  });
});
