/**
 * nanoGPT config (karpathy/nanoGPT @ 3adf61e1, train.py: the configurable globals and get_lr). The
 * schedule is linear warmup to it+1/(warmup_iters+1) then cosine to min_lr — cosine only, so a
 * linear-decay plan is written as the closest cosine and the deviation is printed (or refused with --strict);
 * a constant schedule is cosine from learning_rate to min_lr = learning_rate.
 * Traps handled: the loop updates at iter_num = 0 … max_iters and saves (always_save_checkpoint) at the top
 * of an iteration divisible by eval_interval, before its update — so max_iters = T with eval_interval
 * dividing T saves exactly T updates, and the one update after that save is never kept;
 * configurator.py asserts an override's type equals the default's, so floats are written as floats
 * (grad_clip = 1.0); dataset defaults to openwebtext and the vocabulary to 50304 without data/<dataset>/meta.pkl.
 */
import type { Layout } from "../layout/types.js";
import type { Plan } from "../plan/types.js";
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, notExpressedChecks, stagesText } from "./launch.js";
import { archView, dataPhases, layoutShapeNotes, layoutText, sig6 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, float, pyLiteral, type Literal } from "./serialize.js";
import type { EmitResult, Emitter, Placeholder } from "./types.js";

/** The divisor of T nearest `target` (so that nanoGPT's save at iter_num % eval_interval == 0 lands on T). */
export function divisorNear(T: number, target: number): number {
  let best = T;
  for (let d = 1; d * d <= T; d++) {
    if (T % d !== 0) continue;
    for (const c of [d, T / d]) if (Math.abs(Math.log(c / target)) < Math.abs(Math.log(best / target))) best = c;
  }
  return best;
}

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

/**
 * What nanoGPT's train.py (karpathy/nanoGPT @ 3adf61e1) runs: DDP over the torchrun world (it divides
 * gradient_accumulation_steps by the world size), the whole model on every GPU, no activation
 * checkpointing, bf16 autocast; model.py is GPT-2 (no GQA, no MoE). Everything else in the layout is noted.
 */
function nanogptLayout(plan: Plan, l: Layout, notes: string[], unexpressed: string[]): void {
  const say = (what: string, note: string) => {
    notes.push(note);
    unexpressed.push(what);
  };
  if (l.zeroStage > 0) say(`ZeRO-${l.zeroStage}`, `nanoGPT is plain DDP: the plan's ZeRO-${l.zeroStage} sharding is not expressible (every GPU holds all weights, gradients and AdamW states)`);
  if (l.tp > 1) say(`tensor parallel ${l.tp}`, "nanoGPT has no tensor parallelism");
  if (l.pp > 1) say(`pipeline parallel ${l.pp}`, "nanoGPT has no pipeline parallelism");
  if (l.cp > 1) say(`context parallel ${l.cp}`, "nanoGPT has no context parallelism");
  if (l.ep > 1 || archView(plan).moe) say("MoE / expert parallelism", "nanoGPT's model.py has no MoE");
  if (l.recompute !== "none") say(`${l.recompute} recompute`, "nanoGPT has no activation checkpointing");
  if (l.precision === "fp8") say("fp8 matmuls", "nanoGPT's dtype is bfloat16/float16/float32: no fp8");
  for (const n of layoutShapeNotes(l, archView(plan))) say(n, n);
  notes.push(`layout: ${layoutText(l)}; nanoGPT runs it as DDP over ${l.dp * l.tp * l.pp * l.cp} processes`);
}

