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
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, stagesText } from "./launch.js";
import { dataPhases, noMupNote, sig12, sig6 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, float, toYaml } from "./serialize.js";
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
    const doc = {
      general: { project: "lmplan", run: "lmplan", seed: 42 },
      parallelism: { dp, pp: 1, tp: 1, recompute_layer: plan.memory.recompute === "full" },
      model: {
        init_method: { std: float(initStd) },
        dtype: "bfloat16",
        make_vocab_size_divisible_by: 1,
        model_config: {
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
        },
      },
      tokenizer: { tokenizer_name_or_path: "${TOKENIZER}" },
      checkpoints: { checkpoints_path: "checkpoints/lmplan", checkpoint_interval: ckpt.steps, save_initial_state: false },
      optimizer: {
        optimizer_factory: { name: "adamW", adam_beta1: float(o.beta1.value), adam_beta2: float(o.beta2.value), adam_eps: float(o.eps.value), torch_adam_is_fused: true },
        zero_stage: Math.min(plan.memory.zeroStage, 1),
        weight_decay: float(sig12(o.weightDecay.value)),
        clip_grad: float(o.gradClip.value),
        accumulate_grad_in_fp32: true,
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
    if (plan.memory.zeroStage > 1) notes.push(`nanotron's zero_stage is 0 or 1; the plan's ZeRO-${plan.memory.zeroStage} memory estimate assumed more sharding — check memory, or add tensor parallelism (tp)`);
    const header = [`# lmplan emit --format nanotron: ${commentText(plan.title)}`, `# keys: ${this.source}`, `# tokens${firstStage ? " (this stage)" : ""} = train_steps × micro_batch_size × batch_accumulation_per_replica × dp × sequence_length = ${trainSteps} × ${b.microBatchSeqs.value} × ${b.gradAccumSteps.value} × ${dp} × ${b.seqLen.value} = ${trainSteps * b.microBatchSeqs.value * b.gradAccumSteps.value * dp * b.seqLen.value}${firstStage ? `; the whole run: ${b.tokensTrained.value} over ${T} steps` : ""}`, ...beforeYouLaunch(placeholders, checks), ""].join("\n");
    const deviation = compareSchedule(sp, (k) => nanotronLr(sched, k), o.hiddenLr.value);
    return { format: "nanotron", fileName: "config.yaml", text: `${header}${toYaml(doc)}`, notes, deviation, placeholders, unexpressed };
  },
};
