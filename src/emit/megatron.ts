/**
 * Megatron-LM launch script (NVIDIA/Megatron-LM @ d98e8a64: flags from megatron/training/arguments.py
 * and the config dataclasses they are generated from — training_config.py, transformer_config.py
 * (μP: use_mup, mup_base_hidden_size, mup_embedding_mult, mup_output_mult, mup_attn_scale_power),
 * optimizer_config.py; LR from megatron/core/optimizer_param_scheduler.py get_lr).
 * Traps handled: --min-lr is absolute; --lr-wsd-decay-style defaults to exponential (2·0.5^p − 1), so it
 * is always written; under --use-mup, --lr is η_base and Megatron divides hidden-matrix LRs by the width
 * multiplier itself (megatron/core/optimizer/__init__.py get_mup_config_overrides), and
 * --init-method-std is σ_base: Megatron applies the μP width (and output-layer depth) scaling to it
 * (transformer_config.py __post_init__); the same get_mup_config_overrides divides the hidden matrices'
 * Adam ε by the width multiplier, so --adam-eps is written × m_d for them to get the plan's ε;
 * hidden and attention dropout default to 0.1 (transformer_config.py), so 0.0 is written; --save/--load
 * and the tokenizer have no default that works, so they are placeholders; context stages and data phases
 * are consecutive runs of the same script (--train-iters where each ends, --load resumes), on one LR
 * schedule (--lr-decay-iters and --lr-warmup-iters are absolute, so --train-iters does not move it).
 */
import type { Layout } from "../layout/types.js";
import type { Plan } from "../plan/types.js";
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, notExpressedChecks } from "./launch.js";
import { archView, dataPhases, layoutGpus, layoutShapeNotes, layoutText, sig12, sig6 } from "./plan-parts.js";
import { commentText, launcherList, shellQuote, shellWord, toYaml, type EnvRef, type ShellPart } from "./serialize.js";
import { compareSchedule } from "./schedule-check.js";
import { mupTrainerLr, type EmitResult, type Emitter, type Placeholder, type ScheduleDeviation } from "./types.js";

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

/** One run of the script: iterations [start, end), with the flags that differ from the first run. */
interface Segment {
  start: number;
  end: number;
  /** Flags that replace the first run's (argparse keeps the last value given). */
  overrides: Arg[];
  what: string;
}

interface MegatronArgs {
  model: Arg[];
  training: Arg[];
  data: Arg[];
  /** The later runs (context stages, end-of-training mixture), each resumed from the run before. */
  segments: Segment[];
  notes: string[];
  unexpressed: string[];
  placeholders: Placeholder[];
  checks: string[];
  deviation: ScheduleDeviation;
  /** Whether a data source name has characters the functional-test launcher would change (YAML form only). */
  dataPathWords: Word[][];
}

/** A flag line of the launch script: every value through the one shell-quoting function. */
const bashArg = ([flag, ...words]: Arg): string => [shellQuote(flag), ...words.map(shellWord)].join(" ");

/** Where the two forms read their placeholders: the launch script's environment, or the functional-test launcher's variables. */
type Form = "bash" | "yaml";

// megatron/training/tokenizer: GPT2BPETokenizer's vocabulary is GPT-2's 50257 tokens
const GPT2_VOCAB = 50257;

/** Megatron pads the vocabulary to a multiple of make_vocab_size_divisible_by (128) × TP (megatron/training/tokenizer/tokenizer.py _vocab_size_with_padding). */
export function megatronPaddedVocab(vocab: number, tp = 1, divisibleBy = 128): number {
  const multiple = divisibleBy * tp;
  return Math.ceil(vocab / multiple) * multiple;
}

/**
 * The architecture beyond the dense GPT block, as Megatron flags (NVIDIA/Megatron-LM @ d98e8a64,
 * megatron/training/arguments.py and megatron/core/transformer/transformer_config.py): --kv-channels for a
 * head dimension other than hidden/heads, --rotary-base (an int there), --add-qkv-bias, the MoE flags
 * (--num-experts, --moe-router-topk, --moe-ffn-hidden-size, --moe-shared-expert-intermediate-size,
 * --moe-layer-freq as a Python list expression, parsed by arguments.py moe_freq_type,
 * --moe-expert-capacity-factor), multi-latent attention (--multi-latent-attention, --q-lora-rank,
 * --kv-lora-rank, --qk-head-dim, --qk-pos-emb-head-dim, --v-head-dim) and --mtp-num-layers.
 */
