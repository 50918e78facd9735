/**
 * Trainer config emitters. Each emitter writes one trainer's config for a Plan, cites the trainer source
 * its keys were read from, and carries that trainer's own LR formula, so lmplan can measure — not
 * assume — how closely the trainer will follow the plan's schedule.
 */
import type { Plan } from "../plan/types.js";

export interface ScheduleDeviation {
  /** max over every 1% of training of |trainer LR − plan LR| / plan peak LR (hidden weights). */
  maxRelative: number;
  /** Where it happens, in percent of training. */
  atPercent: number;
  trainerLr: number;
  planLr: number;
}

export interface EmitResult {
  format: string;
  /** Suggested file name. */
  fileName: string;
  text: string;
  /** What the trainer cannot express, what the user must add, and how the plan was mapped. */
  notes: string[];
  deviation: ScheduleDeviation;
}

export interface Emitter {
  id: string;
  title: string;
  /** Where the key names and the LR formula were read: repository @ commit, path. */
  source: string;
  emit(plan: Plan): EmitResult;
}

/** A deviation larger than this is printed (1e-6 relative to the peak, the bar). */
export const DEVIATION_TOLERANCE = 1e-6;
