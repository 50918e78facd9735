/**
 * nanotron YAML. Keys from huggingface/nanotron @ 2411b022: src/nanotron/config/config.py (Config,
 * TokensArgs, OptimizerArgs, AdamWOptimizerArgs, LRSchedulerArgs, DatasetStageArgs, NanosetDatasetsArgs),
 * config/models_config.py (LlamaConfig, RandomInit, SpectralMupInit), config/parallelism_config.py; LR
 * from src/nanotron/helpers.py lr_scheduler_builder (a LambdaLR stepped once per optimizer step).
 * Traps handled: min_decay_lr defaults to the peak LR (no decay at all), so it is always written, and it
 * is absolute; nanotron's `use_mup` is spectral μP (Yang, Simon & Bernstein 2023: hidden LR × fan_out/fan_in,
 * src/nanotron/scaling/parametrization.py), not the Cerebras μP the plan's η and σ were transferred
 * under, so the plan is written in SP form with the hidden LR and the differences are listed. Its
 * StandardParametrizator (src/nanotron/scaling/parametrization.py) initialises column linears and the
 * embedding with init_method.std and row linears with std/√(2L), so the plan's hidden and output-projection
 * stds are reproduced and a μP embedding std is not (noted). nanotron reads YAML with PyYAML's SafeLoader
 * (YAML 1.1) into dacite (strict): floats are written with a decimal point (1.0e-8, clip_grad 1.0).
 */
import type { Plan } from "../plan/types.js";
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, notExpressedChecks, stagesText } from "./launch.js";
import type { Layout } from "../layout/types.js";
import { archView, dataPhases, layoutShapeNotes, layoutText, noMupNote, sig12, sig6 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, float, toYaml, type Literal } from "./serialize.js";
import type { EmitResult, Emitter, Placeholder } from "./types.js";

export interface NanotronSchedule {
  learningRate: number;
  warmupSteps: number;
  decayStyle: "linear" | "cosine" | "1-sqrt";
  decayStartingStep: number;
  decaySteps: number;
  minDecayLr: number;
}

// src/nanotron/helpers.py lr_scheduler_builder: lr_lambda(current_step) × initial_lr, linear warmup
export function nanotronLr(c: NanotronSchedule, step: number): number {
  const lr = c.learningRate;
  if (c.warmupSteps === 0 && c.decaySteps === 0) return lr;
  if (step <= c.warmupSteps) return (lr * step) / Math.max(c.warmupSteps, 1);
  if (step < c.decayStartingStep) return lr;
  if (step < c.decayStartingStep + c.decaySteps) {
    const x = (step - c.decayStartingStep) / c.decaySteps;
    const f = c.decayStyle === "cosine" ? (1 + Math.cos(Math.PI * x)) / 2 : c.decayStyle === "linear" ? 1 - x : 1 - Math.sqrt(x);
    return c.minDecayLr + (lr - c.minDecayLr) * f;
  }
  return c.minDecayLr;
}

/**
 * The layout as nanotron's ParallelismArgs (src/nanotron/config/parallelism_config.py @ 2411b022): dp, tp,
 * pp, context_parallel_size, expert_parallel_size; tp_mode REDUCE_SCATTER is sequence parallelism
 * (ALL_REDUCE without); pp_engine "1f1b" (the default is all-forward-all-backward, which holds every
 * micro-batch's activations); recompute_layer is full recompute of every layer. ParallelContext
 * (src/nanotron/parallel/context.py) asserts tp·pp·cp·dp = WORLD_SIZE and then reshapes the ranks as
 * ep × pp × dp × cp × tp, which only fits when ep = 1 (lmplan's reading: EP > 1 cannot start there).
 * No virtual pipeline stages, no selective recompute, no fp8, ZeRO 0 or 1 over all of dp.
 */