function architectureArgs(plan: Plan, notes: string[], unexpressed: string[]): Arg[] {
  const a = archView(plan);
  const out: Arg[] = [];
  if (a.explicitHeadDim) out.push(["--kv-channels", a.headDim]);
  if (a.position === "rope" && a.ropeTheta !== undefined) {
    if (Number.isInteger(a.ropeTheta)) out.push(["--rotary-base", a.ropeTheta]);
    else {
      notes.push(`Megatron's --rotary-base is an integer (arguments.py type=int): the plan's RoPE θ ${a.ropeTheta} cannot be written; the default 10000 would apply`);
      unexpressed.push(`RoPE θ ${a.ropeTheta} (not an integer)`);
    }
  }
  if (a.ffnType === "geglu" || a.ffnType === "relu") {
    notes.push(`Megatron's FFN flags are --swiglu (gated SiLU) and --squared-relu; the plan's ${a.ffnType} FFN has no flag (GeLU is the default)`);
    unexpressed.push(`${a.ffnType} FFN`);
  }
  if (a.qkvBias && !a.bias) out.push(["--add-qkv-bias"]);
  if (a.moe) {
    const m = a.moe;
    out.push(["--num-experts", m.numExperts], ["--moe-router-topk", m.topK], ["--moe-ffn-hidden-size", m.dFfExpert]);
    if (m.numSharedExperts > 0) out.push(["--moe-shared-expert-intermediate-size", m.numSharedExperts * m.dFfExpert]);
    // "([0]*k+[1]*(L-k))": k dense layers, then MoE layers (arguments.py moe_freq_type evaluates the list)
    if (m.firstDenseLayers > 0) out.push(["--moe-layer-freq", `([0]*${m.firstDenseLayers}+[1]*${a.numLayers - m.firstDenseLayers})`]);
    if (m.capacityFactor !== undefined) out.push(["--moe-expert-capacity-factor", m.capacityFactor]);
    notes.push(`MoE: ${m.numExperts} experts, top-${m.topK}${m.numSharedExperts ? `, ${m.numSharedExperts} shared (one --moe-shared-expert-intermediate-size ${m.numSharedExperts * m.dFfExpert} FFN)` : ""}, expert d_ff ${m.dFfExpert}${m.firstDenseLayers ? `, the first ${m.firstDenseLayers} layers dense (--ffn-hidden-size ${a.dFf})` : ""}; the router's load-balancing loss and token dispatcher keep Megatron's defaults`);
  }
  if (a.mla) {
    const q = a.mla;
    out.push(["--multi-latent-attention"], ...(q.qLoraRank !== undefined ? [["--q-lora-rank", q.qLoraRank]] as Arg[] : []), ["--kv-lora-rank", q.kvLoraRank], ["--qk-head-dim", q.qkNopeHeadDim], ["--qk-pos-emb-head-dim", q.qkRopeHeadDim], ["--v-head-dim", q.vHeadDim]);
  }
  if (a.mtpModules > 0) out.push(["--mtp-num-layers", a.mtpModules]);
  return out;
}

/**
 * The plan's parallel layout as Megatron flags (NVIDIA/Megatron-LM @ d98e8a64): the degrees
 * (megatron/core/model_parallel_config.py: --tensor-model-parallel-size, --pipeline-model-parallel-size,
 * --context-parallel-size, --expert-model-parallel-size, --sequence-parallel), interleaving as
 * --num-virtual-stages-per-pipeline-rank (arguments.py: virtual_pipeline_model_parallel_size = it; the
 * layers-per-virtual-stage form also exists, one of the two may be set), recomputation
 * (transformer_config.py: recompute_granularity full|selective, recompute_method uniform|block — selective
 * takes no method, arguments.py asserts it — and recompute_modules defaulting to ["core_attn"], Korthikanti
 * et al.'s selective set), data-parallel sharding (ZeRO-1 = --use-distributed-optimizer over the DP group,
 * or over dp/instances ranks with --num-distributed-optimizer-instances; ZeRO-2/3 = Megatron-FSDP,
 * distributed_data_parallel_config.py data_parallel_sharding_strategy optim_grads | optim_grads_params,
 * which arguments.py requires with --ckpt-format fsdp_dtensor and, in FSDP version 1, the distributed
 * optimizer), fp8 through Transformer Engine (--fp8-format hybrid, --fp8-recipe; the default recipe is
 * "delayed", tensorwise is written: current per-tensor scaling, the recipe TorchTitan's Float8 measurement
 * used) and bf16 main gradients (--grad-reduce-in-bf16; without it bf16 training accumulates and reduces
 * in fp32, arguments.py).
 */
