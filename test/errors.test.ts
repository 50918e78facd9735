// One error grammar, held by a test (simple-statistics wrote one and then broke it).
import { describe, expect, it } from "vitest";
import { conflict, describeReceived, formatIssue, invalid, missing } from "../src/errors.js";
import { planSafe } from "../src/plan/plan.js";

const GRAMMAR = /^[A-Za-z.,]+: (expected .+, received .+|conflict: .+|missing: .+)$/;

describe("error grammar", () => {
  it("formats each kind", () => {
    expect(formatIssue(invalid("params", "a positive parameter count such as 1.3B", "-3B"))).toBe('params: expected a positive parameter count such as 1.3B, received "-3B"');
    expect(formatIssue(conflict(["compute", "params"], "give one"))).toBe("compute.params: conflict: give one");
    expect(formatIssue(missing("tpp", "a scale"))).toBe("tpp: missing: a scale");
  });

  it.each([
    { params: "-3B" },
    { tokens: "abc" },
    { gpu: "h900" },
    { tpp: 0 },
    { compute: "3e22", params: "1B", tokens: "20B" },
    { preset: "gpt-9" },
    { params: { value: 1 } },
    { params: null },
    { gpus: "eight", params: "1B" },
    { params: Number.NaN },
    { params: Number.POSITIVE_INFINITY },
    { params: "1B", frobnicate: 1 },
    { tpp: 20 },
    {},
    { params: "1B", parameterization: "completep", muBase: "btlm" },
  ])("every plan error follows the grammar: %j", (req) => {
    const r = planSafe(req);
    expect(r.ok).toBe(false);
    if (!r.ok) for (const i of r.issues) expect(formatIssue(i)).toMatch(GRAMMAR);
  });
  it("a received value can never carry a terminal escape or a bidi override into a message (issue 10)", () => {
    const msg = formatIssue(invalid("title", "text", "\u001b[2J\u009b31m\u202eevil\u2028x\u007f"));
    expect(msg).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    expect(msg).toContain("\\u001b[2J\\u009b31m\\u202eevil\\u2028x\\u007f");
    expect(describeReceived({ a: "\u009b" })).toBe('{"a":"\\u009b"}');
  });
  it("a long received string is named by its start and length, not echoed", () => {
    expect(describeReceived("a".repeat(70000))).toBe(`"${"a".repeat(80)}"… (70000 characters)`);
  });
});
