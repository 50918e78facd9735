/**
 * Megatron-LM launch script (NVIDIA/Megatron-LM @ d98e8a64: flags from megatron/training/arguments.py
 * and the config dataclasses they are generated from — training_config.py, transformer_config.py
 * (μP: use_mup, mup_base_hidden_size, mup_embedding_mult, mup_output_mult, mup_attn_scale_power),
 * optimizer_config.py; LR from megatron/core/optimizer_param_scheduler.py get_lr).
 * Traps handled: --min-lr is absolute; --lr-wsd-decay-style defaults to exponential (2·0.5^p − 1), so it
 * is always written; under --use-mup, --lr is η_base and Megatron divides hidden-matrix LRs by the width
 * multiplier itself (megatron/core/optimizer/__init__.py get_mup_config_overrides), and
 * --init-method-std is σ_base: Megatron applies the μP width (and output-layer depth) scaling to it.
 */
import type { Plan } from "../plan/types.js";
import { dataPhases, sig6 } from "./plan-parts.js";
import { commentText, shellQuote, shellWord, shellWordForLauncher, toYaml, type ShellPart } from "./serialize.js";
import { compareSchedule } from "./schedule-check.js";
import { mupTrainerLr, type EmitResult, type Emitter, type ScheduleDeviation } from "./types.js";

export interface MegatronSchedule {
  lr: number;
  minLr: number;
  warmupIters: number;
  decayIters: number;
  style: "constant" | "linear" | "cosine" | "WSD";
  wsdDecayIters: number;
  wsdStyle: "exponential" | "linear" | "cosine" | "minus_sqrt";
}

// megatron/core/optimizer_param_scheduler.py get_lr, with steps counted in iterations (Megatron counts
// samples, warmup and decay in samples too, so the ratios are the same); iteration it uses num_steps = it.
export function megatronLr(c: MegatronSchedule, it: number): number {
  if (c.warmupIters > 0 && it <= c.warmupIters) return (c.lr * it) / c.warmupIters;
  if (c.style === "constant") return c.lr;
  if (it > c.decayIters) return c.minLr;
  const ratio = (it - c.warmupIters) / (c.decayIters - c.warmupIters);
  let coeff: number;
  if (c.style === "linear") coeff = 1 - ratio;
  else if (c.style === "cosine") coeff = 0.5 * (Math.cos(Math.PI * ratio) + 1);
  else {
    const start = c.decayIters - c.wsdDecayIters;
    if (it <= start) coeff = 1;
    else {
      const r = (it - start) / c.wsdDecayIters;
      coeff = c.wsdStyle === "linear" ? 1 - r : c.wsdStyle === "cosine" ? 0.5 * (Math.cos(Math.PI * r) + 1) : c.wsdStyle === "exponential" ? 2 * 0.5 ** r - 1 : 1 - Math.sqrt(r);
    }
  }
  return c.minLr + coeff * (c.lr - c.minLr);
}

/** One word of a flag's value: a number, literal text, or text with the script's own ${VAR}s. */
type Word = ShellPart | ShellPart[];
/** A flag and its value words: ["--num-layers", 24], ["--bf16"], ["--data-path", 0.5, [{ env: "DATA_DIR" }, "/web_text_document"]]. */
type Arg = [flag: string, ...words: Word[]];

interface MegatronArgs {
  model: Arg[];
  training: Arg[];
  data: Arg[];
  /** Resumed phases (end-of-training mixture, later context stages), as comment lines. */
  extra: string[];
  notes: string[];
  deviation: ScheduleDeviation;
}

/** A flag line of the launch script: every value through the one shell-quoting function. */
const bashArg = ([flag, ...words]: Arg): string => [shellQuote(flag), ...words.map(shellWord)].join(" ");