function layoutArgs(plan: Plan, l: Layout, notes: string[], unexpressed: string[]): Arg[] {
  const a = archView(plan);
  // the padding rule the plan's vocabulary (and its memory) assumes, written rather than left to the default
  const out: Arg[] = [["--tensor-model-parallel-size", l.tp], ["--pipeline-model-parallel-size", l.pp], ["--make-vocab-size-divisible-by", 128]];
  if (l.sequenceParallel && l.tp > 1) out.push(["--sequence-parallel"]);
  if (l.sequenceParallel && l.tp === 1) notes.push("sequence parallelism needs TP > 1: Megatron turns it off at TP 1 (arguments.py), as the plan's memory does");
  if (l.vpp > 1) {
    if (l.pp === 1) {
      notes.push(`virtual pipeline stages (${l.vpp}) need pipeline parallelism: Megatron asserts PP > 1; not written`);
      unexpressed.push(`${l.vpp} virtual pipeline stages at PP 1`);
    } else out.push(["--num-virtual-stages-per-pipeline-rank", l.vpp]);
  }
  if (l.cp > 1) out.push(["--context-parallel-size", l.cp]);
  if (l.ep > 1) out.push(["--expert-model-parallel-size", l.ep]);
  if (l.recompute === "selective") out.push(["--recompute-granularity", "selective"]);
  if (l.recompute === "full") {
    const perStage = a.numLayers / (l.pp * l.vpp);
    const partial = l.recomputeLayers !== undefined && l.recomputeLayers < perStage;
    // uniform with 1 layer per chunk recomputes every layer; block recomputes the first N layers of each stage
    out.push(["--recompute-granularity", "full"], ["--recompute-method", partial ? "block" : "uniform"], ["--recompute-num-layers", partial ? (l.recomputeLayers as number) : 1]);
  }
  const replicas = l.dpShard > 0 ? l.dp / l.dpShard : 1;
  if (l.zeroStage === 1) {
    out.push(["--use-distributed-optimizer"]);
    if (replicas > 1 && Number.isInteger(replicas)) out.push(["--num-distributed-optimizer-instances", replicas]);
  }
  if (l.zeroStage >= 2) {
    out.push(["--use-megatron-fsdp"], ["--data-parallel-sharding-strategy", l.zeroStage === 3 ? "optim_grads_params" : "optim_grads"], ["--use-distributed-optimizer"], ["--ckpt-format", "fsdp_dtensor"]);
    notes.push(`ZeRO-${l.zeroStage} is Megatron-FSDP (--use-megatron-fsdp, --data-parallel-sharding-strategy ${l.zeroStage === 3 ? "optim_grads_params" : "optim_grads"}); it saves checkpoints as fsdp_dtensor and wants CUDA_DEVICE_MAX_CONNECTIONS unset or > 1 (arguments.py)`);
    if (replicas > 1) {
      notes.push(`the plan shards over ${l.dpShard} of ${l.dp} data-parallel ranks (HSDP); lmplan did not find, at d98e8a64, the flag that sets Megatron-FSDP's outer (replica) group — it shards over all ${l.dp}, which uses less memory than planned and more communication`);
      unexpressed.push(`HSDP (sharding over ${l.dpShard} of ${l.dp} ranks) with Megatron-FSDP`);
    }
  }
  if (l.precision === "fp8") out.push(["--fp8-format", "hybrid"], ["--fp8-recipe", "tensorwise"]);
  if (l.mainGrads === "bf16") out.push(["--grad-reduce-in-bf16"]);
  const gpus = layoutGpus(l);
  if (gpus !== plan.hardware.numGpus.value) notes.push(`the layout occupies dp·tp·pp·cp = ${gpus} GPUs; the plan says ${plan.hardware.numGpus.value}`);
  const global = l.microBatch * l.gradAccum * l.dp;
  if (global !== plan.batch.globalBatchSeqs.value) {
    notes.push(`the layout's batch micro-batch × accumulation × dp = ${l.microBatch} × ${l.gradAccum} × ${l.dp} = ${global} sequences differs from the plan's ${plan.batch.globalBatchSeqs.value}; --global-batch-size is the plan's, so Megatron's accumulation differs from the layout's`);
    unexpressed.push(`the layout's gradient accumulation ${l.gradAccum} (its batch does not match the plan's)`);
  }
  for (const n of layoutShapeNotes(l, a)) {
    notes.push(`${n}: Megatron refuses or splits unevenly`);
    unexpressed.push(n);
  }
  notes.push(`layout: ${layoutText(l)}`);
  return out;
}

