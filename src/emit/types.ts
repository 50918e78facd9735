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

/** A value the user must fill before launching, written in the trainer's own convention. */
export interface Placeholder {
  /** As it stands in the file: "${DATA_DIR}", "???" (OmegaConf's mandatory value), … */
  token: string;
  /** Where it stands (config key or flag). */
  key: string;
  /** What to put there. */
  what: string;
}

export interface EmitResult {
  format: string;
  /** Suggested file name. */
  fileName: string;
  text: string;
  /** What the trainer cannot express, what the user must add, and how the plan was mapped. */
  notes: string[];
  deviation: ScheduleDeviation;
  /** The values the user must fill (listed in the file's "before you launch" block and in a note). */
  placeholders: Placeholder[];
  /** Plan settings this config cannot express (they need code, data or a launch outside it); --strict refuses them. */
  unexpressed: string[];
  /** Files the trainer reads beside the config (the Hugging Face model's config.json), written next to it. */
  extraFiles?: { fileName: string; text: string }[];
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

/**
 * For trainers that apply μP themselves (Megatron --use-mup, Cerebras modelzoo mup_* keys): the LR they
 * take is η_base and they divide hidden-matrix LRs by the width multiplier; under SP it is the one LR.
 */
export function mupTrainerLr(plan: Plan): { mup: boolean; lr: number; widthMultiplier: number } {
  const p = plan.optimizer.parameterization;
  const mup = p.kind !== "sp";
  return { mup, lr: mup ? plan.optimizer.baseLr.value : plan.optimizer.hiddenLr.value, widthMultiplier: mup ? p.widthMultiplier : 1 };
}