/** The plan as Megatron flags ("--flag value" or "--flag"), shared by the launch script and the YAML map form. */
function megatronArgs(plan: Plan): MegatronArgs {
  const notes: string[] = [];
  const sp = plan.schedule.spec;
  const o = plan.optimizer;
  const p = o.parameterization;
  const s = plan.model.spec;
  // Megatron applies lr to hidden matrices as lr / width_mult under μP, so --lr is η_base
  const { mup, lr, widthMultiplier: widthMult } = mupTrainerLr(plan);
  const sched: MegatronSchedule = {
    lr,
    minLr: sp.minLrRatio * lr,
    warmupIters: sp.warmupSteps,
    decayIters: sp.totalSteps,
    style: sp.kind === "cosine" ? "cosine" : sp.kind === "wsd" ? "WSD" : sp.kind === "constant" ? "constant" : "linear",
    wsdDecayIters: Math.round((sp.decayFraction ?? 0) * sp.totalSteps),
    wsdStyle: sp.decayShape === "cosine" ? "cosine" : sp.decayShape === "1-sqrt" ? "minus_sqrt" : sp.decayShape === "exponential" ? "exponential" : "linear",
  };
  if (sp.kind === "wsd" && sp.decayShape === "exponential") notes.push("Megatron's WSD 'exponential' is 2·0.5^p − 1, not lmplan's (min/peak)^p; the deviation below measures the difference");
  if (sp.kind === "power") notes.push("Megatron cannot express the Power Scheduler; linear decay is written (deviation below)");
  if (p.kind === "completep") notes.push(`Megatron's μP has no depth (CompleteP) terms: residual × ${+p.residualMultiplier.toPrecision(6)}, hidden weight decay × ${+p.hiddenWeightDecayMultiplier.toPrecision(6)} and ε × ${+p.adamEpsMultiplier.toPrecision(6)} need code changes`);
  if (s.position === "alibi") notes.push("Megatron-LM has no ALiBi (--position-embedding-type: learned_absolute, rope, yarn, mrope, relative, none); 'none' is written — add ALiBi biases in the attention, or use a RoPE shape");
  notes.push("Megatron takes the vocabulary from its tokenizer arguments (--tokenizer-type …): set them for a vocabulary of " + s.vocabSize);
  const kv = s.numKvHeads ?? s.numHeads;
  const model: Arg[] = [
    ["--num-layers", s.numLayers],
    ["--hidden-size", s.dModel],
    ["--num-attention-heads", s.numHeads],
    ...(kv !== s.numHeads ? [["--group-query-attention"], ["--num-query-groups", kv]] as Arg[] : []),
    ["--ffn-hidden-size", s.dFf],
    ...(s.ffnType === "swiglu" ? [["--swiglu"]] as Arg[] : []),
    ["--seq-length", plan.batch.seqLen.value],
    ["--max-position-embeddings", plan.batch.seqLen.value],
    ["--position-embedding-type", s.position === "rope" ? "rope" : s.position === "learned" ? "learned_absolute" : "none"],
    ["--normalization", s.norm === "rmsnorm" ? "RMSNorm" : "LayerNorm"],
    ...(s.bias ? [] : [["--disable-bias-linear"]] as Arg[]),
    ...(s.tiedEmbeddings ? [] : [["--untie-embeddings-and-output-weights"]] as Arg[]),
    // Under --use-mup Megatron divides init_method_std by √width_mult itself (and scales output layers
    // by depth and width; transformer_config.py __post_init__), so it takes σ_base, unscaled.
    ["--init-method-std", mup ? (p.embedding.initStd ?? 0.02) : (p.hidden.initStd ?? 0.02)],
    ...(mup
      ? [["--use-mup"], ["--mup-base-hidden-size", Math.round(s.dModel / widthMult)], ["--mup-embedding-mult", p.embedding.outputMultiplier], ["--mup-output-mult", +p.outputLogitsScale.toPrecision(10)], ["--mup-attn-scale-power", "1.0"]] as Arg[]
      : []),
  ];
  const training: Arg[] = [
    ["--micro-batch-size", plan.batch.microBatchSeqs.value],
    ["--global-batch-size", plan.batch.globalBatchSeqs.value],
    ["--train-iters", plan.batch.steps.value],
    ["--lr", lr],
    ["--min-lr", sched.minLr],
    ["--lr-decay-style", sched.style],
    ["--lr-decay-iters", sched.decayIters],
    ["--lr-warmup-iters", sched.warmupIters],
    ...(sched.style === "WSD" ? [["--lr-wsd-decay-iters", sched.wsdDecayIters], ["--lr-wsd-decay-style", sched.wsdStyle]] as Arg[] : []),
    ["--weight-decay", o.weightDecay.value],
    ["--adam-beta1", o.beta1.value],
    ["--adam-beta2", o.beta2.value],
    ["--adam-eps", o.eps.value],
    ["--clip-grad", o.gradClip.value],
    ["--bf16"],
    ...(plan.memory.zeroStage >= 1 ? [["--use-distributed-optimizer"]] as Arg[] : []),
    ...(plan.memory.recompute === "full" ? [["--recompute-granularity", "full"], ["--recompute-method", "uniform"], ["--recompute-num-layers", 1]] as Arg[] : []),
  ];
  // Data weights: Megatron's --data-path takes "weight prefix weight prefix …".
  // Source names are the user's text: each reaches the script as a literal after "${DATA_DIR}"/.
  const dataPath = (weights: [string, number][]): Arg => ["--data-path", ...weights.flatMap(([name, w]): Word[] => [sig6(w), [{ env: "DATA_DIR" }, `/${name}_text_document`]])];
  let data: Arg[] = [["--data-path", { env: "DATA_PATH", ifUnset: "set DATA_PATH to your tokenized data prefix" }]];
  const extra: string[] = [];
  const [main, fin] = dataPhases(plan);
  if (main) data = [dataPath(main.weights)];
  if (fin) {
    const at = fin.startStep;
    extra.push(`# Final phase (${+(fin.fraction * 100).toPrecision(3)}% of tokens, from iteration ${at}): resume from the checkpoint at ${at} with`, `#   ${commentText(bashArg(dataPath(fin.weights)))}`);
    notes.push(`Megatron does not change the data mixture within a run: the end-of-training phase is a resumed run from iteration ${at} (see the script's last lines)`);
  }
  if (plan.context && plan.context.stages.length > 1) {
    // Each later stage resumes at the iteration where the stages before it end.
    let before = 0;
    for (const [i, st] of plan.context.stages.entries()) {
      if (i > 0) {
        const flags: Arg[] = [["--seq-length", st.seqLen], ["--max-position-embeddings", st.seqLen], ["--global-batch-size", st.batchSeqs ?? plan.batch.globalBatchSeqs.value], ["--micro-batch-size", st.microBatchSeqs ?? 1]];
        extra.push(`# Context stage at ${st.seqLen} tokens (${+(st.share * 100).toPrecision(3)}% of tokens): resume from iteration ${before} with`, `#   ${commentText(flags.map(bashArg).join(" "))}`);
      }
      before += st.steps ?? 0;
    }
    notes.push("Megatron cannot change the sequence length within a run: later context stages are resumed runs (see the script's last lines); iterations and the LR schedule continue across them");
  }
  // Hidden-weight LR Megatron will apply: lr(it) / width_mult under μP
  const deviation = compareSchedule(sp, (it) => megatronLr(sched, it) / widthMult, o.hiddenLr.value);
  return { model, training, data, extra, notes, deviation };
}

