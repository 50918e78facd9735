/**
 * A run's series → what the fitter and the tracker use, with every point that is not used accounted for:
 * - restarts: when a series' step goes back (a job resumed from a checkpoint, a new event file), the
 *   later run's points replace the earlier ones from that step on (TensorBoard's purge on restart);
 *   each restart is reported with where it starts and how many points it replaced;
 * - unusable points (NaN or out-of-range values, steps outside the declared range) are rejected with
 *   their file and line or byte;
 * - gaps in the loss log and the LR's logging interval are stated;
 * - the training loss and the evaluation loss are told apart by name (roles.ts).
 */
import { invalid, type Issue } from "../../errors.js";
import type { RowIssue } from "../csv.js";
import { inRange, RANGES, rangeText, type Range } from "../ranges.js";
import { chooseRole, ROLE_TEXT, type Role, type RoleChoice } from "./roles.js";
import { whereOf, type RunLog, type Series } from "./run.js";

export interface Restart {
  tag: string;
  /** First step of the later run. */
  step: number;
  /** Where the later run's first point was read. */
  where: string[];
  /** Earlier points replaced, and the steps they spanned. */
  replaced: number;
  from: number;
  to: number;
}

/** One series after restarts and validation: ascending distinct steps. */
export interface Clean {
  tag: string;
  step: number[];
  value: number[];
  wall: number[];
  /** Where each kept point was read. */
  at: (i: number) => string[];
  restarts: Restart[];
  rejected: RowIssue[];
}

/** Restarts resolved (later run wins), then each survivor checked against `range` (after `factor`). */
export function cleanSeries(run: RunLog, s: Series, factor: number, range: Range, what: string): Clean {
  const kept: number[] = [];
  const restarts: Restart[] = [];
  for (let j = 0; j < s.step.length; j++) {
    const st = s.step[j] as number;
    const top = kept.length > 0 ? (s.step[kept[kept.length - 1] as number] as number) : -Infinity;
    if (st <= top) {
      let n = 0;
      let from = top;
      while (kept.length > 0 && (s.step[kept[kept.length - 1] as number] as number) >= st) {
        from = s.step[kept.pop() as number] as number;
        n++;
      }
      restarts.push({ tag: s.tag, step: st, where: whereOf(run, s, j), replaced: n, from, to: top });
    }
    kept.push(j);
  }
  const out: Clean = { tag: s.tag, step: [], value: [], wall: [], at: () => [], restarts, rejected: [] };
  const idx: number[] = [];
  for (const j of kept) {
    const st = s.step[j] as number;
    const v = (s.value[j] as number) * factor;
    const where = whereOf(run, s, j);
    const line = s.pos[j] as number;
    if (!inRange(RANGES.step, st)) out.rejected.push({ line, issue: invalid([...where, "step"], rangeText(RANGES.step), st) });
    else if (!Number.isFinite(v) || !inRange(range, v)) out.rejected.push({ line, issue: invalid([...where, s.tag], Number.isFinite(v) ? `${what}: ${rangeText(range)}` : "a positive finite number", v) });
    else {
      out.step.push(st);
      out.value.push(v);
      out.wall.push(s.wall[j] as number);
      idx.push(j);
    }
  }
  out.at = (i: number) => whereOf(run, s, idx[i] as number);
  return out;
}

export function describeRestart(r: Restart): string {
  return r.replaced > 0
    ? `restart at step ${r.step} (${r.where.join(" ")}): the later run's values replace ${r.replaced} earlier point${r.replaced > 1 ? "s" : ""} of "${r.tag}" at steps ${r.from}–${r.to}`
    : `step ${r.step} of "${r.tag}" logged again (${r.where.join(" ")}): the later value is used`;
}

/** Median step between logs, and the stretches much longer than it (at most `show` listed). */
export function gaps(step: readonly number[], show = 5): { interval: number; gaps: [number, number][]; count: number } {
  const d: number[] = [];
  for (let i = 1; i < step.length; i++) d.push((step[i] as number) - (step[i - 1] as number));
  const sorted = [...d].sort((a, b) => a - b);
  const interval = sorted.length > 0 ? (sorted[Math.floor(sorted.length / 2)] as number) : 0;
  const out: [number, number][] = [];
  let count = 0;
  for (let i = 1; i < step.length; i++) {
    const dd = (step[i] as number) - (step[i - 1] as number);
    if (interval > 0 && dd > 3 * interval && dd - interval >= 2) {
      count++;
      if (out.length < show) out.push([step[i - 1] as number, step[i] as number]);
    }
  }
  return { interval, gaps: out, count };
}

export interface RoleSeries extends Clean {
  role: Role;
  choice: RoleChoice;
}

const RANGE_OF: Record<Role, [Range, string]> = {
  loss: [RANGES.loss, "a loss"],
  evalLoss: [RANGES.loss, "a loss"],
  lr: [RANGES.lrLogged, "a learning rate"],
  tokensPerSec: [{ min: 0, max: 1e15, what: "tokens per second" }, "a throughput"],
  tokensPerSecPerGpu: [{ min: 0, max: 1e12, what: "tokens per second per GPU" }, "a throughput"],
  mfu: [{ min: 0, max: 1, what: "a fraction of peak FLOP/s" }, "an MFU"],
  iterSeconds: [{ min: 0, max: 1e7, minExclusive: true, what: "seconds per step" }, "a step time"],
  tokens: [RANGES.tokens, "a token count"],
  samples: [{ min: 0, max: 1e15, what: "a sample count" }, "a sample count"],
  tflopsPerGpu: [{ min: 0, max: 1e6, what: "TFLOP/s per GPU" }, "a throughput"],
};

/** The series for a role, cleaned; undefined when the run has none. */
export function roleSeries(run: RunLog, role: Role, map: Record<string, string> = {}): RoleSeries | undefined {
  const choice = chooseRole(run, role, map);
  if (!choice) return undefined;
  const s = run.series.get(choice.tag) as Series;
  const [range, what] = RANGE_OF[role];
  return { ...cleanSeries(run, s, choice.factor, range, what), role, choice };
}

/** "lm loss" (Megatron stdout; also there: "loss scale") — for notes saying which series was used. */
export function describeChoice(r: RoleSeries): string {
  return `${ROLE_TEXT[r.role]} from "${r.choice.tag}"${r.choice.factor !== 1 ? ` (×${r.choice.factor})` : ""}${r.choice.others.length > 0 ? ` (also present, not used: ${r.choice.others.slice(0, 4).map((o) => `"${o}"`).join(", ")})` : ""}`;
}

/** --map keys that name no series of the run. */
export function unknownMapTags(run: RunLog, map: Record<string, string>): Issue[] {
  const tags = [...run.series.keys()];
  return Object.entries(map)
    .filter(([, t]) => !tags.some((x) => x.toLowerCase() === t.toLowerCase()))
    .map(([k, t]) => invalid(["map", k], `a tag of the run (${tags.slice(0, 20).map((x) => JSON.stringify(x)).join(", ")}${tags.length > 20 ? ", …" : ""})`, t));
}
