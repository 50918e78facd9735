/**
 * LitGPT pretraining config (`litgpt pretrain --config this.yaml`). Keys from Lightning-AI/litgpt @
 * 26857050: litgpt/pretrain.py setup(), litgpt/args.py TrainArgs, litgpt/config.py Config (model_config);
 * LR from litgpt/pretrain.py get_lr and fit(). Cosine only, with an absolute min_lr. LitGPT counts
 * micro-iterations: it calls get_lr every micro-batch with it = micro-iterations so far, warms up for
 * lr_warmup_steps × accumulation iterations, and decays over max_tokens / (world × micro × seq) of them.
 * Traps handled: data defaults to litgpt.data.TinyLlama, so a LitData module is written with its path as a
 * placeholder, and the tokenizer directory likewise; a constant schedule is cosine to min_lr = lr; floats
 * are written as floats (TrainArgs: max_norm, min_lr).
 */
import type { Plan } from "../plan/types.js";
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, notExpressedChecks, stagesText } from "./launch.js";
import type { Layout } from "../layout/types.js";
import { archView, dataPhases, layoutShapeNotes, layoutText, noMupNote, sig12, sig6 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, float, toYaml, type Literal } from "./serialize.js";
import type { EmitResult, Emitter, Placeholder } from "./types.js";

export interface LitGptSchedule {
  lr: number;
  minLr: number;
  /** Optimizer steps of warmup (train.lr_warmup_steps). */
  warmupSteps: number;
  /** Optimizer steps in all (max_tokens / global batch tokens). */
  totalSteps: number;
  /** Micro-iterations per optimizer step (global batch / (world × micro-batch)). */
  accumulation: number;
}

// litgpt/pretrain.py get_lr(learning_rate, it, warmup_iters, max_iters, min_lr)
function getLr(lr: number, it: number, warmupIters: number, maxIters: number, minLr: number): number {
  if (it < warmupIters) return (lr * it) / warmupIters;
  if (it > maxIters) return minLr;
  const decayRatio = (it - warmupIters) / (maxIters - warmupIters);
  const coeff = 0.5 * (1 + Math.cos(Math.PI * decayRatio));
  return minLr + coeff * (lr - minLr);
}

/** The LR LitGPT's optimizer step k applies: the one set at the last micro-iteration of its accumulation, it = (k+1)·A − 1. */
export function litgptLr(c: LitGptSchedule, step: number): number {
  const A = c.accumulation;
  return getLr(c.lr, (step + 1) * A - 1, c.warmupSteps * A, c.totalSteps * A, c.minLr);
}

/**
 * What LitGPT's pretrain runs (litgpt/pretrain.py @ 26857050 setup): on more than one device,
 * FSDPStrategy(sharding_strategy="HYBRID_SHARD") — PyTorch FSDP's hybrid shards within a node of `devices`
 * GPUs and replicates over `num_nodes` (lmplan's reading of FSDP's default process groups) — with no
 * activation checkpointing and no tensor, pipeline, context or expert parallelism. So the one layout it
 * runs is ZeRO-3 over each node's GPUs; every other part of the plan's layout is noted.
 */
function litgptLayout(plan: Plan, l: Layout, devices: number, numNodes: number, notes: string[], unexpressed: string[]): void {
  const say = (what: string, note: string) => {
    notes.push(note);
    unexpressed.push(what);
  };
  const shard = devices * numNodes > 1 ? devices : 1;
  const runs = `ZeRO-3 sharded over each node's ${devices} GPUs, replicated over ${numNodes} node${numNodes > 1 ? "s" : ""}`;
  if (l.dp > 1 && (l.zeroStage !== 3 || l.dpShard !== shard)) say(`ZeRO-${l.zeroStage} over ${l.dpShard} of ${l.dp} ranks (LitGPT pretrain runs HYBRID_SHARD within a node)`, `LitGPT's pretrain hard-codes FSDP HYBRID_SHARD: it runs ${runs}, not the plan's ZeRO-${l.zeroStage} over ${l.dpShard} ranks`);
  if (l.recompute !== "none") say(`${l.recompute} recompute`, "LitGPT's pretrain has no activation checkpointing option");
  if (l.tp > 1) say(`tensor parallel ${l.tp}`, "LitGPT's pretrain has no tensor parallelism");
  if (l.pp > 1) say(`pipeline parallel ${l.pp}`, "LitGPT's pretrain has no pipeline parallelism");
  if (l.cp > 1) say(`context parallel ${l.cp}`, "LitGPT's pretrain has no context parallelism");
  if (l.ep > 1) say(`expert parallel ${l.ep}`, "LitGPT's pretrain has no expert parallelism");
  if (l.precision === "fp8") say("fp8 matmuls", "LitGPT's precision bf16-mixed is written; fp8 (transformer-engine precision) is not");
  // Lightning's FSDP precision plugin for bf16-mixed (lightning/fabric/plugins/precision/fsdp.py) keeps fp32
  // parameters and reduces in bf16 — lmplan's reading, not read at a pinned commit here (unverified)
  notes.push("LitGPT's bf16-mixed under FSDP keeps fp32 parameters and reduces gradients in bf16 (Lightning's FSDPPrecision, unverified here): its weight and gradient bytes differ from the plan's");
  if (l.mainGrads === "fp32") unexpressed.push("fp32 gradient reduction (LitGPT's bf16-mixed FSDP reduces in bf16, unverified)");
  for (const n of layoutShapeNotes(l, archView(plan))) say(n, n);
  notes.push(`layout: ${layoutText(l)}`);
}

