/**
 * A run read from its logs → the curve `fit curves` fits: the training loss (or, asked for, the
 * evaluation loss) at its logged steps and the LR at every step, from the run's own LR series. What is
 * not used is said: restarts, rejected points, gaps, the LR's logging interval, the series chosen and
 * the ones left.
 */
import { invalid, missing, type Result } from "../../errors.js";
import type { RowIssue } from "../csv.js";
import { perStepLr, type LoadedCurve } from "../curves.js";
import { builtInSchedule } from "../../schedules/mpl-curves.js";
import { describeChoice, describeRestart, gaps, roleSeries, unknownMapTags } from "./align.js";
import type { RunLog } from "./run.js";

export interface RunCurveOptions {
  /** Role → tag overrides (--map loss="lm loss validation",lr=learning-rate). */
  map?: Record<string, string>;
  /** A built-in schedule by name instead of the run's LR series (--schedule). */
  schedule?: string;
  /** Fit the evaluation loss instead of the training loss. */
  evalLoss?: boolean;
}

function tagList(run: RunLog): string {
  const t = [...run.series.keys()];
  return t.length === 0 ? "none" : `${t.slice(0, 20).map((x) => JSON.stringify(x)).join(", ")}${t.length > 20 ? `, … (${t.length} tags)` : ""}`;
}

export function curveFromRun(name: string, run: RunLog, opts: RunCurveOptions = {}): Result<LoadedCurve> {
  const map = opts.map ?? {};
  const bad = unknownMapTags(run, map);
  if (bad.length > 0) return { ok: false, issues: bad };
  const rejected: RowIssue[] = [...run.problems, ...run.truncatedTail].map((issue) => ({ line: 0, issue }));
  const notes: string[] = [...run.notes];
  const lossRole = opts.evalLoss ? "evalLoss" : "loss";
  const loss = roleSeries(run, lossRole, map);
  if (!loss) {
    return { ok: false, issues: [missing([name, lossRole === "loss" ? "loss" : "evalLoss"], `a ${lossRole === "loss" ? "training" : "evaluation"}-loss series among the run's tags (${tagList(run)}); name one with --map ${lossRole}="<tag>"`), ...rejected.slice(0, 5).map((r) => r.issue)] };
  }
  notes.push(describeChoice(loss));
  for (const r of loss.restarts) notes.push(describeRestart(r));
  rejected.push(...loss.rejected);
  if (!opts.evalLoss) {
    const ev = roleSeries(run, "evalLoss", map);
    if (ev) notes.push(`evaluation loss "${ev.choice.tag}" (${ev.step.length} points) is not fitted: it is a different curve (pass --eval-loss to fit it instead)`);
  }
  const g = gaps(loss.step);
  if (g.count > 0) notes.push(`loss logged every ${g.interval} steps, with ${g.count} gap${g.count > 1 ? "s" : ""} longer than 3 intervals: ${g.gaps.map(([a, b]) => `${a}→${b}`).join(", ")}${g.count > g.gaps.length ? ", …" : ""} (nothing is interpolated across them)`);
  if (loss.step.length === 0) return { ok: false, issues: [invalid([name, loss.choice.tag], "at least 2 usable logged steps", "0"), ...rejected.slice(0, 5).map((r) => r.issue)] };
  const lastLoss = loss.step[loss.step.length - 1] as number;
  let lrs: Float64Array;
  let lrSource: LoadedCurve["lrSource"];
  let lrEnd = Infinity;
  const lr = roleSeries(run, "lr", map);
  if (opts.schedule !== undefined) {
    const s = builtInSchedule(opts.schedule, name);
    if (!s.ok) return s;
    lrs = s.value.lrs;
    lrSource = "schedule";
    if (lr) {
      for (let i = 0; i < lr.step.length; i++) {
        const st = lr.step[i] as number;
        if (st >= lrs.length) continue;
        const want = lrs[st] as number;
        const got = lr.value[i] as number;
        if (Math.abs(got - want) > 1e-6 * Math.max(Math.abs(got), Math.abs(want))) {
          return { ok: false, issues: [invalid([...lr.at(i), lr.choice.tag], `the ${s.value.label} schedule's ${want} (lmplan never replaces a logged LR; drop --schedule to fit with the run's LRs)`, got)] };
        }
      }
    }
    notes.push(`per-step LR from --schedule ${opts.schedule}: ${s.value.label}${lr ? `; the run's "${lr.choice.tag}" agrees with it at every logged step` : " (the run logs no LR)"}`);
  } else {
    if (!lr || lr.step.length === 0) {
      const titan = run.files.some((f) => f.format === "torchtitan");
      const panel = run.files.some((f) => f.format === "wandb") ? "; for W&B panel exports, export the LR panel too and pass the folder holding both" : "";
      return {
        ok: false,
        issues: [missing([name, "lr"], `a learning-rate series among the run's tags (${tagList(run)})${titan ? "; TorchTitan prints no LR to stdout — read its TensorBoard or W&B logs, which have lr/<optimizer>," : ""} or name one with --map lr="<tag>", or a built-in schedule with --schedule${panel}`), ...rejected.slice(0, 5).map((r) => r.issue)],
      };
    }
    notes.push(describeChoice(lr));
    for (const r of lr.restarts) notes.push(describeRestart(r));
    rejected.push(...lr.rejected);
    const upTo = lr.step.findIndex((s) => s > lastLoss);
    const lrSteps = upTo < 0 ? lr.step : lr.step.slice(0, upTo + 1);
    const lrVals = upTo < 0 ? lr.value : lr.value.slice(0, upTo + 1);
    const lastLr = lrSteps[lrSteps.length - 1] as number;
    const li = gaps(lr.step).interval;
    // past the last LR log the LR is held for at most one logging interval; later loss points have no LR
    lrEnd = lastLr >= lastLoss ? lastLoss : lastLr + Math.max(li, 1) - 1;
    const built = perStepLr(lrSteps, lrVals, Math.min(lastLoss, lrEnd));
    lrs = built.lrs;
    lrSource = built.every ? "every-step" : "interpolated";
    if (!built.every) notes.push(`LR logged every ${li} step${li > 1 ? "s" : ""}: ${built.note}`);
  }
  const keep: number[] = [];
  for (let i = 0; i < loss.step.length; i++) {
    const st = loss.step[i] as number;
    const where = loss.at(i);
    if (st === 0) notes.push(`the loss at step 0 (${where.join(" ")}), before the first update, is not part of the fit: the law has S1 = 0 there`);
    else if (st > lrEnd) rejected.push({ line: 0, issue: invalid([...where, "step"], `a step with a logged LR (the LR's last log is at step ${Math.round(lrEnd)}; it is held one logging interval at most)`, st) });
    else if (st >= lrs.length) rejected.push({ line: 0, issue: invalid([...where, "step"], `a step < ${lrs.length}, the length of the schedule`, st) });
    else keep.push(i);
  }
  if (keep.length < 2) return { ok: false, issues: [invalid([name], "at least 2 usable logged steps", `${keep.length}`), ...rejected.slice(0, 5).map((r) => r.issue)] };
  return {
    ok: true,
    value: {
      curve: { name, lrs, steps: Int32Array.from(keep, (i) => loss.step[i] as number), loss: Float64Array.from(keep, (i) => loss.value[i] as number) },
      lrSource,
      notes,
      rejected,
    },
  };
}
