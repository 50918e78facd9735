/**
 * Hugging Face Trainer: TrainingArguments as JSON (for HfArgumentParser.parse_json_file). Keys from
 * huggingface/transformers @ 00349ae8 src/transformers/training_args.py; LR formulas from
 * huggingface/transformers @ 005edacb src/transformers/optimization.py (the lambdas behind "linear",
 * "polynomial", "cosine", "cosine_with_min_lr", "constant_with_warmup", "warmup_stable_decay").
 * Traps handled: warmup_steps below 1 is read as a ratio of training steps, so the integer step count is
 * written; "linear" and "cosine" decay to zero, so a non-zero floor uses "polynomial" (lr_end absolute) or
 * "cosine_with_min_lr" (min_lr_rate relative); warmup_stable_decay also lifts the warmup's start to
 * min_lr_ratio (measured below). The Trainer saves every 500 steps by default; save_steps is written for
 * ≈ hourly checkpoints. TrainingArguments carry no dataset, tokenizer or model, and JSON no comments: the
 * "before you launch" list and the context stages (resumed runs) are notes only.
 */
import type { Plan } from "../plan/types.js";
import { checkpointInterval, contextStages, launchNote, stagesText } from "./launch.js";
import type { Layout } from "../layout/types.js";
import { archView, dataPhases, layoutShapeNotes, layoutText, noMupNote, sig12, sig6 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import type { EmitResult, Emitter } from "./types.js";

export type HfScheduler =
  | { type: "linear" }
  | { type: "cosine" }
  | { type: "constant_with_warmup" }
  | { type: "polynomial"; lrEnd: number; power: number }
  | { type: "cosine_with_min_lr"; minLrRate: number }
  | { type: "warmup_stable_decay"; numDecaySteps: number; decayType: "linear" | "cosine" | "1-sqrt"; minLrRatio: number };

/** The Trainer's default num_cycles: half a cosine wave, peak to floor. */
const NUM_CYCLES = 0.5;

// transformers optimization.py: the LambdaLR factor for scheduler step s (the Trainer steps the scheduler
// once per optimizer step, so update s uses factor(s)).
export function hfFactor(sch: HfScheduler, lr: number, W: number, T: number, s: number): number {
  const warm = s / Math.max(1, W);
  switch (sch.type) {
    case "linear":
      return s < W ? warm : Math.max(0, (T - s) / Math.max(1, T - W));
    case "cosine":
    case "cosine_with_min_lr": {
      if (s < W) return warm;
      const m = sch.type === "cosine" ? 0 : sch.minLrRate;
      const progress = (s - W) / Math.max(1, T - W);
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * NUM_CYCLES * 2 * progress)) * (1 - m) + m);
    }
    case "constant_with_warmup":
      return s < W ? warm : 1;
    case "polynomial": {
      if (s < W) return warm;
      if (s > T) return sch.lrEnd / lr;
      const pct = 1 - (s - W) / (T - W);
      return ((lr - sch.lrEnd) * pct ** sch.power + sch.lrEnd) / lr;
    }
    case "warmup_stable_decay": {
      const m = sch.minLrRatio;
      const stable = T - W - sch.numDecaySteps;
      if (s < W) return Math.max(0, warm * (1 - m) + m);
      if (s < W + stable) return 1;
      if (s < W + stable + sch.numDecaySteps) {
        const p = (s - W - stable) / Math.max(1, sch.numDecaySteps);
        const f = sch.decayType === "linear" ? 1 - p : sch.decayType === "cosine" ? 0.5 * (1 + Math.cos(Math.PI * NUM_CYCLES * 2 * p)) : 1 - Math.sqrt(p);
        return Math.max(0, f * (1 - m) + m);
      }
      return m;
    }
  }
}

