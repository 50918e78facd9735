/**
 * TorchTitan stdout → series. The format, from pytorch/torchtitan @ b5bcd76c
 * torchtitan/components/metrics.py `MetricsProcessor.log` (logger.info, colours from
 * torchtitan/tools/utils.py Color, removed here):
 *   "step: {step:2}  loss: {global_avg_loss:8.5f}  grad_norm: {grad_norm:7.4f}  memory:
 *    {max_reserved_gib:5.2f}GiB({max_reserved_pct:.2f}%)  tps: {round(tps):,}  tflops: {tflops:,.2f}
 *    mfu: {mfu:.2f}%"
 * behind torchtitan/tools/logging.py's "[titan] %(asctime)s - %(name)s - %(levelname)s - ", and
 * `log_validation`: "validate step: {step:2}  loss: {loss:7.4f}  memory: …  tps: {round(tps):,}".
 * tps is tokens per second per device (ntokens / (Δt · non-data-parallel size)); mfu is percent
 * ("N/A" with quantized training). TorchTitan prints no learning rate: it logs it to TensorBoard/W&B
 * as "lr/<Optimizer>" (torchtitan/components/optimizer/lr_scheduler.py get_metrics).
 * Tags: "loss", "grad_norm", "memory(GiB)", "tps", "tflops", "mfu(%)"; validation: "validation/loss".
 */
import { invalid } from "../../errors.js";
import type { RunBuilder } from "./run.js";
import { forEachLine, isoSeconds, isPyNonFinite, pyNumber } from "./text.js";

const STEP = /\b(validate )?step:\s{0,40}(\d{1,12})\s{1,40}loss:\s{0,40}(\S{1,40})/;

export function looksLikeTorchTitan(head: string): boolean {
  return STEP.test(head) && /\b(?:tps|wps|mfu|tflops|memory):/.test(head);
}

// key: value pairs after the loss, each value up to the next double space
const PAIRS: [RegExp, string, (raw: string) => number][] = [
  [/grad_norm:\s{0,40}(\S{1,40})/, "grad_norm", pyNumber],
  [/memory:\s{0,40}([0-9.]{1,20})GiB/, "memory(GiB)", pyNumber],
  [/\b(?:tps|wps):\s{0,40}([0-9,]{1,30})/, "tps", pyNumber],
  [/tflops:\s{0,40}([0-9,.]{1,30})/, "tflops", pyNumber],
  [/mfu:\s{0,40}([0-9.]{1,20})%/, "mfu(%)", pyNumber],
];

export function readTorchTitan(text: string, name: string, b: RunBuilder, fi: number): { lines: number; evalLines: number } {
  let lines = 0;
  let evalLines = 0;
  const scan = forEachLine(text, (line, n) => {
    const m = STEP.exec(line);
    if (!m) return;
    const isEval = m[1] !== undefined;
    if (isEval) evalLines++;
    else lines++;
    const step = Number(m[2]);
    const wall = isoSeconds(line.slice(0, m.index));
    const loss = pyNumber(m[3] as string);
    if (Number.isNaN(loss) && !isPyNonFinite(m[3] as string)) {
      b.run.problems.push(invalid([name, `line ${n}`, "loss"], "a number as TorchTitan prints it (e.g. 3.45678)", (m[3] as string).slice(0, 60)));
      return;
    }
    b.add(isEval ? "validation/loss" : "loss", step, loss, wall, fi, n);
    const rest = line.slice((m.index as number) + m[0].length);
    for (const [re, tag, parse] of PAIRS) {
      if (isEval && tag !== "tps" && tag !== "memory(GiB)") continue;
      const p = re.exec(rest);
      if (p) b.add(isEval ? `validation/${tag}` : tag, step, parse(p[1] as string), wall, fi, n);
    }
  });
  if (scan.longCount > 0) b.run.notes.push(`${name}: ${scan.longCount} lines longer than 1 MiB not parsed (line ${scan.longLines.join(", ")})`);
  return { lines, evalLines };
}
