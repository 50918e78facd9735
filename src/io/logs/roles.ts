/**
 * Which series is the training loss, the LR, the throughput…: found by the names trainers give them,
 * never by position. Each role lists exact tag names (case-insensitive, in order of preference) and the
 * unit they are in; a pattern catches the rest (a W&B "train/learning_rate", TorchTitan's
 * "lr/AdamW", Lightning's "lr-AdamW"). `--map role=tag` overrides any choice.
 *
 * Sources of the names: Megatron-LM training.py (stdout keys, and TensorBoard "lm loss",
 * "learning-rate", "iteration-time", "throughput", "batch-size", "lm loss validation"); TorchTitan
 * metrics.py ("loss_metrics/global_avg_loss", "lr/<Optimizer>", "throughput(tps)", "mfu(%)",
 * "n_tokens_seen", "validation_metrics/loss"); nanotron trainer.py LogItems ("lm_loss", "lr",
 * "tokens_per_sec", "tokens_per_sec_per_gpu", "consumed_tokens", "model_tflops_per_gpu"); Hugging Face
 * Trainer log_history ("loss", "learning_rate", "eval_loss"); Composer ("loss/train/total",
 * "throughput/device/tokens_per_sec", "throughput/device/mfu").
 */
import type { RunLog } from "./run.js";

export type Role = "loss" | "evalLoss" | "lr" | "tokensPerSec" | "tokensPerSecPerGpu" | "mfu" | "iterSeconds" | "tokens" | "samples" | "tflopsPerGpu";

export const ROLE_TEXT: Record<Role, string> = {
  loss: "training loss",
  evalLoss: "evaluation (validation) loss",
  lr: "learning rate",
  tokensPerSec: "tokens per second (all GPUs)",
  tokensPerSecPerGpu: "tokens per second per GPU",
  mfu: "model FLOPs utilisation",
  iterSeconds: "seconds per optimizer step",
  tokens: "tokens consumed",
  samples: "samples (sequences) consumed",
  tflopsPerGpu: "model TFLOP/s per GPU",
};

/** [tag, factor to lmplan's unit]: lmplan's units are nats, LR, tokens/s, a fraction, seconds, tokens. */
const EXACT: Record<Role, [string, number][]> = {
  loss: [["lm loss", 1], ["lm_loss", 1], ["loss", 1], ["train/loss", 1], ["train_loss", 1], ["train/lm_loss", 1], ["train/lm loss", 1], ["loss_metrics/global_avg_loss", 1], ["loss/train/total", 1], ["train/loss_step", 1], ["training_loss", 1], ["loss/train", 1]],
  evalLoss: [["validation/lm loss", 1], ["lm loss validation", 1], ["eval_loss", 1], ["eval/loss", 1], ["validation/loss", 1], ["validation_metrics/loss", 1], ["val/loss", 1], ["val_loss", 1], ["valid/loss", 1], ["metrics/eval/languagecrossentropy", 1]],
  lr: [["learning rate", 1], ["learning-rate", 1], ["learning_rate", 1], ["lr", 1], ["train/learning_rate", 1], ["train/lr", 1], ["train/learning-rate", 1], ["optim/lr", 1], ["trainer/learning_rate", 1]],
  tokensPerSec: [["tokens_per_sec", 1], ["throughput/tokens_per_sec", 1], ["tokens_per_second", 1], ["train/tokens_per_second", 1]],
  tokensPerSecPerGpu: [["tps", 1], ["throughput(tps)", 1], ["tokens_per_sec_per_gpu", 1], ["throughput/device/tokens_per_sec", 1]],
  mfu: [["mfu(%)", 0.01], ["mfu", 1], ["throughput/device/mfu", 1], ["train/mfu", 1]],
  iterSeconds: [["elapsed time per iteration (ms)", 1e-3], ["iteration-time", 1], ["time_per_iteration_ms", 1e-3], ["time_metrics/end_to_end(s)", 1]],
  tokens: [["consumed_tokens", 1], ["n_tokens_seen", 1], ["tokens", 1], ["train/tokens", 1], ["throughput/tokens", 1]],
  samples: [["consumed samples", 1], ["samples vs steps", 1], ["consumed_samples", 1], ["train/samples", 1], ["throughput/samples", 1]],
  tflopsPerGpu: [["throughput per gpu (tflop/s/gpu)", 1], ["throughput", 1], ["tflops", 1], ["model_tflops_per_gpu", 1]],
};

const EVAL_WORD = /(?:^|[/_\s-])(?:eval|evaluation|val|valid|validation|test)(?:$|[/_\s-])/i;
const last = (t: string) => t.slice(t.lastIndexOf("/") + 1).toLowerCase();

/** Tags that fit a role by pattern when no exact name is present. */
function byPattern(role: Role, tag: string): boolean {
  const l = last(tag);
  const lower = tag.toLowerCase();
  switch (role) {
    case "loss":
      return !EVAL_WORD.test(tag) && ["loss", "lm loss", "lm_loss", "train_loss", "global_avg_loss", "avg_loss", "total"].includes(l) && !lower.includes("scale");
    case "evalLoss":
      return EVAL_WORD.test(tag) && l.includes("loss") && !l.includes("ppl");
    case "lr":
      return ["lr", "learning_rate", "learning-rate", "learning rate"].includes(l) || lower.startsWith("lr/") || lower.startsWith("lr-") || lower.startsWith("lr_");
    default:
      return false;
  }
}

export interface RoleChoice {
  tag: string;
  /** Factor from the tag's unit to lmplan's. */
  factor: number;
  /** Other tags that would also fit, not used. */
  others: string[];
}

/** The series for a role, by --map, exact name, then pattern (most points wins among pattern matches). */
export function chooseRole(run: RunLog, role: Role, map: Record<string, string> = {}): RoleChoice | undefined {
  const tags = [...run.series.keys()];
  const wanted = map[role];
  if (wanted !== undefined) {
    const t = tags.find((x) => x === wanted) ?? tags.find((x) => x.toLowerCase() === wanted.toLowerCase());
    return t === undefined ? undefined : { tag: t, factor: EXACT[role].find(([n]) => n === t.toLowerCase())?.[1] ?? 1, others: [] };
  }
  const lowerIdx = new Map(tags.map((t) => [t.toLowerCase(), t]));
  const exact = EXACT[role].filter(([n]) => lowerIdx.has(n));
  if (exact.length > 0) {
    const [n, factor] = exact[0] as [string, number];
    let f = factor;
    // "mfu" is a fraction in Composer and W&B logs, a percentage in TorchTitan's: read the scale off the values
    if (role === "mfu" && n === "mfu") {
      const v = run.series.get(lowerIdx.get(n) as string)?.value ?? [];
      const sorted = v.filter(Number.isFinite).sort((a, b) => a - b);
      if ((sorted[Math.floor(sorted.length / 2)] ?? 0) > 1.5) f = 0.01;
    }
    return { tag: lowerIdx.get(n) as string, factor: f, others: exact.slice(1).map(([x]) => lowerIdx.get(x) as string) };
  }
  const pat = tags.filter((t) => byPattern(role, t)).sort((a, b) => (run.series.get(b)?.step.length ?? 0) - (run.series.get(a)?.step.length ?? 0) || a.localeCompare(b));
  if (pat.length === 0) return undefined;
  return { tag: pat[0] as string, factor: 1, others: pat.slice(1) };
}

/** The --map keys a run accepts (roles). */
export const ROLE_KEYS = Object.keys(ROLE_TEXT) as Role[];
