/**
 * μP-base and optimizer overrides (issue 15): a user base from a file, the hidden-weight peak LR, and
 * warmup in steps or tokens. Each overrides what the planner would choose, and the plan says so
 * (src/fit/mup-bridge.ts: the warnings and derivations that go with each).
 */
import * as z from "zod";
import { parseMupBase } from "../../parameterization/bases.js";
import { count, field, numberIn } from "./field.js";

/**
 * The parsed contents of a base file (`--mu-base-spec <file>`, also spelled --mu-base-file; the JSON body carries the object): a base
 * file (`lmplanMupBase: 1`), a fitted-laws file with `laws.mup`, or a bare base object. Validated into a
 * MupBase here, so the planner takes it like a built-in one.
 */
const muBaseSpec = z
  .unknown()
  .transform((v, ctx) => {
    const r = parseMupBase(v, "--mu-base-spec");
    if (!r.ok) {
      for (const i of r.issues) ctx.addIssue({ code: "custom", message: i.expected, path: i.path, params: { expected: `a μP base (a file written by lmplan fit mup --out, or one with its fields): ${i.expected}` } });
      return z.NEVER;
    }
    return r.value;
  })
  .optional()
  .meta({
    flag: "--mu-base-spec <file>",
    aliases: ["--mu-base-file"],
    file: "json",
    json: { type: "object", description: "a base file's contents ({ lmplanMupBase: 1, base }), a fitted-laws file with laws.mup, or a bare base object" },
    description: "plan with your own μP base: a file written by lmplan fit mup --out (or --base-out), or a JSON object with dModelBase, lrBase, initStdBase, embeddingMultiplier, outputLogitsAlpha",
    unit: "",
  } as unknown as Record<string, unknown>);

export const MUP_OPTIONS = {
  lr: field(numberIn({ min: 0, max: 10, minExclusive: true, what: "peak learning rate of the hidden (matrix) weights" }), {
    flag: "--lr <lr>",
    description: "override the hidden-weight peak LR (under μP η_base/m_d); the other groups keep their μP ratios to it, and lmplan still shows the transferred value",
    unit: "LR",
    defaultNote: "μP: η_base/m_d from the base; sp: Step Law",
  }),
  warmupSteps: field(numberIn({ min: 0, max: 1e9, integer: true, what: "optimizer steps" }), {
    flag: "--warmup-steps <steps>",
    description: "linear warmup length in optimizer steps (instead of --warmup's fraction)",
    unit: "steps",
    defaultNote: "10% of steps",
  }),
  warmupTokens: field(count({ label: "token count", example: "2B", unitWords: ["tokens", "token", "tok"], max: 1e18 }), {
    flag: "--warmup-tokens <count>",
    description: "linear warmup length in tokens, e.g. 2B (rounded to whole steps of the global batch)",
    unit: "tokens",
    defaultNote: "10% of steps",
  }),
  muBaseSpec,
};
