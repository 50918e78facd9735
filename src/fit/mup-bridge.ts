/**
 * What the planner needs to plan with a tuned μP base (issue 15 items 2–3), as pure functions the
 * planner's stages call: which base a request chooses (built-in id, a base file, or a fitted-laws file's
 * `mup`), a user's hidden-weight peak LR (--lr), warmup in steps or tokens, and the bridge from the
 * proxy's horizon and batch to the target's — each returning its warnings ("never silently", STYLE.md).
 */
import { conflict, type Result } from "../errors.js";
import type { Warning } from "../laws/types.js";
import { powerLinesBatch } from "../laws/power-lines-batch.js";
import { powerLinesTau } from "../laws/power-lines-tau.js";
import { STEP_LAW } from "../laws/step-law.js";
import { findMupBase, type MupBase } from "../parameterization/bases.js";
import type { Parameterization } from "../parameterization/mup.js";
import type { FittedLaws } from "../plan/fitted-laws.js";

const s4 = (x: number) => String(+x.toPrecision(4));

export interface ChosenBase {
  base: MupBase;
  /** Where it came from, as the resolve step tags values. */
  from: "user" | "fitted" | "preset" | "default";
  /** Reference id for `source` fields: the built-in id, "user:mu-base-file" or "fitted:mup". */
  source: string;
  warnings: Warning[];
}

/**
 * The μP base a request chooses. Precedence: --mu-base <id> or --mu-base-file (both is a conflict),
 * then a base in --laws (`fittedLaws.mup`, labelled "your fit"), then the preset's family, then the
 * default. A base in --laws that another choice overrides is said, not dropped silently.
 */
export function mupBaseFromRequest(req: { muBase?: string; muBaseSpec?: MupBase; fittedLaws?: FittedLaws }, fallback: { presetBase?: string; presetId?: string; defaultId: string }): Result<ChosenBase> {
  const warnings: Warning[] = [];
  if (req.muBase !== undefined && req.muBaseSpec !== undefined) {
    return { ok: false, issues: [conflict(["muBase", "muBaseSpec"], "--mu-base names a built-in base and --mu-base-file gives your own; give one of them")] };
  }
  const fittedBase = req.fittedLaws?.mup;
  if (fittedBase && (req.muBase !== undefined || req.muBaseSpec !== undefined)) {
    warnings.push({ code: "assumption", source: "fitted:mup", message: `μP base: the base in --laws (your fit) is not used: ${req.muBase !== undefined ? `--mu-base ${req.muBase}` : "--mu-base-file"} chooses the base` });
  }
  if (req.muBaseSpec) return { ok: true, value: { base: req.muBaseSpec, from: "user", source: "user:mu-base-file", warnings } };
  const byId = (id: string) => findMupBase(id);
  if (req.muBase !== undefined) {
    const b = byId(req.muBase);
    if (b) return { ok: true, value: { base: b, from: "user", source: b.id, warnings } };
  }
  if (fittedBase) {
    const { source: _s, intervals: _i, ...b } = fittedBase;
    const base: MupBase = { ...b, id: b.id ?? "fitted", title: b.title ?? "your μP base (lmplan fit mup)", citation: b.citation ?? { short: "your fit", locator: "--laws: laws.mup" } };
    return { ok: true, value: { base, from: "fitted", source: "fitted:mup", warnings } };
  }
  const preset = fallback.presetBase !== undefined ? byId(fallback.presetBase) : undefined;
  if (preset) return { ok: true, value: { base: preset, from: "preset", source: fallback.presetId ? `preset:${fallback.presetId}` : preset.id, warnings } };
  return { ok: true, value: { base: byId(fallback.defaultId) as MupBase, from: "default", source: fallback.defaultId, warnings } };
}

/**
 * --lr: the user's hidden-weight peak LR. Every group's LR is scaled by the same factor, so μP's ratios
 * between groups (embeddings and norms at η_base, matrices at η_base/m_d) are kept; the warning gives
 * the transferred value, the user's and the ratio.
 */
