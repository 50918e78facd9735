/**
 * Megatron-LM stdout → series. The format, from NVIDIA/Megatron-LM @ d98e8a64
 * megatron/training/training.py `training_log` (print_rank_last of log_string):
 *   " [%Y-%m-%d %H:%M:%S.%f] iteration {:8d}/{:8d} | consumed samples: {:12d} |
 *    elapsed time per iteration (ms): {:.1f} | throughput per GPU (TFLOP/s/GPU): {:.1f} |
 *    learning rate: {:.6E} | global batch size: {:5d} | lm loss: {:.6E} | loss scale: {:.1f} |
 *    grad norm: {:.3f} | number of skipped iterations: {:3d} | number of nan iterations: {:3d} |"
 * (throughput only with --log-throughput; older versions print no timestamp), and
 * `evaluate_and_print_results`: " validation loss at iteration N on validation set | lm loss value:
 * {:.6E} | lm loss PPL: {:.6E} | " (the prefix is "iteration N on test set" for the test split, and a
 * "-<name>" suffix follows "validation" with several validation sets).
 * Tags are the printed keys: "lm loss", "learning rate", "elapsed time per iteration (ms)", …; the
 * validation values become "validation/lm loss" (or "test/lm loss").
 */
import { invalid } from "../../errors.js";
import type { RunBuilder } from "./run.js";
import { forEachLine, isoSeconds, isPyNonFinite, pyNumber } from "./text.js";

const ITER = /\biteration\s+(\d{1,12})\s*\/\s*(\d{1,12})\s*\|/;
const EVAL = /\bvalidation(-\S{1,200})? loss at (?:iteration )?(\d{1,12})(?: on (validation|test) set)?\s*\|/;

/** True when the text has a Megatron training line in its first lines. */
export function looksLikeMegatron(head: string): boolean {
  return ITER.test(head) && /\|\s*(?:consumed samples|lm loss|learning rate|elapsed time per iteration)/.test(head);
}

function fields(rest: string, fn: (key: string, raw: string) => void): void {
  for (const seg of rest.split("|")) {
    const c = seg.lastIndexOf(":");
    if (c <= 0) continue;
    const key = seg.slice(0, c).trim();
    if (key !== "") fn(key, seg.slice(c + 1));
  }
}

export function readMegatron(text: string, name: string, b: RunBuilder, fi: number): { lines: number; evalLines: number } {
  let lines = 0;
  let evalLines = 0;
  const scan = forEachLine(text, (line, n) => {
    const m = ITER.exec(line);
    if (m) {
      lines++;
      const step = Number(m[1]);
      b.run.meta.trainIters = Number(m[2]);
      const wall = isoSeconds(line.slice(0, m.index));
      fields(line.slice((m.index as number) + m[0].length), (key, raw) => {
        const x = pyNumber(raw);
        if (Number.isNaN(x) && !isPyNonFinite(raw)) {
          b.run.problems.push(invalid([name, `line ${n}`, key], "a number as Megatron prints it (e.g. 3.456789E+00)", raw.trim().slice(0, 60)));
          return;
        }
        b.add(key, step, x, wall, fi, n);
      });
      return;
    }
    const e = EVAL.exec(line);
    if (e) {
      evalLines++;
      const step = Number(e[2]);
      const split = `${e[3] === "test" ? "test" : "validation"}${e[1] ?? ""}`;
      fields(line.slice((e.index as number) + e[0].length), (key, raw) => {
        if (!key.endsWith(" value")) return; // "lm loss PPL" is exp(value), not another series
        const x = pyNumber(raw);
        if (Number.isNaN(x) && !isPyNonFinite(raw)) {
          b.run.problems.push(invalid([name, `line ${n}`, key], "a number as Megatron prints it", raw.trim().slice(0, 60)));
          return;
        }
        b.add(`${split}/${key.slice(0, -" value".length)}`, step, x, Number.NaN, fi, n);
      });
    }
  });
  if (scan.longCount > 0) b.run.notes.push(`${name}: ${scan.longCount} lines longer than 1 MiB not parsed (line ${scan.longLines.join(", ")}${scan.longCount > scan.longLines.length ? ", …" : ""})`);
  return { lines, evalLines };
}
