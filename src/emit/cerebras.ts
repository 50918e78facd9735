/**
 * Cerebras modelzoo YAML (Cerebras/modelzoo @ f1fd1e09, Release 2.10.0: key names as in
 * src/cerebras/modelzoo/models/nlp/btlm/configs/params_btlm_2p7b_{2k,8k}.yaml — μP keys
 * mup_base_hidden_size, mup_base_filter_size, embeddings_scale, output_logits_alpha, scale_qk_dot_by_d —
 * and models/nlp/llama/configs/*.yaml for rotary, norm_type and multi-query keys; alibi_scaling from
 * tools/checkpoint_converters/btlm_hf_cs.py).
 * μP: the config holds the base values (η_base in the schedulers, σ_base in the initializers) and
 * modelzoo applies the width scaling; the hidden LR is η_base · mup_base_hidden_size / hidden_size.
 * Initializers as models/nlp/gpt2/gpt2_model.py @ f1fd1e09 derives them (μP branch): `initializer` ×
 * m_d^−½ for QKV and FFN-in, `output_layer_initializer` × m_d^−½ × (2L)^−½ for attention-out, and
 * `ffn_output_layer_initializer` × (filter_size / mup_base_filter_size)^−½ × (2L)^−½ for FFN-out — which
 * falls back to initializer_range (0.02) when left out, so it is written; outside μP no depth scaling is
 * applied to a given output_layer_initializer, so it is written as σ/√(2L); an untied LM head takes
 * initializer_range, so that is written as σ_base.
 * The schedulers' formulas live in the cerebras.pytorch package, not in modelzoo; LinearLR is linear
 * interpolation from initial_learning_rate to end_learning_rate over total_iters and CosineDecayLR a
 * half cosine between them (as their names and the shipped configs use them) [unverified against source].
 */
import type { Plan } from "../plan/types.js";
import { beforeYouLaunch, checkpointInterval, contextStages, launchNote, notExpressedChecks } from "./launch.js";
import { archView, dataPhases, layoutText, sig6 } from "./plan-parts.js";
import { compareSchedule } from "./schedule-check.js";
import { commentText, toYaml, type Literal } from "./serialize.js";
import { mupTrainerLr, type EmitResult, type Emitter, type Placeholder } from "./types.js";

interface Phase {
  kind: "LinearLR" | "CosineDecayLR";
  initial: number;
  end: number;
  iters: number;
}

// SequentialLR over LinearLR / CosineDecayLR phases, each counted from its own start
export function cerebrasLr(phases: Phase[], step: number): number {
  let start = 0;
  for (const ph of phases) {
    if (step < start + ph.iters || ph === phases[phases.length - 1]) {
      const t = Math.min(Math.max(step - start, 0), ph.iters) / ph.iters;
      return ph.kind === "LinearLR" ? ph.initial + (ph.end - ph.initial) * t : ph.end + (ph.initial - ph.end) * 0.5 * (1 + Math.cos(Math.PI * t));
    }
    start += ph.iters;
  }
  return 0;
}

const r6 = (x: number) => +x.toPrecision(10);

