/**
 * Progress, throughput, MFU and the projected finish against the plan. Throughput is the trainer's
 * own where it logs one (the median of the last points), else tokens over wall-clock time between
 * the recent logs; MFU is the trainer's, else PaLM's definition (App. B) from the throughput:
 * tokens/s × FLOPs per token ÷ (GPUs × peak FLOP/s), the same count the plan used. The finish is the
 * remaining tokens at the measured rate after the last log; GPU-hours and cost follow at the plan's
 * GPUs and price.
 */
import type { Plan } from "../plan/types.js";
import type { Alert, Points, TrackRun, TrackThresholds } from "./types.js";

const median = (v: number[]) => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor(s.length / 2)] as number);
};

export interface Pace {
  steps: { done: number; planned: number };
  tokens: { done: number; planned: number; how: string };
  tokensPerSec: { measured?: number; planned: number; how: string };
  mfu: { measured?: number; planned: number; how: string };
  /** Seconds from the first logged step to the last log, and past it to the planned end. */
  elapsedSeconds?: number;
  remainingSeconds?: number;
  /** Seconds since the epoch (the log's clock; trainer logs without a time zone are read as UTC). */
  lastLogAt?: number;
  finishAt?: number;
  gpuHours: { projected?: number; planned: number };
  costUsd: { projected?: number; planned?: number };
  alert?: Alert;
  notes: string[];
}

/** Tokens consumed at each loss step: logged where the trainer logs them, else step × the plan's batch. */
function tokensAt(run: TrackRun, plan: Plan): { at: (step: number) => number; how: string } {
  const bt = plan.batch.globalBatchTokens.value;
  const t = run.tokens;
  if (t && t.step.length >= 1) {
    return {
      how: `"${t.tag}" as logged`,
      at: (step) => {
        // the last logged count at or before step, plus the plan's batch per step since
        let lo = 0;
        let hi = t.step.length - 1;
        if (step < (t.step[0] as number)) return (t.value[0] as number) - ((t.step[0] as number) - step) * bt;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if ((t.step[mid] as number) <= step) lo = mid;
          else hi = mid - 1;
        }
        return (t.value[lo] as number) + (step - (t.step[lo] as number)) * bt;
      },
    };
  }
  return { how: `steps × the plan's ${bt} tokens per step`, at: (step) => step * bt };
}

/** The first `persist` consecutive points below `limit`, as an alert. */
function below(p: Points, limit: number, planned: number, th: TrackThresholds): Alert | undefined {
  let streak = 0;
  for (let i = 0; i < p.step.length; i++) {
    if ((p.value[i] as number) < limit) {
      if (++streak >= th.persist) {
        const k = i - th.persist + 1;
        const m = p.value[k] as number;
        return {
          code: "throughput-below-plan",
          step: p.step[k] as number,
          measured: m,
          expected: planned,
          threshold: th.throughputBelow,
          message: `throughput below plan from step ${p.step[k]}: ${Math.round(m)} tokens/s vs ${Math.round(planned)} planned (${((m / planned - 1) * 100).toFixed(1)}%, threshold −${(th.throughputBelow * 100).toFixed(0)}%) for ${th.persist} logged points in a row`,
        };
      }
    } else streak = 0;
  }
  return undefined;
}

