/**
 * `lmplan track --plan plan.json <logs…>`: a running job against its plan — progress, loss against the
 * multi-power law refitted on the run (and the plan's law), throughput and MFU against the plan, the
 * projected finish and cost, and alerts. The logs are any the fit commands read (TensorBoard event
 * files or run directories, trainer stdout, W&B and MLflow exports, trainer_state.json), all sources
 * together forming one run. `--watch` re-reads them as they grow; `--json` prints the report (one JSON
 * document per line while watching). The core is src/track (pure); this file reads files, the clock
 * and signals.
 */
import type { Command } from "commander";
import { formatIssue, invalid, type Issue } from "../errors.js";
import { readSource, listSource } from "../io/logs/files.js";
import { FORMAT_HELP, parseLogFormat } from "../io/logs/detect.js";
import { readRunFiles, type LogFile } from "../io/logs/read.js";
import { ROLE_KEYS } from "../io/logs/roles.js";
import { LOG_FORMATS } from "../io/logs/run.js";
import { parseColumnMap, cellNumber } from "../io/table.js";
import { formatCount, formatDuration, formatPercent, formatSig, formatUsd } from "../units/format.js";
import type { Plan } from "../plan/types.js";
import { trackRunFromLog } from "../track/extract.js";
import { track, type TrackReport } from "../track/track.js";
import { TRACK_DEFAULTS, type TrackThresholds } from "../track/types.js";
import { WATCH_SECONDS, watchLoop } from "../track/watch.js";
import { BadInput, checkPlanJson, readRequest, type Io } from "./shared.js";

/** Threshold flags: name, key, accepted range. */
const THRESHOLDS: [flag: string, key: keyof TrackThresholds, min: number, max: number, what: string][] = [
  ["--loss-band <fraction>", "lossBand", 0, 1, "alert when the loss is this fraction above the refitted multi-power law (or bandSigmas × its scatter, if larger)"],
  ["--band-sigmas <n>", "bandSigmas", 0, 100, "the band's width in robust standard deviations of the fit's residuals"],
  ["--throughput-below <fraction>", "throughputBelow", 0, 1, "alert when tokens/s fall this fraction below the plan's"],
  ["--lr-deviation <fraction>", "lrDeviation", 0, 10, "alert when the LR is off the plan's schedule by this fraction of the planned LR"],
  ["--persist <points>", "persist", 1, 1000, "consecutive logged points past a threshold before an alert"],
  ["--check-every <fraction>", "checkEvery", 0.001, 1, "refit the multi-power law at checkpoints this fraction of the planned steps apart"],
];

function thresholdsOf(o: Record<string, unknown>): Partial<TrackThresholds> {
  const out: Partial<TrackThresholds> = {};
  for (const [flag, key, min, max] of THRESHOLDS) {
    const v = o[key];
    if (v === undefined) continue;
    const x = cellNumber(v);
    const whole = key === "persist";
    if (!(x >= min && x <= max) || (whole && !Number.isInteger(x))) throw new BadInput([invalid(key, `${whole ? "a whole number" : "a number"} in [${min}, ${max}] (${flag.split(" ")[0]})`, v)]);
    out[key] = x;
  }
  return out;
}

const pct = (x: number) => `${x >= 0 ? "+" : ""}${formatSig(x * 100, 3)}%`;
const iso = (s: number) => new Date(s * 1000).toISOString().replace(/\.\d+Z$/, "Z");

