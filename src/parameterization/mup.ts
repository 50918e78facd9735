/**
 * Per-group hyperparameters under SP, μP (as Cerebras practises it) and CompleteP.
 *
 * μP, m_d = d_model / d_base (Cerebras/modelzoo convert_config_to_mup.py @244523ac; Dey, Anthony,
 * Hestness 2024 "The Practitioner's Guide to the Maximal Update Parameterization", EleutherAI/nanoGPT-mup) [P]:
 *   embeddings        init σ_base,              LR η_base,      output × m_emb
 *   QKV, FFN-in       init σ_base/√m_d,          LR η_base/m_d
 *   attn-out, FFN-out init σ_base/√(2·m_d·L),    LR η_base/m_d
 *   attention logits  QᵀK / d_head (not √d_head); output logits × α_out/m_d; norms and biases LR η_base.
 *
 * CompleteP, α = 1, m_L = L/L_base (Dey et al. 2025, arXiv 2505.01618 Table 1;
 * EleutherAI/nanoGPT-mup branch completep) [P]:
 *   residual branch × m_L^(−α); hidden LR η·m_N^(−1)·m_L^(α−1); norm/bias LR η·m_L^(α−1);
 *   hidden weight decay λ·m_N; AdamW ε × m_N^(−1)·m_L^(−α).
 * Initialisation is left as μP's (docs/science.md lists no CompleteP change to it).
 *
 * GQA under μP: the per-layer rules (Chickering et al., arXiv 2605.15290) are not published in a form
 * lmplan can use [NF]; GQA models are treated as standard μP.
 */
import type { MupBase } from "./bases.js";

export interface TargetShape {
  dModel: number;
  numLayers: number;
  numHeads: number;
}

export interface GroupSetting {
  /** Peak learning rate of the group. */
  lr: number;
  /** Init standard deviation, where the parameterization sets one. */
  initStd?: number;
}

export interface Parameterization {
  kind: "sp" | "mup" | "completep";
  /** Reference id for --explain. */
  source: string;
  /** m_d (μP) or m_N (CompleteP): d_model / d_base; 1 under SP. */
  widthMultiplier: number;
  /** m_L = L / L_base under CompleteP; 1 otherwise. */
  depthMultiplier: number;
  embedding: GroupSetting & { outputMultiplier: number };
  /** QKV and FFN-in matrices. */
  hidden: GroupSetting;
  /** Attention-out and FFN-out matrices. */
  outProjection: GroupSetting;
  /** Norm gains and biases. */
  normAndBias: GroupSetting;
  /** Output logits multiplier (α_out/m_d under μP). */
  outputLogitsScale: number;
  /** Attention logits divisor: d_head under μP, √d_head under SP. */
  attentionDivisor: number;
  /** Multiplier on each residual branch (m_L^−α under CompleteP). */
  residualMultiplier: number;
  /** Multiplier on hidden-weight decay λ (m_N under CompleteP). */
  hiddenWeightDecayMultiplier: number;
  /** Multiplier on AdamW ε. */
  adamEpsMultiplier: number;
}

/** μP transfer of a tuned base to a target width. */
export function mup(base: MupBase, target: TargetShape): Parameterization {
  const md = target.dModel / base.dModelBase;
  const dHead = target.dModel / target.numHeads;
  return {
    kind: "mup",
    source: "mup-cerebras",
    widthMultiplier: md,
    depthMultiplier: 1,
    embedding: { lr: base.lrBase, initStd: base.initStdBase, outputMultiplier: base.embeddingMultiplier },
    // μP: hidden init σ_base/√m_d, LR η_base/m_d
    hidden: { lr: base.lrBase / md, initStd: base.initStdBase / Math.sqrt(md) },
    // μP: output projections init σ_base/√(2·m_d·L)
    outProjection: { lr: base.lrBase / md, initStd: base.initStdBase / Math.sqrt(2 * md * target.numLayers) },
    normAndBias: { lr: base.lrBase },
    // μP: output logits × α_out/m_d
    outputLogitsScale: base.outputLogitsAlpha / md,
    // μP: attention logits QᵀK/d_head
    attentionDivisor: dHead,
    residualMultiplier: 1,
    hiddenWeightDecayMultiplier: 1,
    adamEpsMultiplier: 1,
  };
}

/** CompleteP (α = 1 by default): μP in width plus depth transfer. Needs the base depth. */
export function completeP(base: MupBase & { numLayersBase: number }, target: TargetShape, alpha = 1): Parameterization {
  const m = mup(base, target);
  const mN = m.widthMultiplier;
  const mL = target.numLayers / base.numLayersBase;
  // CompleteP Table 1: hidden LR η·m_N^(−1)·m_L^(α−1)
  const hiddenLr = base.lrBase * mN ** -1 * mL ** (alpha - 1);
  return {
    ...m,
    kind: "completep",
    source: "completep",
    depthMultiplier: mL,
    hidden: { ...m.hidden, lr: hiddenLr },
    outProjection: { ...m.outProjection, lr: hiddenLr },
    // CompleteP: norm/bias LR η·m_L^(α−1)
    normAndBias: { lr: base.lrBase * mL ** (alpha - 1) },
    // CompleteP: residual branch × m_L^(−α)
    residualMultiplier: mL ** -alpha,
    // CompleteP: hidden weight decay λ·m_N
    hiddenWeightDecayMultiplier: mN,
    // CompleteP: AdamW ε × m_N^(−1)·m_L^(−α)
    adamEpsMultiplier: mN ** -1 * mL ** -alpha,
  };
}

/**
 * Standard parameterization: one learning rate everywhere, GPT-2 initialisation (σ, and σ/√(2L) on
 * the residual output projections; Radford et al. 2019 "Language Models are Unsupervised Multitask
 * Learners" §2.3), attention logits over √d_head (Vaswani et al. 2017, arXiv 1706.03762 Eq. 1).
 */
export function sp(lr: number, initStd: number, target: TargetShape): Parameterization {
  return {
    kind: "sp",
    source: "sp",
    widthMultiplier: 1,
    depthMultiplier: 1,
    embedding: { lr, initStd, outputMultiplier: 1 },
    hidden: { lr, initStd },
    outProjection: { lr, initStd: initStd / Math.sqrt(2 * target.numLayers) },
    normAndBias: { lr },
    outputLogitsScale: 1,
    attentionDivisor: Math.sqrt(target.dModel / target.numHeads),
    residualMultiplier: 1,
    hiddenWeightDecayMultiplier: 1,
    adamEpsMultiplier: 1,
  };
}
