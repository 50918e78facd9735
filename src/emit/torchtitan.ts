/**
 * TorchTitan v0.2.x TOML (pytorch/torchtitan @ v0.2.2 = 73a0e699, torchtitan/config/job_config.py for
 * the keys; torchtitan/components/lr_scheduler.py linear_warmup_stable_decay for the LR). TorchTitan
 * main moved to Python config functions (2026-02); this writes the v0.2.x TOML.
 * Traps handled: the decay length is Python's round(total × decay_ratio), halves to even (660.5 → 660),
 * so a ratio whose product is a half is written as decay_steps / total; training.dataset defaults to
 * c4_test and model.hf_assets_path to the test tokenizer, so both are written; checkpointing is off
 * by default, so it is enabled; context stages are resumed runs over one LR schedule
 * (lr_scheduler.total_steps = the whole run, training.steps = where this stage stops).
 */
import type { Plan } from "../plan/types.js";
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, notExpressedChecks, pyRound, stagesText } from "./launch.js";
import type { Layout } from "../layout/types.js";
import { archView, dataPhases, layoutShapeNotes, layoutText, sig6 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, shellQuote, toToml } from "./serialize.js";
import type { EmitResult, Emitter, Placeholder } from "./types.js";

export interface TorchTitanSchedule {
  warmupSteps: number;
  /** lr_scheduler.total_steps, or training.steps when that is not set. */
  totalSteps: number;
  decayRatio: number | null;
  decayType: "linear" | "sqrt" | "cosine";
  minLrFactor: number;
}

// torchtitan/components/lr_scheduler.py @ v0.2.2: the factor applied to optimizer.lr at scheduler step s
export function torchtitanFactor(c: TorchTitanSchedule, step: number): number {
  const warmup = Math.min(c.warmupSteps, c.totalSteps);
  // decay_steps = round(total_steps * decay_ratio): Python's round, half to even
  let decaySteps = c.decayRatio !== null ? pyRound(c.totalSteps * c.decayRatio) : c.totalSteps - warmup;
  if (warmup + decaySteps > c.totalSteps) decaySteps = c.totalSteps - warmup;
  const stable = c.totalSteps + 1 - warmup - decaySteps;
  let s = step;
  if (s < warmup) return (s + 1) / warmup; // 0-indexed step, hence + 1
  if (s < warmup + stable) return 1;
  s += 1;
  const progress = (s - (warmup + stable)) / decaySteps;
  const f = c.decayType === "linear" ? 1 - progress : c.decayType === "sqrt" ? 1 - Math.sqrt(progress) : 0.5 * (1 + Math.cos(Math.PI * progress));
  return c.minLrFactor + (1 - c.minLrFactor) * f;
}

interface TorchTitanLayout {
  parallelism: Record<string, string | number | boolean>;
  activationCheckpoint: Record<string, string | number | boolean>;
  localBatch: number;
  float8: boolean;
}

/**
 * The layout as TorchTitan v0.2.2 keys (torchtitan/config/job_config.py Parallelism, ActivationCheckpoint,
 * Quantize; torchtitan/distributed/pipeline_parallel.py). FSDP2 is ZeRO-3 over data_parallel_shard_degree
 * ranks, replicated data_parallel_replicate_degree times (HSDP); fsdp_reshard_after_forward "never" keeps
 * the weights gathered between forward and backward (ZeRO-2's memory). TorchTitan's TP shards norms and
 * dropout over the sequence too (llama3/infra/parallelize.py uses SequenceParallel): TP is always TP+SP.
 * With PP, training.local_batch_size is the per-DP-rank step batch, split into local_batch_size /
 * pipeline_parallel_microbatch_size microbatches (pipeline_parallel.py); interleaving is a looped schedule
 * (Interleaved1F1B) whose stage count is ceil((layers + first_less + last_less) / layers_per_stage),
 * so the two "less layers" weights are written 0 and layers_per_stage = layers / (pp·vpp). Activation
 * checkpointing defaults to "selective" (mode), so it is always written. Float8 is the
 * "quantize.linear.float8" converter (components/quantization/float8.py) with the tensorwise recipe.
 * Gradients are reduced in float32 (mixed_precision_reduce has no other value).
 */