/**
 * Architecture keys of LitGPT's Config (litgpt/config.py @ 26857050): rope_base (an int), head_size for a
 * head dim other than n_embd / n_head, attn_bias for QKV biases, an MoE as mlp_class_name LLaMAMoE with
 * n_expert, n_expert_per_token, moe_intermediate_size (each expert's LLaMAMLP, model.py LLaMAMoE),
 * n_shared_expert (one LLaMAMLP of moe_intermediate_size × n_shared_expert) and first_k_dense_replace
 * (those blocks use intermediate_size, model.py Block).
 */
function architectureKeys(plan: Plan, notes: string[], unexpressed: string[]): Record<string, Literal> {
  const a = archView(plan);
  const out: Record<string, Literal> = {};
  if (a.explicitHeadDim) out.head_size = a.headDim;
  if (a.position === "rope" && a.ropeTheta !== undefined) {
    if (Number.isInteger(a.ropeTheta)) out.rope_base = a.ropeTheta;
    else {
      notes.push(`LitGPT's rope_base is an int: the plan's θ ${a.ropeTheta} cannot be written`);
      unexpressed.push(`RoPE θ ${a.ropeTheta}`);
    }
  }
  if (a.qkvBias && !a.bias) out.attn_bias = true;
  if (a.moe) {
    const m = a.moe;
    if (a.ffnType !== "swiglu") {
      notes.push("LitGPT's LLaMAMoE experts are gated (LLaMAMLP); the plan's non-gated experts need a model change");
      unexpressed.push(`${a.ffnType} experts`);
    }
    Object.assign(out, { mlp_class_name: "LLaMAMoE", n_expert: m.numExperts, n_expert_per_token: m.topK, moe_intermediate_size: m.dFfExpert });
    if (m.numSharedExperts > 0) out.n_shared_expert = m.numSharedExperts;
    if (m.firstDenseLayers > 0) out.first_k_dense_replace = m.firstDenseLayers;
  }
  if (a.mla) {
    notes.push("LitGPT's latent_attention (MLA) is not written by lmplan");
    unexpressed.push("multi-latent attention");
  }
  return out;
}

