/**
 * nanoGPT config (karpathy/nanoGPT @ 3adf61e1, train.py: the configurable globals and get_lr). The
 * schedule is linear warmup to it+1/(warmup_iters+1) then cosine to min_lr — cosine only, so a
 * linear-decay plan is written as the closest cosine and the deviation is printed (or refused with --strict).
 */
import type { Plan } from "../plan/types.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, pyLiteral } from "./serialize.js";
import type { EmitResult, Emitter } from "./types.js";

export interface NanoGptSchedule {
  learningRate: number;
  warmupIters: number;
  lrDecayIters: number;
  minLr: number;
}

// nanoGPT train.py get_lr(it)
export function nanogptLr(c: NanoGptSchedule, it: number): number {
  if (it < c.warmupIters) return (c.learningRate * (it + 1)) / (c.warmupIters + 1);
  if (it > c.lrDecayIters) return c.minLr;
  const ratio = (it - c.warmupIters) / (c.lrDecayIters - c.warmupIters);
  const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio));
  return c.minLr + coeff * (c.learningRate - c.minLr);
}

export const nanogpt: Emitter = {
  id: "nanogpt",
  title: "nanoGPT (config .py for train.py)",
  source: "karpathy/nanoGPT @ 3adf61e1: train.py (config globals, get_lr)",
  emit(plan: Plan): EmitResult {
    const notes: string[] = [];
    const sp = plan.schedule.spec;
    const o = plan.optimizer;
    const s = plan.model.spec;
    const sched: NanoGptSchedule = { learningRate: o.hiddenLr.value, warmupIters: sp.warmupSteps, lrDecayIters: sp.totalSteps, minLr: sp.minLrRatio * o.hiddenLr.value };
    if (sp.kind !== "cosine") notes.push(`nanoGPT's get_lr is cosine only: the plan's ${sp.kind === "linear" && sp.minLrRatio === 0 ? "linear decay to zero" : sp.kind} schedule is written as cosine to ${sched.minLr} (Bergsma et al.: linear-D2Z beats cosine-D2Z by ≈0.1% loss [unverified]); to follow the plan exactly, replace get_lr in train.py`);
    if (o.parameterization.kind !== "sp") notes.push(`nanoGPT has no μP: learning_rate is the hidden-weight LR ${o.hiddenLr.value}; embeddings/norms want ${o.baseLr.value} and the μP init and multipliers need model.py changes (EleutherAI/nanoGPT-mup shows how)`);
    if (s.ffnType !== "gelu" || s.position !== "learned" || s.dFf !== 4 * s.dModel || !s.tiedEmbeddings || (s.numKvHeads ?? s.numHeads) !== s.numHeads) {
      notes.push(`nanoGPT's model.py is GPT-2 (GeLU MLP of 4·d, learned positions, tied embeddings, multi-head attention); this plan's ${s.ffnType} d_ff ${s.dFf}, ${s.position} positions${s.tiedEmbeddings ? "" : ", untied head"}${(s.numKvHeads ?? s.numHeads) !== s.numHeads ? ", GQA" : ""} need model.py changes`);
    }
    const dp = plan.batch.dataParallel.value;
    const lines: [string, number | boolean | string][] = [
      ["n_layer", s.numLayers],
      ["n_head", s.numHeads],
      ["n_embd", s.dModel],
      ["block_size", plan.batch.seqLen.value],
      ["bias", s.bias],
      ["dropout", 0.0],
      ["batch_size", plan.batch.microBatchSeqs.value],
      // train.py divides gradient_accumulation_steps by the DDP world size: give the total
      ["gradient_accumulation_steps", plan.batch.gradAccumSteps.value * dp],
      ["learning_rate", sched.learningRate],
      ["max_iters", plan.batch.steps.value],
      ["weight_decay", o.weightDecay.value],
      ["beta1", o.beta1.value],
      ["beta2", o.beta2.value],
      ["grad_clip", o.gradClip.value],
      ["decay_lr", true],
      ["warmup_iters", sched.warmupIters],
      ["lr_decay_iters", sched.lrDecayIters],
      ["min_lr", sched.minLr],
    ];
    const text = [
      `# lmplan emit --format nanogpt: ${commentText(plan.title)}`,
      `# keys: ${this.source}; run: torchrun --nproc_per_node=… train.py this_file.py (${dp} GPUs in all)`,
      `# tokens per iter = gradient_accumulation_steps × batch_size × block_size = ${plan.batch.gradAccumSteps.value * dp} × ${plan.batch.microBatchSeqs.value} × ${plan.batch.seqLen.value} = ${plan.batch.globalBatchTokens.value}; × max_iters = ${plan.batch.tokensTrained.value}`,
      // train.py exec()s this file: only assignments of literals, never text that could be code
      ...lines.map(([k, v]) => `${k} = ${pyLiteral(v)}`),
      "",
    ].join("\n");
    const deviation = compareSchedule(sp, (it) => nanogptLr(sched, it), o.hiddenLr.value);
    return { format: "nanogpt", fileName: "config_lmplan.py", text, notes, deviation };
  },
};
