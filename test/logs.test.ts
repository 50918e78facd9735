// Trainer stdout logs and tracker exports → series, each compared with the values the trainer's own
// format string printed. Fixtures: test/fixtures/logs/, written by make_fixtures.py from the format
// strings of NVIDIA/Megatron-LM @ d98e8a64 (megatron/training/training.py training_log,
// evaluate_and_print_results), pytorch/torchtitan @ b5bcd76c (torchtitan/components/metrics.py),
// huggingface/nanotron @ 2411b022 (src/nanotron/logging/base.py, src/nanotron/trainer.py), the
// Hugging Face WandbCallback's keys, W&B's panel export and MLflow's Metric (key, value, timestamp, step).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanSeries, roleSeries } from "../src/io/logs/align.js";
import { curveFromRun } from "../src/io/logs/curve.js";
import { detectLogFormat } from "../src/io/logs/detect.js";
import { readSource } from "../src/io/logs/files.js";
import { humanNumber } from "../src/io/logs/nanotron.js";
import { readRunFiles, type LogFile } from "../src/io/logs/read.js";
import { chooseRole } from "../src/io/logs/roles.js";
import type { RunLog } from "../src/io/logs/run.js";
import { RANGES } from "../src/io/ranges.js";

const DIR = new URL("./fixtures/logs/", import.meta.url).pathname;
const file = (name: string): LogFile => ({ name, bytes: new Uint8Array(readFileSync(join(DIR, name))) });
const expected = (name: string) => JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), "utf8"));
function run(names: string[], format?: Parameters<typeof readRunFiles>[1]): RunLog {
  const r = readRunFiles(names.map(file), format);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}
/** The series of a tag as the last value read at each step (what a reader printed last). */
function lastAt(r: RunLog, tag: string): Map<number, { value: number; pos: number }> {
  const s = r.series.get(tag);
  if (!s) throw new Error(`no ${tag}`);
  const m = new Map<number, { value: number; pos: number }>();
  s.step.forEach((st, i) => m.set(st, { value: s.value[i] as number, pos: s.pos[i] as number }));
  return m;
}

describe("format detection (name, magic bytes, first lines)", () => {
  it.each([
    ["megatron_stdout.txt", "megatron"],
    ["torchtitan_stdout.txt", "torchtitan"],
    ["nanotron_stdout.txt", "nanotron"],
    ["wandb_history.csv", "wandb"],
    ["wandb_history.jsonl", "wandb"],
    ["wandb_panels/loss.csv", "wandb"],
    ["mlflow_metrics.csv", "mlflow"],
  ])("%s → %s", (name, fmt) => {
    expect(detectLogFormat(name, file(name).bytes)).toBe(fmt);
  });

  it("a table, a trainer_state.json and unknown bytes", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(detectLogFormat("run.csv", enc("step,lr,loss\n1,0.1,3\n"))).toBe("csv");
    expect(detectLogFormat("x.json", enc('{\n "log_history": []\n}'))).toBe("hf");
    expect(detectLogFormat("x.jsonl", enc('{"step": 1, "loss": 3}\n'))).toBe("jsonl");
    expect(detectLogFormat("blob", new Uint8Array([1, 0, 2, 3, 0, 0, 9]))).toBeUndefined();
    // a renamed event file is still recognised by its first record's length CRC
    expect(detectLogFormat("renamed.bin", new Uint8Array(readFileSync(new URL("../data/tfevents/events.out.tfevents.1585499054.tf2-scalars.v2", import.meta.url))))).toBe("tensorboard");
  });
});

describe("Megatron-LM stdout", () => {
  const r = run(["megatron_stdout.txt"]);
  const exp = expected("megatron_stdout.txt");
  it("every training line parses to the printed values, at its line", () => {
    const s = r.series.get("lm loss");
    expect(s?.step.length).toBe(exp.train.length);
    for (const [tag, key] of [["lm loss", "lm loss"], ["learning rate", "learning rate"], ["elapsed time per iteration (ms)", "elapsed time per iteration (ms)"], ["consumed samples", "consumed samples"], ["global batch size", "global batch size"], ["grad norm", "grad norm"]] as const) {
      const got = r.series.get(tag);
      exp.train.forEach((e: Record<string, number>, i: number) => {
        expect(got?.step[i], tag).toBe(e.step);
        expect(got?.value[i], `${tag} at line ${e.line}`).toBe(e[key]);
        expect(got?.pos[i]).toBe(e.line);
      });
    }
    expect(r.meta.trainIters).toBe(2000);
    expect(r.series.get("lm loss")?.wall[0]).toBe(Date.UTC(2026, 2, 1, 9, 0, 12, 300) / 1000);
  });

  it("validation lines become the evaluation loss; the restart keeps the later run's values and says so", () => {
    const v = lastAt(r, "validation/lm loss");
    for (const e of exp.validation) expect(v.get(e.step)?.value).toBe(e["lm loss"]);
    const loss = roleSeries(r, "loss");
    expect(loss?.choice.tag).toBe("lm loss");
    expect(loss?.restarts).toEqual([expect.objectContaining({ step: 110, replaced: 5, from: 110, to: 150 })]);
    const later = exp.train.filter((e: { restart: boolean }) => e.restart);
    for (const e of later) expect(loss?.value[loss.step.indexOf(e.step)]).toBe(e["lm loss"]);
    expect(roleSeries(r, "evalLoss")?.choice.tag).toBe("validation/lm loss");
    // "loss scale" is Megatron's, not a loss
    expect(chooseRole(r, "loss")?.others).not.toContain("loss scale");
  });
});

