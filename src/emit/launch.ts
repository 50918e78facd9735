/**
 * What every emitter writes the same way around the settings themselves: the "before you launch" block
 * (the placeholders the user must fill, each in its trainer's own convention, at the top of the file and
 * as one note for stderr), the checkpoint interval, the context stages as resumed runs, Python's rounding
 * for the trainers that round in Python, and the check that no placeholder in a file is left unlisted.
 */
import type { Plan } from "../plan/types.js";
import { commentText } from "./serialize.js";
import type { Placeholder } from "./types.js";

/** "${DATA_DIR} (training.dataset_path): what", or "variables.x = ???: what" for OmegaConf's mandatory value. */
const placeholderText = (p: Placeholder) => (p.token === "???" ? `${p.key} = ???: ${p.what}` : `${p.token} (${p.key}): ${p.what}`);

/** The comment lines of the "before you launch" block: each placeholder, then each thing to check. */
export function beforeYouLaunch(placeholders: Placeholder[], checks: string[] = []): string[] {
  if (placeholders.length === 0 && checks.length === 0) return [];
  return [
    "# Before you launch:",
    ...placeholders.map((p) => `#   ${commentText(placeholderText(p))}`),
    ...checks.map((c) => `#   ${commentText(c)}`),
  ];
}

/** The same list as one note, for stderr. */
export function launchNote(placeholders: Placeholder[], checks: string[] = []): string {
  const items = [...placeholders.map(placeholderText), ...checks];
  return `before you launch: ${items.join("; ")}`;
}

/**
 * The `${NAME}` / `${NAME:?…}` references (no default) and OmegaConf `???` values in a file that its
 * placeholder list does not name — what --strict refuses. `${NAME:-default}` has a default and is not a
 * placeholder; `${variables.x}` is an llm-foundry interpolation, resolved within the file.
 */
export function unlistedPlaceholders(text: string, listed: Placeholder[]): string[] {
  const tokens = new Set(listed.map((p) => p.token));
  const out = new Set<string>();
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::\?[^}]*)?\}/g)) {
    const plain = `\${${m[1] as string}}`;
    if (!tokens.has(plain) && !tokens.has(m[0])) out.add(plain);
  }
  const missing = [...text.matchAll(/^[^#\n]*:\s*(?:\?\?\?|"\?\?\?"|'\?\?\?')\s*$/gm)].length;
  const missingListed = listed.filter((p) => p.token === "???").length;
  if (missing > missingListed) out.add(`??? (${missing - missingListed} more than listed)`);
  return [...out];
}

/**
 * Checkpoint every ≈ hour of training at the plan's predicted step time (at least every step, at most
 * once at the end): a multi-day run that fails loses an hour, not days.
 */
export function checkpointInterval(plan: Plan): { steps: number; why: string } {
  const T = plan.batch.steps.value;
  const perStep = plan.hardware.seconds.value / T;
  const raw = perStep > 0 && Number.isFinite(perStep) ? 3600 / perStep : T;
  const steps = Math.min(T, Math.max(1, raw >= 100 ? +raw.toPrecision(2) : Math.round(raw)));
  return { steps, why: `≈ hourly at the plan's ${+perStep.toPrecision(3)} s per step` };
}

/**
 * Python 3's round() of a float: to the nearest integer, a half to the even neighbour (round(660.5) = 660).
 * x − ⌊x⌋ is exact for doubles, so the half case is found exactly.
 */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface StageRun {
  seqLen: number;
  /** Share of the plan's tokens. */
  share: number;
  batchSeqs: number;
  microBatchSeqs: number;
  /** First step (0-indexed) and number of steps; the stages tile [0, T). */
  startStep: number;
  steps: number;
}

/**
 * The plan's context stages as consecutive runs over the plan's T steps (each resumed from the one
 * before), or none for a one-stage plan. Each stage's steps come from the plan; the last ends at T.
 */
export function contextStages(plan: Plan): StageRun[] {
  const stages = plan.context?.stages ?? [];
  if (stages.length < 2) return [];
  const T = plan.batch.steps.value;
  let start = 0;
  return stages.map((st, i) => {
    const last = i === stages.length - 1;
    const steps = last ? Math.max(0, T - start) : Math.min(st.steps ?? 0, T - start);
    const run = { seqLen: st.seqLen, share: st.share, batchSeqs: st.batchSeqs ?? plan.batch.globalBatchSeqs.value, microBatchSeqs: st.microBatchSeqs ?? 1, startStep: start, steps };
    start += steps;
    return run;
  });
}

/** "2048 tokens × 1024 sequences for steps 0–224495, then 8192 tokens × 256 sequences for steps 224496–299310". */
export function stagesText(stages: StageRun[]): string {
  return stages.map((s) => `${s.seqLen} tokens × ${s.batchSeqs} sequences for steps ${s.startStep}–${s.startStep + s.steps - 1}`).join(", then ");
}

/**
 * The layout and architecture settings a file cannot express, as one "before you launch" line: the run
 * this file starts differs from the plan there, and the plan's memory and time do not hold for it (issue
 * 14: never a silent drop). Each item is also in the emit result's notes and `unexpressed`.
 */
export function notExpressedChecks(items: string[]): string[] {
  return items.length > 0 ? [`not expressible in this file, so the run differs from the plan: ${items.join("; ")}`] : [];
}
