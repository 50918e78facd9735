/**
 * The loss against a prediction that knows the run's own LR: the multi-power law (Luo et al., arXiv
 * 2503.12811; src/fit/curves.ts) refitted on the run so far, as it would have been while watching it.
 * At checkpoints `checkEvery` of the planned steps apart the law is refitted on every point up to the
 * checkpoint (warm-started from the last fit), and the points up to the next checkpoint are held
 * against its prediction. While they agree the next checkpoint refits; once `persist` consecutive
 * points are above the band the alert is raised at the first of them, and the reference stays the last
 * fit the run agreed with — a refit on drifting points would absorb the drift it should show.
 * The band is max(lossBand, bandSigmas × σ), σ the robust scatter (1.4826 × MAD) of the fit's relative
 * residuals. The projection to the end of the plan is a last refit on every point, with the run's LR so
 * far and the plan's schedule after.
 */
import { decayWarning, fitMultiPower, type CurveData, type CurveFit } from "../fit/curves.js";
import { MPL_KEYS, predictCurve, prepareSchedule, type MultiPowerParams } from "../laws/multi-power-law.js";
import type { Alert, Points, TrackThresholds } from "./types.js";

/** Points per refit inside tracking (a sample of the run, as the fitter takes long curves). */
const TRACK_FIT_POINTS = 1024;
/** Fewest logged points a refit is made from. */
export const MIN_FIT_POINTS = 10;

export interface LossFit {
  /** Last step the fit saw. */
  atStep: number;
  points: number;
  params: MultiPowerParams;
  /** Robust scatter of the relative residuals, and the band it gives. */
  sigma: number;
  band: number;
}

export interface LossTrack {
  /** The refits made at checkpoints, in order. */
  checkpoints: LossFit[];
  /** The last checkpoint fit the run agreed with: what "above the band" is measured against. */
  reference?: LossFit;
  /** Last logged loss, the reference's prediction there and the relative excess. */
  now?: { step: number; loss: number; predicted: number; excess: number };
  /** A refit on every point so far, projected to the planned end (with the plan's LR from now on). */
  projection?: { params: MultiPowerParams; finalStep: number; finalLoss: number; objective: number };
  alert?: Alert;
  warnings: string[];
}

function robustSigma(r: number[]): number {
  if (r.length === 0) return 0;
  const s = [...r].sort((a, b) => a - b);
  const med = s[Math.floor(s.length / 2)] as number;
  const dev = s.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
  return 1.4826 * (dev[Math.floor(dev.length / 2)] as number);
}

function curveUpTo(loss: Points, lrs: Float64Array, n: number): CurveData {
  const last = loss.step[n - 1] as number;
  return { name: loss.tag, lrs: lrs.subarray(0, last + 1), steps: Int32Array.from(loss.step.slice(0, n)), loss: Float64Array.from(loss.value.slice(0, n)) };
}

function fitAt(loss: Points, lrs: Float64Array, n: number, start: MultiPowerParams | undefined, th: TrackThresholds): { fit: LossFit; raw: CurveFit; curve: CurveData } {
  const curve = curveUpTo(loss, lrs, n);
  // The authors' procedure from their initialisation, then L-BFGS from there to the objective's minimum
  // (a partial curve at another LR scale is not what their AdamW settings were tuned on); a degenerate
  // L-BFGS result is not taken.
  const first = start ? undefined : fitMultiPower([curve], { maxPoints: TRACK_FIT_POINTS });
  const from = start ? MPL_KEYS.map((k) => start[k]) : MPL_KEYS.map((k) => (first as CurveFit).params[k]);
  const polished = fitMultiPower([curve], { maxPoints: TRACK_FIT_POINTS, optimizer: "lbfgs", start: from, maxIterations: 300 });
  let raw = polished;
  if (polished.warnings.some((w) => w.code === "degenerate")) raw = first ?? fitMultiPower([curve], { maxPoints: TRACK_FIT_POINTS, start: from });
  else if (first && !(polished.objective <= first.objective)) raw = first;
  const pred = raw.predictions[0] as Float64Array;
  const r = Array.from(pred, (p, i) => (curve.loss[i] as number) / p - 1);
  const sigma = robustSigma(r.slice(Math.floor(r.length / 2)));
  return { fit: { atStep: curve.steps[n - 1] as number, points: n, params: raw.params, sigma, band: Math.max(th.lossBand, th.bandSigmas * sigma) }, raw, curve };
}

