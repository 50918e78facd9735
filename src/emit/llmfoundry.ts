/**
 * llm-foundry training YAML (scripts/train/train.py). Keys from mosaicml/llm-foundry @ 8c8dd48f:
 * llmfoundry/utils/config_utils.py TrainConfig, llmfoundry/models/mpt/configuration_mpt.py,
 * llmfoundry/models/utils/config_defaults.py, llmfoundry/optim/__init__.py (registered optimizers and
 * schedulers), llmfoundry/data/text_data.py (streams). Schedules from mosaicml/composer @ 64051888
 * composer/optim/scheduler.py (LinearWithWarmup, CosineAnnealingWithWarmup, ConstantWithWarmup) and
 * llm-foundry's llmfoundry/optim/scheduler.py (InverseSquareRootWithWarmup, whose linear cooldown with
 * alpha_f_decay = 1 is an exact WSD-linear).
 * Traps handled: Composer's DecoupledAdamW decays by (lr_t / lr_0)·weight_decay, not lr_t·weight_decay,
 * so weight_decay = η·λ (composer/optim/decoupled_weight_decay.py); alpha_f is relative to the peak; and
 * Composer steps its schedulers before advancing the batch counter (composer/trainer/trainer.py
 * _train_loop), so batch k trains at the multiplier for k − 1 — measured below.
 * What the user fills goes in a `variables:` block, llm-foundry's convention (scripts/train/yamls/pretrain/
 * *.yaml @ 8c8dd48f): TrainConfig keeps `variables` and refuses other unknown top-level keys ("Unused
 * parameters"), train_from_yaml clears OmegaConf's oc.env resolver (no ${oc.env:…}), and a value still
 * `???` (OmegaConf's mandatory missing value) stops the load naming the key; set it in the file or on the
 * command line (variables.tokenizer_name=…). Every ${…} in the file is a ${variables.…} that resolves in it.
 */
import type { Plan } from "../plan/types.js";
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, notExpressedChecks, stagesText } from "./launch.js";
import type { Layout } from "../layout/types.js";
import { archView, dataPhases, layoutShapeNotes, layoutText, noMupNote, sig12, sig6 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, float, toYaml, type Literal } from "./serialize.js";
import type { EmitResult, Emitter, Placeholder } from "./types.js";

export type ComposerSchedule =
  | { name: "linear_decay_with_warmup"; warmup: number; total: number; alphaF: number }
  | { name: "cosine_with_warmup"; warmup: number; total: number; alphaF: number }
  | { name: "constant_with_warmup"; warmup: number; total: number }
  | { name: "inv_sqrt_with_warmup"; warmup: number; total: number; cooldown: number; alphaFCooldown: number };

// The multiplier at batch count t (Composer's state.timestamp.batch), from the scheduler classes cited above.
function multiplierAt(c: ComposerSchedule, t: number): number {
  if (t < c.warmup) return t / c.warmup;
  switch (c.name) {
    case "linear_decay_with_warmup": {
      const frac = c.total > c.warmup ? Math.min(1, (t - c.warmup) / (c.total - c.warmup)) : 0;
      return 1 + frac * (c.alphaF - 1);
    }
    case "cosine_with_warmup": {
      const frac = c.total > c.warmup ? Math.min(1, (t - c.warmup) / (c.total - c.warmup)) : 0;
      return c.alphaF + (1 - c.alphaF) * 0.5 * (1 + Math.cos(Math.PI * frac));
    }
    case "constant_with_warmup":
      return 1;
    case "inv_sqrt_with_warmup": {
      // alpha_f_decay = 1: the inverse-square-root part is exactly 1, then a linear cooldown
      const start = Math.max(c.warmup, c.total - c.cooldown);
      if (t < start || c.cooldown === 0) return 1;
      const frac = Math.min(1, (t - start) / c.cooldown);
      return 1 + frac * (c.alphaFCooldown - 1);
    }
  }
}

