/**
 * What `lmplan track` compares: a plan (plan.json) and what the run's logs say so far. The core
 * (track.ts, loss.ts, pace.ts) is pure: no I/O, no clock — the shell passes the time in.
 */

/** Logged points of one quantity, ascending distinct steps, in lmplan's units. */
export interface Points {
  step: number[];
  value: number[];
  /** Seconds since the epoch where the log has a time, else NaN. */
  wall: number[];
  /** The tag it was read from, for messages. */
  tag: string;
}

/** A run's logs reduced to the quantities tracking uses (src/track/extract.ts builds it from a RunLog). */
export interface TrackRun {
  loss: Points;
  evalLoss?: Points;
  lr?: Points;
  /** Tokens per second, all GPUs. */
  tokensPerSec?: Points;
  /** MFU as a fraction, where the trainer logs it. */
  mfu?: Points;
  /** Tokens consumed, where the trainer logs them (else steps × the plan's batch). */
  tokens?: Points;
  notes: string[];
  /** What could not be read (corrupt records, NaN losses), each naming where. */
  problems: string[];
}

/** Alert thresholds, each with its default (declared in TRACK_DEFAULTS). */
export interface TrackThresholds {
  /** Loss above the refitted prediction by more than this fraction (or bandSigmas × the fit's residual scatter, whichever is larger). */
  lossBand: number;
  bandSigmas: number;
  /** Throughput below the plan's by more than this fraction. */
  throughputBelow: number;
  /** LR off the plan's schedule by more than this fraction (of the planned LR, or of 5% of the peak near zero). */
  lrDeviation: number;
  /** Consecutive logged points past a threshold before an alert is raised (one noisy point is not an alert). */
  persist: number;
  /** The refit is redone at checkpoints this fraction of the planned steps apart. */
  checkEvery: number;
}

export const TRACK_DEFAULTS: TrackThresholds = { lossBand: 0.01, bandSigmas: 4, throughputBelow: 0.1, lrDeviation: 0.05, persist: 3, checkEvery: 0.05 };

export type AlertCode = "loss-above-band" | "throughput-below-plan" | "lr-off-schedule";

export interface Alert {
  code: AlertCode;
  /** First logged step of the run of points past the threshold. */
  step: number;
  /** The measured and the expected value there, and the threshold (a fraction). */
  measured: number;
  expected: number;
  threshold: number;
  message: string;
}