export function renderTrack(r: TrackReport): string {
  const p = r.pace;
  const L = r.loss;
  const lines = [
    `lmplan track · ${r.plan.title}`,
    "",
    `PROGRESS    step ${p.steps.done.toLocaleString("en-US")} of ${p.steps.planned.toLocaleString("en-US")} (${formatPercent(p.steps.done / p.steps.planned)}) · tokens ${formatCount(p.tokens.done, 4)} of ${formatCount(p.tokens.planned, 4)} (${p.tokens.how})`,
  ];
  if (L.now && L.reference) {
    lines.push(`LOSS        ${formatSig(L.now.loss, 5)} at step ${L.now.step}; the multi-power law refitted on the ${L.reference.points} points to step ${L.reference.atStep} predicts ${formatSig(L.now.predicted, 5)}: ${pct(L.now.excess)} (band ${formatPercent(L.reference.band)})`);
  } else lines.push(`LOSS        ${formatSig(r.loss.projection ? r.loss.projection.finalLoss : Number.NaN, 5)} projected; too early for a checkpoint refit`);
  if (L.projection) {
    lines.push(`            projected final loss ${formatSig(L.projection.finalLoss, 5)} at step ${L.projection.finalStep} (refit on every point so far; LR: ${L.lrSource})`);
    lines.push(`            the plan's law (${L.planLaw.source}) predicts ${formatSig(L.planLaw.finalLoss, 5)}${L.planLaw.projectedVsPlan !== undefined ? `: projection ${pct(L.planLaw.projectedVsPlan)} against it` : ""}`);
  }
  if (r.loss.checkpoints.length > 0) lines.push(`            refits at steps ${r.loss.checkpoints.map((c) => c.atStep).join(", ")}`);
  const tp = p.tokensPerSec;
  lines.push(`THROUGHPUT  ${tp.measured !== undefined ? `${formatCount(tp.measured, 4)} tokens/s measured (${tp.how})` : `not measured (${tp.how})`} vs ${formatCount(tp.planned, 4)} planned${tp.measured !== undefined ? ` (${pct(tp.measured / tp.planned - 1)})` : ""}`);
  lines.push(`MFU         ${p.mfu.measured !== undefined ? `${formatPercent(p.mfu.measured)} (${p.mfu.how})` : "not measured"} vs ${formatPercent(p.mfu.planned)} planned`);
  const fin = p.finishAt !== undefined ? ` at ${iso(p.finishAt)}${p.lastLogAt !== undefined ? ` (the logs' clock; last log ${iso(p.lastLogAt)})` : ""}` : "";
  lines.push(`FINISH      ${p.remainingSeconds !== undefined ? `in ${formatDuration(p.remainingSeconds)}${fin}` : "not projected"}`);
  lines.push(`COST        ${p.gpuHours.projected !== undefined ? `${formatSig(p.gpuHours.projected, 4)} GPU-hours projected vs ${formatSig(p.gpuHours.planned, 4)} planned` : ""}${p.costUsd.projected !== undefined ? ` · ${formatUsd(p.costUsd.projected)} vs ${p.costUsd.planned !== undefined ? formatUsd(p.costUsd.planned) : "?"} planned` : ""}`);
  if (r.lr) lines.push(`LR          ${r.lr.checked} logged values against the plan's schedule: largest deviation ${formatPercent(r.lr.maxDeviation)} of the planned LR`);
  lines.push("", r.alerts.length > 0 ? "ALERTS" : "ALERTS      none");
  for (const a of r.alerts) lines.push(`  ! ${a.message}`);
  const warn = r.loss.warnings;
  if (warn.length > 0) lines.push("", "WARNINGS", ...warn.map((w) => `  ! ${w}`));
  if (r.problems.length > 0) lines.push("", "NOT READ", ...r.problems.slice(0, 20).map((x) => `  ${x}`), ...(r.problems.length > 20 ? [`  … ${r.problems.length - 20} more`] : []));
  if (r.notes.length > 0) lines.push("", "NOTES", ...r.notes.map((n) => `  ${n}`));
  const t = r.thresholds;
  lines.push("", `thresholds: loss band ${formatPercent(t.lossBand)} or ${t.bandSigmas}σ · throughput −${formatPercent(t.throughputBelow)} · LR ${formatPercent(t.lrDeviation)} · ${t.persist} points in a row · refit every ${formatPercent(t.checkEvery)} of the steps`);
  return `${lines.join("\n")}\n`;
}

interface TrackArgs {
  plan: Plan;
  sources: string[];
  format?: ReturnType<typeof parseLogFormat>;
  map: Record<string, string>;
  thresholds: Partial<TrackThresholds>;
}

/** Read every source into one run and track it; bad input is thrown as BadInput. */
function reportOnce(a: TrackArgs, now: number): TrackReport {
  const files: LogFile[] = [];
  for (const s of a.sources) {
    const r = readSource(s);
    if (!r.ok) throw new BadInput(r.issues);
    files.push(...r.value);
  }
  const run = readRunFiles(files, a.format);
  if (!run.ok) throw new BadInput(run.issues);
  const tr = trackRunFromLog(run.value, a.plan, a.map);
  if ("missing" in tr) throw new BadInput([{ code: "missing", path: ["logs", "loss"], expected: tr.missing, received: "" }]);
  return track(a.plan, tr, { now, thresholds: a.thresholds });
}

export function registerTrack(program: Command, io: Io): void {
  const cmd = program
    .command("track [logs...]")
    .description("hold a running job against its plan: progress, loss vs the refitted multi-power law and the plan's law, tokens/s and MFU vs plan, projected finish and cost, alerts")
    .requiredOption("--plan <plan.json>", "the plan the job runs (lmplan plan --json > plan.json)")
    .option("--from <logs...>", "the same as the positional logs: files or run directories, together one run")
    .option("--format <name>", `read every log as this format instead of detecting it: ${Object.keys(LOG_FORMATS).join(", ")}`)
    .option("--map <pairs>", `which tag holds a quantity, as role=tag pairs (roles: ${ROLE_KEYS.join(", ")}), e.g. loss="lm loss",lr=learning-rate`)
    .option("--json", "print the report as JSON (one document per line with --watch)")
    .option("--watch [seconds]", `re-read the logs as they grow, every ${WATCH_SECONDS.default} s or as given (${WATCH_SECONDS.min} … ${WATCH_SECONDS.max}); Ctrl-C stops`)
    .option("--polls <n>", "with --watch: stop after this many polls (for scripts)");
  for (const [flag, key, , , what] of THRESHOLDS) cmd.option(flag, `${what} (default ${TRACK_DEFAULTS[key]})`);
  cmd.addHelpText("after", "\nThe UI's live page is not part of this command (web/ is owned separately).\n\nExample:\n  lmplan plan --params 1.3B --tokens 26B --gpu h100 --gpus 64 --json > plan.json\n  lmplan track --plan plan.json runs/my-run/ --watch 300");
  cmd.action(async (positional: string[], o: Record<string, unknown>) => {
    const sources = [...positional, ...(Array.isArray(o.from) ? (o.from as string[]) : [])];
    if (sources.length === 0) throw new BadInput([invalid("logs", "at least one log file or run directory (positional or --from)", "none")]);
    const format = typeof o.format === "string" ? parseLogFormat(o.format) : undefined;
    if (typeof o.format === "string" && format === undefined) throw new BadInput([invalid("format", FORMAT_HELP, o.format)]);
    const map = parseColumnMap(o.map as string | undefined);
    if (!map.ok) throw new BadInput(map.issues);
    const bad: Issue[] = Object.keys(map.value).filter((k) => !(ROLE_KEYS as string[]).includes(k)).map((k) => invalid(["map", k], `a role: ${ROLE_KEYS.join(", ")}`, k));
    if (bad.length > 0) throw new BadInput(bad);
    const thresholds = thresholdsOf(o);
    const plan = checkPlanJson(readRequest(o.plan as string, io, "plan"));
    const args: TrackArgs = { plan, sources, map: map.value, thresholds, ...(format ? { format } : {}) };
    const emit = (r: TrackReport) => io.out(o.json ? `${JSON.stringify(r, null, o.watch === undefined ? 2 : 0)}\n` : renderTrack(r));
    const now = () => Date.now() / 1000;
    if (o.watch === undefined) {
      emit(reportOnce(args, now()));
      return;
    }
    const seconds = o.watch === true ? WATCH_SECONDS.default : cellNumber(o.watch);
    if (!(seconds >= WATCH_SECONDS.min && seconds <= WATCH_SECONDS.max)) throw new BadInput([invalid("watch", `a polling interval in seconds, ${WATCH_SECONDS.min} … ${WATCH_SECONDS.max}`, o.watch)]);
    const polls = o.polls === undefined ? Infinity : cellNumber(o.polls);
    if (!(polls === Infinity || (Number.isInteger(polls) && polls >= 1 && polls <= 1e6))) throw new BadInput([invalid("polls", "a whole number of polls, 1 … 1e6", o.polls)]);
    // The first report's bad input stops the command (exit 2); later ones (a file rotated away while
    // watching) are printed and watched through.
    const fingerprint = () =>
      sources
        .map((s) => {
          const l = listSource(s);
          return l.ok ? l.value.map((f) => `${f.name}:${f.size}:${f.mtimeMs}`).join("|") : "unreadable";
        })
        .join("\n");
    const first = fingerprint();
    emit(reportOnce(args, now()));
    let stopped = false;
    let wake: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const onSignal = () => {
      stopped = true;
      wake?.();
    };
    process.once("SIGINT", onSignal);
    try {
      await watchLoop<TrackReport | Issue[]>(
        {
          fingerprint,
          report: () => {
            try {
              return reportOnce(args, now());
            } catch (e) {
              if (e instanceof BadInput) return e.issues;
              throw e;
            }
          },
          emit: (r) => (Array.isArray(r) ? r.forEach((i) => io.err(`lmplan: ${formatIssue(i)}\n`)) : emit(r)),
          sleep: (ms) =>
            new Promise<void>((res) => {
              wake = res;
              timer = setTimeout(res, ms);
            }),
          stop: () => stopped,
        },
        seconds,
        { maxPolls: polls === Infinity ? Infinity : polls - 1, last: first },
      );
    } finally {
      if (timer) clearTimeout(timer);
      process.removeListener("SIGINT", onSignal);
    }
  });
}
