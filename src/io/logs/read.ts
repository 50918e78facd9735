/**
 * Files of one run (already read into memory) → a RunLog, each file in its detected format (or the
 * one --format names). Several files merge into one run: TensorBoard event files of restarts, a W&B
 * panel export per metric, a stdout log per job. Files are ordered by the first time they log (then
 * by name), so that a later file's points win at the steps both log (align.ts).
 */
import { invalid, type Issue, type Result } from "../../errors.js";
import { detectLogFormat } from "./detect.js";
import { formatBytes, LOG_LIMITS } from "./limits.js";
import { readMegatron } from "./megatron.js";
import { readNanotron } from "./nanotron.js";
import { emptyRun, LimitExceeded, LOG_FORMATS, RunBuilder, type LogFormat, type RunLog } from "./run.js";
import { readCsvTable, readJsonTable } from "./tables.js";
import { readEventFile } from "./tensorboard.js";
import { readTorchTitan } from "./torchtitan.js";

export interface LogFile {
  /** The path as the user named it (or as found in their directory). */
  name: string;
  bytes: Uint8Array;
  /** Tags from this file are prefixed with it (a TensorBoard run's "validation/" writer directory). */
  tagPrefix?: string;
}

interface Part {
  file: LogFile;
  format: LogFormat;
  run: RunLog;
  first: number;
}

function readOne(f: LogFile, format: LogFormat): RunLog {
  const b = new RunBuilder();
  const unit = format === "tensorboard" ? "byte" : "line";
  const fi = b.addFile(f.name, format, unit);
  if (format === "tensorboard") {
    const s = readEventFile(f.bytes, f.name, b, fi, new Map());
    const parts = [s.scalars.v1 > 0 ? `${s.scalars.v1} simple_value` : "", s.scalars.v2 > 0 ? `${s.scalars.v2} scalar-tensor` : ""].filter(Boolean).join(" and ");
    b.run.notes.push(`${f.name}: TensorBoard event file${s.fileVersion ? ` (${s.fileVersion})` : ""}, ${s.events} events, ${parts || "no"} scalars${s.skipped > 0 ? `; ${s.skipped} non-scalar summaries (images, histograms, text) not read` : ""}${s.restarts.length > 0 ? `; writer restarts (SessionLog START) at step ${s.restarts.slice(0, 5).join(", ")}` : ""}`);
    return b.run;
  }
  if (f.bytes.length > LOG_LIMITS.textBytes) throw new LimitExceeded(invalid([f.name], `a text log of at most ${formatBytes(LOG_LIMITS.textBytes)} (lmplan's limit; it is decoded whole)`, formatBytes(f.bytes.length)));
  const text = new TextDecoder("utf-8").decode(f.bytes);
  switch (format) {
    case "megatron": {
      const r = readMegatron(text, f.name, b, fi);
      b.run.notes.push(`${f.name}: Megatron-LM stdout, ${r.lines} training lines${r.evalLines > 0 ? `, ${r.evalLines} validation lines` : ""}`);
      break;
    }
    case "torchtitan": {
      const r = readTorchTitan(text, f.name, b, fi);
      b.run.notes.push(`${f.name}: TorchTitan stdout, ${r.lines} training lines${r.evalLines > 0 ? `, ${r.evalLines} validation lines` : ""}`);
      break;
    }
    case "nanotron": {
      const r = readNanotron(text, f.name, b, fi);
      b.run.notes.push(`${f.name}: nanotron stdout, ${r.lines} training lines`);
      break;
    }
    case "mlflow":
    case "wandb":
    case "csv": {
      const t = text.trimStart();
      if (t.startsWith("{") || /^\[\s*[{[\]]/.test(t)) readJsonTable(text, f.name, b, fi);
      else readCsvTable(text, f.name, b, fi);
      break;
    }
    case "hf":
    case "jsonl":
      readJsonTable(text, f.name, b, fi);
      break;
  }
  return b.run;
}

/** The first wall-clock time a run part logs (for ordering files), NaN if none. */
function firstTime(run: RunLog): number {
  let t = Infinity;
  for (const s of run.series.values()) for (const w of s.wall) if (w < t) t = w;
  return Number.isFinite(t) ? t : Number.NaN;
}

export function readRunFiles(files: LogFile[], format?: LogFormat): Result<RunLog & { formats: LogFormat[]; unread: string[] }> {
  const parts: Part[] = [];
  const unread: string[] = [];
  const issues: Issue[] = [];
  for (const f of files) {
    const fmt = format ?? detectLogFormat(f.name, f.bytes);
    if (fmt === undefined) {
      unread.push(f.name);
      continue;
    }
    try {
      const run = readOne(f, fmt);
      if (f.tagPrefix) run.series = new Map([...run.series].map(([k, v]) => [`${f.tagPrefix}/${k}`, { ...v, tag: `${f.tagPrefix}/${k}` }]));
      parts.push({ file: f, format: fmt, run, first: firstTime(run) });
    } catch (e) {
      if (e instanceof LimitExceeded) issues.push(e.issue);
      else throw e;
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  if (parts.length === 0) {
    return { ok: false, issues: [invalid(files.length === 1 ? [files[0]?.name ?? "file"] : ["files"], `a log lmplan reads: ${Object.keys(LOG_FORMATS).join(", ")} (name one with --format)`, files.length === 1 ? "a file in none of these formats" : `${files.length} files in none of these formats`)] };
  }
  const allTimed = parts.every((p) => Number.isFinite(p.first));
  parts.sort((a, b) => (allTimed && a.first !== b.first ? a.first - b.first : a.file.name < b.file.name ? -1 : a.file.name > b.file.name ? 1 : 0));
  // merge, renumbering file indices
  const run = emptyRun();
  const b = new RunBuilder(run);
  try {
    for (const p of parts) {
      const base = run.files.length;
      run.files.push(...p.run.files);
      run.notes.push(...p.run.notes);
      run.problems.push(...p.run.problems);
      run.truncatedTail.push(...p.run.truncatedTail);
      if (p.run.meta.trainIters !== undefined) run.meta.trainIters = p.run.meta.trainIters;
      for (const s of p.run.series.values()) for (let i = 0; i < s.step.length; i++) b.add(s.tag, s.step[i] as number, s.value[i] as number, s.wall[i] as number, base + (s.file[i] as number), s.pos[i] as number);
    }
  } catch (e) {
    if (e instanceof LimitExceeded) return { ok: false, issues: [e.issue] };
    throw e;
  }
  if (unread.length > 0) run.notes.push(`not read (no log format recognised): ${unread.slice(0, 10).join(", ")}${unread.length > 10 ? `, … (${unread.length} files)` : ""}`);
  if (parts.length > 1) run.notes.push(`${parts.length} files merged into one run, in order of their first logged time${allTimed ? "" : " (by name where a file has no times)"}: later files win at steps both log`);
  return { ok: true, value: { ...run, formats: [...new Set(parts.map((p) => p.format))], unread } };
}