/** The plan as Megatron flags ("--flag value" or "--flag"), shared by the launch script and the YAML map form. */
function megatronArgs(plan: Plan, form: Form): MegatronArgs {
  const notes: string[] = [];
  const unexpressed: string[] = [];
  const sp = plan.schedule.spec;
  const o = plan.optimizer;
  const p = o.parameterization;
  const s = plan.model.spec;
  const T = plan.batch.steps.value;
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
  // get_mup_config_overrides: hidden (matrix-like) eps = adam_eps / width_mult; embeddings, output layer and vectors keep adam_eps
  const eps = mup ? sig12(o.eps.value * widthMult) : o.eps.value;
  if (mup) {
    notes.push(`Megatron's μP divides the hidden matrices' Adam ε by the width multiplier (megatron/core/optimizer/__init__.py get_mup_config_overrides): --adam-eps is written as ε × m_d = ${o.eps.value} × ${sig6(widthMult)} = ${eps} so that they get the plan's ε ${o.eps.value}${p.kind === "completep" ? " (the plan's ε already carries CompleteP's m_N^−1·m_L^−1; without this, Megatron would divide it by m_N a second time)" : ""}; embeddings, the output layer and norms/biases then get ${eps}, not the plan's ${o.eps.value} — Megatron has no separate ε for them`);
    unexpressed.push(`Adam ε ${o.eps.value} for embeddings, output layer and norms (Megatron's μP sets them to --adam-eps, the hidden matrices to --adam-eps / m_d)`);
  }
  if (p.kind === "completep") {
    notes.push(`Megatron's μP has no depth (CompleteP) terms: residual × ${+p.residualMultiplier.toPrecision(6)} and hidden weight decay × ${+p.hiddenWeightDecayMultiplier.toPrecision(6)} need code changes`);
    unexpressed.push("CompleteP residual-branch multiplier and hidden weight-decay multiplier");
  }
  if (mup && Math.abs(p.outputLogitsScale - 1) < 1e-12 && widthMult !== 1) {
    notes.push(`Megatron replaces --mup-output-mult 1.0 by 1/width_mult (transformer_config.py __post_init__): the plan's logits × 1 becomes × ${sig6(1 / widthMult)}`);
    unexpressed.push("output logits multiplier 1.0 at width multiplier ≠ 1");
  }
  if (s.position === "alibi") {
    notes.push("Megatron-LM has no ALiBi (--position-embedding-type: learned_absolute, rope, yarn, mrope, relative, none); 'none' is written — add ALiBi biases in the attention, or use a RoPE shape");
    unexpressed.push("ALiBi positions");
  }
  const gpt2 = s.vocabSize === GPT2_VOCAB;
  const padded = megatronPaddedVocab(s.vocabSize, plan.layout?.tp ?? 1);
  notes.push(`the vocabulary comes from the tokenizer (${gpt2 ? "GPT2BPETokenizer, GPT-2's 50257 tokens" : "HuggingFaceTokenizer: point it at one with the plan's vocabulary"}); the plan's ${s.vocabSize} tokens are padded by Megatron to ${padded} (a multiple of --make-vocab-size-divisible-by 128 × TP)`);
  const env = (name: string, why: string): EnvRef => (form === "bash" ? { env: name, ifUnset: why } : { env: name });
  const placeholders: Placeholder[] = [];
  const tokenizer: Arg[] = gpt2
    ? [["--tokenizer-type", "GPT2BPETokenizer"], ["--vocab-file", env("VOCAB_FILE", "set VOCAB_FILE to the GPT-2 vocab.json")], ["--merge-file", env("MERGE_FILE", "set MERGE_FILE to the GPT-2 merges.txt")]]
    : [["--tokenizer-type", "HuggingFaceTokenizer"], ["--tokenizer-model", env("TOKENIZER_MODEL", "set TOKENIZER_MODEL to a Hugging Face tokenizer name or directory")]];
  if (gpt2) placeholders.push({ token: "${VOCAB_FILE}", key: "--vocab-file", what: "GPT-2's vocab.json" }, { token: "${MERGE_FILE}", key: "--merge-file", what: "GPT-2's merges.txt" });
  else placeholders.push({ token: "${TOKENIZER_MODEL}", key: "--tokenizer-model", what: `a Hugging Face tokenizer (name or directory) with the plan's ${s.vocabSize}-token vocabulary` });
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
    // pre-training runs without dropout; Megatron's default is 0.1 for both
    ["--hidden-dropout", "0.0"],
    ["--attention-dropout", "0.0"],
    // Under --use-mup Megatron divides init_method_std by √width_mult itself (and scales output layers
    // by depth and width; transformer_config.py __post_init__), so it takes σ_base, unscaled.
    ["--init-method-std", mup ? (p.embedding.initStd ?? 0.02) : (p.hidden.initStd ?? 0.02)],
    ...(mup
      ? [["--use-mup"], ["--mup-base-hidden-size", Math.round(s.dModel / widthMult)], ["--mup-embedding-mult", p.embedding.outputMultiplier], ["--mup-output-mult", +p.outputLogitsScale.toPrecision(10)], ["--mup-attn-scale-power", "1.0"]] as Arg[]
      : []),
  ];
  const u0 = unexpressed.length;
  model.push(...architectureArgs(plan, notes, unexpressed));
  const layout = plan.layout;
  const layoutFlags = layout ? layoutArgs(plan, layout, notes, unexpressed) : [];
  const stages = contextStages(plan);
  const phases = dataPhases(plan);
  // the runs: cut at every context-stage and data-phase boundary
  const cuts = [...new Set([0, ...stages.map((x) => x.startStep), ...phases.map((x) => x.startStep), T])].filter((x) => x >= 0 && x <= T).sort((a, b) => a - b);
  const firstEnd = cuts[1] ?? T;
  const ckpt = checkpointInterval(plan);
  const saveDir = form === "bash" ? env("CHECKPOINT_DIR", "set CHECKPOINT_DIR to a shared directory for checkpoints") : env("CHECKPOINT_SAVE_PATH", "");
  const loadDir = form === "bash" ? saveDir : env("CHECKPOINT_LOAD_PATH", "");
  if (form === "bash") placeholders.push({ token: "${CHECKPOINT_DIR}", key: "--save, --load", what: "a directory on shared storage for checkpoints (a rerun resumes from the latest)" });
  else placeholders.push({ token: "${CHECKPOINT_SAVE_PATH}", key: "--save", what: "where checkpoints are written" }, { token: "${CHECKPOINT_LOAD_PATH}", key: "--load", what: "where a resumed run loads them (the same directory)" });
  const training: Arg[] = [
    ["--micro-batch-size", layout ? layout.microBatch : plan.batch.microBatchSeqs.value],
    ["--global-batch-size", plan.batch.globalBatchSeqs.value],
    ["--train-iters", firstEnd],
    ["--lr", lr],
    ["--min-lr", sched.minLr],
    ["--lr-decay-style", sched.style],
    ["--lr-decay-iters", sched.decayIters],
    ["--lr-warmup-iters", sched.warmupIters],
    ...(sched.style === "WSD" ? [["--lr-wsd-decay-iters", sched.wsdDecayIters], ["--lr-wsd-decay-style", sched.wsdStyle]] as Arg[] : []),
    ["--weight-decay", o.weightDecay.value],
    ["--adam-beta1", o.beta1.value],
    ["--adam-beta2", o.beta2.value],
    ["--adam-eps", eps],
    ["--clip-grad", o.gradClip.value],
    ["--bf16"],
    ...(layout
      ? layoutFlags
      : [
          ...(plan.memory.zeroStage >= 1 ? [["--use-distributed-optimizer"]] as Arg[] : []),
          ...(plan.memory.recompute === "full" ? [["--recompute-granularity", "full"], ["--recompute-method", "uniform"], ["--recompute-num-layers", 1]] as Arg[] : []),
        ]),
    ["--save", saveDir],
    ["--load", loadDir],
    ["--save-interval", ckpt.steps],
  ];
  // Data weights: Megatron's --data-path takes "weight prefix weight prefix …".
  // Source names are the user's text: each reaches the script as a literal after "${DATA_DIR}"/.
  const dataPathWords = (weights: [string, number][]): Word[] => weights.flatMap(([name, w]): Word[] => [sig6(w), [{ env: "DATA_DIR" }, `/${name}_text_document`]]);
  const dataPath = (weights: [string, number][]): Arg => ["--data-path", ...dataPathWords(weights)];
  const phaseAt = (step: number) => [...phases].reverse().find((ph) => ph.startStep <= step);
  const stageAt = (step: number) => [...stages].reverse().find((st) => st.startStep <= step);
  const main = phases[0];
  let data: Arg[] = [["--data-path", { env: "DATA_PATH", ifUnset: "set DATA_PATH to your tokenized data prefix" }]];
  const allWords: Word[][] = [];
  if (main) {
    data = [dataPath(main.weights)];
    allWords.push(...phases.map((ph) => dataPathWords(ph.weights)));
    placeholders.push({ token: "${DATA_DIR}", key: "--data-path", what: `the directory of the tokenized sources (${phases.flatMap((ph) => ph.weights.map(([k]) => k)).filter((k, i, a) => a.indexOf(k) === i).length} prefixes <name>_text_document.{bin,idx})` });
  } else placeholders.push({ token: "${DATA_PATH}", key: "--data-path", what: "your tokenized data prefix (<prefix>.bin/.idx from tools/preprocess_data.py)" });
  data.push(...tokenizer);
  const segments: Segment[] = [];
  for (let i = 1; i < cuts.length - 1; i++) {
    const start = cuts[i] as number;
    const end = cuts[i + 1] as number;
    const st = stageAt(start);
    const ph = phaseAt(start);
    const overrides: Arg[] = [];
    const what: string[] = [];
    if (st && st !== stages[0]) {
      overrides.push(["--seq-length", st.seqLen], ["--max-position-embeddings", st.seqLen], ["--global-batch-size", st.batchSeqs], ["--micro-batch-size", st.microBatchSeqs]);
      what.push(`context ${st.seqLen} tokens`);
    }
    if (ph && main && ph !== main) {
      overrides.push(dataPath(ph.weights));
      what.push(ph.name === "main" ? "main mixture" : "end-of-training mixture");
    }
    overrides.push(["--train-iters", end]);
    segments.push({ start, end, overrides, what: what.join(", ") });
  }
  if (phases[1]) notes.push(`Megatron does not change the data mixture within a run: the end-of-training phase is a resumed run from iteration ${phases[1].startStep} (see the file's last lines)`);
  if (stages.length > 0) notes.push("Megatron cannot change the sequence length within a run: later context stages are resumed runs (see the file's last lines); iterations and the LR schedule continue across them");
  const checks = [`checkpoints every ${ckpt.steps} iterations (${ckpt.why}); a rerun with --load resumes from the latest`, ...notExpressedChecks(unexpressed.slice(u0))];
  if (segments.length > 0) checks.push(`this file's run stops at iteration ${firstEnd} of ${T}; ${segments.length} more run${segments.length > 1 ? "s follow" : " follows"} (the file's last lines)`);
  // Hidden-weight LR Megatron will apply: lr(it) / width_mult under μP
  const deviation = compareSchedule(sp, (it) => megatronLr(sched, it) / widthMult, o.hiddenLr.value);
  return { model, training, data, segments, notes, unexpressed, placeholders, checks, deviation, dataPathWords: allWords };
}