export const litgpt: Emitter = {
  id: "litgpt",
  title: "LitGPT (pretrain YAML)",
  source: "Lightning-AI/litgpt @ 26857050: litgpt/pretrain.py (setup, fit, get_lr), litgpt/args.py, litgpt/config.py",
  emit(plan: Plan): EmitResult {
    const notes: string[] = [];
    const sp = plan.schedule.spec;
    const o = plan.optimizer;
    const s = plan.model.spec;
    const b = plan.batch;
    const unexpressed: string[] = [];
    // a constant schedule is the cosine between two equal values
    const sched: LitGptSchedule = { lr: sig12(o.hiddenLr.value), minLr: sig12((sp.kind === "constant" ? 1 : sp.minLrRatio) * o.hiddenLr.value), warmupSteps: sp.warmupSteps, totalSteps: sp.totalSteps, accumulation: b.gradAccumSteps.value };
    if (sp.kind !== "cosine" && sp.kind !== "constant") notes.push(`LitGPT's get_lr is cosine only: the plan's ${sp.kind === "linear" && sp.minLrRatio === 0 ? "linear decay to zero" : sp.kind} schedule is written as cosine to ${sched.minLr} (deviation below); to follow the plan exactly, replace get_lr in litgpt/pretrain.py`);
    if (sp.kind === "constant") notes.push("LitGPT's get_lr is cosine only: the constant schedule is written as cosine from lr to min_lr = lr");
    if (b.gradAccumSteps.value > 1) notes.push(`LitGPT sets the LR per micro-batch, so each update uses the LR of its last micro-iteration (accumulation ${b.gradAccumSteps.value}): a fraction of a step off the plan, included in the deviation below`);
    const mupNote = noMupNote(plan, "LitGPT");
    if (mupNote) {
      notes.push(mupNote);
      unexpressed.push(`${o.parameterization.kind === "completep" ? "CompleteP" : "μP"} per-group LRs, init and multipliers (no μP in LitGPT)`);
    }
    if (s.position !== "rope") {
      notes.push(`LitGPT's GPT uses RoPE (rotary_percentage); the plan's ${s.position} positions need a model change`);
      unexpressed.push(`${s.position} positions (LitGPT's GPT uses RoPE)`);
    }
    const [main, fin] = dataPhases(plan);
    if (main) {
      notes.push(`LitGPT's data modules read one dataset: build the plan's mixture when preparing the data — ${main.weights.map(([k, w]) => `${k} ${sig6(w)}`).join(", ")}${fin ? `; from step ${fin.startStep}: ${fin.weights.map(([k, w]) => `${k} ${sig6(w)}`).join(", ")}` : ""}`);
      unexpressed.push("the data mixture (one dataset per run)");
    }
    const stages = contextStages(plan);
    if (stages.length > 0) {
      notes.push(`LitGPT cannot run the plan's context stages (${stagesText(stages)}): its LR schedule counts micro-iterations of micro_batch_size × max_seq_length tokens (pretrain.py fit: max_iters = max_tokens // world // (micro × seq)), so a stage resumed with another length moves the schedule, and it stops only at max_tokens — this file trains all ${b.tokensTrained.value} tokens at ${b.seqLen.value}, the later stages are dropped`);
      unexpressed.push(`context stages after the first (${stages.slice(1).map((x) => `${x.seqLen} tokens`).join(", ")})`);
    }
    const ckpt = checkpointInterval(plan);
    const placeholders: Placeholder[] = [
      { token: "${DATA_DIR}", key: "data.init_args.data_path", what: "the litdata-optimized dataset (train/ and val/ folders); the default, TinyLlama, is another dataset" },
      { token: "${TOKENIZER_DIR}", key: "tokenizer_dir", what: `a checkpoint directory with the ${s.vocabSize}-token tokenizer` },
    ];
    const checks = [`checkpoints every ${ckpt.steps} steps (${ckpt.why}) in out_dir out/pretrain/lmplan; resume: auto continues from the latest`];
    notes.push(launchNote(placeholders, checks));
    const dp = b.dataParallel.value;
    const [devices, numNodes] = dp % 8 === 0 ? [8, dp / 8] : [dp, 1];
    const u0 = unexpressed.length;
    if (plan.layout) litgptLayout(plan, plan.layout, devices, numNodes, notes, unexpressed);
    const kv = s.numKvHeads ?? s.numHeads;
    const doc = {
      model_name: "lmplan",
      model_config: {
        name: "lmplan",
        block_size: b.seqLen.value,
        vocab_size: s.vocabSize,
        padded_vocab_size: s.vocabSize,
        n_layer: s.numLayers,
        n_head: s.numHeads,
        n_embd: s.dModel,
        n_query_groups: kv,
        head_size: s.dModel / s.numHeads,
        rotary_percentage: 1.0,
        parallel_residual: false,
        bias: s.bias,
        norm_class_name: s.norm === "rmsnorm" ? "RMSNorm" : "LayerNorm",
        mlp_class_name: s.ffnType === "swiglu" ? "LLaMAMLP" : "GptNeoxMLP",
        intermediate_size: s.dFf,
        ...architectureKeys(plan, notes, unexpressed),
      },
      out_dir: "out/pretrain/lmplan",
      precision: "bf16-mixed",
      resume: "auto",
      data: { class_path: "litgpt.data.LitData", init_args: { data_path: "${DATA_DIR}" } },
      tokenizer_dir: "${TOKENIZER_DIR}",
      train: {
        save_interval: ckpt.steps,
        global_batch_size: b.globalBatchSeqs.value,
        micro_batch_size: b.microBatchSeqs.value,
        lr_warmup_steps: sp.warmupSteps,
        max_tokens: b.tokensTrained.value,
        max_seq_length: b.seqLen.value,
        tie_embeddings: s.tiedEmbeddings,
        max_norm: float(o.gradClip.value),
        min_lr: float(sched.minLr),
      },
      optimizer: { class_path: "torch.optim.AdamW", init_args: { lr: float(sched.lr), weight_decay: float(sig12(o.weightDecay.value)), betas: [float(o.beta1.value), float(o.beta2.value)], eps: float(o.eps.value) } },
      devices,
      num_nodes: numNodes,
    };
    checks.push(...notExpressedChecks(unexpressed.slice(u0)));
    const header = [`# lmplan emit --format litgpt: ${commentText(plan.title)}`, `# keys: ${this.source}`, `# max_tokens = steps × global_batch_size × max_seq_length = ${b.steps.value} × ${b.globalBatchSeqs.value} × ${b.seqLen.value} = ${b.tokensTrained.value}`, ...beforeYouLaunch(placeholders, checks), ""].join("\n");
    const deviation = compareSchedule(sp, (step) => litgptLr(sched, step), o.hiddenLr.value);
    return { format: "litgpt", fileName: "pretrain.yaml", text: `${header}${toYaml(doc)}`, notes, deviation, placeholders, unexpressed };
  },
};
