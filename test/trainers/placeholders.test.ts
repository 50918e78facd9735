// Placeholders and --strict (issue 12): every value the user must fill is in the trainer's own convention,
// listed in one "before you launch" block at the top of the file and in a note (stderr); no placeholder in
// a file is unlisted; llm-foundry's ${…} all resolve within the file's variables (OmegaConf, with oc.env
// cleared as llmfoundry/command_utils/train.py train_from_yaml @ 8c8dd48f does); --strict refuses a
// setting the config cannot express and an unlisted placeholder.
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { EMITTERS, emitPlan } from "../../src/emit/index.js";
import { unlistedPlaceholders } from "../../src/emit/launch.js";
import { emit, PLANS } from "./helpers.js";

describe.each(PLANS)("before you launch: %s", (_name, p) => {
  it.each(EMITTERS.map((e) => e.id))("%s: every placeholder listed at the top and in a note, none unlisted", (id) => {
    const r = emit(id, p);
    expect(unlistedPlaceholders(r.text, r.placeholders)).toEqual([]);
    const note = r.notes.find((n) => n.startsWith("before you launch: "));
    expect(note, "a before-you-launch note").toBeDefined();
    for (const ph of r.placeholders) {
      expect(r.text, ph.token).toContain(ph.token);
      expect(note).toContain(ph.key);
    }
    if (id === "hf") return; // JSON has no comments: the list is the note
    const lines = r.text.split("\n");
    const at = lines.findIndex((l) => l === "# Before you launch:");
    expect(at, "block").toBeGreaterThan(0);
    // at the top: only comment lines (and the shebang) before it
    expect(lines.slice(0, at).every((l) => l.startsWith("#"))).toBe(true);
    const block = lines.slice(at, lines.findIndex((l, i) => i > at && !l.startsWith("#   ")));
    for (const ph of r.placeholders) expect(block.some((l) => l.includes(ph.key)), ph.key).toBe(true);
  });

  it("llm-foundry: every ${…} is a ${variables.…} that resolves within the file, the user's values are ??? (mandatory)", () => {
    const text = emit("llmfoundry", p).text;
    const doc = parseYaml(text) as { variables: Record<string, unknown> };
    const refs = [...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^variables\.[a-z_]+$/);
      expect(Object.keys(doc.variables)).toContain(ref.slice("variables.".length));
    }
    expect(doc.variables.tokenizer_name).toBe("???");
    expect(text).not.toMatch(/\$\{(TOKENIZER|DATA_REMOTE)\}/);
  });
});

describe("--strict", () => {
  it("refuses a setting the config cannot express, naming it, after the schedule check", () => {
    const r = emitPlan({ format: "torchtitan", request: { preset: "btlm-3b-8k", gpus: 64 }, strict: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.expected ?? "").join(" ")).toMatch(/cannot express .*μP.*ALiBi/);
  });
  it("passes a plan the trainer expresses whole (Llama 2 7B in SP on Megatron)", () => {
    // ZeRO-1 pinned: the search may pick HSDP, which Megatron-LM cannot express (listed in unexpressed)
    const r = emitPlan({ format: "megatron", request: { preset: "llama-2-7b", tokens: "2T", gpus: 256, parameterization: "sp", zeroStage: 1 }, strict: true });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.unexpressed).toEqual([]);
  });
  it("an unlisted placeholder is found: ${NAME} and ${NAME:?…} without a default, and OmegaConf ??? values", () => {
    const listed = [{ token: "${DATA_DIR}", key: "k", what: "w" }];
    expect(unlistedPlaceholders('a "${DATA_DIR}" ${CKPT:?set it} ${GPUS:-8} "${ARR[@]}"', listed)).toEqual(["${CKPT}"]);
    expect(unlistedPlaceholders("x: ???\ny: ${variables.x}\n", [])).toEqual(["??? (1 more than listed)"]);
    expect(unlistedPlaceholders("x: ???\n", [{ token: "???", key: "variables.x", what: "w" }])).toEqual([]);
  });
});
