// Issue 11's first done-when: every declared option is driven through its CLI flag (and each older
// spelling), the JSON body and the HTTP API, and its resolved value must arrive in the plan. The web
// form's half is in test/web.test.ts (it needs the browser). The declaration is also held to its own
// rules: the flag is the key in kebab case, and OpenAPI carries a type, and the enum and default where
// there is one, for every field.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { planWithDeadline } from "../src/plan/deadline.js";
import { planSafe } from "../src/plan/plan.js";
import { fieldMeta, kebab, planFields, planRequestJsonSchema, type PlanField } from "../src/plan/request.js";
import type { Plan } from "../src/plan/types.js";
import { createApp } from "../src/server/app.js";
import { OPTION_CASES } from "./options-cases.js";

const dir = mkdtempSync(join(tmpdir(), "lmplan-options-"));
const flagOf = (key: string) => (fieldMeta(key as PlanField).flag.split(" ")[0] as string);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), readStdin: () => "" });
  return { code, out, err };
}

function argvFor(key: PlanField, flag: string): string[] {
  const c = OPTION_CASES[key];
  const args = ["plan", "--json"];
  for (const [k, v] of Object.entries(c.with ?? {})) args.push(flagOf(k), v);
  if (c.file !== undefined) {
    const path = join(dir, `${key}.${fieldMeta(key).file === "sources-csv" ? "csv" : "json"}`);
    writeFileSync(path, c.file);
    args.push(flag, path);
  } else args.push(flag, c.cli);
  return args;
}

const bodyFor = (key: PlanField) => ({ ...OPTION_CASES[key].with, [key]: OPTION_CASES[key].json ?? OPTION_CASES[key].cli });

describe("every declared option reaches the plan", () => {
  it("has a case for every declared option, and no case for an undeclared one", () => {
    expect(Object.keys(OPTION_CASES).sort()).toEqual([...planFields()].sort());
  });

  for (const key of planFields()) {
    const c = OPTION_CASES[key];
    const m = fieldMeta(key);
    it(`${key}: the flag ${m.flag.split(" ")[0]}${m.aliases?.length ? ` (and ${m.aliases.join(", ")})` : ""}, the JSON body and POST /api/plan`, async () => {
      // the case must be able to fail: without the option the plan has some other value there
      const without = planSafe(OPTION_CASES[key].with ?? {});
      if (without.ok) expect(c.arrives(without.value)).not.toEqual(c.expected);
      const json = planWithDeadline(bodyFor(key));
      if (!json.ok) throw new Error(JSON.stringify(json.issues));
      expect(c.arrives(json.value)).toEqual(c.expected);
      for (const flag of [m.flag.split(" ")[0] as string, ...(m.aliases ?? [])]) {
        const r = await cli(argvFor(key, flag));
        expect(r.err, flag).toBe("");
        expect(r.code).toBe(0);
        expect(c.arrives(JSON.parse(r.out) as Plan), flag).toEqual(c.expected);
      }
      const res = await createApp().request("http://127.0.0.1/api/plan", { method: "POST", headers: { "content-type": "application/json", host: "127.0.0.1" }, body: JSON.stringify(bodyFor(key)) });
      expect(res.status).toBe(200);
      expect(c.arrives((await res.json()) as Plan)).toEqual(c.expected);
    });
  }

  it("refuses an option given under two spellings, naming both", async () => {
    const r = await cli(["plan", "--params", "1.3B", "--tpp", "20", "--warmup", "0.2", "--warmup-fraction", "0.3"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--warmup-fraction and --warmup are the same option/);
  });
});

describe("the declaration's own rules", () => {
  it("derives every flag from its key (older spellings are aliases)", () => {
    for (const key of planFields()) expect(flagOf(key), key).toBe(`--${kebab(key)}`);
  });

  it("gives OpenAPI a type for every field, the enum of every choice field and every declared default", () => {
    const schema = planRequestJsonSchema() as { properties: Record<string, Record<string, unknown>> };
    for (const key of planFields()) {
      const p = schema.properties[key] as Record<string, unknown>;
      const m = fieldMeta(key);
      const types = JSON.stringify(p);
      expect(types, key).toMatch(/"type":/);
      for (const c of m.choices ?? []) expect(types, key).toContain(JSON.stringify(c));
      if (m.default !== undefined) expect(p.default, key).toBe(m.default);
      expect(p["x-cli-flag"]).toBe(flagOf(key));
    }
  });

  it("places every field in a form section", () => {
    for (const key of planFields()) expect(fieldMeta(key).group, key).toBeDefined();
  });
});