function torchtitanLayout(plan: Plan, l: Layout, notes: string[], unexpressed: string[]): TorchTitanLayout {
  const a = archView(plan);
  const par: Record<string, string | number | boolean> = {};
  if (l.zeroStage === 0) {
    par.data_parallel_replicate_degree = l.dp;
    par.data_parallel_shard_degree = 1;
  } else {
    if (l.zeroStage === 1) {
      notes.push("TorchTitan has no ZeRO-1 (FSDP2 shards weights and gradients with the optimizer states): ZeRO-2 (fsdp_reshard_after_forward = \"never\") is written, which uses less memory than planned");
      unexpressed.push("ZeRO-1 (TorchTitan's FSDP2 shards gradients too)");
    }
    par.data_parallel_replicate_degree = l.dp / l.dpShard;
    par.data_parallel_shard_degree = l.dpShard;
    if (l.zeroStage <= 2) par.fsdp_reshard_after_forward = "never";
  }
  par.tensor_parallel_degree = l.tp;
  if (l.tp > 1 && !l.sequenceParallel) {
    notes.push("TorchTitan's tensor parallelism always shards norms over the sequence (SequenceParallel): the plan's TP without SP is run as TP + SP, which holds fewer activations than planned");
    unexpressed.push("TP without sequence parallelism");
  }
  par.pipeline_parallel_degree = l.pp;
  let localBatch = l.microBatch;
  if (l.pp > 1) {
    par.pipeline_parallel_schedule = l.vpp > 1 ? "Interleaved1F1B" : "1F1B";
    par.pipeline_parallel_microbatch_size = l.microBatch;
    localBatch = l.microBatch * l.gradAccum;
    if (l.vpp > 1) {
      par.pipeline_parallel_layers_per_stage = a.numLayers / (l.pp * l.vpp);
      par.pipeline_parallel_first_stage_less_layers = 0;
      par.pipeline_parallel_last_stage_less_layers = 0;
    }
  } else if (l.vpp > 1) {
    notes.push(`virtual pipeline stages (${l.vpp}) need pipeline parallelism; not written`);
    unexpressed.push(`${l.vpp} virtual stages at PP 1`);
  }
  par.context_parallel_degree = l.cp;
  par.expert_parallel_degree = l.ep;
  const ac: Record<string, string | number | boolean> = { mode: l.recompute };
  if (l.recompute === "selective") {
    ac.selective_ac_option = "op";
    notes.push("selective recompute is TorchTitan's per-op policy (selective_ac_option \"op\": keeps matmul and attention outputs, recomputes the rest), not exactly Korthikanti et al.'s attention-core recompute the plan's memory assumes");
  }
  if (l.recompute === "full" && l.recomputeLayers !== undefined) {
    notes.push(`TorchTitan's full recompute checkpoints every layer; the plan's ${l.recomputeLayers} recomputed layers per stage cannot be chosen (selective_ac_option "N" checkpoints every N-th layer)`);
    unexpressed.push(`full recompute of ${l.recomputeLayers} layers per stage`);
  }
  if (l.mainGrads === "bf16") {
    notes.push("TorchTitan reduces gradients in float32 (training.mixed_precision_reduce has no other value): the plan's bf16 gradients are not expressible");
    unexpressed.push("bf16 gradient reduction");
  }
  for (const n of layoutShapeNotes(l, a)) {
    notes.push(`${n}: TorchTitan refuses or splits unevenly`);
    unexpressed.push(n);
  }
  notes.push(`layout: ${layoutText(l)}`);
  return { parallelism: par, activationCheckpoint: ac, localBatch, float8: l.precision === "fp8" };
}

/**
 * The flavor to register, as the llama3 TransformerModelArgs (torchtitan/models/llama3/model/args.py @
 * v0.2.2). Its FFN width is computed, not given (model.py FeedForward: h = int(2·4·dim/3), × ffn_dim_multiplier,
 * rounded up to multiple_of): multiple_of = d_ff with ffn_dim_multiplier = d_ff / int(8·dim/3) gives d_ff exactly.
 * What llama3 cannot hold (MoE, MLA, biases, LayerNorm, GeLU, tied embeddings, another head dim) is noted.
 */
