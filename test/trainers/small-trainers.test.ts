// nanoGPT, LitGPT, llm-foundry and the Hugging Face Trainer: plan value → config key → what the trainer
// derives. Ported from
//   nanoGPT    karpathy/nanoGPT@3adf61e1 train.py: the loop updates at iter_num = 0 … max_iters (it breaks once
//              iter_num > max_iters) and saves at the top of an iteration with iter_num % eval_interval == 0,
//              before its update; configurator.py asserts type(override) == type(default)
//   LitGPT     Lightning-AI/litgpt@26857050 litgpt/pretrain.py setup (data defaults to TinyLlama), get_lr
//   Composer   mosaicml/composer@64051888 composer/optim/scheduler.py (t_max, default 1dur = max_duration);
//              decoupled_weight_decay.py (decay = weight_decay · lr_t / lr_0)
//   HF         huggingface/transformers@00349ae8 training_args.py (save_steps default 500)
import { spawnSync } from "node:child_process";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { lrAt } from "../../src/schedules/schedule.js";
import { emit, PLANS } from "./helpers.js";

const assigns = (text: string) => Object.fromEntries(text.split("\n").filter((l) => /^[a-z_0-9]+ = /.test(l)).map((l) => l.split(" = ") as [string, string]));

describe.each(PLANS)("nanoGPT: %s", (_name, p) => {
  const r = emit("nanogpt", p);
  const a = assigns(r.text);
  const T = p.batch.steps.value;
  it("runs max_iters + 1 updates and saves the one holding exactly T of them", () => {
    const maxIters = Number(a.max_iters);
    const evalInterval = Number(a.eval_interval);
    // iterations 0 … max_iters update; the save at the top of iteration k holds k updates
    expect(maxIters + 1).toBe(T + 1);
    expect(T % evalInterval).toBe(0);
    expect(a.always_save_checkpoint).toBe("True");
  });
  it.each(["learning_rate", "min_lr", "weight_decay", "beta1", "beta2", "grad_clip", "dropout"])("%s is a float literal (a later --key=0.5 passes configurator.py's type check)", (k) => {
    expect(a[k], k).toMatch(/\.|e/);
    const py = spawnSync("python3", ["-c", `import ast,sys; v = ast.literal_eval(sys.argv[1]); assert type(v) is float, type(v)`, a[k] as string]);
    if (py.error === undefined) expect(py.status).toBe(0);
  });
  it("dataset and out_dir are written (nanoGPT's defaults are openwebtext and out)", () => {
    expect(a.dataset).toBe('"lmplan"');
    expect(a.out_dir).toBe('"out-lmplan"');
  });
  it("a constant schedule is cosine between equal values", () => {
    if (p.schedule.spec.kind !== "constant") return;
    expect(a.min_lr).toBe(a.learning_rate);
    expect(r.deviation.maxRelative).toBeLessThan(0.01);
  });
});

describe.each(PLANS)("LitGPT: %s", (_name, p) => {
  const r = emit("litgpt", p);
  const doc = parseYaml(r.text) as { data: { class_path: string; init_args: { data_path: string } }; tokenizer_dir: string; resume: string; train: Record<string, number>; optimizer: { init_args: { lr: number } } };
  it("data and tokenizer are written (the default data is TinyLlama), checkpoints hourly, resume auto", () => {
    expect(doc.data.class_path).toBe("litgpt.data.LitData");
    expect(doc.data.init_args.data_path).toBe("${DATA_DIR}");
    expect(doc.tokenizer_dir).toBe("${TOKENIZER_DIR}");
    expect(doc.train.save_interval).toBeGreaterThan(0);
    expect(doc.resume).toBe("auto");
  });
  it("a constant schedule is min_lr = lr, and follows the plan within 1%", () => {
    if (p.schedule.spec.kind !== "constant") return;
    expect(doc.train.min_lr).toBe(doc.optimizer.init_args.lr);
    expect(r.deviation.maxRelative).toBeLessThan(0.01);
  });
  it("context stages are not silently dropped", () => {
    if ((p.context?.stages.length ?? 0) > 1) expect(r.unexpressed.join(" ")).toMatch(/context stages/);
  });
});

describe.each(PLANS)("llm-foundry: %s", (_name, p) => {
  const doc = parseYaml(emit("llmfoundry", p).text) as { optimizer: { lr: number; weight_decay: number }; scheduler: Record<string, string | number>; max_duration: string; save_interval: string; autoresume: boolean };
  const ba = (x: unknown) => Number(/^(\d+)ba$/.exec(String(x))?.[1]);
  it.each([
    ["decoupled weight decay = η·λ → PyTorch λ", () => doc.optimizer.weight_decay / doc.optimizer.lr, p.optimizer.weightDecay.value],
    ["scheduler length t_max (default max_duration)", () => (doc.scheduler.t_max !== undefined ? ba(doc.scheduler.t_max) : ba(doc.max_duration)), p.batch.steps.value],
  ] as [string, () => number, number][])("%s", (_w, got, want) => expect(got()).toBeCloseTo(want, 8));
  it("checkpoints and autoresume are written", () => {
    expect(ba(doc.save_interval)).toBeGreaterThan(0);
    expect(doc.autoresume).toBe(true);
  });
});

describe.each(PLANS)("Hugging Face Trainer: %s", (_name, p) => {
  const r = emit("hf", p);
  const a = JSON.parse(r.text) as Record<string, unknown>;
  it("save_steps is written (the default is 500), and the LR schedule spans the plan's T", () => {
    expect(a.save_strategy).toBe("steps");
    expect(a.save_steps as number).toBeGreaterThan(0);
    expect(a.max_steps).toBe(p.batch.steps.value);
  });
  it("context stages are carried as resumed runs in a note, with each stage's batch split", () => {
    const stages = p.context?.stages ?? [];
    if (stages.length < 2) return;
    const note = r.notes.find((n) => n.startsWith("context stages"));
    expect(note).toMatch(new RegExp(`stop it at step ${stages[1]?.steps === undefined ? "" : stages[0]?.steps}`));
    expect(note).toMatch(/per_device_train_batch_size \d+, gradient_accumulation_steps \d+/);
  });
});

it("the plan's LR at the first step of a constant schedule matches lrAt (a sanity check of the plans)", () => {
  const p = PLANS.find(([n]) => n.includes("constant"))?.[1];
  expect(p && lrAt(p.schedule.spec, p.batch.steps.value - 1)).toBe(p?.optimizer.hiddenLr.value);
});