export function pace(run: TrackRun, plan: Plan, th: TrackThresholds, now: number): Pace {
  const notes: string[] = [];
  const planned = { steps: plan.batch.steps.value, tokens: plan.batch.tokensTrained.value };
  const gpus = plan.hardware.numGpus.value;
  const peak = plan.hardware.peakFlopsPerGpu.value;
  const fpt = plan.model.flopsPerToken.value;
  const plannedTps = planned.tokens / plan.hardware.seconds.value;
  const loss = run.loss;
  const lastStep = loss.step[loss.step.length - 1] as number;
  const tok = tokensAt(run, plan);
  const done = tok.at(lastStep);
  const out: Pace = {
    steps: { done: lastStep, planned: planned.steps },
    tokens: { done, planned: planned.tokens, how: tok.how },
    tokensPerSec: { planned: plannedTps, how: "" },
    mfu: { planned: plan.hardware.mfu.value, how: "" },
    gpuHours: { planned: plan.hardware.gpuHours.value },
    costUsd: plan.hardware.costUsd ? { planned: plan.hardware.costUsd.value } : {},
    notes,
  };
  // measured throughput
  let rate: Points | undefined = run.tokensPerSec;
  if (rate && rate.step.length > 0) out.tokensPerSec.how = `"${rate.tag}", median of the last ${Math.min(5, rate.step.length)} logs`;
  else {
    // tokens over wall time between consecutive timed loss logs
    const st: number[] = [];
    const v: number[] = [];
    const w: number[] = [];
    let prev = -1;
    for (let i = 0; i < loss.step.length; i++) {
      if (!Number.isFinite(loss.wall[i] as number)) continue;
      if (prev >= 0 && (loss.wall[i] as number) > (loss.wall[prev] as number)) {
        st.push(loss.step[i] as number);
        v.push((tok.at(loss.step[i] as number) - tok.at(loss.step[prev] as number)) / ((loss.wall[i] as number) - (loss.wall[prev] as number)));
        w.push(loss.wall[i] as number);
      }
      prev = i;
    }
    if (st.length > 0) {
      rate = { step: st, value: v, wall: w, tag: "wall clock" };
      out.tokensPerSec.how = "tokens between logs ÷ the logs' wall-clock times, median of the last 5";
    }
  }
  if (rate && rate.step.length > 0) {
    out.tokensPerSec.measured = median(rate.value.slice(-5));
    out.alert = below(rate, plannedTps * (1 - th.throughputBelow), plannedTps, th);
  } else {
    out.tokensPerSec.how = "not in the logs (no throughput, step time or wall-clock times): the projection uses the plan's";
  }
  if (run.mfu && run.mfu.step.length > 0) {
    out.mfu.measured = median(run.mfu.value.slice(-5));
    out.mfu.how = `"${run.mfu.tag}", median of the last ${Math.min(5, run.mfu.step.length)} logs`;
  } else if (out.tokensPerSec.measured !== undefined) {
    out.mfu.measured = (out.tokensPerSec.measured * fpt) / (gpus * peak);
    out.mfu.how = `tokens/s × ${fpt.toExponential(3)} FLOPs/token ÷ (${gpus} GPUs × ${peak.toExponential(3)} FLOP/s) (PaLM App. B)`;
  }
  // time
  const rateNow = out.tokensPerSec.measured ?? plannedTps;
  const remainingTokens = Math.max(planned.tokens - done, 0);
  out.remainingSeconds = remainingTokens / rateNow;
  const timed = loss.wall.map((w, i) => [w, loss.step[i] as number] as const).filter(([w]) => Number.isFinite(w));
  if (timed.length > 0) {
    const [w0, s0] = timed[0] as readonly [number, number];
    const [w1] = timed[timed.length - 1] as readonly [number, number];
    // time before the first timed log, at the measured pace
    out.elapsedSeconds = w1 - w0 + tok.at(s0) / rateNow;
    out.lastLogAt = w1;
    out.finishAt = w1 + out.remainingSeconds;
  } else {
    out.elapsedSeconds = done / rateNow;
    out.finishAt = now + out.remainingSeconds;
    notes.push("the logs have no times: elapsed time is estimated from the tokens at the measured (or planned) rate, and the finish counted from now");
  }
  const seconds = out.elapsedSeconds + out.remainingSeconds;
  out.gpuHours.projected = (seconds * gpus) / 3600;
  const price = plan.hardware.pricePerGpuHour?.value;
  if (price !== undefined) out.costUsd.projected = out.gpuHours.projected * price;
  else notes.push("the plan has no price per GPU-hour: cost is not projected");
  return out;
}
