/**
 * Optimizer: the learning rate by parameterization, and weight decay from the AdamW timescale.
 *
 * μP transfers a small proxy's tuned base to the target width: hidden-weight LR η_base/m_d with
 * m_d = d_model/d_base (Yang et al., arXiv 2203.03466; Cerebras-GPT arXiv 2304.03208 Table 14).
 * CompleteP adds depth (arXiv 2505.01618). SP takes η from Step Law (arXiv 2503.04715) or the user's own
 * lr-batch fit. Weight decay then holds the AdamW timescale τ = B/(η·λ·D) at Power Lines' optimum
 * τ_opt(TPP) (arXiv 2505.13738 §3): λ = B/(η·τ_opt·D).
 */
import type { Warning } from "../../laws/types.js";
import { porianBeta2, PORIAN } from "../../laws/porian.js";
import { POWER_LINES_TAU_TERM, powerLinesTau } from "../../laws/power-lines-tau.js";
import { stepLaw } from "../../laws/step-law.js";
import type { MupBase } from "../../parameterization/bases.js";
import { completeP, mup, sp, type Parameterization } from "../../parameterization/mup.js";
import { adamwTimescale, weightDecayForTimescale } from "../../schedules/ema.js";
import { applyLrOverride } from "../../fit/mup-bridge.js";
import type { ResolvedRequest } from "../resolve.js";
import type { Plan } from "../types.js";
import { c, n, s4 } from "./common.js";
import type { ScaleStage } from "./scale.js";

export interface LrStage {
  p: Parameterization;
  hiddenLr: number;
  source: string;
  derivation: string;
  warnings: Warning[];
}

/**
 * The LR the parameterization transfers, or the user's --lr in its place: every group keeps its μP ratio
 * to the hidden LR, and the plan says what the transfer would have given (src/fit/mup-bridge.ts).
 */
export function lrStage(r: ResolvedRequest, scale: ScaleStage): LrStage {
  const t = transferredLr(r, scale);
  if (r.req.lr === undefined) return t;
  const o = applyLrOverride(t.p, r.req.lr, t.source);
  return { p: o.parameterization, hiddenLr: r.req.lr, source: "user", derivation: o.derivation, warnings: [...t.warnings, ...o.warnings] };
}

function transferredLr(r: ResolvedRequest, scale: ScaleStage): LrStage {
  const { spec, counts, D } = scale;
  const parameterization = r.parameterization.value;
  const base = r.muBase.value;
  const fitted = r.req.fittedLaws;
  const target3 = { dModel: spec.dModel, numLayers: spec.numLayers, numHeads: spec.numHeads };
  if (parameterization === "sp" && fitted?.lrBatch) {
    const l = fitted.lrBatch.law;
    const eta = Math.exp(l.lrIntercept) * counts.nonEmbedding ** l.lrExpN * D ** l.lrExpD;
    const p = sp(eta, 0.02, target3);
    return { p, hiddenLr: p.hidden.lr, source: "fitted:lr-batch", derivation: `your fit η = ${s4(Math.exp(l.lrIntercept))}·N^${s4(l.lrExpN)}·D^${s4(l.lrExpD)} with non-embedding N = ${c(counts.nonEmbedding)}, D = ${c(D)}`, warnings: [] };
  }
  if (parameterization === "sp") {
    const step = stepLaw.evaluate({ N: counts.nonEmbedding, D });
    const p = sp(step.value.eta, 0.02, target3);
    return { p, hiddenLr: p.hidden.lr, source: "step-law", derivation: stepLaw.derive({ N: counts.nonEmbedding, D }, "eta"), warnings: step.warnings };
  }
  if (parameterization === "completep") {
    const p = completeP(base as MupBase & { numLayersBase: number }, target3);
    return { p, hiddenLr: p.hidden.lr, source: "completep", derivation: `CompleteP: η_base/m_N · m_L^0 = ${base.lrBase}/${s4(p.widthMultiplier)} (m_N = ${spec.dModel}/${base.dModelBase}, m_L = ${spec.numLayers}/${base.numLayersBase}; ${base.title})`, warnings: [] };
  }
  const p = mup(base, target3);
  return { p, hiddenLr: p.hidden.lr, source: "mup-cerebras", derivation: `μP: η_base/m_d = ${base.lrBase}/${s4(p.widthMultiplier)} (m_d = ${spec.dModel}/${base.dModelBase}; ${base.title})`, warnings: [] };
}

export interface DecayStage {
  tauOpt: number;
  lambda: number;
  warnings: Warning[];
}