/** The multiplier batch k trains at: the scheduler last stepped at batch count k − 1 (0 for the first batch). */
export function composerMultiplier(c: ComposerSchedule, batch: number): number {
  return multiplierAt(c, Math.max(batch - 1, 0));
}

/**
 * The layout as Composer's FSDPConfig (mosaicml/composer @ 64051888 composer/utils/parallelism.py;
 * distributed/mosaic_parallelism.py SHARDING_MAP and get_mixed_precision; distributed/dist_strategy.py):
 * FULL_SHARD (ZeRO-3), SHARD_GRAD_OP (ZeRO-2), NO_SHARD (DDP); HSDP is HYBRID_SHARD / _HYBRID_SHARD_ZERO2
 * on a 2-D mesh of data_parallel_replicate_degree × data_parallel_shard_degree (dist_strategy.py turns
 * HYBRID_SHARD into FULL_SHARD on a 1-D mesh); mixed_precision DEFAULT reduces gradients in fp32, PURE in
 * the compute dtype; activation_checkpointing is whole-block recompute. fp8 is precision amp_fp8
 * (composer/core/precision.py, Transformer Engine). llm-foundry's only TP strategy, "ffn"
 * (llmfoundry/tp/ffn_tp_strategy.py), shards the FFN and leaves attention whole, and it has no pipeline,
 * context or expert parallelism: those layouts are noted, not written.
 */
function foundryFsdp(plan: Plan, l: Layout, notes: string[], unexpressed: string[]): Record<string, Literal> {
  const say = (what: string, note: string) => {
    notes.push(note);
    unexpressed.push(what);
  };
  const hybrid = l.zeroStage >= 2 && l.dpShard < l.dp;
  const strategy = l.zeroStage === 0 ? "NO_SHARD" : l.zeroStage === 3 ? (hybrid ? "HYBRID_SHARD" : "FULL_SHARD") : hybrid ? "_HYBRID_SHARD_ZERO2" : "SHARD_GRAD_OP";
  if (l.zeroStage === 1) say("ZeRO-1 (FSDP has no optimizer-only sharding)", "Composer's FSDP has no ZeRO-1: SHARD_GRAD_OP (ZeRO-2) is written, which uses less memory than planned");
  const out: Record<string, Literal> = {
    sharding_strategy: strategy,
    mixed_precision: l.mainGrads === "fp32" ? "DEFAULT" : "PURE",
    activation_checkpointing: l.recompute === "full",
    ...(hybrid || (l.zeroStage === 1 && l.dpShard < l.dp) ? { data_parallel_shard_degree: l.dpShard, data_parallel_replicate_degree: l.dp / l.dpShard } : {}),
  };
  if (l.recompute === "selective") say("selective recompute", "llm-foundry's activation_checkpointing recomputes whole blocks: selective recompute is not written (none is)");
  if (l.recompute === "full" && l.recomputeLayers !== undefined) say(`full recompute of ${l.recomputeLayers} layers per stage`, "Composer's activation_checkpointing wraps every block");
  if (l.tp > 1) say(`tensor parallel ${l.tp}${l.sequenceParallel ? " + SP" : ""}`, `llm-foundry's tensor parallelism (tp_config strategy "ffn") shards only the FFN: the plan's TP ${l.tp} over attention and FFN is not written`);
  if (l.pp > 1) say(`pipeline parallel ${l.pp}`, "llm-foundry has no pipeline parallelism");
  if (l.cp > 1) say(`context parallel ${l.cp}`, "llm-foundry has no context parallelism");
  if (l.ep > 1) say(`expert parallel ${l.ep}`, "llm-foundry's MoE expert parallelism is MegaBlocks' moe_world_size, not written by lmplan");
  for (const n of layoutShapeNotes(l, archView(plan))) say(n, `${n}`);
  notes.push(`layout: ${layoutText(l)}`);
  return out;
}