export function applyLrOverride(p: Parameterization, lr: number, transferredSource: string): { parameterization: Parameterization; warnings: Warning[]; derivation: string } {
  const k = lr / p.hidden.lr;
  const scale = <T extends { lr: number }>(g: T): T => ({ ...g, lr: g.lr * k });
  const parameterization: Parameterization = { ...p, embedding: scale(p.embedding), hidden: { ...p.hidden, lr }, outProjection: scale(p.outProjection), normAndBias: scale(p.normAndBias) };
  const ratio = Math.abs(Math.log(k)) < 1e-12 ? "the same as" : `${s4(k)}×`;
  return {
    parameterization,
    warnings: [{ code: "assumption", source: "user", message: `peak LR: --lr ${lr} replaces the hidden-weight LR ${s4(p.hidden.lr)} from ${transferredSource} (${ratio} it); the other groups keep their ${p.kind === "sp" ? "" : "μP "}ratios to it` }],
    derivation: `your --lr ${lr} (${transferredSource} gave ${s4(p.hidden.lr)}); every group scaled by ${s4(k)}`,
  };
}

export interface WarmupChoice {
  steps: number;
  source: "user" | "straight-to-zero";
  derivation: string;
  warnings: Warning[];
}

/** Llama 2's warmup, for scale (Touvron et al., arXiv 2307.09288 §2.2: "warmup of 2000 steps", 4M-token batches) [P]. */
export const LLAMA2_WARMUP_STEPS = 2000;

/**
 * Warmup in steps from --warmup (fraction), --warmup-steps or --warmup-tokens (at most one). Longer than
 * half the run (the fraction's own limit) is clamped with a warning giving the original, the limit and
 * the value used. The default stays 10% of steps (Straight to Zero's and Power Lines' setups), and says
 * so when that is far longer than the few thousand steps large runs use.
 */
export function warmupFromRequest(req: { warmupFraction?: number; warmupSteps?: number; warmupTokens?: number }, run: { steps: number; batchTokens: number; defaultFraction: number }): Result<WarmupChoice> {
  const given = (["warmupFraction", "warmupSteps", "warmupTokens"] as const).filter((k) => req[k] !== undefined);
  if (given.length > 1) return { ok: false, issues: [conflict([...given], "--warmup-fraction, --warmup-steps and --warmup-tokens each set the warmup; give one")] };
  const limit = Math.floor(0.5 * run.steps);
  const warnings: Warning[] = [];
  let steps: number;
  let derivation: string;
  let source: WarmupChoice["source"] = "user";
  if (req.warmupSteps !== undefined) {
    steps = req.warmupSteps;
    derivation = `${steps} steps (--warmup-steps)`;
  } else if (req.warmupTokens !== undefined) {
    steps = Math.round(req.warmupTokens / run.batchTokens);
    derivation = `${s4(req.warmupTokens)} tokens / ${run.batchTokens} tokens per step = ${s4(req.warmupTokens / run.batchTokens)} → ${steps} steps`;
  } else {
    const f = req.warmupFraction ?? run.defaultFraction;
    if (req.warmupFraction === undefined) source = "straight-to-zero";
    steps = Math.round(f * run.steps);
    derivation = `${f} × ${run.steps} steps`;
    if (req.warmupFraction === undefined && steps > 10 * LLAMA2_WARMUP_STEPS) {
      warnings.push({ code: "schedule", source: "straight-to-zero", message: `warmup: the default 10% of steps is ${steps} steps; Llama 2 warmed up ${LLAMA2_WARMUP_STEPS} steps (arXiv 2307.09288 §2.2) — no published rule scales warmup with the run, so choose with --warmup-steps or --warmup-tokens` });
    }
  }
  if (steps > limit) {
    warnings.push({ code: "rounding", source: "user", message: `warmup: ${steps} steps is more than half the run's ${run.steps} steps; using ${limit} (the limit --warmup-fraction has, 0.5)` });
    derivation += `, clamped to half the run = ${limit}`;
    steps = limit;
  }
  return { ok: true, value: { steps, source, derivation, warnings } };
}

export interface BridgeInput {
  proxyTpp: number;
  targetTpp: number;
  /** Global batch, tokens. */
  proxyBatchTokens: number;
  targetBatchTokens: number;
  /** Total parameters (only used to check the laws' fitted ranges); defaults skip that check. */
  proxyParams?: number;
  targetParams?: number;
  /** Target training tokens (for B_opt(D)); targetTpp × targetParams when absent. */
  targetTokens?: number;
}

export interface HorizonAlternative {
  source: string;
  title: string;
  /** Factor on η_base from the proxy's horizon to the target's; undefined where no coefficient is published in a form lmplan can use. */
  lrFactor?: number;
  verified: boolean;
  note: string;
}

