/**
 * nanotron stdout → series. The format, from huggingface/nanotron @ 2411b022
 * src/nanotron/logging/base.py `LoggerWriter.add_scalars_from_list` ("iteration: {step} / {total}"
 * then " | "-joined "{tag}: {value}") with values through `human_format` (|x| < 1 → "{:.3g}", else
 * three significant digits and K/M/B/T/P/E for thousands), behind the SafeFormatter prefix
 * "%m/%d %H:%M:%S [LEVEL|DP=…|…]: "; the LogItems are those of src/nanotron/trainer.py
 * `train_step_logs`: consumed_tokens, time_per_iteration_ms, tokens_per_sec, tokens_per_sec_per_gpu,
 * global_batch_size (tokens), lm_loss, lr, model_tflops_per_gpu, eta, and grad_norm with gradient
 * clipping. Tags are nanotron's own ("lm_loss", "lr", …); "eta" (h:mm:ss) is not a number and is skipped.
 */
import { invalid } from "../../errors.js";
import type { RunBuilder } from "./run.js";
import { forEachLine, isPyNonFinite } from "./text.js";

const ITER = /\biteration:\s{0,40}(\d{1,12})\s{0,40}\/\s{0,40}(\d{1,12})\s{0,40}\|/;
const HUMAN = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)([KMBTPE]?)$/;
const SIZES: Record<string, number> = { "": 1, K: 1e3, M: 1e6, B: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const DATE = /(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/;

export function looksLikeNanotron(head: string): boolean {
  return ITER.test(head) && /\|\s*(?:consumed_tokens|lm_loss|tokens_per_sec|lr):/.test(head);
}

/** nanotron's human_format back to a number: "52.4M" → 5.24e7, "3e-05" → 3e-5. */
export function humanNumber(raw: string): number {
  const m = HUMAN.exec(raw.trim());
  return m ? Number(m[1]) * (SIZES[m[2] as string] as number) : Number.NaN;
}

export function readNanotron(text: string, name: string, b: RunBuilder, fi: number): { lines: number } {
  let lines = 0;
  // "%m/%d %H:%M:%S" has no year: times are placed in 2000 and rolled over at each new year.
  let year = 2000;
  let lastWall = Number.NaN;
  const scan = forEachLine(text, (line, n) => {
    const m = ITER.exec(line);
    if (!m) return;
    lines++;
    const step = Number(m[1]);
    b.run.meta.trainIters = Number(m[2]);
    const d = DATE.exec(line.slice(0, m.index));
    let wall = Number.NaN;
    if (d) {
      const [mo, da, h, mi, s] = d.slice(1).map(Number) as [number, number, number, number, number];
      wall = Date.UTC(year, mo - 1, da, h, mi, s) / 1000;
      if (wall < lastWall - 86400) wall = Date.UTC(++year, mo - 1, da, h, mi, s) / 1000;
      lastWall = wall;
    }
    for (const seg of line.slice((m.index as number) + m[0].length).split("|")) {
      const c = seg.indexOf(":");
      if (c <= 0) continue;
      const key = seg.slice(0, c).trim();
      const raw = seg.slice(c + 1).trim();
      if (key === "eta" || key === "") continue;
      const x = humanNumber(raw);
      if (Number.isNaN(x) && !isPyNonFinite(raw)) {
        b.run.problems.push(invalid([name, `line ${n}`, key], "a number as nanotron's human_format prints it (e.g. 3.45, 52.4M, 3e-05)", raw.slice(0, 60)));
        continue;
      }
      b.add(key, step, Number.isNaN(x) ? Number(raw.toLowerCase().includes("inf") ? (raw.startsWith("-") ? -Infinity : Infinity) : Number.NaN) : x, wall, fi, n);
    }
  });
  if (scan.longCount > 0) b.run.notes.push(`${name}: ${scan.longCount} lines longer than 1 MiB not parsed (line ${scan.longLines.join(", ")})`);
  return { lines };
}