function flavorComment(plan: Plan, notes: string[], unexpressed: string[]): string[] {
  const a = archView(plan);
  if (!plan.layout) return [];
  const h0 = Math.trunc((2 * 4 * a.dModel) / 3);
  const args = [`dim=${a.dModel}`, `n_layers=${a.numLayers}`, `n_heads=${a.numHeads}`, `n_kv_heads=${a.kvHeads}`, `vocab_size=${a.vocabSize}`, `multiple_of=${a.dFf}`, `ffn_dim_multiplier=${a.dFf / h0}`, `rope_theta=${a.ropeTheta ?? 10000}`, `max_seq_len=${plan.batch.seqLen.value}`];
  const cannot: string[] = [];
  if (a.moe) cannot.push("MoE (use model.name deepseek_v3, qwen3 or llama4 with a flavor of their own MoE args)");
  if (a.mla) cannot.push("multi-latent attention (deepseek_v3)");
  if (a.ffnType !== "swiglu") cannot.push(`${a.ffnType} FFN (llama3 is SwiGLU)`);
  if (a.norm !== "rmsnorm") cannot.push("LayerNorm (llama3 is RMSNorm)");
  if (a.bias || a.qkvBias) cannot.push("biases (llama3 has none)");
  if (a.tiedEmbeddings) cannot.push("tied embeddings (llama3 unties them)");
  if (a.explicitHeadDim) cannot.push(`head dim ${a.headDim} (llama3 uses dim / n_heads)`);
  for (const c of cannot) unexpressed.push(`${c} in the llama3 flavor`);
  if (cannot.length) notes.push(`TorchTitan's llama3 flavor cannot hold: ${cannot.join("; ")}`);
  return [
    "# Register this flavor (torchtitan/models/llama3/__init__.py llama3_args) as \"lmplan\":",
    `#   "lmplan": TransformerModelArgs(${args.join(", ")}),`,
    ...cannot.map((c) => `#   not expressible in llama3: ${commentText(c)}`),
  ];
}