const SOURCE = "NVIDIA/Megatron-LM @ d98e8a64: megatron/training/arguments.py + config dataclasses; megatron/core/optimizer_param_scheduler.py";
const tokensLine = (plan: Plan, firstEnd: number) =>
  firstEnd === plan.batch.steps.value
    ? `tokens = train-iters × global-batch-size × seq-length = ${plan.batch.steps.value} × ${plan.batch.globalBatchSeqs.value} × ${plan.batch.seqLen.value} = ${plan.batch.tokensTrained.value}`
    : `tokens (this run) = train-iters × global-batch-size × seq-length = ${firstEnd} × ${plan.batch.globalBatchSeqs.value} × ${plan.batch.seqLen.value} = ${firstEnd * plan.batch.globalBatchSeqs.value * plan.batch.seqLen.value}; the whole run: ${plan.batch.tokensTrained.value} over ${plan.batch.steps.value} iterations`;

/**
 * The GPU count as the launch reads it: GPUS_PER_NODE × NNODES processes. With a layout the node count
 * defaults to the layout's (dp·tp·pp·cp / GPUS_PER_NODE), so the script's world size is the plan's; a
 * plan without one keeps the single-node default and says how many GPUs it wants.
 */
function gpusLines(plan: Plan): string[] {
  const l = plan.layout;
  if (!l) return [`GPUS_PER_NODE=\${GPUS_PER_NODE:-8}   # ${plan.hardware.numGpus.value} GPUs in all: set NNODES, NODE_RANK, MASTER_ADDR for torchrun`];
  const gpus = layoutGpus(l);
  const perNode = gpus % 8 === 0 ? 8 : gpus < 8 ? gpus : 1;
  return [
    `GPUS_PER_NODE=\${GPUS_PER_NODE:-${perNode}}   # the layout's ${gpus} GPUs = dp·tp·pp·cp = ${l.dp}·${l.tp}·${l.pp}·${l.cp}: NNODES × GPUS_PER_NODE must equal it`,
    `NNODES=\${NNODES:-${gpus / perNode}}   # set NODE_RANK and MASTER_ADDR on each node`,
  ];
}

