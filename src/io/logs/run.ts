/**
 * A run's logs as lmplan reads them, whatever wrote them: named scalar series (the trainer's own tags),
 * each point with its step, value, wall-clock time where the log has one, and where it was read (file
 * and line, or byte offset). Readers only collect; choosing the loss, LR and throughput series,
 * restarts and gaps are src/io/logs/align.ts's business.
 */
import { invalid, type Issue } from "../../errors.js";
import { LOG_LIMITS } from "./limits.js";

export type LogFormat = "tensorboard" | "megatron" | "torchtitan" | "nanotron" | "wandb" | "mlflow" | "hf" | "csv" | "jsonl";

/** Every format --format accepts, with what it reads (for help and messages). */
export const LOG_FORMATS: Readonly<Record<LogFormat, string>> = {
  tensorboard: "TensorBoard event files (events.out.tfevents.*; TFRecord of Event protobufs, v1 simple_value or v2 scalar tensors)",
  megatron: "Megatron-LM stdout (iteration N/ M | … | learning rate: … | lm loss: … |)",
  torchtitan: "TorchTitan stdout (step: N  loss: …  tps: …  mfu: …%)",
  nanotron: "nanotron stdout (iteration: N / M | … | lm_loss: … | lr: … |)",
  wandb: "W&B exports: run history CSV/JSONL (_step, train/loss, …) or a panel's Export CSV (Step, \"<run> - <metric>\")",
  mlflow: "MLflow metric history CSV in long format (key,value,step,timestamp)",
  hf: "Hugging Face Trainer trainer_state.json (log_history; NaN as Python writes it)",
  csv: "a CSV table with step, lr and loss columns",
  jsonl: "JSON lines (or a JSON array) with step, lr and loss fields",
};

/** One tag's points in the order they were read (a restart makes steps go back). */
export interface Series {
  tag: string;
  step: number[];
  value: number[];
  /** Seconds since the epoch; NaN where the log has no time. */
  wall: number[];
  /** Index into RunLog.files. */
  file: number[];
  /** File line (text) or byte offset (binary) of each point. */
  pos: number[];
}

export interface RunFile {
  name: string;
  format: LogFormat;
  /** How `pos` counts in this file. */
  unit: "line" | "byte";
}

/** Facts a log states about the run (Megatron prints its iteration total; nanotron its batch in tokens). */
export interface RunMeta {
  /** Total optimizer steps the trainer was told to run. */
  trainIters?: number;
}

export interface RunLog {
  files: RunFile[];
  series: Map<string, Series>;
  meta: RunMeta;
  /** Said once each: what was read and how ("2 event files; 100 scalar summaries (v2 tensors)"). */
  notes: string[];
  /** What could not be read, each naming its file and line or byte: reported, never skipped silently. */
  problems: Issue[];
  /** Problems that are a file being written (a record cut off at its end): reported as notes when watching. */
  truncatedTail: Issue[];
}

export function emptyRun(): RunLog {
  return { files: [], series: new Map(), meta: {}, notes: [], problems: [], truncatedTail: [] };
}

/** Where a point was read, for messages: ["run/events.out…", "byte 4096"] or ["train.log", "line 12"]. */
export function whereOf(run: RunLog, s: Series, i: number): string[] {
  const f = run.files[s.file[i] as number];
  return [f?.name ?? "?", `${f?.unit ?? "line"} ${s.pos[i]}`];
}

/** Adds points to a run with the declared limits checked (an Error carrying the issue when one is passed). */
export class LimitExceeded extends Error {
  constructor(readonly issue: Issue) {
    super(issue.expected);
  }
}

export class RunBuilder {
  readonly run: RunLog;
  private points = 0;
  constructor(run: RunLog = emptyRun()) {
    this.run = run;
    for (const s of run.series.values()) this.points += s.step.length;
  }

  addFile(name: string, format: LogFormat, unit: "line" | "byte"): number {
    this.run.files.push({ name, format, unit });
    return this.run.files.length - 1;
  }

  add(tag: string, step: number, value: number, wall: number, file: number, pos: number): void {
    let s = this.run.series.get(tag);
    if (s === undefined) {
      if (this.run.series.size >= LOG_LIMITS.tags) throw new LimitExceeded(invalid([this.run.files[file]?.name ?? "log", "tags"], `at most ${LOG_LIMITS.tags} distinct scalar tags in one run (lmplan's limit)`, `a tag past the limit: ${JSON.stringify(tag.slice(0, 60))}`));
      s = { tag, step: [], value: [], wall: [], file: [], pos: [] };
      this.run.series.set(tag, s);
    }
    if (s.step.length >= LOG_LIMITS.pointsPerTag) throw new LimitExceeded(invalid([this.run.files[file]?.name ?? "log", tag], `at most ${LOG_LIMITS.pointsPerTag} points of one tag (lmplan's limit on a curve's length)`, `more, at ${this.run.files[file]?.unit ?? "line"} ${pos}`));
    if (++this.points > LOG_LIMITS.points) throw new LimitExceeded(invalid([this.run.files[file]?.name ?? "log", "points"], `at most ${LOG_LIMITS.points} scalar points in one run (lmplan's limit)`, `more, at ${this.run.files[file]?.unit ?? "line"} ${pos}`));
    s.step.push(step);
    s.value.push(value);
    s.wall.push(wall);
    s.file.push(file);
    s.pos.push(pos);
  }
}