function nanotronParallelism(plan: Plan, l: Layout, notes: string[], unexpressed: string[]): Record<string, Literal> {
  const par: Record<string, Literal> = { dp: l.dp, pp: l.pp, tp: l.tp, recompute_layer: l.recompute === "full" };
  if (l.tp > 1) par.tp_mode = l.sequenceParallel ? "REDUCE_SCATTER" : "ALL_REDUCE";
  if (l.pp > 1) par.pp_engine = "1f1b";
  if (l.cp > 1) par.context_parallel_size = l.cp;
  if (l.ep > 1) {
    par.expert_parallel_size = l.ep;
    notes.push(`nanotron's ParallelContext asserts tp·pp·cp·dp = WORLD_SIZE and reshapes the ranks as ep × pp × dp × cp × tp (parallel/context.py): EP ${l.ep} does not fit that mesh at 2411b022 (lmplan's reading)`);
    unexpressed.push(`expert parallel ${l.ep} (nanotron's rank mesh)`);
  }
  const say = (what: string, note: string) => {
    notes.push(note);
    unexpressed.push(what);
  };
  if (l.vpp > 1) say(`${l.vpp} virtual pipeline stages`, "nanotron has no interleaved (virtual) pipeline stages: its engines are 1f1b and afab");
  if (l.recompute === "selective") say("selective recompute", "nanotron recomputes whole layers (recompute_layer) or nothing: selective recompute cannot be chosen");
  if (l.recompute === "full" && l.recomputeLayers !== undefined) say(`full recompute of ${l.recomputeLayers} layers per stage`, "nanotron's recompute_layer recomputes every layer");
  if (l.precision === "fp8") say("fp8 matmuls", "nanotron's config has no fp8 training switch (model.dtype is the parameter dtype): fp8 is not written");
  if (l.zeroStage === 1 && l.dpShard < l.dp) say(`ZeRO-1 over ${l.dpShard} of ${l.dp} ranks`, "nanotron's ZeRO-1 shards over all data-parallel ranks");
  for (const n of layoutShapeNotes(l, archView(plan))) say(n, `${n}: nanotron refuses or splits unevenly`);
  notes.push(`layout: ${layoutText(l)}`);
  return par;
}

/**
 * Architecture keys beyond the dense Llama block (config/models_config.py @ 2411b022): rope_theta and
 * attention_bias (LlamaConfig); an MoE is a Qwen2Config (is_qwen2_config, the key dacite picks it by) with
 * moe_config {num_experts, top_k, moe_intermediate_size, shared_expert_intermediate_size,
 * enable_shared_expert, layers}. GQA is num_key_value_heads (written above).
 */
function architectureKeys(plan: Plan, mc: Record<string, Literal>, notes: string[], unexpressed: string[]): void {
  const a = archView(plan);
  if (a.ropeTheta !== undefined && a.position === "rope") mc.rope_theta = float(a.ropeTheta);
  if (a.qkvBias) mc.attention_bias = true;
  if (a.explicitHeadDim) {
    notes.push(`nanotron's Llama derives the head dim as hidden_size / num_attention_heads: the plan's ${a.headDim} cannot be written`);
    unexpressed.push(`head dim ${a.headDim}`);
  }
  if (a.norm !== "rmsnorm") {
    notes.push("nanotron's Llama normalises with RMSNorm: the plan's LayerNorm needs a model change");
    unexpressed.push("LayerNorm (nanotron's Llama is RMSNorm)");
  }
  if (a.mla) {
    notes.push("nanotron has no multi-latent attention");
    unexpressed.push("multi-latent attention");
  }
  if (a.moe) {
    const m = a.moe;
    delete mc.is_llama_config;
    mc.is_qwen2_config = true;
    mc.moe_config = {
      num_experts: m.numExperts,
      top_k: m.topK,
      moe_intermediate_size: m.dFfExpert,
      shared_expert_intermediate_size: m.numSharedExperts * m.dFfExpert || m.dFfExpert,
      enable_shared_expert: m.numSharedExperts > 0,
      layers: Array.from({ length: a.numLayers - m.firstDenseLayers }, (_, i) => i + m.firstDenseLayers),
    };
    if (m.capacityFactor !== undefined) {
      notes.push("nanotron's MoE has no capacity factor (tokens are not dropped)");
      unexpressed.push(`MoE capacity factor ${m.capacityFactor}`);
    }
  }
}