const firstEndOf = (a: MegatronArgs, plan: Plan) => (a.segments[0]?.start ?? plan.batch.steps.value);

export const megatron: Emitter = {
  id: "megatron",
  title: "Megatron-LM (launch script)",
  source: SOURCE,
  emit(plan: Plan): EmitResult {
    const a = megatronArgs(plan, "bash");
    const { model, training, data, segments, notes, unexpressed, placeholders, checks, deviation } = a;
    const arr = (name: string, xs: Arg[]) => `${name}=(\n${xs.map((x) => `  ${bashArg(x)}`).join("\n")}\n)`;
    const extra = segments.flatMap((sg) => [
      `# Run from iteration ${sg.start} to ${sg.end} (${commentText(sg.what)}): resume by running this script again with`,
      `#   ${commentText(sg.overrides.map(bashArg).join(" "))}`,
    ]);
    notes.push(launchNote(placeholders, checks));
    const text = [
      "#!/usr/bin/env bash",
      `# lmplan emit --format megatron: ${commentText(plan.title)}`,
      `# flags: ${SOURCE}`,
      `# ${tokensLine(plan, firstEndOf(a, plan))}`,
      ...(plan.layout ? [`# layout: ${commentText(layoutText(plan.layout))}`] : []),
      ...beforeYouLaunch(placeholders, checks),
      "set -euo pipefail",
      ...gpusLines(plan),
      arr("MODEL_ARGS", model),
      arr("TRAINING_ARGS", training),
      arr("DATA_ARGS", data),
      'torchrun --nproc_per_node "$GPUS_PER_NODE" --nnodes "${NNODES:-1}" --node_rank "${NODE_RANK:-0}" --master_addr "${MASTER_ADDR:-localhost}" --master_port "${MASTER_PORT:-6000}" \\',
      '  pretrain_gpt.py "${MODEL_ARGS[@]}" "${TRAINING_ARGS[@]}" "${DATA_ARGS[@]}" "$@"',
      ...extra,
      "",
    ].join("\n");
    return { format: "megatron", fileName: "train.sh", text, notes, deviation, placeholders, unexpressed };
  },
};

