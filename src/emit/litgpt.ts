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
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, stagesText } from "./launch.js";
import { dataPhases, noMupNote, sig12, sig6 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, float, toYaml } from "./serialize.js";
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
    const header = [`# lmplan emit --format litgpt: ${commentText(plan.title)}`, `# keys: ${this.source}`, `# max_tokens = steps × global_batch_size × max_seq_length = ${b.steps.value} × ${b.globalBatchSeqs.value} × ${b.seqLen.value} = ${b.tokensTrained.value}`, ...beforeYouLaunch(placeholders, checks), ""].join("\n");
    const deviation = compareSchedule(sp, (step) => litgptLr(sched, step), o.hiddenLr.value);
    return { format: "litgpt", fileName: "pretrain.yaml", text: `${header}${toYaml(doc)}`, notes, deviation, placeholders, unexpressed };
  },
};
