/**
 * Whole loss curves (step, lr, loss) → the per-step LR arrays the multi-power law needs.
 *
 * The per-step LR comes from, in order: the MultiPowerLaw repository's file-name convention (exact,
 * src/schedules/mpl-curves.ts); the file's own lr column when every step is logged (exact); else
 * linear interpolation of the logged lr column, assuming a linear warmup from 0 before the first
 * logged step (stated in the result's notes, since a step change between logs is smeared).
 */
import { invalid, type Issue, type Result } from "../errors.js";
import type { CurveData } from "../fit/curves.js";
import { mplScheduleFromName } from "../schedules/mpl-curves.js";
import { readTable, type RowIssue } from "./table.js";

export interface LoadedCurve {
  curve: CurveData;
  lrSource: "mpl-name" | "every-step" | "interpolated";
  notes: string[];
  rejected: RowIssue[];
}

/**
 * Hugging Face Trainer's trainer_state.json → JSONL of its training entries. log_history mixes
 * training entries (loss, learning_rate, step) with eval and summary entries; the latter are counted
 * in a note, not dropped silently.
 */
export function fromTrainerState(text: string): { jsonl: string; note: string } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const log = (doc as { log_history?: unknown })?.log_history;
  if (!Array.isArray(log)) return undefined;
  const train = log.filter((e) => e && typeof e === "object" && "loss" in e);
  const other = log.length - train.length;
  return {
    jsonl: train.map((e) => JSON.stringify(e)).join("\n"),
    note: `Hugging Face trainer_state.json: ${train.length} training entries of log_history used${other > 0 ? `; ${other} entries without a training loss (eval or summary) are not part of the curve` : ""}`,
  };
}

/**
 * A W&B "Export CSV" (columns "Step", "<run> - <metric>", "<run> - <metric>__MIN", "__MAX"): map the
 * step, loss and LR columns by their metric names. Returns undefined for other CSVs.
 */
export function wandbColumnMap(text: string): Record<string, string> | undefined {
  const header = (text.split(/\r?\n/, 1)[0] ?? "").split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
  const metrics = header.filter((h) => / - /.test(h) && !/__(MIN|MAX)$/.test(h));
  if (metrics.length === 0 || !header.some((h) => /__(MIN|MAX)$/.test(h) || h === "Step")) return undefined;
  const find = (re: RegExp) => metrics.find((h) => re.test(h.slice(h.lastIndexOf(" - ") + 3)));
  const out: Record<string, string> = {};
  const step = header.find((h) => /^(step|_step|global_step)$/i.test(h));
  const loss = find(/^(train\/)?(loss|train_loss)$/i);
  const lr = find(/^(train\/)?(lr|learning_rate)$/i);
  if (step) out.step = step;
  if (loss) out.loss = loss;
  if (lr) out.lr = lr;
  return out;
}