/** The YAML map of a list of flags, each value as Megatron's functional-test launcher reads it (or undefined: a word it would change). */
function yamlMap(args: Arg[], dropped?: Set<string>): Record<string, string | number | boolean> | undefined {
  const map: Record<string, string | number | boolean> = {};
  for (const [flag, ...words] of args) {
    const [only] = words;
    if (only === undefined) {
      map[flag] = true; // a switch
      continue;
    }
    if (words.length === 1 && typeof only === "number") {
      map[flag] = only;
      continue;
    }
    if (words.length === 1 && typeof only === "string" && /^-?[0-9.]+(e[+-]?[0-9]+)?$/.test(only)) {
      map[flag] = Number(only);
      continue;
    }
    // one plain word as it is; several as "[w1 w2 …]", the form the launcher splits into words
    const list = launcherList(words as (string | number | EnvRef | (string | EnvRef)[])[]);
    if (list === undefined) {
      // one flag the launcher would change (a Python list expression such as --moe-layer-freq): left out, and said
      if (dropped && flag !== "--data-path") {
        dropped.add(flag);
        continue;
      }
      return undefined;
    }
    map[flag] = words.length === 1 ? list.slice(1, -1) : list;
  }
  return map;
}

/**
 * The same flags as the `MODEL_ARGS:` YAML map Megatron-LM's functional tests use
 * (tests/functional_tests/test_cases/<model>/<case>/model_config.yaml @ d98e8a64): "--flag: value",
 * switches as true, multi-value flags as "[w1 w2 …]" (as --cuda-graph-modules is written there), the
 * launcher's own variables for checkpoints (CHECKPOINT_SAVE_PATH, CHECKPOINT_LOAD_PATH), and each later
 * run as MODEL_ARGS_<n>, which the launcher (shell_test_utils/_run_training.sh) uses for RUN_NUMBER=n.
 */