export interface Bridge {
  notes: string[];
  warnings: Warning[];
  /** The horizon effect on η, the published alternatives side by side (empty when TPP matches). */
  horizon: HorizonAlternative[];
}

/** Proxy and target horizons this close (25%) are treated as the same. */
const SAME = Math.log(1.25);

/**
 * The laws that bridge a base tuned at the proxy's TPP and batch to the target's: Power Lines' τ_opt(TPP)
 * sets λ at the target's TPP (η_base kept: that is what μP transfers); Power Lines' B_opt(D) for the
 * batch (λ rescales with B at fixed τ); and the horizon effect on η with the published alternatives
 * shown side by side — Step Law's D exponent (STEP_LAW.beta, η ∝ D^β at fixed N; fitted under SP), Bjorck et al.'s
 * finding that the optimal LR falls as the horizon grows (arXiv 2409.19913; no coefficient recorded
 * here), and Power Lines' choice of holding η and moving λ. lmplan applies the first and shows the rest.
 */
export function proxyBridge(x: BridgeInput): Bridge {
  const notes: string[] = [];
  const warnings: Warning[] = [];
  const horizon: HorizonAlternative[] = [];
  const r = x.targetTpp / x.proxyTpp;
  const tauAt = (tpp: number) => powerLinesTau.evaluate({ TPP: tpp, N: x.targetParams ?? 1e9 }).value.tauOpt;
  if (Math.abs(Math.log(r)) > SAME) {
    const [tp, tt] = [tauAt(x.proxyTpp), tauAt(x.targetTpp)];
    notes.push(`λ: the base was tuned at ${s4(x.proxyTpp)} tokens/param and the target trains at ${s4(x.targetTpp)}; λ is set from Power Lines' τ_opt at the target's TPP (${s4(tt)}, vs ${s4(tp)} at the proxy's), not carried from the proxy [τ_opt coefficients unverified]`);
    // Step Law η_opt ∝ D^β (arXiv 2503.04715; the coefficient lives in src/laws/step-law.ts)
    const dExp = STEP_LAW.beta;
    horizon.push(
      { source: "power-lines-tau", title: "Power Lines: hold η, move λ with τ_opt(TPP)", lrFactor: 1, verified: false, note: "what lmplan plans: η_base transfers unchanged; the horizon enters through λ" },
      { source: "step-law", title: `Step Law: η ∝ D^${dExp} at fixed N`, lrFactor: r ** dExp, verified: true, note: `(${s4(x.targetTpp)}/${s4(x.proxyTpp)})^${dExp}; fitted under standard parameterization on 2.1e8–1.07e9 non-embedding parameters — larger η for longer runs` },
      { source: "bjorck-horizon", title: "Bjorck et al.: optimal LR falls as the horizon grows", verified: false, note: "arXiv 2409.19913: the opposite direction to Step Law; no coefficient recorded in lmplan, so no number is given" },
    );
    warnings.push({ code: "assumption", source: "fitted:mup", message: `horizon: the μP base was tuned at ${s4(x.proxyTpp)} tokens/param, the target trains at ${s4(x.targetTpp)} (${s4(r)}×); the published laws disagree on how η moves with the horizon (Step Law ×${s4(r ** dExp)}, Bjorck et al. lower, Power Lines unchanged with λ from τ_opt) — lmplan keeps η_base; a proxy sweep at the target's TPP settles it` });
  }
  const rb = x.targetBatchTokens / x.proxyBatchTokens;
  if (Math.abs(Math.log(rb)) > SAME) {
    const D = x.targetTokens ?? (x.targetParams !== undefined ? x.targetTpp * x.targetParams : undefined);
    const bopt = D !== undefined ? powerLinesBatch.evaluate({ D, N: x.targetParams ?? 1e9 }).value.BoptTokens : undefined;
    notes.push(`batch: the proxy ran ${s4(x.proxyBatchTokens)} tokens per step, the target ${s4(x.targetBatchTokens)} (${s4(rb)}×)${bopt !== undefined ? `; Power Lines' B_opt(D) at the target's D is ${s4(bopt)} tokens [unverified]` : ""}; η_base is kept and λ rescales with B so τ holds (Power Lines: λ_opt ∝ B at fixed N, D)`);
  }
  return { notes, warnings, horizon };
}