/**
 * The layout as TrainingArguments (src/transformers/trainer_utils.py FSDPOption: full_shard, shard_grad_op,
 * no_shard, hybrid_shard, hybrid_shard_zero2, offload, auto_wrap — read in the search index's copy of
 * huggingface/transformers, commit not pinned: the repository is too large to fetch here, unverified at
 * 00349ae8). ZeRO-3 is `full_shard auto_wrap`, ZeRO-2 `shard_grad_op auto_wrap`, HSDP the hybrid forms —
 * PyTorch FSDP's HYBRID_SHARD without a process group shards within a node and replicates across nodes
 * (torch/distributed/fsdp/_init_utils.py, lmplan's reading), so HSDP over other than a node's GPUs is
 * noted. ZeRO-1 has no FSDP form: a DeepSpeed config dict (`deepspeed`, zero_optimization.stage 1, with the
 * Trainer's "auto" values, transformers integrations/deepspeed.py; DeepSpeed's config keys, secondary).
 * Full recompute is gradient_checkpointing. The Trainer has no tensor, pipeline, context or expert
 * parallelism and no fp8 switch in TrainingArguments: those are noted.
 */
function hfLayout(plan: Plan, l: Layout, notes: string[], unexpressed: string[]): Record<string, unknown> {
  const say = (what: string, note: string) => {
    notes.push(note);
    unexpressed.push(what);
  };
  const out: Record<string, unknown> = { gradient_checkpointing: l.recompute === "full" };
  const hybrid = l.dpShard < l.dp;
  if (l.zeroStage >= 2) {
    out.fsdp = `${l.zeroStage === 3 ? (hybrid ? "hybrid_shard" : "full_shard") : hybrid ? "hybrid_shard_zero2" : "shard_grad_op"} auto_wrap`;
    const perNode = Math.min(8, l.dp);
    if (hybrid && l.dpShard !== perNode) say(`HSDP over ${l.dpShard} ranks (FSDP's hybrid shards within a node of ${perNode})`, `FSDP's hybrid sharding shards within a node (${perNode} GPUs here) and replicates across nodes: the plan's ${l.dpShard}-rank shard group cannot be set in TrainingArguments`);
  }
  if (l.zeroStage === 1) {
    out.deepspeed = { zero_optimization: { stage: 1 }, bf16: { enabled: "auto" }, train_micro_batch_size_per_gpu: "auto", gradient_accumulation_steps: "auto", gradient_clipping: "auto" };
    if (hybrid) say(`ZeRO-1 over ${l.dpShard} of ${l.dp} ranks`, "DeepSpeed's ZeRO-1 here shards over all data-parallel ranks");
  }
  if (l.recompute === "selective") say("selective recompute", "the Trainer's gradient_checkpointing recomputes whole layers: selective recompute is not written");
  if (l.recompute === "full" && l.recomputeLayers !== undefined) say(`full recompute of ${l.recomputeLayers} layers`, "gradient_checkpointing recomputes every layer");
  if (l.tp > 1) say(`tensor parallel ${l.tp}`, `TrainingArguments have no tensor parallelism: the plan's TP ${l.tp} is not written`);
  if (l.pp > 1) say(`pipeline parallel ${l.pp}`, "TrainingArguments have no pipeline parallelism");
  if (l.cp > 1) say(`context parallel ${l.cp}`, "TrainingArguments have no context parallelism");
  if (l.ep > 1) say(`expert parallel ${l.ep}`, "TrainingArguments have no expert parallelism");
  if (l.precision === "fp8") say("fp8 matmuls", "TrainingArguments have no fp8 switch (an accelerate config with mixed_precision fp8 would be needed)");
  for (const n of layoutShapeNotes(l, archView(plan))) say(n, n);
  notes.push(`layout: ${layoutText(l)}; launch on ${l.dp} processes`);
  return out;
}

/**
 * The model as a transformers config.json: LlamaConfig fields for a dense model, MixtralConfig's
 * (num_local_experts, num_experts_per_tok) for an MoE — field names from transformers'
 * configuration_llama.py / configuration_mixtral.py, not read at a pinned commit (unverified).
 */