/**
 * Architecture keys of the MPT config (llmfoundry/models/mpt/configuration_mpt.py, models/utils/config_defaults.py
 * @ 8c8dd48f): attn_config rope_theta; an MoE is ffn_type torch_dmoe (llmfoundry/models/layers/ffn.py
 * build_torch_dmoe pops moe_num_experts, moe_top_k, mlp_type, moe_jitter_eps, moe_normalize_expert_weights and
 * uniform_expert_assignment with no default, so all are written, as scripts/eval/yamls/dbrx-gauntlet/dbrx-18b.yaml
 * does; moe_normalize_expert_weights 1 renormalises the top-k weights to sum 1) — every layer, no shared experts.
 */
function architectureKeys(plan: Plan, model: Record<string, Literal>, attn: Record<string, string | number | boolean>, notes: string[], unexpressed: string[]): void {
  const a = archView(plan);
  if (a.position === "rope" && a.ropeTheta !== undefined) attn.rope_theta = a.ropeTheta;
  if (a.explicitHeadDim) {
    notes.push(`MPT derives the head dim as d_model / n_heads: the plan's ${a.headDim} cannot be written`);
    unexpressed.push(`head dim ${a.headDim}`);
  }
  if (a.mla) {
    notes.push("MPT has no multi-latent attention");
    unexpressed.push("multi-latent attention");
  }
  if (a.moe) {
    const m = a.moe;
    model.ffn_config = { ffn_type: "torch_dmoe", ffn_hidden_size: m.dFfExpert, moe_num_experts: m.numExperts, moe_top_k: m.topK, mlp_type: a.ffnType === "swiglu" ? "glu" : "mlp", ffn_act_fn: { name: a.ffnType === "swiglu" ? "silu" : "gelu" }, moe_jitter_eps: 0, uniform_expert_assignment: false, moe_normalize_expert_weights: 1 };
    if (m.numSharedExperts > 0 || m.firstDenseLayers > 0) {
      notes.push("MPT's dMoE has no shared experts and puts an MoE in every layer");
      unexpressed.push("MoE shared experts / leading dense layers");
    }
  }
}