/** λ from τ_opt (or the user's λ, with τ it implies), and the optimizer section. */
export function optimizerStage(r: ResolvedRequest, scale: ScaleStage, batchTokens: number, lr: LrStage): { section: Plan["optimizer"]; decay: DecayStage } {
  const { D, N, tpp } = scale;
  const { p, hiddenLr } = lr;
  const fitted = r.req.fittedLaws;
  const base = r.muBase.value;
  const parameterization = r.parameterization.value;
  const warnings: Warning[] = [];
  const tau = fitted?.timescale
    ? // your fit: τ_opt = c·TPP^m
      { value: { tauOpt: fitted.timescale.coefficient * tpp ** fitted.timescale.exponent }, warnings: [] as Warning[] }
    : powerLinesTau.evaluate({ TPP: tpp, N });
  const tauSource = fitted?.timescale ? "fitted:timescale" : "power-lines-tau";
  const tauFormula = fitted?.timescale ? `τ_opt = ${s4(fitted.timescale.coefficient)} · TPP^${s4(fitted.timescale.exponent)} (your fit)` : POWER_LINES_TAU_TERM;
  warnings.push(...tau.warnings);
  const tauOpt = tau.value.tauOpt;
  const lambdaOpt = weightDecayForTimescale(batchTokens, hiddenLr, tauOpt, D);
  const lambda = r.req.weightDecay ?? lambdaOpt;
  const tauUsed = lambda > 0 ? adamwTimescale(batchTokens, hiddenLr, lambda, D) : Infinity;
  if (r.req.weightDecay !== undefined && lambda > 0 && (tauUsed / tauOpt > 2 || tauUsed / tauOpt < 0.5)) {
    warnings.push({ code: "assumption", source: "power-lines-tau", message: `weight decay: λ = ${lambda} gives τ = ${s4(tauUsed)}, ${s4(tauUsed / tauOpt)}× τ_opt = ${s4(tauOpt)}; λ_opt = ${s4(lambdaOpt)}` });
  }
  // β2 by batch size: Porian et al.'s rule (src/laws/porian.ts) [unverified]
  const b2 = porianBeta2(batchTokens / PORIAN.seqLen);
  // a tuned base that records its own β2 and ε (lmplan fit mup) is planned with them: the proxy's
  // optimum holds for the optimizer it was tuned with
  const tuned = r.muBase.from === "user" || r.muBase.from === "fitted" ? base : undefined;
  const section: Plan["optimizer"] = {
    parameterization: p,
    baseLr: n(p.embedding.lr, "LR", lr.source === "power-scheduler" ? "power-scheduler" : p.source, parameterization === "sp" ? "SP: one LR for every group" : `η_base of the ${base.title} (embeddings, norms, biases)`),
    hiddenLr: n(hiddenLr, "LR", lr.source, lr.derivation),
    tauOpt: n(tauOpt, "fraction of training", tauSource, `${tauFormula} at TPP ${s4(tpp)}`),
    weightDecay: n(lambda, "", r.req.weightDecay !== undefined ? "user" : tauSource, r.req.weightDecay !== undefined ? `as given (λ_opt would be ${s4(lambdaOpt)})` : `λ = B/(η·τ_opt·D) = ${batchTokens} / (${s4(hiddenLr)} · ${s4(tauOpt)} · ${c(D)}), with η the hidden-weight LR. Other conventions: CompleteP Table 1 and microsoft/mup MuAdam scale hidden λ by m_d; Cerebras configs keep 0.1`),
    tau: n(tauUsed, "fraction of training", tauSource, `τ = B/(η·λ·D) = ${batchTokens} / (${s4(hiddenLr)} · ${s4(lambda)} · ${c(D)})`),
    beta1: tuned?.beta1 !== undefined ? n(tuned.beta1, "", r.muBase.source, `AdamW β1 your base was tuned with (${base.title})`) : n(0.9, "", "mup-cerebras", "AdamW β1 of the Cerebras-GPT and BTLM configs"),
    beta2: tuned?.beta2 !== undefined ? n(tuned.beta2, "", r.muBase.source, `AdamW β2 your base was tuned with (${base.title}; Porian's rule would give ${b2.beta2})`) : b2.smallBatch ? n(b2.beta2, "", "porian", b2.rule) : n(b2.beta2, "", "mup-cerebras", `AdamW β2 of the Cerebras-GPT and BTLM configs (${b2.rule})`),
    eps: tuned?.eps !== undefined && p.kind !== "completep" ? n(tuned.eps, "", r.muBase.source, `AdamW ε your base was tuned with (${base.title})`) : n(1e-8 * p.adamEpsMultiplier, "", p.kind === "completep" ? "completep" : "mup-cerebras", p.kind === "completep" ? `1e-8 × m_N^−1·m_L^−1 = 1e-8 × ${s4(p.adamEpsMultiplier)}` : "AdamW ε of the Cerebras-GPT and BTLM configs"),
    gradClip: n(1, "", "mup-cerebras", "max gradient norm of the Cerebras-GPT and BTLM configs"),
  };
  return { section, decay: { tauOpt, lambda, warnings } };
}
