// Every YAML lmplan writes (LitGPT, Cerebras, llm-foundry, nanotron, Megatron's MODEL_ARGS map, the
// SkyPilot sweep task) read as the trainers read it — PyYAML's SafeLoader, YAML 1.1 (nanotron:
// src/nanotron/config/config.py get_config_from_file; the others through PyYAML or OmegaConf, which reads
// YAML 1.1 through PyYAML too) — gives the intended types: a number the yaml package (YAML 1.2) reads is
// an int or a float under PyYAML's resolvers (not the string '1e-8'), a string stays a string, and a value
// the trainer types as float is written with a decimal point.
import { describe, expect, it } from "vitest";
import { renderSweep } from "../../src/emit/sweep/render.js";
import { emit, PLANS, pyYamlType, scalars, YAML_FORMATS } from "./helpers.js";

/** Keys each trainer declares float (its config dataclass), written with a decimal point so that a typed reader gets a float. */
const FLOAT_KEYS: Record<string, RegExp> = {
  // Lightning-AI/litgpt@26857050 litgpt/args.py TrainArgs (max_norm, min_lr), torch.optim.AdamW init_args
  litgpt: /^\.(train\.(max_norm|min_lr)|optimizer\.init_args\.(lr|weight_decay|eps|betas\[\d\]))$/,
  // huggingface/nanotron@2411b022 src/nanotron/config/config.py: OptimizerArgs, AdamWOptimizerArgs, LRSchedulerArgs; models_config.py RandomInit.std
  nanotron: /^\.(optimizer\.(weight_decay|clip_grad|optimizer_factory\.adam_(eps|beta1|beta2)|learning_rate_scheduler\.(learning_rate|min_decay_lr))|model\.init_method\.std)$/,
  // mosaicml/llm-foundry@8c8dd48f: gradient_clipping clipping_threshold (composer algorithms/gradient_clipping: float)
  llmfoundry: /^\.algorithms\.gradient_clipping\.clipping_threshold$/,
};

describe.each(PLANS)("YAML 1.1 (PyYAML SafeLoader) types: %s", (_name, p) => {
  it.each(YAML_FORMATS)("%s: every number is a number to PyYAML, every string a string, float keys have a decimal point", (id) => {
    const bad: string[] = [];
    for (const s of scalars(emit(id, p).text)) {
      if (!s.plain) continue; // quoted and block scalars are strings to every reader
      const t = pyYamlType(s.source);
      const want = typeof s.value === "number" ? ["int", "float"] : typeof s.value === "boolean" ? ["bool"] : s.value === null ? ["null"] : ["str"];
      if (!want.includes(t)) bad.push(`${s.path}: ${s.source} is ${t} to PyYAML, ${typeof s.value} to YAML 1.2`);
      if (FLOAT_KEYS[id]?.test(s.path) && t !== "float") bad.push(`${s.path}: ${s.source} should be written as a float`);
    }
    expect(bad).toEqual([]);
  });
});

describe("YAML 1.1 floats", () => {
  it("ε 1e-8 is written 1.0e-8 in every YAML emitter (nanotron's dacite refused the string '1e-8')", () => {
    const p = PLANS[0]?.[1];
    if (!p) throw new Error("plan");
    for (const id of YAML_FORMATS) {
      const text = emit(id, p).text;
      expect(text, id).not.toMatch(/(^|[\s:[,])[0-9]+e[-+]?[0-9]+\b/m);
    }
    expect(emit("nanotron", p).text).toMatch(/adam_eps: 1\.0e-8$/m);
  });
  it("the SkyPilot sweep task reads the same under PyYAML's resolvers", () => {
    const p = PLANS[2]?.[1];
    if (!p) throw new Error("plan");
    const text = renderSweep([{ id: 0, point: { lr: 1e-3 }, plan: p, config: emit("nanotron", p) }], { scheduler: "skypilot", trainer: "nanotron", command: "run {config}", gpusPerRun: 8, gpuName: "h100", title: "t" });
    for (const s of scalars(text.split("\n").slice(2).join("\n"))) if (s.plain) expect(pyYamlType(s.source), s.path).toBe(typeof s.value === "number" ? (Number.isInteger(s.value) && !/\./.test(s.source) ? "int" : "float") : typeof s.value === "boolean" ? "bool" : "str");
  });
});
