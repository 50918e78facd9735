/**
 * Which format a log file is in, from its name, its first bytes and its first lines — one detection for
 * every command that reads runs (fit curves, track), which --format overrides:
 * 1. a TensorBoard event file: "tfevents" in the name, or a first TFRecord header whose length CRC holds;
 * 2. a Hugging Face trainer_state.json: a JSON object with "log_history";
 * 3. trainer stdout, by its training-line format (megatron.ts, torchtitan.ts, nanotron.ts) in the
 *    first 64 KiB;
 * 4. a CSV header: key,value,step → MLflow; "Step" and "<run> - <metric>" columns, or a "_step"
 *    column → W&B; any other header → a CSV table;
 * 5. JSON lines or a JSON array → W&B history if rows have "_step", else a JSON table.
 * Binary files that are none of these are not guessed at.
 */
import { crc32c, maskCrc } from "./crc32c.js";
import { looksLikeMegatron } from "./megatron.js";
import { looksLikeNanotron } from "./nanotron.js";
import { LOG_FORMATS, type LogFormat } from "./run.js";
import { looksLikeTorchTitan } from "./torchtitan.js";

const HEAD_BYTES = 64 * 1024;

function baseName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf("/"), p.lastIndexOf("\\")) + 1);
}

function tfrecordHeader(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  const crc = ((b[8] as number) | ((b[9] as number) << 8) | ((b[10] as number) << 16) | ((b[11] as number) << 24)) >>> 0;
  return crc === maskCrc(crc32c(b, 0, 8));
}

export function detectLogFormat(name: string, bytes: Uint8Array): LogFormat | undefined {
  const base = baseName(name).toLowerCase();
  if (base.includes("tfevents") || tfrecordHeader(bytes)) return "tensorboard";
  const headBytes = bytes.subarray(0, HEAD_BYTES);
  if (headBytes.includes(0)) return undefined;
  // colour codes removed (TorchTitan and nanotron colour their lines)
  const head = new TextDecoder("utf-8").decode(headBytes).replace(/^\ufeff/, "").replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");
  const t = head.trimStart();
  if ((t.startsWith("{") && /"log_history"\s*:/.test(head)) || base === "trainer_state.json") return "hf";
  if (looksLikeMegatron(head)) return "megatron";
  if (looksLikeTorchTitan(head)) return "torchtitan";
  if (looksLikeNanotron(head)) return "nanotron";
  if (t.startsWith("{") || /^\[\s*[{[\]]/.test(t)) return /"_step"\s*:/.test(head) ? "wandb" : "jsonl";
  const firstLine = (t.split("\n", 1)[0] ?? "").replace(/\r$/, "");
  const cells = firstLine.split(/[,\t]/).map((c) => c.trim().replace(/^"|"$/g, ""));
  if (cells.length >= 2) {
    const lower = new Set(cells.map((c) => c.toLowerCase()));
    if (lower.has("key") && lower.has("value") && lower.has("step")) return "mlflow";
    if ((cells.includes("Step") && cells.some((c) => c.includes(" - "))) || lower.has("_step")) return "wandb";
    return "csv";
  }
  if (base.endsWith(".csv") || base.endsWith(".tsv")) return "csv";
  if (base.endsWith(".jsonl") || base.endsWith(".json") || base.endsWith(".ndjson")) return "jsonl";
  return undefined;
}

/** --format's value, or the issue text naming what is accepted. */
export function parseLogFormat(v: string): LogFormat | undefined {
  return Object.prototype.hasOwnProperty.call(LOG_FORMATS, v) ? (v as LogFormat) : undefined;
}

export const FORMAT_HELP = Object.entries(LOG_FORMATS).map(([k, v]) => `${k} (${v})`).join("; ");