export const nanotron: Emitter = {
  id: "nanotron",
  title: "nanotron (YAML)",
  source: "huggingface/nanotron @ 2411b022: src/nanotron/config/{config,models_config,parallelism_config}.py, src/nanotron/helpers.py lr_scheduler_builder",
  emit(plan: Plan): EmitResult {
    const notes: string[] = [];
    const sp = plan.schedule.spec;
    const o = plan.optimizer;
    const s = plan.model.spec;
    const b = plan.batch;
    const lr = sig12(o.hiddenLr.value);
    const T = sp.totalSteps;
    const decaySteps = sp.kind === "wsd" || sp.kind === "power" ? Math.round((sp.decayFraction ?? 0) * T) : sp.kind === "constant" ? 0 : T - sp.warmupSteps;
    const shape = sp.kind === "wsd" || sp.kind === "power" ? (sp.decayShape ?? "linear") : sp.kind === "cosine" ? "cosine" : "linear";
    const sched: NanotronSchedule = {
      learningRate: lr,
      warmupSteps: sp.warmupSteps,
      decayStyle: shape === "cosine" ? "cosine" : shape === "1-sqrt" ? "1-sqrt" : "linear",
      decayStartingStep: T - decaySteps,
      decaySteps,
      // constant: the floor is the peak (nanotron's own default), otherwise written explicitly
      minDecayLr: sp.kind === "constant" ? lr : sig12(sp.minLrRatio * lr),
    };
    if (shape === "exponential") notes.push("nanotron has no exponential decay (linear, cosine, 1-sqrt); linear is written (deviation below)");
    if (sp.kind === "power") notes.push("nanotron cannot express the Power Scheduler's plateau; a constant plateau is written (deviation below)");
    const unexpressed: string[] = [];
    const p = o.parameterization;
    const mupNote = noMupNote(plan, "nanotron", "has spectral μP (use_mup), not the Cerebras μP this plan transfers under");
    if (mupNote) {
      notes.push(mupNote);
      unexpressed.push(`${p.kind === "completep" ? "CompleteP" : "μP"} per-group LRs and multipliers (nanotron's use_mup is spectral μP)`);
    }
    const initStd = sig12(p.hidden.initStd ?? 0.02);
    const embStd = p.embedding.initStd ?? initStd;
    if (Math.abs(embStd - initStd) > 1e-12 * Math.max(embStd, initStd)) {
      notes.push(`nanotron initialises the embedding with init_method.std (parametrization.py StandardParametrizator._parametrize_embedding): ${initStd}, not the plan's ${sig12(embStd)}${s.tiedEmbeddings ? " (tied with the LM head)" : ""}; hidden (${initStd}) and output projections (${initStd} / √(2·${s.numLayers}) = ${sig12(initStd / Math.sqrt(2 * s.numLayers))}) are the plan's`);
      unexpressed.push(`embedding init std ${sig12(embStd)} (nanotron uses init_method.std ${initStd} for every column linear and the embedding)`);
    }
    if (s.position !== "rope") {
      notes.push(`nanotron's Llama uses RoPE; the plan's ${s.position} positions need a model change`);
      unexpressed.push(`${s.position} positions (nanotron's Llama uses RoPE)`);
    }
    if (s.ffnType !== "swiglu") {
      notes.push("nanotron's Llama MLP is gated (SwiGLU); the plan's GeLU MLP needs a model change");
      unexpressed.push("GeLU MLP (nanotron's Llama MLP is gated)");
    }
    const phases = dataPhases(plan);
    const dataStage = (name: string, start: number, weights: [string, number][] | undefined) => ({
      name,
      start_training_step: start,
      data: {
        dataset: weights ? { dataset_folder: weights.map(([src]) => `\${DATA_DIR}/${src}`), dataset_weights: weights.map(([, w]) => sig6(w)) } : { dataset_folder: "${DATA_DIR}" },
        seed: 42,
        num_loading_workers: 1,
      },
    });
    // nanotron counts training steps from 1: a stage starting after k updates has start_training_step k + 1
    const stages = phases.length > 0 ? phases.map((ph) => dataStage(ph.name === "main" ? "Main mixture" : "End-of-training upsampling", ph.startStep + 1, ph.weights)) : [dataStage("Stable Training Stage", 1, undefined)];
    if (phases.length > 1) notes.push(`the end-of-training mixture is a second data stage from training step ${(phases[1]?.startStep ?? 0) + 1} (nanotron switches data stages within a run)`);
    if (plan.context && plan.context.stages.length > 1) notes.push(`context stages change the batch in sequences, which a nanotron data stage cannot: run them as resumed runs with ${plan.context.stages.map((x) => `sequence_length ${x.seqLen} × ${x.batchSeqs} sequences`).join(", then ")}; this file is the first stage`);
    // context stages: this run stops where the first ends; the LR schedule is in absolute steps (lr_decay_steps and
    // lr_decay_starting_step written), so it does not move with train_steps
    const ctx = contextStages(plan);
    const firstStage = ctx[0];
    const trainSteps = firstStage ? firstStage.steps : T;
    if (firstStage) notes.push(`tokens.train_steps is ${trainSteps}, where the first stage ends; the LR schedule is written in absolute steps, so each later stage (${stagesText(ctx)}) resumes (checkpoints.resume_checkpoint_path) with the same learning_rate_scheduler, its own sequence_length, micro_batch_size and batch_accumulation_per_replica, and train_steps at its last step`);
    const ckpt = checkpointInterval(plan);
    const placeholders: Placeholder[] = [
      { token: "${DATA_DIR}", key: "data_stages[].data.dataset.dataset_folder", what: "the tokenized (datatrove) dataset folders; nanotron reads the path literally, so substitute it (e.g. envsubst)" },
      { token: "${TOKENIZER}", key: "tokenizer.tokenizer_name_or_path", what: `a Hugging Face tokenizer with the plan's ${s.vocabSize}-token vocabulary` },
    ];
    const checks = [`checkpoints every ${ckpt.steps} steps (${ckpt.why}) in checkpoints/lmplan; after a failure set checkpoints.resume_checkpoint_path to it`];
    notes.push(launchNote(placeholders, checks));
    const dp = b.dataParallel.value;
    const layout = plan.layout;
    const modelConfig: Record<string, Literal> = {
      is_llama_config: true,
      hidden_size: s.dModel,
      intermediate_size: s.dFf,
      num_hidden_layers: s.numLayers,
      num_attention_heads: s.numHeads,
      num_key_value_heads: s.numKvHeads ?? s.numHeads,
      max_position_embeddings: b.seqLen.value,
      vocab_size: s.vocabSize,
      tie_word_embeddings: s.tiedEmbeddings,
      hidden_act: "silu",
    };
    const u0 = unexpressed.length;
    architectureKeys(plan, modelConfig, notes, unexpressed);
    const doc = {
      general: { project: "lmplan", run: "lmplan", seed: 42 },
      parallelism: (layout ? nanotronParallelism(plan, layout, notes, unexpressed) : { dp, pp: 1, tp: 1, recompute_layer: plan.memory.recompute === "full" }) as Record<string, Literal>,
      model: {
        init_method: { std: float(initStd) },
        dtype: "bfloat16",
        make_vocab_size_divisible_by: 1,
        model_config: modelConfig,
      },
      tokenizer: { tokenizer_name_or_path: "${TOKENIZER}" },
      checkpoints: { checkpoints_path: "checkpoints/lmplan", checkpoint_interval: ckpt.steps, save_initial_state: false },
      optimizer: {
        optimizer_factory: { name: "adamW", adam_beta1: float(o.beta1.value), adam_beta2: float(o.beta2.value), adam_eps: float(o.eps.value), torch_adam_is_fused: true },
        zero_stage: Math.min(layout ? layout.zeroStage : plan.memory.zeroStage, 1),
        weight_decay: float(sig12(o.weightDecay.value)),
        clip_grad: float(o.gradClip.value),
        accumulate_grad_in_fp32: layout ? layout.mainGrads === "fp32" : true,
        learning_rate_scheduler: {
          learning_rate: float(lr),
          lr_warmup_steps: sched.warmupSteps,
          lr_warmup_style: "linear",
          lr_decay_style: sched.decayStyle,
          lr_decay_starting_step: sched.decayStartingStep,
          lr_decay_steps: sched.decaySteps,
          // absolute, and it defaults to learning_rate (no decay) when left out
          min_decay_lr: float(sched.minDecayLr),
        },
      },
      tokens: { sequence_length: b.seqLen.value, train_steps: trainSteps, micro_batch_size: b.microBatchSeqs.value, batch_accumulation_per_replica: b.gradAccumSteps.value },
      data_stages: stages,
    };
    if ((layout ? layout.zeroStage : plan.memory.zeroStage) > 1) {
      if (layout) unexpressed.push(`ZeRO-${layout.zeroStage} (nanotron's zero_stage is 0 or 1)`);
      notes.push(`nanotron's zero_stage is 0 or 1; the plan's ZeRO-${plan.memory.zeroStage} memory estimate assumed more sharding — check memory, or add tensor parallelism (tp)`);
    }
    checks.push(...notExpressedChecks(unexpressed.slice(u0)));
    const header = [`# lmplan emit --format nanotron: ${commentText(plan.title)}`, `# keys: ${this.source}`, `# tokens${firstStage ? " (this stage)" : ""} = train_steps × micro_batch_size × batch_accumulation_per_replica × dp × sequence_length = ${trainSteps} × ${b.microBatchSeqs.value} × ${b.gradAccumSteps.value} × ${dp} × ${b.seqLen.value} = ${trainSteps * b.microBatchSeqs.value * b.gradAccumSteps.value * dp * b.seqLen.value}${firstStage ? `; the whole run: ${b.tokensTrained.value} over ${T} steps` : ""}`, ...beforeYouLaunch(placeholders, checks), ""].join("\n");
    const deviation = compareSchedule(sp, (k) => nanotronLr(sched, k), o.hiddenLr.value);
    return { format: "nanotron", fileName: "config.yaml", text: `${header}${toYaml(doc)}`, notes, deviation, placeholders, unexpressed };
  },
};
