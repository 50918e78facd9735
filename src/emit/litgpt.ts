/**
 * LitGPT pretraining config (`litgpt pretrain --config this.yaml`). Keys from Lightning-AI/litgpt @
 * 26857050: litgpt/pretrain.py setup(), litgpt/args.py TrainArgs, litgpt/config.py Config (model_config);
 * LR from litgpt/pretrain.py get_lr and fit(). Cosine only, with an absolute min_lr. LitGPT counts
 * micro-iterations: it calls get_lr every micro-batch with it = micro-iterations so far, warms up for
 * lr_warmup_steps × accumulation iterations, and decays over max_tokens / (world × micro × seq) of them.
 */
import type { Plan } from "../plan/types.js";
import { noMupNote, sig12 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, toYaml } from "./serialize.js";
import type { EmitResult, Emitter } from "./types.js";

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
    const sched: LitGptSchedule = { lr: sig12(o.hiddenLr.value), minLr: sig12(sp.minLrRatio * o.hiddenLr.value), warmupSteps: sp.warmupSteps, totalSteps: sp.totalSteps, accumulation: b.gradAccumSteps.value };
    if (sp.kind !== "cosine") notes.push(`LitGPT's get_lr is cosine only: the plan's ${sp.kind === "linear" && sp.minLrRatio === 0 ? "linear decay to zero" : sp.kind} schedule is written as cosine to ${sched.minLr} (deviation below); to follow the plan exactly, replace get_lr in litgpt/pretrain.py`);
    if (b.gradAccumSteps.value > 1) notes.push(`LitGPT sets the LR per micro-batch, so each update uses the LR of its last micro-iteration (accumulation ${b.gradAccumSteps.value}): a fraction of a step off the plan, included in the deviation below`);
    const mupNote = noMupNote(plan, "LitGPT");
    if (mupNote) notes.push(mupNote);
    if (s.position !== "rope") notes.push(`LitGPT's GPT uses RoPE (rotary_percentage); the plan's ${s.position} positions need a model change`);
    if (plan.data) notes.push("LitGPT's data modules read one dataset: build the plan's mixture when preparing the data (litgpt.data.TextFiles or a custom DataModule)");
    if (plan.context && plan.context.stages.length > 1) notes.push(`context stages are separate runs resumed from the previous stage's checkpoint: ${plan.context.stages.map((x) => `${x.seqLen} tokens × global batch ${x.batchSeqs}`).join(", then ")}; this file is the first stage`);
    const dp = b.dataParallel.value;
    const [devices, numNodes] = dp % 8 === 0 ? [8, dp / 8] : [dp, 1];
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
      },
      out_dir: "out/pretrain/lmplan",
      precision: "bf16-mixed",
      train: {
        global_batch_size: b.globalBatchSeqs.value,
        micro_batch_size: b.microBatchSeqs.value,
        lr_warmup_steps: sp.warmupSteps,
        max_tokens: b.tokensTrained.value,
        max_seq_length: b.seqLen.value,
        tie_embeddings: s.tiedEmbeddings,
        max_norm: o.gradClip.value,
        min_lr: sched.minLr,
      },
      optimizer: { class_path: "torch.optim.AdamW", init_args: { lr: sched.lr, weight_decay: sig12(o.weightDecay.value), betas: [o.beta1.value, o.beta2.value], eps: o.eps.value } },
      devices,
      num_nodes: numNodes,
    };
    const header = `# lmplan emit --format litgpt: ${commentText(plan.title)}\n# keys: ${this.source}\n# max_tokens = steps × global_batch_size × max_seq_length = ${b.steps.value} × ${b.globalBatchSeqs.value} × ${b.seqLen.value} = ${b.tokensTrained.value}\n`;
    const deviation = compareSchedule(sp, (step) => litgptLr(sched, step), o.hiddenLr.value);
    return { format: "litgpt", fileName: "pretrain.yaml", text: `${header}${toYaml(doc)}`, notes, deviation };
  },
};