function hfModelConfig(plan: Plan, notes: string[]): Record<string, unknown> | undefined {
  const a = archView(plan);
  const cannot: string[] = [];
  const cfg: Record<string, unknown> = {
    model_type: a.moe ? "mixtral" : "llama",
    architectures: [a.moe ? "MixtralForCausalLM" : "LlamaForCausalLM"],
    hidden_size: a.dModel,
    intermediate_size: a.moe ? a.moe.dFfExpert : a.dFf,
    num_hidden_layers: a.numLayers,
    num_attention_heads: a.numHeads,
    num_key_value_heads: a.kvHeads,
    head_dim: a.headDim,
    vocab_size: a.vocabSize,
    max_position_embeddings: plan.batch.seqLen.value,
    rope_theta: a.ropeTheta ?? 10000,
    tie_word_embeddings: a.tiedEmbeddings,
    hidden_act: "silu",
    ...(a.moe ? {} : { attention_bias: a.qkvBias || a.bias, mlp_bias: a.bias }),
    torch_dtype: "bfloat16",
  };
  if (a.moe) {
    cfg.num_local_experts = a.moe.numExperts;
    cfg.num_experts_per_tok = a.moe.topK;
    if (a.moe.numSharedExperts > 0 || a.moe.firstDenseLayers > 0) cannot.push("shared experts or leading dense layers (a DeepSeek/Qwen-MoE class)");
  }
  if (a.ffnType !== "swiglu") cannot.push(`a ${a.ffnType} FFN (Llama's is gated SiLU)`);
  if (a.position !== "rope") cannot.push(`${a.position} positions (Llama's are RoPE)`);
  if (a.norm !== "rmsnorm") cannot.push("LayerNorm (Llama's is RMSNorm)");
  if (a.mla) cannot.push("multi-latent attention (a DeepSeek-V2/V3 class)");
  if (cannot.length > 0) {
    notes.push(`no config.json is written: a ${a.moe ? "Mixtral" : "Llama"} config cannot hold ${cannot.join(", ")}`);
    return undefined;
  }
  notes.push(`config.json (written beside the arguments) is the model as a ${a.moe ? "MixtralConfig" : "LlamaConfig"}: ${a.moe ? "MixtralForCausalLM" : "LlamaForCausalLM"}.from_config / AutoConfig.from_pretrained on its folder`);
  return cfg;
}

