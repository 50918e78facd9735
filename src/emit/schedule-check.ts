/**
 * Compare a trainer's LR (its own formula, evaluated on the emitted config) with the plan's schedule
 * at every 1% of training (steps round(k·T/100), k = 0…100, capped at T − 1: the LR of the last update).
 */
import { lrAt, type ScheduleSpec } from "../schedules/schedule.js";
import type { ScheduleDeviation } from "./types.js";

export function compareSchedule(plan: ScheduleSpec, trainerLr: (step: number) => number, planPeak = plan.peakLr): ScheduleDeviation {
  let worst: ScheduleDeviation = { maxRelative: 0, atPercent: 0, trainerLr: trainerLr(0), planLr: lrAt(plan, 0) };
  for (let k = 0; k <= 100; k++) {
    const step = Math.min(Math.round((k * plan.totalSteps) / 100), plan.totalSteps - 1);
    const t = trainerLr(step);
    const p = lrAt(plan, step);
    const rel = Math.abs(t - p) / planPeak;
    if (rel > worst.maxRelative) worst = { maxRelative: rel, atPercent: k, trainerLr: t, planLr: p };
  }
  return worst;
}