const SOURCE = "NVIDIA/Megatron-LM @ d98e8a64: megatron/training/arguments.py + config dataclasses; megatron/core/optimizer_param_scheduler.py";
const tokensLine = (plan: Plan) =>
  `tokens = train-iters × global-batch-size × seq-length = ${plan.batch.steps.value} × ${plan.batch.globalBatchSeqs.value} × ${plan.batch.seqLen.value} = ${plan.batch.tokensTrained.value}`;

export const megatron: Emitter = {
  id: "megatron",
  title: "Megatron-LM (launch script)",
  source: SOURCE,
  emit(plan: Plan): EmitResult {
    const { model, training, data, extra, notes, deviation } = megatronArgs(plan);
    const arr = (name: string, xs: Arg[]) => `${name}=(\n${xs.map((x) => `  ${bashArg(x)}`).join("\n")}\n)`;
    const text = [
      "#!/usr/bin/env bash",
      `# lmplan emit --format megatron: ${commentText(plan.title)}`,
      `# flags: ${SOURCE}`,
      `# ${tokensLine(plan)}`,
      "set -euo pipefail",
      `GPUS_PER_NODE=\${GPUS_PER_NODE:-8}   # ${plan.hardware.numGpus.value} GPUs in all: set NNODES, NODE_RANK, MASTER_ADDR for torchrun`,
      arr("MODEL_ARGS", model),
      arr("TRAINING_ARGS", training),
      arr("DATA_ARGS", data),
      'torchrun --nproc_per_node "$GPUS_PER_NODE" --nnodes "${NNODES:-1}" --node_rank "${NODE_RANK:-0}" --master_addr "${MASTER_ADDR:-localhost}" --master_port "${MASTER_PORT:-6000}" \\',
      '  pretrain_gpt.py "${MODEL_ARGS[@]}" "${TRAINING_ARGS[@]}" "${DATA_ARGS[@]}" "$@"',
      ...extra,
      "",
    ].join("\n");
    return { format: "megatron", fileName: "train.sh", text, notes, deviation };
  },
};

/**
 * The same flags as the `MODEL_ARGS:` YAML map Megatron-LM's functional tests use
 * (tests/functional_tests/test_cases/<model>/<case>/model_config.yaml @ d98e8a64): "--flag: value",
 * switches as true.
 */
export const megatronYaml: Emitter = {
  id: "megatron-yaml",
  title: "Megatron-LM (MODEL_ARGS YAML map)",
  source: `${SOURCE}; map form: tests/functional_tests/test_cases/<model>/<case>/model_config.yaml`,
  emit(plan: Plan): EmitResult {
    const { model, training, data, extra, notes, deviation } = megatronArgs(plan);
    const map: Record<string, string | number | boolean> = {};
    for (const [flag, ...words] of [...model, ...training, ...data]) {
      const [only] = words;
      // a switch is true; one number a number; several words (or ${VAR}s, which the launcher substitutes) one
      // string of shell words, the user's text quoted as the launch script quotes it
      map[flag] =
        only === undefined ? true
        : words.length === 1 && typeof only === "number" ? only
        : words.length === 1 && typeof only === "string" && /^-?[0-9.]+(e[+-]?[0-9]+)?$/.test(only) ? Number(only)
        : words.map(shellWordForLauncher).join(" ");
    }
    const text = [`# lmplan emit --format megatron-yaml: ${commentText(plan.title)}`, `# flags: ${SOURCE}`, `# ${tokensLine(plan)}`, toYaml({ MODEL_ARGS: map }).trimEnd(), ...extra, ""].join("\n");
    return { format: "megatron-yaml", fileName: "model_config.yaml", text, notes, deviation };
  },
};