export const hf: Emitter = {
  id: "hf",
  title: "Hugging Face Trainer (TrainingArguments JSON)",
  source: "huggingface/transformers @ 00349ae8 (training_args.py) and @ 005edacb (optimization.py)",
  emit(plan: Plan): EmitResult {
    const notes: string[] = [];
    const sp = plan.schedule.spec;
    const o = plan.optimizer;
    const lr = sig12(o.hiddenLr.value);
    const m = sp.minLrRatio;
    let sch: HfScheduler;
    if (sp.kind === "linear") sch = m === 0 ? { type: "linear" } : { type: "polynomial", lrEnd: sig12(m * lr), power: 1 };
    else if (sp.kind === "cosine") sch = m === 0 ? { type: "cosine" } : { type: "cosine_with_min_lr", minLrRate: m };
    else if (sp.kind === "constant") sch = { type: "constant_with_warmup" };
    else {
      const shape = sp.decayShape ?? "linear";
      sch = { type: "warmup_stable_decay", numDecaySteps: Math.round((sp.decayFraction ?? 0) * sp.totalSteps), decayType: shape === "cosine" ? "cosine" : shape === "1-sqrt" ? "1-sqrt" : "linear", minLrRatio: m };
      if (shape === "exponential") notes.push("the Trainer's warmup_stable_decay has no exponential decay; linear is written (deviation below)");
      if (sp.kind === "power") notes.push("the Trainer cannot express the Power Scheduler's plateau; warmup_stable_decay is written (deviation below)");
      if (m > 0) notes.push(`warmup_stable_decay starts its warmup at min_lr_ratio × peak (${m}), not at 0 (optimization.py _get_wsd_scheduler_lambda)`);
    }
    const kwargs =
      sch.type === "polynomial" ? { lr_end: sch.lrEnd, power: sch.power } : sch.type === "cosine_with_min_lr" ? { min_lr_rate: sch.minLrRate } : sch.type === "warmup_stable_decay" ? { num_decay_steps: sch.numDecaySteps, decay_type: sch.decayType, min_lr_ratio: sch.minLrRatio } : undefined;
    const unexpressed: string[] = [];
    const mupNote = noMupNote(plan, "The Hugging Face Trainer");
    if (mupNote) {
      notes.push(mupNote);
      unexpressed.push(`${o.parameterization.kind === "completep" ? "CompleteP" : "μP"} per-group LRs, init and multipliers (the Trainer has one LR)`);
    }
    const s = plan.model.spec;
    notes.push(`TrainingArguments carry no architecture: build the model with d_model ${s.dModel}, ${s.numLayers} layers, ${s.numHeads} heads (${s.numKvHeads ?? s.numHeads} KV), d_ff ${s.dFf} (${s.ffnType}), vocab ${s.vocabSize}, ${s.position} positions${s.tiedEmbeddings ? ", tied embeddings" : ""} (e.g. a LlamaConfig)`);
    const dp = plan.batch.dataParallel.value;
    notes.push(`launch on ${dp} processes (torchrun/accelerate): the global batch is per_device_train_batch_size × gradient_accumulation_steps × world size = ${plan.batch.microBatchSeqs.value} × ${plan.batch.gradAccumSteps.value} × ${dp}; pack the dataset into ${plan.batch.seqLen.value}-token sequences`);
    const [main, fin] = dataPhases(plan);
    if (main) {
      notes.push(`the Trainer takes one dataset: build the mixture with datasets.interleave_datasets(probabilities=…) — ${main.weights.map(([k, w]) => `${k} ${sig6(w)}`).join(", ")}${fin ? `; from step ${fin.startStep}: ${fin.weights.map(([k, w]) => `${k} ${sig6(w)}`).join(", ")}` : ""}`);
      unexpressed.push("the data mixture (the Trainer takes one dataset)");
    }
    const stages = contextStages(plan);
    if (stages.length > 0) {
      const later = stages.slice(1).map((st) => `from step ${st.startStep}: ${st.seqLen}-token sequences, per_device_train_batch_size ${st.microBatchSeqs}, gradient_accumulation_steps ${st.batchSeqs / dp / st.microBatchSeqs}`);
      notes.push(`context stages are resumed runs on one LR schedule (keep max_steps ${sp.totalSteps}): ${stagesText(stages)}; this file is the first — stop it at step ${stages[1]?.startStep} (a TrainerCallback setting control.should_save and control.should_training_stop at that global_step), then resume_from_checkpoint — ${later.join("; then ")}`);
    }
    const ckpt = checkpointInterval(plan);
    notes.push(launchNote([], [
      `TrainingArguments hold no dataset, tokenizer or model: your train.py loads them (${s.vocabSize}-token tokenizer, ${plan.batch.seqLen.value}-token packed sequences)`,
      `checkpoints every ${ckpt.steps} steps (${ckpt.why}) in output_dir lmplan-run; resume with trainer.train(resume_from_checkpoint=True)`,
      "JSON has no comments, so this list is printed here only",
    ]));
    const args = {
      output_dir: "lmplan-run",
      max_steps: plan.batch.steps.value,
      per_device_train_batch_size: plan.batch.microBatchSeqs.value,
      gradient_accumulation_steps: plan.batch.gradAccumSteps.value,
      learning_rate: lr,
      lr_scheduler_type: sch.type,
      ...(kwargs ? { lr_scheduler_kwargs: kwargs } : {}),
      // an integer: a float below 1 would be read as a ratio of max_steps
      warmup_steps: sp.warmupSteps,
      weight_decay: sig12(o.weightDecay.value),
      adam_beta1: o.beta1.value,
      adam_beta2: o.beta2.value,
      adam_epsilon: o.eps.value,
      max_grad_norm: o.gradClip.value,
      optim: "adamw_torch",
      bf16: true,
      gradient_checkpointing: plan.memory.recompute === "full",
      save_strategy: "steps",
      save_steps: ckpt.steps,
      ...(plan.layout ? hfLayout(plan, plan.layout, notes, unexpressed) : {}),
    };
    const modelConfig = hfModelConfig(plan, notes);
    const deviation = compareSchedule(sp, (step) => lr * hfFactor(sch, lr, sp.warmupSteps, sp.totalSteps, step), o.hiddenLr.value);
    return { format: "hf", fileName: "training_args.json", text: `${JSON.stringify(args, null, 2)}\n`, notes, deviation, placeholders: [], unexpressed, ...(modelConfig ? { extraFiles: [{ fileName: "config.json", text: `${JSON.stringify(modelConfig, null, 2)}\n` }] } : {}) };
  },
};
