/**
 * `lmplan track`'s core: a plan and a run so far → progress, loss against the plan (the multi-power law
 * refitted on the run with its actual LR, and the plan's own law), throughput and MFU against the
 * plan, the projected finish and cost, and alerts with their thresholds. Pure: the run comes in read,
 * the time comes in as `now`.
 */
import { lrAt } from "../schedules/schedule.js";
import { perStepLr } from "../io/curves.js";
import type { Plan } from "../plan/types.js";
import { trackLoss, type LossTrack } from "./loss.js";
import { pace, type Pace } from "./pace.js";
import { TRACK_DEFAULTS, type Alert, type TrackRun, type TrackThresholds } from "./types.js";

export interface TrackReport {
  lmplanTrackVersion: 1;
  /** Seconds since the epoch when the report was made (the shell's clock). */
  now: number;
  plan: { title: string; steps: number; tokens: number; predictedLoss: number; lawSource: string };
  pace: Pace;
  loss: LossTrack & {
    /** The plan's law at the planned end, and the projection's difference from it. */
    planLaw: { finalLoss: number; source: string; projectedVsPlan?: number };
    lrSource: string;
  };
  lr?: { checked: number; maxDeviation: number; alertStep?: number };
  alerts: Alert[];
  thresholds: TrackThresholds;
  notes: string[];
  problems: string[];
}

/** The LR at every step to the planned end: the run's logged LR so far, the plan's schedule after. */
export function runLrs(run: TrackRun, plan: Plan): { lrs: Float64Array; source: string } {
  const spec = plan.schedule.spec;
  const lastLoss = run.loss.step[run.loss.step.length - 1] as number;
  const end = Math.max(spec.totalSteps, lastLoss + 1);
  const lrs = new Float64Array(end);
  for (let s = 0; s < end; s++) lrs[s] = lrAt(spec, s);
  if (!run.lr || run.lr.step.length === 0) return { lrs, source: "the plan's schedule (the logs have no LR)" };
  const last = Math.min(run.lr.step[run.lr.step.length - 1] as number, end - 1);
  const built = perStepLr(run.lr.step, run.lr.value, last);
  lrs.set(built.lrs.subarray(0, last + 1));
  return { lrs, source: `the run's "${run.lr.tag}" to step ${last}${built.every ? "" : " (interpolated between logs)"}, the plan's schedule after` };
}

/** Logged LR against the plan's at the same step (within one step either way, for off-by-one step numbering). */
function checkLr(run: TrackRun, plan: Plan, th: TrackThresholds): { checked: number; maxDeviation: number; alert?: Alert } | undefined {
  const lr = run.lr;
  if (!lr) return undefined;
  const spec = plan.schedule.spec;
  let streak = 0;
  let maxDev = 0;
  let alert: Alert | undefined;
  for (let i = 0; i < lr.step.length; i++) {
    const s = lr.step[i] as number;
    if (s >= spec.totalSteps) break;
    const near = [lrAt(spec, s - 1), lrAt(spec, s), lrAt(spec, s + 1)];
    const lo = Math.min(...near);
    const hi = Math.max(...near);
    const v = lr.value[i] as number;
    const scale = Math.max(lrAt(spec, s), 0.05 * spec.peakLr);
    const dev = v < lo ? (lo - v) / scale : v > hi ? (v - hi) / scale : 0;
    maxDev = Math.max(maxDev, dev);
    if (dev > th.lrDeviation) {
      if (++streak >= th.persist && !alert) {
        const k = i - th.persist + 1;
        const at = lr.step[k] as number;
        const want = lrAt(spec, at);
        alert = {
          code: "lr-off-schedule",
          step: at,
          measured: lr.value[k] as number,
          expected: want,
          threshold: th.lrDeviation,
          message: `LR off the plan's ${spec.kind} schedule from step ${at}: ${(lr.value[k] as number).toExponential(3)} vs ${want.toExponential(3)} planned (threshold ${(th.lrDeviation * 100).toFixed(0)}% of the planned LR) for ${th.persist} logged points in a row`,
        };
      }
    } else streak = 0;
  }
  return { checked: lr.step.length, maxDeviation: maxDev, ...(alert ? { alert } : {}) };
}

export function track(plan: Plan, run: TrackRun, opts: { now: number; thresholds?: Partial<TrackThresholds> }): TrackReport {
  const th: TrackThresholds = { ...TRACK_DEFAULTS, ...opts.thresholds };
  const spec = plan.schedule.spec;
  const { lrs, source } = runLrs(run, plan);
  // first refit after warmup and a tenth of the run
  const firstCheck = Math.max(spec.warmupSteps + Math.round(th.checkEvery * spec.totalSteps), Math.round(0.1 * spec.totalSteps));
  const lt = trackLoss(run.loss, lrs, firstCheck, spec.totalSteps, th);
  const p = pace(run, plan, th, opts.now);
  const lrCheck = checkLr(run, plan, th);
  const planLoss = plan.budget.predictedLoss.value;
  const alerts = [lt.alert, p.alert, lrCheck?.alert].filter((a): a is Alert => a !== undefined).sort((a, b) => a.step - b.step);
  const notes = [...run.notes, ...p.notes];
  if (!run.lr) notes.push("the logs have no LR: the refit uses the plan's schedule, and the LR is not checked against it");
  return {
    lmplanTrackVersion: 1,
    now: opts.now,
    plan: { title: plan.title, steps: spec.totalSteps, tokens: plan.batch.tokensTrained.value, predictedLoss: planLoss, lawSource: plan.budget.predictedLoss.source },
    pace: p,
    loss: {
      ...lt,
      planLaw: { finalLoss: planLoss, source: plan.budget.predictedLoss.source, ...(lt.projection ? { projectedVsPlan: lt.projection.finalLoss / planLoss - 1 } : {}) },
      lrSource: source,
    },
    ...(lrCheck ? { lr: { checked: lrCheck.checked, maxDeviation: lrCheck.maxDeviation, ...(lrCheck.alert ? { alertStep: lrCheck.alert.step } : {}) } } : {}),
    alerts,
    thresholds: th,
    notes,
    problems: run.problems,
  };
}
