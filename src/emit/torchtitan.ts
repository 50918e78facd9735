/**
 * TorchTitan v0.2.x TOML (pytorch/torchtitan @ v0.2.2 = 73a0e699, torchtitan/config/job_config.py for
 * the keys; torchtitan/components/lr_scheduler.py linear_warmup_stable_decay for the LR). TorchTitan
 * main moved to Python config functions (2026-02); this writes the v0.2.x TOML.
 */
import type { Plan } from "../plan/types.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, toToml } from "./serialize.js";
import type { EmitResult, Emitter } from "./types.js";

export interface TorchTitanSchedule {
  warmupSteps: number;
  totalSteps: number;
  decayRatio: number | null;
  decayType: "linear" | "sqrt" | "cosine";
  minLrFactor: number;
}

// torchtitan/components/lr_scheduler.py @ v0.2.2: the factor applied to optimizer.lr at scheduler step s
export function torchtitanFactor(c: TorchTitanSchedule, step: number): number {
  const warmup = Math.min(c.warmupSteps, c.totalSteps);
  let decaySteps = c.decayRatio !== null ? Math.round(c.totalSteps * c.decayRatio) : c.totalSteps - warmup;
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

export const torchtitan: Emitter = {
  id: "torchtitan",
  title: "TorchTitan v0.2.x (TOML)",
  source: "pytorch/torchtitan @ v0.2.2 (73a0e699): torchtitan/config/job_config.py, torchtitan/components/lr_scheduler.py",
  emit(plan: Plan): EmitResult {
    const notes: string[] = [];
    const sp = plan.schedule.spec;
    const o = plan.optimizer;
    const sched: TorchTitanSchedule = { warmupSteps: sp.warmupSteps, totalSteps: sp.totalSteps, decayRatio: null, decayType: "linear", minLrFactor: sp.minLrRatio };
    if (sp.kind === "cosine") sched.decayType = "cosine";
    if (sp.kind === "wsd") {
      sched.decayRatio = sp.decayFraction ?? 0.1;
      sched.decayType = sp.decayShape === "cosine" ? "cosine" : sp.decayShape === "1-sqrt" ? "sqrt" : "linear";
      if (sp.decayShape === "exponential") notes.push("TorchTitan has no exponential decay; the closest, linear, is written (deviation below)");
    }
    if (sp.kind === "constant") sched.decayRatio = 0; // decay never starts within training.steps
    if (sp.kind === "power") notes.push("TorchTitan cannot express the Power Scheduler; linear decay is written (deviation below)");
    if (o.parameterization.kind !== "sp") {
      notes.push(
        `TorchTitan v0.2.2 has no μP: optimizer.lr is the hidden-weight LR ${o.hiddenLr.value}; the plan also wants embeddings/norms at ${o.baseLr.value}, init std ${o.parameterization.hidden.initStd} (hidden) and ${o.parameterization.outProjection.initStd} (output projections), embedding × ${o.parameterization.embedding.outputMultiplier}, logits × ${+o.parameterization.outputLogitsScale.toPrecision(6)}, attention QᵀK/${o.parameterization.attentionDivisor} — add them in your model code`,
      );
    }
    const s = plan.model.spec;
    notes.push(`TorchTitan selects the architecture by model.name and flavor: register a flavor with d_model ${s.dModel}, ${s.numLayers} layers, ${s.numHeads} heads (${s.numKvHeads ?? s.numHeads} KV), d_ff ${s.dFf}, vocab ${s.vocabSize}, ${s.position} positions — "lmplan" below is a placeholder name`);
    if (s.position === "alibi") notes.push("TorchTitan's llama3 model uses RoPE; ALiBi needs a model change");
    const doc = {
      job: { description: `lmplan: ${plan.title}` },
      model: { name: "llama3", flavor: "lmplan" },
      optimizer: { name: "AdamW", lr: o.hiddenLr.value, beta1: o.beta1.value, beta2: o.beta2.value, eps: o.eps.value, weight_decay: o.weightDecay.value },
      lr_scheduler: {
        warmup_steps: sched.warmupSteps,
        ...(sched.decayRatio !== null ? { decay_ratio: sched.decayRatio } : {}),
        decay_type: sched.decayType,
        min_lr_factor: sched.minLrFactor,
      },
      training: {
        local_batch_size: plan.batch.microBatchSeqs.value,
        global_batch_size: plan.batch.globalBatchSeqs.value,
        seq_len: plan.batch.seqLen.value,
        max_norm: o.gradClip.value,
        steps: plan.batch.steps.value,
      },
      parallelism: { data_parallel_shard_degree: plan.batch.dataParallel.value },
      activation_checkpoint: { mode: plan.memory.recompute === "full" ? "full" : "none" },
    };
    const header = `# lmplan emit --format torchtitan: ${commentText(plan.title)}\n# keys: ${this.source}\n# tokens = steps × global_batch_size × seq_len = ${plan.batch.steps.value} × ${plan.batch.globalBatchSeqs.value} × ${plan.batch.seqLen.value} = ${plan.batch.tokensTrained.value}\n`;
    const deviation = compareSchedule(sp, (step) => o.hiddenLr.value * torchtitanFactor(sched, step), o.hiddenLr.value);
    return { format: "torchtitan", fileName: "train.toml", text: `${header}${toToml(doc)}\n`, notes, deviation };
  },
};