describe("TorchTitan stdout", () => {
  const r = run(["torchtitan_stdout.txt"]);
  const exp = expected("torchtitan_stdout.txt");
  it("coloured lines parse to the printed loss, tps (with thousands commas), tflops and mfu", () => {
    for (const tag of ["loss", "grad_norm", "tps", "tflops", "mfu(%)", "memory(GiB)"]) {
      const m = lastAt(r, tag);
      for (const e of exp.train) expect(m.get(e.step)?.value, `${tag} step ${e.step}`).toBe(e[tag]);
    }
    for (const e of exp.validation) expect(lastAt(r, "validation/loss").get(e.step)?.value).toBe(e.loss);
    expect(roleSeries(r, "mfu")?.value[0]).toBeCloseTo(exp.train[0]["mfu(%)"] / 100, 12);
    expect(roleSeries(r, "tokensPerSecPerGpu")?.choice.tag).toBe("tps");
  });
  it("TorchTitan prints no LR: fit curves says where to find it", () => {
    const c = curveFromRun("titan.txt", r);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.issues[0]?.expected).toMatch(/TorchTitan prints no LR to stdout/);
  });
});

describe("nanotron stdout", () => {
  const r = run(["nanotron_stdout.txt"]);
  const exp = expected("nanotron_stdout.txt");
  it("LogItems in human_format parse back to the printed numbers", () => {
    for (const tag of ["consumed_tokens", "time_per_iteration_ms", "tokens_per_sec", "tokens_per_sec_per_gpu", "global_batch_size", "grad_norm", "lm_loss", "lr", "model_tflops_per_gpu"]) {
      const m = lastAt(r, tag);
      for (const e of exp.train) expect(m.get(e.step)?.value, `${tag} step ${e.step}`).toBeCloseTo(e[tag], 9);
    }
    expect(r.series.has("eta")).toBe(false);
    expect([humanNumber("52.4M"), humanNumber("3e-05"), humanNumber("1.05K"), humanNumber("-0.5")]).toEqual([52.4e6, 3e-5, 1050, -0.5]);
    expect(roleSeries(r, "loss")?.choice.tag).toBe("lm_loss");
    expect(roleSeries(r, "tokens")?.choice.tag).toBe("consumed_tokens");
  });
});