export const nanogpt: Emitter = {
  id: "nanogpt",
  title: "nanoGPT (config .py for train.py)",
  source: "karpathy/nanoGPT @ 3adf61e1: train.py (config globals, get_lr)",
  emit(plan: Plan): EmitResult {
    const notes: string[] = [];
    const unexpressed: string[] = [];
    const sp = plan.schedule.spec;
    const o = plan.optimizer;
    const s = plan.model.spec;
    const T = plan.batch.steps.value;
    // a constant schedule is the cosine between two equal values
    const minLr = sp.kind === "constant" ? o.hiddenLr.value : sp.minLrRatio * o.hiddenLr.value;
    const sched: NanoGptSchedule = { learningRate: o.hiddenLr.value, warmupIters: sp.warmupSteps, lrDecayIters: sp.totalSteps, minLr };
    if (sp.kind !== "cosine" && sp.kind !== "constant") notes.push(`nanoGPT's get_lr is cosine only: the plan's ${sp.kind === "linear" && sp.minLrRatio === 0 ? "linear decay to zero" : sp.kind} schedule is written as cosine to ${sched.minLr} (Bergsma et al.: linear-D2Z beats cosine-D2Z by ≈0.1% loss [unverified]); to follow the plan exactly, replace get_lr in train.py`);
    if (sp.kind === "constant") notes.push("nanoGPT's get_lr is cosine only: the constant schedule is written as cosine from learning_rate to min_lr = learning_rate (its warmup is (it+1)/(warmup_iters+1), measured below)");
    if (o.parameterization.kind !== "sp") {
      notes.push(`nanoGPT has no μP: learning_rate is the hidden-weight LR ${o.hiddenLr.value}; embeddings/norms want ${o.baseLr.value} and the μP init and multipliers need model.py changes (EleutherAI/nanoGPT-mup shows how)`);
      unexpressed.push(`${o.parameterization.kind === "completep" ? "CompleteP" : "μP"} per-group LRs, init and multipliers (no μP in nanoGPT)`);
    }
    if (s.ffnType !== "gelu" || s.position !== "learned" || s.dFf !== 4 * s.dModel || !s.tiedEmbeddings || (s.numKvHeads ?? s.numHeads) !== s.numHeads) {
      notes.push(`nanoGPT's model.py is GPT-2 (GeLU MLP of 4·d, learned positions, tied embeddings, multi-head attention); this plan's ${s.ffnType} d_ff ${s.dFf}, ${s.position} positions${s.tiedEmbeddings ? "" : ", untied head"}${(s.numKvHeads ?? s.numHeads) !== s.numHeads ? ", GQA" : ""} need model.py changes`);
      unexpressed.push("the architecture beyond GPT-2's (model.py changes)");
    }
    const stages = contextStages(plan);
    if (stages.length > 0) {
      notes.push(`nanoGPT cannot run the plan's context stages (${stagesText(stages)}): init_from='resume' restores block_size from the checkpoint (train.py), so all ${T} iterations are written at ${plan.batch.seqLen.value} tokens and the later stages are dropped — a longer context needs train.py/model.py changes`);
      unexpressed.push(`context stages after the first (${stages.slice(1).map((x) => `${x.seqLen} tokens`).join(", ")})`);
    }
    const [main, fin] = dataPhases(plan);
    if (main) {
      notes.push(`nanoGPT reads one data/<dataset>/train.bin: tokenize the plan's mixture into it — ${main.weights.map(([k, w]) => `${k} ${sig6(w)}`).join(", ")}${fin ? `; its end-of-training phase (from iteration ${fin.startStep}: ${fin.weights.map(([k, w]) => `${k} ${sig6(w)}`).join(", ")}) needs a second train.bin and a resumed run` : ""}`);
      unexpressed.push("the data mixture (one train.bin)");
    }
    const dp = plan.batch.dataParallel.value;
    const evalInterval = divisorNear(T, checkpointInterval(plan).steps);
    const placeholders: Placeholder[] = [];
    const checks = [
      `dataset "lmplan": nanoGPT reads data/lmplan/train.bin and val.bin (uint16 tokens); put meta.pkl with vocab_size ${s.vocabSize} beside them, or nanoGPT uses 50304`,
      `checkpoints: out_dir out-lmplan/ckpt.pt every eval_interval ${evalInterval} iterations (${evalInterval === T ? `${T} has no divisor near an hour of training; only the final one` : "a divisor of max_iters, so the last one holds all updates"}); after a failure rerun with --init_from=resume`,
    ];
    if (s.vocabSize > 65535) checks.push(`nanoGPT's train.bin is uint16: a ${s.vocabSize}-token vocabulary needs a wider dtype in train.py get_batch`);
    const lines: [string, Literal][] = [
      ["out_dir", "out-lmplan"],
      ["eval_interval", evalInterval],
      ["always_save_checkpoint", true],
      ["init_from", "scratch"],
      ["dataset", "lmplan"],
      ["n_layer", s.numLayers],
      ["n_head", s.numHeads],
      ["n_embd", s.dModel],
      ["block_size", plan.batch.seqLen.value],
      ["bias", s.bias],
      ["dropout", float(0)],
      ["batch_size", plan.batch.microBatchSeqs.value],
      // train.py divides gradient_accumulation_steps by the DDP world size: give the total
      ["gradient_accumulation_steps", plan.batch.gradAccumSteps.value * dp],
      ["learning_rate", float(sched.learningRate)],
      // the loop updates at iter_num = 0 … max_iters; the save at iter_num = T holds exactly T updates
      ["max_iters", T],
      ["weight_decay", float(o.weightDecay.value)],
      ["beta1", float(o.beta1.value)],
      ["beta2", float(o.beta2.value)],
      ["grad_clip", float(o.gradClip.value)],
      ["decay_lr", true],
      ["warmup_iters", sched.warmupIters],
      ["lr_decay_iters", sched.lrDecayIters],
      ["min_lr", float(sched.minLr)],
    ];
    const u0 = unexpressed.length;
    if (plan.layout) nanogptLayout(plan, plan.layout, notes, unexpressed);
    checks.push(...notExpressedChecks(unexpressed.slice(u0)));
    notes.push(launchNote(placeholders, checks));
    const text = [
      `# lmplan emit --format nanogpt: ${commentText(plan.title)}`,
      `# keys: ${this.source}; run: torchrun --nproc_per_node=… train.py this_file.py (${dp} GPUs in all)`,
      `# tokens per iter = gradient_accumulation_steps × batch_size × block_size = ${plan.batch.gradAccumSteps.value * dp} × ${plan.batch.microBatchSeqs.value} × ${plan.batch.seqLen.value} = ${plan.batch.globalBatchTokens.value}; × max_iters = ${plan.batch.tokensTrained.value} (train.py runs max_iters + 1 updates; its checkpoint at iteration ${T} is taken before the last, so it holds these ${T})`,
      ...beforeYouLaunch(placeholders, checks),
      // train.py exec()s this file: only assignments of literals, never text that could be code
      ...lines.map(([k, v]) => `${k} = ${pyLiteral(v)}`),
      "",
    ].join("\n");
    const deviation = compareSchedule(sp, (it) => nanogptLr(sched, it), o.hiddenLr.value);
    return { format: "nanogpt", fileName: "config_lmplan.py", text, notes, deviation, placeholders, unexpressed };
  },
};
