/**
 * Random and hostile inputs for the property tests (fuzz-api, fuzz-cli) and the hostile bench: shell and
 * YAML/TOML structure characters, control and ANSI escapes, unicode, huge and odd numbers, deep
 * nesting, and real plans mutated at random paths.
 */
import fc from "fast-check";

/** Strings an attacker (or a careless colleague) would try in any field. */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "x\ntouch pwned\n#",
  "$(touch pwned)",
  "`touch pwned`",
  "'; touch pwned; '",
  '"; touch pwned; "',
  "${HOME}",
  "{config}",
  "awk '{print}' {config}",
  "a: b\ninjected_key: 1",
  "injected_key = 1",
  "- [x]\n- {y: 1}",
  "--- !!python/object/apply:os.system ['touch pwned']",
  "\nimport os; os.system('touch pwned')",
  "\u001b[31mred\u001b[0m",
  "\u0000nul",
  "\r\ncarriage",
  "\u202eevil\u200b",
  "日本語のテキスト",
  "🙂".repeat(50),
  " ".repeat(3000),
  "a".repeat(70000),
  "1" + "0".repeat(300) + "xh100",
  "1e400",
  "-1",
  "NaN",
  "Infinity",
  "0x10",
  "1e308",
  "1.3B",
  "627B tokens",
  "14d",
  "$2.49/h",
  "256xH100",
  "2048:0.75,8192:0.25",
  "0.15:code",
  "web:0.7,code:0.3",
  "btlm-3b-8k",
  "cosine",
  "h100",
];

export const HOSTILE_NUMBERS: readonly number[] = [0, -1, 1, 0.5, 7, 64, 1e9, 1e15, 1e18, 1e300, -1e300, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 1e-300, 5e-324];

export const PLAN_KEYS = [
  "preset", "compute", "params", "tokens", "tpp", "uniqueTokens", "gpu", "gpus", "days", "mfu", "price", "precision", "seqLen", "batchSeqs",
  "microBatch", "weightDecay", "lossLaw", "parameterization", "muBase", "schedule", "warmupFraction", "minLrRatio", "decayFraction",
  "decayShape", "zeroStage", "recompute", "dataSources", "mix", "capEpochs", "upsampleFinal", "contextStages", "targetContext", "fittedLaws",
  "width", "layers", "aspectRatio", "__proto__", "constructor", "junk",
] as const;

export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
);

/** A plan request: known keys (and a few that are not) with hostile values. */
export const hostileRequest = fc.dictionary(fc.constantFrom(...PLAN_KEYS), hostileValue, { maxKeys: 6 });

/** A plausible request with one or two values replaced: reaches deeper into the planner. */
export const nearValidRequest = fc
  .record({
    base: fc.constantFrom<Record<string, unknown>>(
      { params: "125M", tpp: 20, gpus: 8 },
      { preset: "btlm-3b-8k", gpus: 64 },
      { compute: "3e21", gpu: "h100", gpus: 64 },
      { params: "1.3B", tpp: 20, gpus: 64, dataSources: "slimpajama-627b", upsampleFinal: "0.15:code" },
      { params: "350M", tokens: "20B", schedule: "wsd", gpus: 16 },
    ),
    key: fc.constantFrom(...PLAN_KEYS),
    value: hostileValue,
  })
  .map(({ base, key, value }) => ({ ...base, [key]: value }));

/** Text that is not JSON, or JSON nested too deep. */
export const rawBody = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constantFrom("", "{", "[1,", '{"params":', "null", "1", '"x"', "[]"),
  fc.integer({ min: 30, max: 6000 }).map((d) => `${"[".repeat(d)}${"]".repeat(d)}`),
  fc.integer({ min: 30, max: 6000 }).map((d) => `${'{"a":'.repeat(d)}1${"}".repeat(d)}`),
);

/** Every leaf path of a JSON value (for mutating real plans). */
export function leafPaths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v !== null && typeof v === "object") {
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.push(prefix);
    for (const [k, x] of entries) leafPaths(x, [...prefix, k], out);
  } else out.push(prefix);
  return out;
}

/** A deep copy of `doc` with the value at each of `paths` replaced (or deleted, for undefined). */
export function mutate(doc: unknown, edits: { path: (string | number)[]; value: unknown }[]): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  for (const { path, value } of edits) {
    let o: Record<string | number, unknown> = copy;
    for (const k of path.slice(0, -1)) {
      const next = o[k];
      if (next === null || typeof next !== "object") break;
      o = next as Record<string | number, unknown>;
    }
    const last = path[path.length - 1];
    if (last === undefined) continue;
    if (value === undefined) delete o[last];
    else o[last] = value;
  }
  return copy;
}

/** CSV text for a fit: real column names, hostile cells, odd rows; ≤ 5 data rows so no fit actually runs long. */
export const hostileCsv = fc
  .record({
    header: fc.array(fc.oneof(fc.constantFrom("N", "D", "C", "loss", "L", "Model Size", "Training FLOP", "tokens", "N", "x y"), hostileString), { minLength: 0, maxLength: 5 }),
    rows: fc.array(fc.array(fc.oneof(fc.constantFrom("1e9", "2e10", "3.1", "", "0x10", "1e308", "NaN", "-1", '"a,b"', '"multi\nline"'), hostileString), { maxLength: 6 }), { maxLength: 5 }),
    sep: fc.constantFrom(",", "\t", ";"),
    eol: fc.constantFrom("\n", "\r\n", "\r"),
  })
  .map(({ header, rows, sep, eol }) => [header.join(sep), ...rows.map((r) => r.join(sep))].join(eol));
