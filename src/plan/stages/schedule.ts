/**
 * Schedule: linear warmup, then linear decay to zero by default — D2Z beat cosine-to-10% from 20 tokens
 * per parameter up (Bergsma et al., "Straight to Zero", arXiv 2502.15938). WSD (MiniCPM, arXiv
 * 2404.06395) and the Power Scheduler (arXiv 2408.13359) are the alternatives; the Power Scheduler sets
 * the LR itself from the batch and the tokens seen, so it replaces the transferred hidden LR.
 */
import type { Result } from "../../errors.js";
import { warmupFromRequest } from "../../fit/mup-bridge.js";
import type { Warning } from "../../laws/types.js";
import { POWER_SCHEDULER_CHOSEN, POWER_SCHEDULER_TERM } from "../../laws/power-scheduler.js";
import { lrAt, type ScheduleSpec } from "../../schedules/schedule.js";
import type { ResolvedRequest } from "../resolve.js";
import type { Plan } from "../types.js";
import { n, s4 } from "./common.js";
import type { LrStage } from "./optimizer.js";

export interface ScheduleStage {
  schedule: ScheduleSpec;
  /** The LR stage with the Power Scheduler's LR in place of the transferred one, when it was chosen. */
  lr: LrStage;
  section: Plan["schedule"];
  warnings: Warning[];
}

export function scheduleStage(r: ResolvedRequest, lrIn: LrStage, x: { steps: number; batchTokens: number; tpp: number }): Result<ScheduleStage> {
  const { steps, batchTokens, tpp } = x;
  const warnings: Warning[] = [];
  const kind = r.schedule.value;
  // warmup: a fraction of steps (10% by default), or --warmup-steps / --warmup-tokens (src/fit/mup-bridge.ts)
  const { req } = r;
  const wu = warmupFromRequest({ ...(req.warmupFraction !== undefined ? { warmupFraction: req.warmupFraction } : {}), ...(req.warmupSteps !== undefined ? { warmupSteps: req.warmupSteps } : {}), ...(req.warmupTokens !== undefined ? { warmupTokens: req.warmupTokens } : {}) }, { steps, batchTokens, defaultFraction: r.warmupFraction.value });
  if (!wu.ok) return wu;
  const warmupSteps = wu.value.steps;
  warnings.push(...wu.value.warnings);
  const minLrRatio = r.minLrRatio.value;
  const schedule: ScheduleSpec = { kind, peakLr: lrIn.hiddenLr, totalSteps: steps, warmupSteps, minLrRatio };
  const scheduleSource = kind === "wsd" ? "wsd-minicpm" : kind === "power" ? "power-scheduler" : "straight-to-zero";
  if (r.decayFraction && r.decayShape) {
    schedule.decayFraction = r.decayFraction.value;
    schedule.decayShape = r.decayShape.value;
  }
  let lr = lrIn;
  if (kind === "power") {
    // The Power Scheduler sets its own LR from batch and tokens seen; η_max caps it (arXiv 2408.13359 §4).
    schedule.peakLr = POWER_SCHEDULER_CHOSEN.etaMax;
    schedule.power = { tokensPerStep: batchTokens, batchSeqs4096: batchTokens / 4096, a: POWER_SCHEDULER_CHOSEN.a, b: POWER_SCHEDULER_CHOSEN.b };
    lr = {
      ...lrIn,
      hiddenLr: lrAt(schedule, Math.max(warmupSteps, 1)),
      source: "power-scheduler",
      derivation: `Power Scheduler: ${POWER_SCHEDULER_TERM} at the end of warmup, β = ${s4(batchTokens / 4096)} sequences of 4096`,
    };
    warnings.push({ code: "schedule", source: "power-scheduler", message: "schedule: the Power Scheduler sets the LR itself (IBM's μP setup), replacing the μP-transferred hidden LR" });
  }
  if (kind === "linear" && minLrRatio === 0 && tpp < 4) {
    warnings.push({ code: "schedule", source: "straight-to-zero", message: `schedule: at ${s4(tpp)} tokens/param (< ≈4), cosine-to-10% beat linear decay-to-zero in Bergsma et al. [unverified]; consider --schedule cosine` });
  }
  if (kind === "cosine" && tpp >= 20 && minLrRatio > 0) {
    warnings.push({ code: "schedule", source: "straight-to-zero", message: `schedule: at ${s4(tpp)} tokens/param linear decay to zero beat cosine-to-10% (610M, 20 TPP: 0.77% lower loss; 200 TPP: 2.8%)` });
  }
  const section: Plan["schedule"] = {
    spec: schedule,
    warmupSteps: n(warmupSteps, "steps", wu.value.source, wu.value.derivation),
    finalLr: n(lrAt(schedule, steps), "LR", scheduleSource, kind === "linear" && minLrRatio === 0 ? "linear decay to zero (D2Z)" : `${minLrRatio} × peak`),
    source: scheduleSource,
  };
  return { ok: true, value: { schedule, lr, section, warnings } };
}