/**
 * `lrs`: the LR at every step up to at least the planned end (the run's logged LR so far, the plan's
 * after); `firstCheck`: the step of the first refit (after warmup); `plannedSteps`: the plan's length.
 */
export function trackLoss(loss: Points, lrs: Float64Array, firstCheck: number, plannedSteps: number, th: TrackThresholds): LossTrack {
  const out: LossTrack = { checkpoints: [], warnings: [] };
  const n = loss.step.length;
  if (n < MIN_FIT_POINTS) {
    out.warnings.push(`${n} usable loss points so far: the multi-power law is refitted from ${MIN_FIT_POINTS}`);
    return out;
  }
  const sch = prepareSchedule(lrs);
  const every = Math.max(1, Math.round(th.checkEvery * plannedSteps));
  let c = Math.max(firstCheck, loss.step[MIN_FIT_POINTS - 1] as number);
  let ref: LossFit | undefined;
  let i = 0; // next point to check against the reference
  let streak = 0;
  let streakStart = -1;
  let healthy = true;
  const lastStep = loss.step[n - 1] as number;
  while (healthy && c < lastStep) {
    let k = 0;
    while (k < n && (loss.step[k] as number) <= c) k++;
    const f = fitAt(loss, lrs, k, ref?.params, th).fit;
    out.checkpoints.push(f);
    ref = f;
    i = k;
    const next = c + every;
    let j = i;
    while (j < n && (loss.step[j] as number) <= next) j++;
    if (j > i) {
      const steps = loss.step.slice(i, j);
      const pred = predictCurve(f.params, sch, steps);
      for (let q = 0; q < steps.length; q++) {
        const excess = (loss.value[i + q] as number) / (pred[q] as number) - 1;
        if (excess > f.band) {
          if (streak === 0) streakStart = i + q;
          if (++streak >= th.persist) {
            const at = loss.step[streakStart] as number;
            const p0 = predictCurve(f.params, sch, [at])[0] as number;
            const m = loss.value[streakStart] as number;
            out.alert = {
              code: "loss-above-band",
              step: at,
              measured: m,
              expected: p0,
              threshold: f.band,
              message: `loss above the multi-power-law band from step ${at}: ${m.toPrecision(5)} vs ${p0.toPrecision(5)} predicted (+${((m / p0 - 1) * 100).toFixed(2)}%, band ${(f.band * 100).toFixed(2)}%) for ${th.persist} logged points in a row; the law was refitted on the ${f.points} points up to step ${f.atStep}`,
            };
            healthy = false;
            break;
          }
        } else streak = 0;
      }
    }
    c = next;
  }
  if (ref) {
    out.reference = ref;
    const p = predictCurve(ref.params, sch, [lastStep])[0] as number;
    const m = loss.value[n - 1] as number;
    out.now = { step: lastStep, loss: m, predicted: p, excess: m / p - 1 };
  }
  // projection: every point so far, then the planned LRs to the end
  const proj = fitAt(loss, lrs, n, ref?.params, th);
  const finalStep = Math.max(plannedSteps - 1, lastStep);
  const finalLoss = predictCurve(proj.raw.params, sch, [finalStep])[0] as number;
  out.projection = { params: proj.raw.params, finalStep, finalLoss, objective: proj.raw.objective };
  const deg = proj.raw.warnings.find((w) => w.code === "degenerate");
  if (deg) out.warnings.push(`the refit on every point so far is ${deg.message.replace(/\. The curves do not pin.*$/, "")}: the run's curve is not one the law explains, so the projection is unreliable`);
  const dw = decayWarning(proj.raw, lrs.subarray(0, finalStep + 1), "the plan's remaining schedule");
  if (dw) out.warnings.push(`${dw.message} (the run has not decayed its LR yet)`);
  return out;
}