describe("W&B and MLflow exports", () => {
  const exp = expected("wandb_history.csv");
  it("a W&B history CSV and JSONL: the trainer's step, train/loss and train/learning_rate found by name, blanks not logged", () => {
    for (const name of ["wandb_history.csv", "wandb_history.jsonl"]) {
      const r = run([name]);
      const c = curveFromRun(name, r);
      expect(c.ok, name).toBe(true);
      if (!c.ok) continue;
      expect(Array.from(c.value.curve.steps)).toEqual(exp.loss.map((x: number[]) => x[0]));
      expect(Array.from(c.value.curve.loss)).toEqual(exp.loss.map((x: number[]) => x[1]));
      for (const [s, lr] of exp.lr) expect(c.value.curve.lrs[s]).toBe(lr);
      expect(c.value.notes.join("\n")).toMatch(/evaluation loss "eval\/loss" \(3 points\) is not fitted/);
    }
  });

  it("single-metric panel exports in one folder form one run (loss from one file, LR from the other)", () => {
    const r = readSource(join(DIR, "wandb_panels"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rr = readRunFiles(r.value);
    expect(rr.ok).toBe(true);
    if (!rr.ok) return;
    const c = curveFromRun("wandb_panels", rr.value);
    expect(c.ok).toBe(true);
    if (c.ok) {
      expect(Array.from(c.value.curve.loss)).toEqual(exp.loss.map((x: number[]) => x[1]));
      expect(c.value.curve.lrs[exp.lr[5][0]]).toBe(exp.lr[5][1]);
    }
    // one panel alone has no LR, and the error says so
    const alone = curveFromRun("loss.csv", run(["wandb_panels/loss.csv"]));
    expect(alone.ok).toBe(false);
    if (!alone.ok) expect(alone.issues[0]?.path).toEqual(["loss.csv", "lr"]);
  });

  it("an MLflow long-format metric CSV: one series per key, timestamps in ms", () => {
    const r = run(["mlflow_metrics.csv"]);
    expect([...r.series.keys()]).toEqual(["train_loss", "learning_rate"]);
    expect(r.series.get("train_loss")?.wall[0]).toBe(1772355600 + 12.5);
    const c = curveFromRun("mlflow_metrics.csv", r);
    expect(c.ok && Array.from(c.value.curve.loss)).toEqual(exp.loss.map((x: number[]) => x[1]));
  });
});

describe("restarts, gaps and unusable points", () => {
  it("a later run's points replace the earlier ones from its first step; unusable values are reported where they are", () => {
    const text = "step,loss,lr\n10,4.0,1e-4\n20,3.8,2e-4\n30,3.7,3e-4\n20,3.85,2e-4\n30,NaN,3e-4\n40,3.6,3e-4\n";
    const r = readRunFiles([{ name: "w.csv", bytes: new TextEncoder().encode(text) }], "wandb");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = cleanSeries(r.value, r.value.series.get("loss")!, 1, RANGES.loss, "a loss");
    expect(s.step).toEqual([10, 20, 40]);
    expect(s.value).toEqual([4.0, 3.85, 3.6]);
    expect(s.restarts).toEqual([expect.objectContaining({ step: 20, replaced: 2, from: 20, to: 30, where: ["w.csv", "line 5"] })]);
    expect(s.rejected.map((x) => [x.issue.path, x.issue.received])).toEqual([[["w.csv", "line 6", "loss"], "NaN"]]);
  });
});

describe("declared limits", () => {
  it("more distinct tags than the limit, and steps past the curve limit, are errors naming the field, value and limit", async () => {
    const { LOG_LIMITS } = await import("../src/io/logs/limits.js");
    const cols = Array.from({ length: LOG_LIMITS.tags + 1 }, (_, i) => `m${i}`);
    const wide = `_step,${cols.join(",")}\n1,${cols.map(() => "1").join(",")}\n`;
    const r = readRunFiles([{ name: "wide.csv", bytes: new TextEncoder().encode(wide) }], "wandb");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ path: ["wide.csv", "tags"], expected: `at most ${LOG_LIMITS.tags} distinct scalar tags in one run (lmplan's limit)` });
    const far = readRunFiles([{ name: "m.txt", bytes: new TextEncoder().encode(" iteration 10/ 20 | learning rate: 1E-04 | lm loss: 3.0E+00 |\n iteration 99999999999/ 1 | learning rate: 1E-04 | lm loss: 3.0E+00 |\n") }]);
    expect(far.ok).toBe(true);
    if (!far.ok) return;
    const loss = roleSeries(far.value, "loss");
    expect(loss?.rejected[0]?.issue).toMatchObject({ path: ["m.txt", "line 2", "step"], expected: "a whole-number optimizer step in [0, 1e7] (lmplan's limit on a curve's length)", received: "99999999999" });
  });
});

describe("fit curves reads logs directly", () => {
  async function cli(args: string[]) {
    const { main } = await import("../src/cli/main.js");
    let out = "";
    let err = "";
    const code = await main(args, { out: (s) => void (out += s), err: (s) => void (err += s), readStdin: () => "", isTTY: false });
    return { code, out, err };
  }
  it("--from, --format, --eval-loss and --smooth; a bad --format exits 2 listing the formats", async () => {
    const meg = join(DIR, "megatron_stdout.txt");
    const a = await cli(["fit", "curves", "--from", meg, "--format", "megatron", "--json"]);
    expect(a.code, a.err).toBe(0);
    const j = JSON.parse(a.out);
    expect(j.train[0].points).toBe(20);
    expect(j.notes.join("\n")).toMatch(/restart at step 110/);
    const s = await cli(["fit", "curves", join(DIR, "wandb_history.csv"), "--smooth", "3", "--json"]);
    expect(s.code, s.err).toBe(0);
    expect(JSON.parse(s.out).notes.join("\n")).toMatch(/averaged over a centred window of 3 logged points/);
    const e = await cli(["fit", "curves", join(DIR, "megatron_stdout.txt"), "--eval-loss", "--json"]);
    expect(e.code, e.err).toBe(0);
    expect(JSON.parse(e.out).train[0].points).toBe(2); // the validation lines at iterations 100 and 200
    expect(JSON.parse(e.out).notes.join("\n")).toMatch(/evaluation \(validation\) loss from "validation\/lm loss"/);
    const bad = await cli(["fit", "curves", meg, "--format", "tb"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^lmplan: format: expected tensorboard \(TensorBoard event files/);
    const even = await cli(["fit", "curves", meg, "--smooth", "4"]);
    expect(even.err).toMatch(/^lmplan: smooth: expected an odd whole number of logged points/);
  });
});