export function readCurve(name: string, text: string, format: "csv" | "jsonl", map: Record<string, string> = {}): Result<LoadedCurve> {
  const preNotes: string[] = [];
  const hf = fromTrainerState(text);
  if (hf) {
    text = hf.jsonl;
    format = "jsonl";
    preNotes.push(hf.note);
  }
  const wandb = format === "csv" ? wandbColumnMap(text) : undefined;
  if (wandb && Object.keys(map).length === 0) {
    map = wandb;
    // W&B exports leave a cell blank where a metric was not logged at that step: those rows are not
    // part of the curve (counted below), unlike a malformed value.
    const lines = text.split(/\r?\n/);
    const header = (lines[0] ?? "").split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
    const idx = [wandb.step, wandb.loss, wandb.lr].map((h) => header.indexOf(h ?? ""));
    const kept = lines.slice(1).filter((l) => l.trim() !== "" && idx.every((i) => i < 0 || (l.split(",")[i] ?? "").trim().replace(/"/g, "") !== ""));
    const blank = lines.slice(1).filter((l) => l.trim() !== "").length - kept.length;
    preNotes.push(`W&B export: columns ${Object.entries(wandb).map(([k, v]) => `${k} = "${v}"`).join(", ")}${blank > 0 ? `; ${blank} rows where a metric was not logged are not part of the curve` : ""}`);
    text = [lines[0], ...kept].join("\n");
  }
  const t = readTable(text, format, [
    { key: "step", aliases: ["step", "steps", "iteration", "iter", "global_step", "_step"], description: "optimizer step", positive: false },
    { key: "lr", aliases: ["lr", "learning_rate", "learning rate"], description: "learning rate at that step", positive: false },
    { key: "loss", aliases: ["loss", "train_loss", "train/loss"], description: "training loss", positive: true },
  ], map);
  if (!t.ok) return { ok: false, issues: t.issues.map((i) => ({ ...i, path: [name, ...i.path] })) };
  const rejected = [...t.value.rejected];
  const rows = t.value.rows.map((r, i) => ({ step: r.step as number, lr: r.lr as number, loss: r.loss as number, line: t.value.lines[i] as number }));
  const issues: Issue[] = [];
  for (const r of rows) if (!Number.isInteger(r.step) || r.step < 0) issues.push(invalid([name, `line ${r.line}`, "step"], "a whole number ≥ 0", r.step));
  for (let i = 1; i < rows.length; i++) if ((rows[i]?.step as number) <= (rows[i - 1]?.step as number)) issues.push(invalid([name, `line ${rows[i]?.line}`, "step"], "steps in increasing order", rows[i]?.step));
  if (issues.length > 0) return { ok: false, issues: issues.slice(0, 5) };
  const notes: string[] = [...preNotes];
  let lrs = mplScheduleFromName(name);
  let lrSource: LoadedCurve["lrSource"] = "mpl-name";
  if (lrs) notes.push("per-step LR from the MultiPowerLaw repository's schedule for this file name (src/data_loader.py)");
  else {
    const last = rows[rows.length - 1]?.step ?? 0;
    lrs = new Float64Array(last + 1);
    const every = rows.length === last + 1 - (rows[0]?.step ?? 0) && rows[0]?.step !== undefined;
    lrSource = every ? "every-step" : "interpolated";
    const first = rows[0] as { step: number; lr: number };
    for (let s = 0; s < first.step; s++) lrs[s] = (first.lr * s) / Math.max(first.step, 1);
    for (let i = 0; i < rows.length; i++) {
      const a = rows[i] as { step: number; lr: number };
      const b = rows[i + 1] ?? a;
      for (let s = a.step; s <= b.step; s++) lrs[s] = b.step === a.step ? a.lr : a.lr + ((b.lr - a.lr) * (s - a.step)) / (b.step - a.step);
    }
    if (!every) notes.push(`per-step LR interpolated linearly between logged steps${first.step > 0 ? `, with a linear warmup from 0 assumed before step ${first.step}` : ""}; log the LR at every step for an exact fit`);
  }
  const kept = rows.filter((r) => r.step < (lrs as Float64Array).length && r.step > 0);
  for (const r of rows) {
    if (r.step >= (lrs as Float64Array).length) rejected.push({ line: r.line, issue: invalid([name, `line ${r.line}`, "step"], `a step < ${(lrs as Float64Array).length}, the length of the schedule`, r.step) });
    else if (r.step === 0) rejected.push({ line: r.line, issue: invalid([name, `line ${r.line}`, "step"], "a step > 0 (S1 is 0 at step 0)", r.step) });
  }
  for (const r of kept) {
    if (!((lrs as Float64Array)[r.step] as number >= 0)) return { ok: false, issues: [invalid([name, `line ${r.line}`, "lr"], "a non-negative learning rate", r.lr)] };
  }
  if (kept.length < 2) return { ok: false, issues: [invalid([name], "at least 2 logged steps", `${kept.length}`)] };
  return {
    ok: true,
    value: {
      curve: { name, lrs, steps: Int32Array.from(kept, (r) => r.step), loss: Float64Array.from(kept, (r) => r.loss) },
      lrSource,
      notes,
      rejected,
    },
  };
}