export const llmfoundry: Emitter = {
  id: "llmfoundry",
  title: "llm-foundry / Composer (train YAML)",
  source: "mosaicml/llm-foundry @ 8c8dd48f (config_utils.py, configuration_mpt.py, optim/, data/text_data.py); mosaicml/composer @ 64051888 (optim/scheduler.py, optim/decoupled_weight_decay.py, trainer/trainer.py)",
  emit(plan: Plan): EmitResult {
    const notes: string[] = [];
    const sp = plan.schedule.spec;
    const o = plan.optimizer;
    const s = plan.model.spec;
    const b = plan.batch;
    const T = sp.totalSteps;
    const W = sp.warmupSteps;
    const m = sp.minLrRatio;
    const lr = sig12(o.hiddenLr.value);
    let sched: ComposerSchedule;
    if (sp.kind === "cosine") sched = { name: "cosine_with_warmup", warmup: W, total: T, alphaF: m };
    else if (sp.kind === "constant") sched = { name: "constant_with_warmup", warmup: W, total: T };
    else if (sp.kind === "linear") sched = { name: "linear_decay_with_warmup", warmup: W, total: T, alphaF: m };
    else {
      sched = { name: "inv_sqrt_with_warmup", warmup: W, total: T, cooldown: Math.round((sp.decayFraction ?? 0) * T), alphaFCooldown: m };
      if (sp.kind === "power") notes.push("Composer cannot express the Power Scheduler's plateau; a constant plateau with a linear cooldown is written (deviation below)");
      else if ((sp.decayShape ?? "linear") !== "linear") notes.push(`llm-foundry's only cooldown is linear (inv_sqrt_with_warmup t_cooldown); the plan's ${sp.decayShape} decay is written as linear (deviation below)`);
    }
    // context stages: this run trains the first; the scheduler's t_max spans the whole run
    const stages = contextStages(plan);
    const first = stages[0];
    const tMax = first ? { t_max: `${T}ba` } : {};
    const schedulerDoc =
      sched.name === "inv_sqrt_with_warmup"
        ? { name: sched.name, t_warmup: `${W}ba`, t_scale: `${T}ba`, t_cooldown: `${sched.cooldown}ba`, ...tMax, alpha_f_decay: 1.0, alpha_f_cooldown: m }
        : sched.name === "constant_with_warmup"
          ? { name: sched.name, t_warmup: `${W}ba`, ...tMax }
          : { name: sched.name, t_warmup: `${W}ba`, ...tMax, alpha_f: m };
    // DecoupledAdamW: param ← param · (1 − (lr_t/lr_0) · wd), PyTorch AdamW: param ← param · (1 − lr_t · λ)
    const composerWd = sig12(o.hiddenLr.value * o.weightDecay.value);
    notes.push(`weight_decay is ${sig6(composerWd)} = η·λ = ${lr} × ${sig12(o.weightDecay.value)}: Composer's DecoupledAdamW does not multiply it by the LR, so this is PyTorch AdamW's λ = ${sig12(o.weightDecay.value)}`);
    const unexpressed: string[] = [];
    const mupNote = noMupNote(plan, "llm-foundry's MPT");
    if (mupNote) {
      notes.push(mupNote);
      unexpressed.push(`${o.parameterization.kind === "completep" ? "CompleteP" : "μP"} per-group LRs, init and multipliers (MPT has one LR)`);
    }
    const kv = s.numKvHeads ?? s.numHeads;
    const attn: Record<string, string | number | boolean> = { attn_impl: "flash", attn_type: kv !== s.numHeads ? "grouped_query_attention" : "multihead_attention", ...(kv !== s.numHeads ? { kv_n_heads: kv } : {}) };
    if (s.position === "alibi") attn.alibi = true;
    if (s.position === "rope") attn.rope = true;
    const model = {
      name: "mpt_causal_lm",
      init_device: "meta",
      d_model: s.dModel,
      n_heads: s.numHeads,
      n_layers: s.numLayers,
      max_seq_len: b.seqLen.value,
      vocab_size: s.vocabSize,
      learned_pos_emb: s.position === "learned",
      no_bias: !s.bias,
      norm_type: s.norm === "rmsnorm" ? "rmsnorm" : "low_precision_layernorm",
      tie_word_embeddings: s.tiedEmbeddings,
      attn_config: attn,
      ffn_config: s.ffnType === "swiglu" ? { ffn_type: "mptglu", ffn_hidden_size: s.dFf, ffn_act_fn: { name: "silu" } } : { ffn_type: "mptmlp", ffn_hidden_size: s.dFf },
    } as Record<string, Literal>;
    const u0 = unexpressed.length;
    architectureKeys(plan, model, attn, notes, unexpressed);
    const u1 = unexpressed.length;
    const phases = dataPhases(plan);
    const streamsFor = (weights: [string, number][]) => Object.fromEntries(weights.map(([name, w]) => [name, { local: `\${variables.data_local}/${name}`, split: "train", proportion: sig6(w) }]));
    const main = phases[0];
    const dataset = main ? { streams: streamsFor(main.weights), max_seq_len: b.seqLen.value, shuffle: true } : { local: "${variables.data_local}", split: "train", max_seq_len: b.seqLen.value, shuffle: true };
    const ckpt = checkpointInterval(plan);
    const placeholders: Placeholder[] = [
      { token: "???", key: "variables.data_local", what: main ? "the directory holding one MDS dataset per source (<data_local>/<name>/train); add remote: to a stream to read it from object storage" : "the MDS dataset directory (<data_local>/train)" },
      { token: "???", key: "variables.tokenizer_name", what: `a Hugging Face tokenizer with the plan's ${s.vocabSize}-token vocabulary` },
    ];
    const checks = [`checkpoints every ${ckpt.steps} batches (${ckpt.why}) in save_folder ./{run_name}/checkpoints; autoresume continues from the latest`];
    const extra: string[] = [];
    const fin = phases[1];
    if (fin) {
      extra.push(`# Final phase (${sig6(fin.fraction * 100)}% of tokens, from batch ${fin.startStep}): resume (autoresume or load_path) with these streams:`);
      extra.push(...toYaml({ train_loader: { dataset: { streams: streamsFor(fin.weights) } } }).trimEnd().split("\n").map((l) => `#   ${commentText(l)}`));
      notes.push(`llm-foundry does not change the streams within a run: the end-of-training phase is a resumed run from batch ${fin.startStep} (see the file's last lines)`);
    }
    if (plan.context && plan.context.stages.length > 1) notes.push(`context stages are separate runs resumed from the previous stage's checkpoint: ${plan.context.stages.map((x) => `max_seq_len ${x.seqLen} × global_train_batch_size ${x.batchSeqs}`).join(", then ")}; this file is the first stage`);
    if (first) notes.push(`this run stops at max_duration ${first.steps}ba, where the first stage ends; scheduler.t_max is the whole run's ${T}ba, so each later stage (${stagesText(stages)}) resumes (autoresume) with the same scheduler, its own max_seq_len, global_train_batch_size and device_train_microbatch_size, and max_duration at its last batch`);
    notes.push(launchNote(placeholders, checks));
    const uLayout = unexpressed.length;
    const doc = {
      variables: { data_local: "???", tokenizer_name: "???", run_name: "lmplan" },
      run_name: "${variables.run_name}",
      max_seq_len: b.seqLen.value,
      model,
      tokenizer: { name: "${variables.tokenizer_name}", kwargs: { model_max_length: b.seqLen.value } },
      train_loader: { name: "text", dataset, drop_last: true, num_workers: 8 },
      scheduler: schedulerDoc,
      optimizer: { name: "decoupled_adamw", lr, betas: [o.beta1.value, o.beta2.value], eps: o.eps.value, weight_decay: composerWd },
      algorithms: { gradient_clipping: { clipping_type: "norm", clipping_threshold: float(o.gradClip.value) } },
      max_duration: `${first ? first.steps : T}ba`,
      global_train_batch_size: b.globalBatchSeqs.value,
      device_train_microbatch_size: b.microBatchSeqs.value,
      precision: plan.layout?.precision === "fp8" ? "amp_fp8" : "amp_bf16",
      fsdp_config: (plan.layout ? foundryFsdp(plan, plan.layout, notes, unexpressed) : { sharding_strategy: plan.memory.zeroStage === 3 ? "FULL_SHARD" : plan.memory.zeroStage >= 1 ? "SHARD_GRAD_OP" : "NO_SHARD", mixed_precision: "PURE", activation_checkpointing: plan.memory.recompute === "full" }) as Record<string, Literal>,
      save_folder: "./{run_name}/checkpoints",
      save_interval: `${ckpt.steps}ba`,
      autoresume: true,
    };
    // the architecture items, then the layout's (pushed while the document was built)
    checks.push(...notExpressedChecks([...unexpressed.slice(u0, u1), ...unexpressed.slice(uLayout)]));
    const header = [`# lmplan emit --format llmfoundry: ${commentText(plan.title)}`, `# keys: ${this.source}`, (first ? `# tokens (this stage) = max_duration × global_train_batch_size × max_seq_len = ${first.steps} × ${first.batchSeqs} × ${first.seqLen} = ${first.steps * first.batchSeqs * first.seqLen}; the whole run: ${b.tokensTrained.value} over ${T} batches (run on ${b.dataParallel.value} GPUs)` : `# tokens = max_duration × global_train_batch_size × max_seq_len = ${T} × ${b.globalBatchSeqs.value} × ${b.seqLen.value} = ${b.tokensTrained.value} (run on ${b.dataParallel.value} GPUs)`), ...beforeYouLaunch(placeholders, checks), ""].join("\n");
    const deviation = compareSchedule(sp, (k) => lr * composerMultiplier(sched, k), o.hiddenLr.value);
    return { format: "llmfoundry", fileName: "train.yaml", text: `${header}${toYaml(doc)}${extra.length ? `${extra.join("\n")}\n` : ""}`, notes, deviation, placeholders, unexpressed };
  },
};