export const torchtitan: Emitter = {
  id: "torchtitan",
  title: "TorchTitan v0.2.x (TOML)",
  source: "pytorch/torchtitan @ v0.2.2 (73a0e699): torchtitan/config/job_config.py, torchtitan/components/lr_scheduler.py",
  emit(plan: Plan): EmitResult {
    const notes: string[] = [];
    const unexpressed: string[] = [];
    const sp = plan.schedule.spec;
    const o = plan.optimizer;
    const T = sp.totalSteps;
    const sched: TorchTitanSchedule = { warmupSteps: sp.warmupSteps, totalSteps: T, decayRatio: null, decayType: "linear", minLrFactor: sp.minLrRatio };
    if (sp.kind === "cosine") sched.decayType = "cosine";
    if (sp.kind === "wsd") {
      const fraction = sp.decayFraction ?? 0.1;
      // the plan decays over Math.round(fraction × T) steps; TorchTitan over Python's round(T × ratio)
      const planDecay = Math.round(fraction * T);
      sched.decayRatio = fraction;
      if (pyRound(T * fraction) !== planDecay && pyRound(T * (planDecay / T)) === planDecay) {
        sched.decayRatio = planDecay / T;
        notes.push(`decay_ratio is written as ${planDecay}/${T} = ${sched.decayRatio}, not ${fraction}: TorchTitan rounds ${T} × ${fraction} = ${T * fraction} half to even (Python's round) to ${pyRound(T * fraction)} steps; the plan decays over ${planDecay}`);
      }
      sched.decayType = sp.decayShape === "cosine" ? "cosine" : sp.decayShape === "1-sqrt" ? "sqrt" : "linear";
      if (sp.decayShape === "exponential") notes.push("TorchTitan has no exponential decay; the closest, linear, is written (deviation below)");
    }
    if (sp.kind === "constant") sched.decayRatio = 0; // decay never starts within training.steps
    if (sp.kind === "power") notes.push("TorchTitan cannot express the Power Scheduler; linear decay is written (deviation below)");
    if (o.parameterization.kind !== "sp") {
      notes.push(
        `TorchTitan v0.2.2 has no μP: optimizer.lr is the hidden-weight LR ${o.hiddenLr.value}; the plan also wants embeddings/norms at ${o.baseLr.value}, init std ${o.parameterization.hidden.initStd} (hidden) and ${o.parameterization.outProjection.initStd} (output projections), embedding × ${o.parameterization.embedding.outputMultiplier}, logits × ${+o.parameterization.outputLogitsScale.toPrecision(6)}, attention QᵀK/${o.parameterization.attentionDivisor} — add them in your model code`,
      );
      unexpressed.push(`${o.parameterization.kind === "completep" ? "CompleteP" : "μP"} per-group LRs, init and multipliers (no μP in TorchTitan)`);
    }
    const s = plan.model.spec;
    notes.push(`TorchTitan selects the architecture by model.name and flavor: register a flavor with d_model ${s.dModel}, ${s.numLayers} layers, ${s.numHeads} heads (${s.numKvHeads ?? s.numHeads} KV), d_ff ${s.dFf}, vocab ${s.vocabSize}, ${s.position} positions — "lmplan" below is a placeholder name${plan.layout ? " (the flavor's TransformerModelArgs are in the file's comments)" : ""}`);
    if (s.position === "alibi") {
      notes.push("TorchTitan's llama3 model uses RoPE; ALiBi needs a model change");
      unexpressed.push("ALiBi positions (llama3 uses RoPE)");
    }
    const [main, fin] = dataPhases(plan);
    if (main) {
      notes.push(`TorchTitan reads one dataset (training.dataset): build the plan's mixture into it — ${main.weights.map(([k, w]) => `${k} ${sig6(w)}`).join(", ")}${fin ? `; from step ${fin.startStep}: ${fin.weights.map(([k, w]) => `${k} ${sig6(w)}`).join(", ")}` : ""}`);
      unexpressed.push("the data mixture (one dataset per run)");
    }
    // context stages: this file trains the first; each later stage resumes from the checkpoint with CLI overrides
    const stages = contextStages(plan);
    const first = stages[0];
    const steps = first ? first.steps : plan.batch.steps.value;
    const ckpt = checkpointInterval(plan);
    const placeholders: Placeholder[] = [
      { token: "${DATA_DIR}", key: "training.dataset_path", what: "the training data (a Hugging Face dataset path or directory)" },
      { token: "${TOKENIZER_DIR}", key: "model.hf_assets_path", what: `the tokenizer's Hugging Face assets folder (vocab ${s.vocabSize}); the default is the test tokenizer` },
    ];
    const checks = [
      'training.dataset "lmplan": register a dataset of that name in torchtitan/hf_datasets/text_datasets.py DATASETS (docs/datasets.md); the default, c4_test, is a test set',
      `checkpoints every ${ckpt.steps} steps (${ckpt.why}) in {job.dump_folder}/checkpoint = ./outputs/checkpoint; a restarted run resumes from the latest`,
    ];
    const doc = {
      job: { description: `lmplan: ${plan.title}` },
      model: { name: "llama3", flavor: "lmplan", hf_assets_path: "${TOKENIZER_DIR}" },
      optimizer: { name: "AdamW", lr: o.hiddenLr.value, beta1: o.beta1.value, beta2: o.beta2.value, eps: o.eps.value, weight_decay: o.weightDecay.value },
      lr_scheduler: {
        warmup_steps: sched.warmupSteps,
        ...(first ? { total_steps: T } : {}),
        ...(sched.decayRatio !== null ? { decay_ratio: sched.decayRatio } : {}),
        decay_type: sched.decayType,
        min_lr_factor: sched.minLrFactor,
      },
      training: {
        dataset: "lmplan",
        dataset_path: "${DATA_DIR}",
        local_batch_size: first ? first.microBatchSeqs : plan.batch.microBatchSeqs.value,
        global_batch_size: first ? first.batchSeqs : plan.batch.globalBatchSeqs.value,
        seq_len: first ? first.seqLen : plan.batch.seqLen.value,
        max_norm: o.gradClip.value,
        steps,
      },
      parallelism: { data_parallel_shard_degree: plan.batch.dataParallel.value } as Record<string, string | number | boolean>,
      checkpoint: { enable: true, folder: "checkpoint", interval: ckpt.steps },
      activation_checkpoint: { mode: plan.memory.recompute === "full" ? "full" : "none" } as Record<string, string | number | boolean>,
    };
    const layout = plan.layout;
    const u0 = unexpressed.length;
    let flavorLines: string[] = [];
    if (layout) {
      const t = torchtitanLayout(plan, layout, notes, unexpressed);
      doc.parallelism = t.parallelism;
      doc.activation_checkpoint = t.activationCheckpoint;
      const tr = doc.training as Record<string, unknown>;
      // with PP the local batch is the whole step's batch per DP rank, split into microbatches by the schedule
      if (!first) tr.local_batch_size = t.localBatch;
      else if (layout.pp > 1) tr.local_batch_size = first.microBatchSeqs * layout.gradAccum;
      tr.mixed_precision_reduce = "float32";
      if (t.float8) {
        (doc.model as Record<string, unknown>).converters = ["quantize.linear.float8"];
        (doc as Record<string, unknown>).quantize = { linear: { float8: { recipe_name: "tensorwise", enable_fsdp_float8_all_gather: layout.dpShard > 1, precompute_float8_dynamic_scale_for_fsdp: layout.dpShard > 1 } } };
      }
    }
    flavorLines = flavorComment(plan, notes, unexpressed);
    checks.push(...notExpressedChecks(unexpressed.slice(u0)));
    const extra: string[] = [];
    if (first) {
      for (const st of stages.slice(1)) {
        // with PP the local batch is the per-DP-rank step batch, cut into pipeline_parallel_microbatch_size microbatches
        const pp = plan.layout && plan.layout.pp > 1 ? plan.layout : undefined;
        const local = pp ? [`--training.local_batch_size=${st.batchSeqs / pp.dp}`, `--parallelism.pipeline_parallel_microbatch_size=${st.microBatchSeqs}`] : [`--training.local_batch_size=${st.microBatchSeqs}`];
        const overrides = [`--training.seq_len=${st.seqLen}`, `--training.global_batch_size=${st.batchSeqs}`, ...local, `--training.steps=${st.startStep + st.steps}`].map(shellQuote).join(" ");
        extra.push(`# Context stage at ${st.seqLen} tokens (${+(st.share * 100).toPrecision(3)}% of tokens, steps ${st.startStep}–${st.startStep + st.steps - 1}): rerun on this file, resuming from the checkpoint at step ${st.startStep}, with`, `#   ${commentText(overrides)}`);
      }
      notes.push(`context stages are resumed runs on one LR schedule (lr_scheduler.total_steps = ${T}): ${stagesText(stages)}; this file trains the first (training.steps = ${steps}), the file's last lines give each later stage's overrides`);
    }
    notes.push(launchNote(placeholders, checks));
    const tokensLine = first
      ? `# tokens (this stage) = steps × global_batch_size × seq_len = ${steps} × ${first.batchSeqs} × ${first.seqLen} = ${steps * first.batchSeqs * first.seqLen}; the whole run: ${plan.batch.tokensTrained.value} over ${T} steps`
      : `# tokens = steps × global_batch_size × seq_len = ${plan.batch.steps.value} × ${plan.batch.globalBatchSeqs.value} × ${plan.batch.seqLen.value} = ${plan.batch.tokensTrained.value}`;
    const header = [`# lmplan emit --format torchtitan: ${commentText(plan.title)}`, `# keys: ${this.source}`, tokensLine, ...(plan.layout ? [`# layout: ${commentText(layoutText(plan.layout))}`] : []), ...beforeYouLaunch(placeholders, checks), ...(plan.layout ? flavorLines : []), ""].join("\n");
    const deviation = compareSchedule(sp, (step) => o.hiddenLr.value * torchtitanFactor(sched, step), o.hiddenLr.value);
    return { format: "torchtitan", fileName: "train.toml", text: `${header}${toToml(doc)}\n${extra.length ? `${extra.join("\n")}\n` : ""}`, notes, deviation, placeholders, unexpressed };
  },
};