export const megatronYaml: Emitter = {
  id: "megatron-yaml",
  title: "Megatron-LM (MODEL_ARGS YAML map)",
  source: `${SOURCE}; map form: tests/functional_tests/test_cases/<model>/<case>/model_config.yaml, tests/functional_tests/shell_test_utils/_run_training.sh`,
  emit(plan: Plan): EmitResult {
    const a = megatronArgs(plan, "yaml");
    const { model, training, notes, unexpressed, placeholders, checks, deviation } = a;
    let { data, segments } = a;
    // a source name the launcher would change (quotes, spaces, $, brackets …) cannot be written in the
    // map: the blend is left to ${DATA_BLEND}, which the user exports as "[w1 prefix1 w2 prefix2 …]"
    const blend: string[] = [];
    if (a.dataPathWords.some((ws) => launcherList(ws as (string | number | EnvRef | (string | EnvRef)[])[]) === undefined)) {
      const ref: Arg = ["--data-path", { env: "DATA_BLEND" }];
      data = data.map((x) => (x[0] === "--data-path" ? ref : x));
      segments = segments.map((sg) => ({ ...sg, overrides: sg.overrides.map((x) => (x[0] === "--data-path" ? ref : x)) }));
      const idx = placeholders.findIndex((p) => p.token === "${DATA_DIR}");
      placeholders.splice(idx, 1, { token: "${DATA_BLEND}", key: "--data-path", what: 'the blend as "[weight prefix weight prefix …]" (a source name here has characters the launcher would change; the blend is listed below)' });
      blend.push(...a.dataPathWords.map((ws, i) => `# --data-path ${i === 0 ? "" : `(phase ${i + 1}) `}${commentText(ws.map(shellWord).join(" "))}`));
      notes.push("a data source name has characters Megatron's functional-test launcher would change (its envsubst, xargs and eval): --data-path is ${DATA_BLEND}; export it with the blend listed in the file");
      unexpressed.push("data source names with shell characters in the functional-test YAML");
    }
    const runs: Record<string, Record<string, string | number | boolean>> = {};
    const dropped = new Set<string>();
    const first = yamlMap([...model, ...training, ...data], dropped) ?? {};
    runs.MODEL_ARGS = first;
    for (const [i, sg] of segments.entries()) {
      const flags = new Map<string, Arg>([...model, ...training, ...data].map((x) => [x[0], x]));
      for (const o of sg.overrides) flags.set(o[0], o);
      runs[`MODEL_ARGS_${i + 2}`] = yamlMap([...flags.values()], dropped) ?? {};
    }
    for (const flag of dropped) {
      const arg = [...model, ...training].find((x) => x[0] === flag);
      notes.push(`${flag} ${arg ? arg.slice(1).map((w) => shellWord(w as Word)).join(" ") : ""} has characters Megatron's functional-test launcher would change (envsubst, xargs, eval): it is not in the map — pass it on the launcher's command line, or use --format megatron`);
      unexpressed.push(`${flag} in the functional-test YAML`);
    }
    if (segments.length > 0) checks.push(`run n of ${segments.length + 1} is MODEL_ARGS_n (RUN_NUMBER=n); each resumes from CHECKPOINT_LOAD_PATH`);
    notes.push(launchNote(placeholders, checks));
    const extra = segments.map((sg, i) => `# MODEL_ARGS_${i + 2}: iterations ${sg.start} to ${sg.end} (${commentText(sg.what)}), resumed from the checkpoint`);
    const text = [
      `# lmplan emit --format megatron-yaml: ${commentText(plan.title)}`,
      `# flags: ${SOURCE}`,
      `# ${tokensLine(plan, firstEndOf(a, plan))}`,
      ...(plan.layout ? [`# layout: ${commentText(layoutText(plan.layout))}`] : []),
      ...beforeYouLaunch(placeholders, checks),
      ...blend,
      toYaml(runs).trimEnd(),
      ...extra,
      "",
    ].join("\n");
    return { format: "megatron-yaml", fileName: "model_config.yaml", text, notes, deviation, placeholders, unexpressed };
  },
};