export const cerebras: Emitter = {
  id: "cerebras",
  title: "Cerebras modelzoo (YAML)",
  source: "Cerebras/modelzoo @ f1fd1e09: models/nlp/btlm/configs/params_btlm_2p7b_8k.yaml, models/nlp/llama/configs/*.yaml",
  emit(plan: Plan): EmitResult {
    const notes: string[] = [];
    const sp = plan.schedule.spec;
    const o = plan.optimizer;
    const p = o.parameterization;
    const s = plan.model.spec;
    // The scheduler LR is η_base under μP (modelzoo scales hidden groups by 1/m_d), else the one LR.
    const { mup, lr, widthMultiplier: scale } = mupTrainerLr(plan);
    const end = sp.minLrRatio * lr;
    const W = sp.warmupSteps;
    const T = sp.totalSteps;
    const phases: Phase[] = [];
    if (W > 0) phases.push({ kind: "LinearLR", initial: 0, end: lr, iters: W });
    if (sp.kind === "cosine") phases.push({ kind: "CosineDecayLR", initial: lr, end, iters: T - W });
    else if (sp.kind === "constant") phases.push({ kind: "LinearLR", initial: lr, end: lr, iters: T - W });
    else if (sp.kind === "wsd") {
      const decay = Math.round((sp.decayFraction ?? 0.1) * T);
      phases.push({ kind: "LinearLR", initial: lr, end: lr, iters: T - W - decay });
      phases.push({ kind: sp.decayShape === "cosine" ? "CosineDecayLR" : "LinearLR", initial: lr, end, iters: decay });
      if (sp.decayShape === "1-sqrt" || sp.decayShape === "exponential") notes.push(`modelzoo configs offer LinearLR and CosineDecayLR here; the ${sp.decayShape} decay is written as linear (deviation below)`);
    } else {
      phases.push({ kind: "LinearLR", initial: lr, end, iters: T - W });
      if (sp.kind === "power") notes.push("the Power Scheduler is written as linear decay (deviation below)");
    }
    const init = (std: number) => ({ name: "truncated_normal", mean: 0.0, std: r6(std), a: r6(-2 * std), b: r6(2 * std) });
    const sigma = mup ? (p.embedding.initStd ?? 0.02) : (p.hidden.initStd ?? 0.02);
    // gpt2_model.py: under μP modelzoo scales the given output initializers by width and depth; outside it, not at all
    const outSigma = mup ? sigma : (p.outProjection.initStd ?? sigma / Math.sqrt(2 * s.numLayers));
    const unexpressed: string[] = [];
    const kv = s.numKvHeads ?? s.numHeads;
    const model: Record<string, unknown> = {
      name: "gpt3",
      hidden_size: s.dModel,
      position_embedding_type: s.position === "rope" ? "rotary" : s.position,
      ...(s.position === "rope" ? { rotary_dim: s.dModel / s.numHeads } : {}),
      share_embedding_weights: s.tiedEmbeddings,
      max_position_embeddings: plan.context ? Math.max(...plan.context.stages.map((x) => x.seqLen)) : plan.batch.seqLen.value,
      vocab_size: s.vocabSize,
      num_hidden_layers: s.numLayers,
      dropout_rate: 0.0,
      ...(s.norm === "rmsnorm" ? { norm_type: "rmsnorm" } : {}),
      num_heads: s.numHeads,
      attention_type: "scaled_dot_product",
      ...(kv !== s.numHeads ? { attention_module: "multiquery_attention", extra_attention_params: { num_kv_groups: kv } } : {}),
      attention_dropout_rate: 0.0,
      use_projection_bias_in_attention: s.bias,
      use_ffn_bias_in_attention: s.bias,
      filter_size: s.dFf,
      nonlinearity: s.ffnType,
      use_ffn_bias: s.bias,
      initializer_range: r6(mup ? sigma : (p.embedding.initStd ?? sigma)),
      embedding_initializer: init(mup ? sigma : (p.embedding.initStd ?? sigma)),
      initializer: init(sigma),
      output_layer_initializer: init(outSigma),
      ffn_output_layer_initializer: init(outSigma),
      use_bias_in_output: false,
      ...(mup
        ? {
            mup_base_hidden_size: r6(s.dModel / scale),
            mup_base_filter_size: r6(s.dFf / scale),
            embeddings_scale: p.embedding.outputMultiplier,
            output_logits_alpha: r6(p.outputLogitsScale * scale),
            scale_qk_dot_by_d: true,
          }
        : {}),
      ...(plan.context?.extrapolation?.cerebrasConfig ?? {}),
    };
    if (p.kind === "completep") {
      notes.push("modelzoo's μP keys have no depth (CompleteP) terms; residual scaling and depth-aware LR/WD/ε need code changes");
      unexpressed.push("CompleteP depth terms (residual multiplier, depth-aware LR, weight decay and ε)");
    }
    // modelzoo GptHDF5MapDataProcessor takes either data_dir or mixture: [{data_dir, weight}]
    // (src/cerebras/modelzoo/data/common/h5_map_dataset/dataset.py @ f1fd1e09)
    const mix = dataPhases(plan);
    const main = mix[0];
    const dataSource = main ? { mixture: main.weights.map(([name, w]) => ({ data_dir: `\${DATA_DIR}/${name}`, weight: sig6(w) })) } : { data_dir: "${DATA_DIR}" };
    const ckpt = checkpointInterval(plan);
    // context stages: this config trains the first and stops where it ends; the schedule spans the run
    const first = contextStages(plan)[0];
    const maxSteps = first ? first.steps : plan.batch.steps.value;
    const placeholders: Placeholder[] = [
      { token: "${DATA_DIR}", key: main ? "train_dataloader.mixture[].data_dir" : "train_dataloader.data_dir", what: `the HDF5 directories${main ? " (one per source, <DATA_DIR>/<name>)" : ""} from modelzoo's data preprocessing at ${plan.batch.seqLen.value} tokens; modelzoo reads the path literally, so substitute it (e.g. envsubst)` },
    ];
    const checks = [`checkpoints every ${ckpt.steps} steps (${ckpt.why}, checkpoint.steps) in the run's model_dir`];
    const doc = {
      trainer: {
        init: {
          backend: { backend_type: "CSX" },
          model,
          optimizer: { AdamW: { betas: [o.beta1.value, o.beta2.value], eps: o.eps.value, weight_decay: o.weightDecay.value, correct_bias: true } },
          schedulers: [{ SequentialLR: { schedulers: phases.map((ph) => ({ [ph.kind]: { initial_learning_rate: r6(ph.initial), end_learning_rate: r6(ph.end), total_iters: ph.iters } })) } }],
          precision: { enabled: true, fp16_type: "cbfloat16", max_gradient_norm: o.gradClip.value },
          loop: { max_steps: maxSteps },
          checkpoint: { steps: ckpt.steps },
        },
        fit: { train_dataloader: { data_processor: "GptHDF5MapDataProcessor", ...dataSource, batch_size: plan.batch.globalBatchSeqs.value, shuffle: false, num_workers: 8 } },
      },
    };
    const fin = mix[1];
    if (fin) notes.push(`modelzoo's mixture is fixed within a run: the end-of-training phase is a second run from step ${fin.startStep} (load the checkpoint) with mixture ${fin.weights.map(([k, w]) => `${k} ${sig6(w)}`).join(", ")}`);
    if (plan.context && plan.context.stages.length > 1) notes.push(`context stages are separate configs, as BTLM's 2k and 8k configs are: ${plan.context.stages.map((x) => `${x.seqLen} tokens × batch ${x.batchSeqs} for ${x.steps} steps`).join(", then ")}; this file is the first stage`);
    if (first) notes.push(`loop.max_steps is ${maxSteps}, where the first stage ends; the schedulers span the whole run's ${plan.batch.steps.value} steps, so each later stage's config keeps them and loads the checkpoint at its first step`);
    const u0 = unexpressed.length;
    if (plan.layout) {
      // Cerebras systems run the model weight-streamed on wafer-scale engines: a GPU layout does not apply
      notes.push(`the plan's GPU layout (${layoutText(plan.layout)}) and the memory and time computed for it do not apply on a Cerebras system (weight streaming; the modelzoo config has no parallel degrees)`);
      unexpressed.push("the GPU parallel layout (Cerebras systems have no TP/PP/DP degrees in the config)");
    }
    const av = archView(plan);
    if (av.moe) {
      notes.push("the MoE is not written: lmplan has not read the modelzoo's MoE keys at f1fd1e09");
      unexpressed.push("MoE");
    }
    checks.push(...notExpressedChecks(unexpressed.slice(u0)));
    notes.push(launchNote(placeholders, checks));
    const header = [`# lmplan emit --format cerebras: ${commentText(plan.title)}`, `# keys: ${this.source}`, (first ? `# tokens (this stage) = max_steps × batch_size × sequence length = ${maxSteps} × ${first.batchSeqs} × ${first.seqLen} = ${maxSteps * first.batchSeqs * first.seqLen}; the whole run: ${plan.batch.tokensTrained.value} over ${plan.batch.steps.value} steps` : `# tokens = max_steps × batch_size × sequence length = ${plan.batch.steps.value} × ${plan.batch.globalBatchSeqs.value} × ${plan.batch.seqLen.value} = ${plan.batch.tokensTrained.value}`), ...beforeYouLaunch(placeholders, checks), ""].join("\n");
    const deviation = compareSchedule(sp, (step) => cerebrasLr(phases, step) / scale, o.hiddenLr.value);
    return { format: "cerebras", fileName: "params.yaml", text: `${header}${toYaml(doc as Literal, { lineWidth: 80 })}`, notes, deviation, placeholders, unexpressed };
  },
};
