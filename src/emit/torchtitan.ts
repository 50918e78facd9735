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
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, pyRound, stagesText } from "./launch.js";
import { dataPhases, sig6 } from "./plan-parts.js";
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
    notes.push(`TorchTitan selects the architecture by model.name and flavor: register a flavor with d_model ${s.dModel}, ${s.numLayers} layers, ${s.numHeads} heads (${s.numKvHeads ?? s.numHeads} KV), d_ff ${s.dFf}, vocab ${s.vocabSize}, ${s.position} positions — "lmplan" below is a placeholder name`);
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
      parallelism: { data_parallel_shard_degree: plan.batch.dataParallel.value },
      checkpoint: { enable: true, folder: "checkpoint", interval: ckpt.steps },
      activation_checkpoint: { mode: plan.memory.recompute === "full" ? "full" : "none" },
    };
    const extra: string[] = [];
    if (first) {
      for (const st of stages.slice(1)) {
        const overrides = [`--training.seq_len=${st.seqLen}`, `--training.global_batch_size=${st.batchSeqs}`, `--training.local_batch_size=${st.microBatchSeqs}`, `--training.steps=${st.startStep + st.steps}`].map(shellQuote).join(" ");
        extra.push(`# Context stage at ${st.seqLen} tokens (${+(st.share * 100).toPrecision(3)}% of tokens, steps ${st.startStep}–${st.startStep + st.steps - 1}): rerun on this file, resuming from the checkpoint at step ${st.startStep}, with`, `#   ${commentText(overrides)}`);
      }
      notes.push(`context stages are resumed runs on one LR schedule (lr_scheduler.total_steps = ${T}): ${stagesText(stages)}; this file trains the first (training.steps = ${steps}), the file's last lines give each later stage's overrides`);
    }
    notes.push(launchNote(placeholders, checks));
    const tokensLine = first
      ? `# tokens (this stage) = steps × global_batch_size × seq_len = ${steps} × ${first.batchSeqs} × ${first.seqLen} = ${steps * first.batchSeqs * first.seqLen}; the whole run: ${plan.batch.tokensTrained.value} over ${T} steps`
      : `# tokens = steps × global_batch_size × seq_len = ${plan.batch.steps.value} × ${plan.batch.globalBatchSeqs.value} × ${plan.batch.seqLen.value} = ${plan.batch.tokensTrained.value}`;
    const header = [`# lmplan emit --format torchtitan: ${commentText(plan.title)}`, `# keys: ${this.source}`, tokensLine, ...beforeYouLaunch(placeholders, checks), ""].join("\n");
    const deviation = compareSchedule(sp, (step) => o.hiddenLr.value * torchtitanFactor(sched, step), o.hiddenLr.value);
    return { format: "torchtitan", fileName: "train.toml", text: `${header}${toToml(doc)}\n${extra.length ? `${extra.join("\n")}\n` : ""}`, notes, deviation, placeholders, unexpressed };
  },
};
