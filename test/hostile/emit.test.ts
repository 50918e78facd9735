// Hostile input through every emitter and every sweep scheduler (issue 10, "Injection into generated
// files"). Each hostile string of test/hostile/corpus.ts goes into a plan's title, a data-source name
// and a mixture weight key; each emitter's output is then
//   - parsed as its trainer reads it (yaml and YAML 1.1 and PyYAML; smol-toml and tomllib; JSON;
//     nanoGPT's config checked to be only `name = literal` and exec'd) and compared with the output
//     for a placeholder string: the same structure with the string in place, nothing added;
//   - run, for the shell scripts, with stand-in torchrun/python/srun/sky/ray/... on PATH that only log
//     their arguments: the user's text reaches them as literal arguments;
// and no marker file (every hostile string that could run something runs `touch MARKER`) ever appears.
// The same plans go through `lmplan emit --plan` (in process) and emitPlan (the API path); numeric and
// enumerated fields given hostile values are refused by the Plan schema.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { EMITTERS, emitPlan, findEmitter, parsePlan } from "../../src/emit/index.js";
import type { SweepRun } from "../../src/emit/sweep/grid.js";
import { renderSweep, TRAINER_COMMANDS, type Scheduler } from "../../src/emit/sweep/render.js";
import { formatIssue } from "../../src/errors.js";
import { planSafe } from "../../src/plan/plan.js";
import type { Plan } from "../../src/plan/types.js";
import { hostileChoices, hostileCounts, hostileReals, hostileStrings, ILL_FORMED_STRINGS } from "./corpus.js";
import { deepReplace, inspectWithPython, plain, PYTHON, RAW_CONTROL, runAll, sandbox, standInCalls, type PyJob, type PyResult } from "./harness.js";

const sb = sandbox();
/** The launch script's "before you launch" variables (checkpoints, tokenizer), set as a user would. */
const LAUNCH_ENV = { CHECKPOINT_DIR: "/ckpt", VOCAB_FILE: "/tok/vocab.json", MERGE_FILE: "/tok/merges.txt", TOKENIZER_MODEL: "/tok" };
const CORPUS = hostileStrings(sb.marker);
const PH = "lmplanPlaceholderText";

function planOf(req: Record<string, unknown>): Plan {
  const r = planSafe(req);
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join("; "));
  return JSON.parse(JSON.stringify(r.value)) as Plan;
}
type Site = "title" | "source name" | "weight key";
const SITES: Site[] = ["title", "source name", "weight key"];

/** The plans the strings go into, and where: the second adds context stages, ALiBi and μP keys, not new text fields. */
const BASES: [string, Plan, Site[]][] = [
  ["125M, SlimPajama, end-of-training upsampling", planOf({ params: "125M", tpp: 20, gpus: 8, dataSources: "slimpajama-627b", upsampleFinal: "0.15:code" }), SITES],
  ["BTLM-3B-8K preset (2 context stages)", planOf({ preset: "btlm-3b-8k", gpus: 64 }), ["title", "source name"]],
];

/** A copy of `obj` with key `from` renamed `to`, in place in the key order ("__proto__" included, as an own key). */
function renameKey(obj: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) Object.defineProperty(out, k === from ? to : k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** The plan with `s` as its title, the name of its "github" source, and/or the "arxiv" key of its mixture weights. */
function inject(p: Plan, sites: Site[], s: string): Plan {
  const q = JSON.parse(JSON.stringify(p)) as Plan;
  if (sites.includes("title")) q.title = s;
  if (q.data && sites.includes("source name")) {
    for (const src of q.data.sources) if (src.name === "github") src.name = s;
    for (const ph of q.data.phases) ph.weights = renameKey(ph.weights, "github", s) as Record<string, number>;
  }
  if (q.data && sites.includes("weight key")) for (const ph of q.data.phases) ph.weights = renameKey(ph.weights, "arxiv", s) as Record<string, number>;
  return q;
}

type Kind = "shell" | "yaml" | "toml" | "json" | "python";
const KIND: Record<string, Kind> = { megatron: "shell", "megatron-yaml": "yaml", torchtitan: "toml", hf: "json", nanogpt: "python", litgpt: "yaml", cerebras: "yaml", llmfoundry: "yaml", nanotron: "yaml" };

/** Parse as lmplan's own readers do; YAML must read the same under YAML 1.1 (the trainers' PyYAML is 1.1). */
function parseOutput(kind: Kind, text: string): unknown {
  if (kind === "yaml") {
    const v12 = plain(parseYaml(text));
    const v11 = plain(parseYaml(text, { version: "1.1" }));
    expect(v11).toEqual(v12);
    return v12;
  }
  if (kind === "toml") return plain(parseToml(text));
  if (kind === "json") return JSON.parse(text);
  return undefined;
}

interface Output {
  caseId: string;
  format: string;
  kind: Kind;
  dir: string;
  file: string;
  text: string;
  s: string;
  placeholder: Output | undefined;
  parsed?: unknown;
  py?: PyResult;
  dataPathWords?: PyResult;
}

const outputs: Output[] = [];
const failures: string[] = [];
const fail = (o: Output, what: string) => failures.push(`${o.format} ${o.caseId}: ${what}`);

beforeAll(() => {
  let n = 0;
  const emitAll = (caseId: string, plan: Plan, s: string, placeholders?: Map<string, Output>) => {
    const dir = join(sb.root, "emit", String(n++));
    mkdirSync(dir, { recursive: true });
    for (const e of EMITTERS) {
      const r = e.emit(plan);
      const file = join(dir, r.fileName);
      writeFileSync(file, r.text);
      const o: Output = { caseId, format: e.id, kind: KIND[e.id] as Kind, dir, file, text: r.text, s, placeholder: placeholders?.get(e.id) };
      outputs.push(o);
    }
    return outputs.slice(-EMITTERS.length);
  };
  for (const [baseName, base, sites] of BASES) {
    for (const site of sites) {
      const ph = new Map(emitAll(`${baseName} / ${site} = placeholder`, inject(base, [site], PH), PH).map((o) => [o.format, o]));
      for (const h of CORPUS) emitAll(`${baseName} / ${site} = ${JSON.stringify(h.value).slice(0, 60)} (${h.why})`, inject(base, [site], h.value), h.value, ph);
    }
  }
  // parse in TypeScript
  for (const o of outputs) {
    try {
      o.parsed = parseOutput(o.kind, o.text);
    } catch (e) {
      fail(o, `does not parse: ${(e as Error).message.slice(0, 200)}`);
    }
  }
  // read with Python as the trainers do (one process for all files)
  const jobs: PyJob[] = [];
  const slots: [Output, "py" | "dataPathWords"][] = [];
  for (const o of outputs) {
    const kind = o.kind === "yaml" ? "yaml" : o.kind === "toml" ? "toml" : o.kind === "python" ? "pyconfig" : undefined;
    if (kind) {
      jobs.push({ kind, file: o.file });
      slots.push([o, "py"]);
    }
  }
  const results = inspectWithPython(jobs);
  if (results) for (const [i, [o, slot]] of slots.entries()) o[slot] = results[i];
  // run every Megatron train.sh with a stand-in torchrun
  const runs = outputs.filter((o) => o.format === "megatron").map((o) => ({ id: o.caseId, dir: o.dir, script: "train.sh", env: { ...LAUNCH_ENV, DATA_DIR: "/data", DATA_PATH: "/data/prefix", LMPLAN_STANDIN_LOG: join(o.dir, "calls.log") } }));
  for (const bad of runAll(runs, sb)) failures.push(`megatron ${bad}: train.sh failed`);
}, 120_000);

afterAll(() => {
  expect(existsSync(sb.marker), "a hostile string ran a command").toBe(false);
});

describe(`${CORPUS.length} hostile strings × ${BASES.map(([, , s]) => s.length).join(" + ")} places in ${BASES.length} plans through every emitter`, () => {
  it("every output parses to the placeholder's structure with the string in its place, and nothing else", () => {
    for (const o of outputs) {
      if (!o.placeholder || o.parsed === undefined) continue;
      const expected = deepReplace(o.placeholder.parsed, PH, o.s) as Record<string, unknown>;
      const got = o.parsed as Record<string, unknown>;
      if (o.format === "megatron-yaml") {
        // --data-path is "[w1 w2 …]" for Megatron's functional-test launcher (envsubst, xargs, eval): a name
        // it would change is refused there, and the blend is left to ${DATA_BLEND}; each run's map compared apart
        const strip = (x: Record<string, unknown>) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, { ...(v as object), "--data-path": "" }]));
        if (JSON.stringify(strip(got)) !== JSON.stringify(strip(expected))) fail(o, "structure differs from the placeholder's");
        const words = (doc: Record<string, unknown>) => Object.values(doc).map((m) => String((m as Record<string, unknown>)["--data-path"]).replace(/^\[|\]$/g, "").split(" "));
        const launcherSafe = /^[A-Za-z0-9_@%+=:,./-]+$/.test(o.s) || !o.caseId.includes("/ source name") && !o.caseId.includes("/ weight key");
        const want = launcherSafe ? JSON.stringify(deepReplace(words(o.placeholder.parsed as Record<string, unknown>), PH, o.s)) : JSON.stringify(Object.keys(got).map(() => ["${DATA_BLEND}"]));
        if (JSON.stringify(words(got)) !== want) fail(o, `--data-path words ${JSON.stringify(words(got)).slice(0, 200)}`);
        continue;
      }
      if (JSON.stringify(got) !== JSON.stringify(expected)) fail(o, `structure differs from the placeholder's: ${JSON.stringify(got).slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
  });

  it("no YAML, TOML, JSON or Python output holds a raw control, line-separator or bidi character; no comment line does either", () => {
    for (const o of outputs) {
      if (o.kind !== "shell" && RAW_CONTROL.test(o.text)) fail(o, `raw ${JSON.stringify(RAW_CONTROL.exec(o.text)?.[0])}`);
      // a comment line lmplan wrote (the header lines) is one line of plain text
      for (const line of o.text.split("\n").slice(0, 4)) if (line.startsWith("#") && /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(line)) fail(o, `comment ${JSON.stringify(line).slice(0, 100)}`);
    }
    expect(failures).toEqual([]);
  });

  it.skipIf(!PYTHON)("PyYAML and tomllib read the same values as lmplan's readers; nanoGPT's config is only literal assignments and execs to the placeholder's values", () => {
    for (const o of outputs) {
      if (!o.py || o.py.skipped) continue;
      if (o.py.error) {
        fail(o, `Python: ${o.py.error}`);
        continue;
      }
      if (o.kind === "python") {
        if (o.placeholder?.py && JSON.stringify(o.py.value) !== JSON.stringify(o.placeholder.py.value)) fail(o, "exec'd values differ from the placeholder's");
      } else if (JSON.stringify(plain(o.py.value)) !== JSON.stringify(o.parsed)) fail(o, `Python reads ${JSON.stringify(o.py.value).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  it("Megatron's train.sh runs, and the stand-in torchrun gets the user's text as literal arguments", () => {
    for (const o of outputs.filter((x) => x.format === "megatron")) {
      const calls = standInCalls(join(o.dir, "calls.log"));
      if (calls.length !== 1 || calls[0]?.[0] !== "torchrun") {
        fail(o, `torchrun calls: ${JSON.stringify(calls).slice(0, 200)}`);
        continue;
      }
      if (!o.placeholder || o.s.includes("\u0000")) continue; // argv cannot carry NUL: bash drops it (and runs nothing)
      const expected = deepReplace(standInCalls(join(o.placeholder.dir, "calls.log"))[0], PH, o.s);
      if (JSON.stringify(calls[0]) !== JSON.stringify(expected)) fail(o, `torchrun got ${JSON.stringify(calls[0]).slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
  });

  it("no marker file appears, and nothing named pwned in any output directory", () => {
    expect(existsSync(sb.marker)).toBe(false);
    for (const o of outputs) expect(readdirSync(o.dir).filter((f) => f.includes("pwned"))).toEqual([]);
  });
});

describe("every sweep scheduler, every trainer: one run per hostile string", () => {
  const SCHEDULERS: Scheduler[] = ["slurm", "skypilot", "ray"];
  // the whole corpus for a trainer of each kind (a shell script inside the scheduler's shell, TOML,
  // Python); every fourth string, and the heredoc delimiter, for the others (YAML among them)
  const FULL = new Set(["megatron", "torchtitan", "nanogpt"]);
  const SUBSET = CORPUS.filter((h, i) => i % 4 === 0 || h.value.includes("LMPLAN_CONFIG_EOF"));
  const base = BASES[0]?.[1] as Plan;
  const sweeps: { trainer: string; scheduler: Scheduler; dir: string; runs: SweepRun[]; text: string }[] = [];
  const problems: string[] = [];
  beforeAll(() => {
    const commands: Parameters<typeof runAll>[0] = [];
    for (const e of EMITTERS) {
      const runs: SweepRun[] = (FULL.has(e.id) ? CORPUS : SUBSET).map((h, i) => {
        const plan = inject(base, SITES, h.value);
        return { id: i, point: { lr: 1e-3 }, plan, config: e.emit(plan) };
      });
      for (const scheduler of SCHEDULERS) {
        const dir = join(sb.root, "sweep", `${e.id}-${scheduler}`);
        mkdirSync(dir, { recursive: true });
        const command = e.id === "megatron" ? (TRAINER_COMMANDS.megatron as string) : "torchrun --nproc_per_node=$GPUS train.py {config}";
        const text = renderSweep(runs, { scheduler, trainer: e.id, command, gpusPerRun: 8, gpuName: "h100", title: (CORPUS[0] as { value: string }).value });
        sweeps.push({ trainer: e.id, scheduler, dir, runs, text });
        const env = { ...LAUNCH_ENV, DATA_DIR: "/data", LMPLAN_STANDIN_LOG: join(dir, "calls.log") };
        if (scheduler === "slurm") {
          writeFileSync(join(dir, "sweep.sbatch"), text);
          for (const r of runs) commands.push({ id: `${e.id} slurm run ${r.id}`, dir, script: "sweep.sbatch", env: { ...env, SLURM_ARRAY_TASK_ID: String(r.id) } });
        } else if (scheduler === "skypilot") {
          writeFileSync(join(dir, "sweep.yaml"), text);
          const task = parseYaml(text) as { run: string };
          expect(plain(parseYaml(text, { version: "1.1" }))).toEqual(plain(task));
          writeFileSync(join(dir, "run.sh"), task.run);
          for (const r of runs) commands.push({ id: `${e.id} skypilot run ${r.id}`, dir, script: "run.sh", env: { ...env, RUN_ID: String(r.id) } });
        } else {
          writeFileSync(join(dir, "sweep.py"), text);
          if (PYTHON) commands.push({ id: `${e.id} ray`, dir, script: "sweep.py", env, runner: PYTHON });
        }
      }
    }
    problems.push(...runAll(commands, sb).map((x) => `failed: ${x}`));
    const jobs: PyJob[] = sweeps.flatMap((s): PyJob[] => (s.scheduler === "skypilot" ? [{ kind: "yaml" as const, file: join(s.dir, "sweep.yaml") }] : s.scheduler === "ray" ? [{ kind: "pysyntax" as const, file: join(s.dir, "sweep.py") }] : []));
    const results = inspectWithPython(jobs);
    const withPy = sweeps.filter((s) => s.scheduler !== "slurm");
    if (results) for (const [i, r] of results.entries()) if (r.error) problems.push(`${withPy[i]?.trainer} ${withPy[i]?.scheduler}: Python: ${r.error}`);
  }, 120_000);

  it("every run writes exactly its config and launches the trainer on it; no marker appears", () => {
    for (const s of sweeps) {
      if (s.scheduler === "ray" && !PYTHON) continue;
      for (const r of s.runs) {
        const ext = r.config.fileName.slice(r.config.fileName.lastIndexOf("."));
        const file = join(s.dir, "sweep_configs", `run_${String(r.id).padStart(3, "0")}${ext}`);
        const want = s.scheduler === "ray" ? r.config.text : `${r.config.text.trimEnd()}\n`;
        if (!existsSync(file)) problems.push(`${s.trainer} ${s.scheduler} run ${r.id}: no config written`);
        else if (readFileSync(file, "utf8") !== want.replace(/\u0000/g, s.scheduler === "ray" ? "\u0000" : "")) problems.push(`${s.trainer} ${s.scheduler} run ${r.id}: config differs`);
      }
      const calls = standInCalls(join(s.dir, "calls.log")).filter((c) => c[0] === "torchrun");
      if (calls.length !== s.runs.length) problems.push(`${s.trainer} ${s.scheduler}: ${calls.length} torchrun calls for ${s.runs.length} runs`);
      if (s.trainer !== "megatron") {
        const configs = calls.map((c) => c[c.length - 1]);
        const want = s.runs.map((r) => `sweep_configs/run_${String(r.id).padStart(3, "0")}${r.config.fileName.slice(r.config.fileName.lastIndexOf("."))}`);
        if (JSON.stringify(configs.sort()) !== JSON.stringify(want.sort())) problems.push(`${s.trainer} ${s.scheduler}: torchrun got ${JSON.stringify(configs.slice(0, 3))}`);
      }
      if (s.scheduler !== "slurm" && RAW_CONTROL.test(s.text)) problems.push(`${s.trainer} ${s.scheduler}: a raw control character`);
    }
    expect(problems).toEqual([]);
    expect(existsSync(sb.marker)).toBe(false);
  });
});

describe("through `lmplan emit --plan` (in process) and emitPlan (the API path)", () => {
  async function cli(args: string[]) {
    let out = "";
    let err = "";
    const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), readStdin: () => "" });
    return { code, out, err };
  }
  // names are identifiers: control characters in one are refused; the title takes any well-formed text
  const nameOk = (s: string) => s !== "" && !/\p{Cc}/u.test(s) && s !== "__proto__";

  it("each hostile plan file is written as the emitter writes it, or refused with the field named; stderr carries no control characters", async () => {
    const problems: string[] = [];
    const dir = join(sb.root, "cli");
    mkdirSync(dir, { recursive: true });
    let k = 0;
    for (const [baseName, base] of BASES) {
      for (const h of CORPUS) {
        // the first plan with the string in its title alone and everywhere; the second everywhere
        for (const sites of (baseName === BASES[0]?.[0] ? [["title"], SITES] : [SITES]) as Site[][]) {
          const plan = inject(base, sites, h.value);
          const file = join(dir, `plan-${k++}.json`);
          writeFileSync(file, JSON.stringify(plan));
          const accepted = sites.length === 1 || nameOk(h.value);
          // every format for the first plan; for the second, one of each kind (shell, Python, TOML, YAML)
          const formats = baseName !== BASES[0]?.[0] ? ["megatron", "nanogpt", "torchtitan", "llmfoundry"] : EMITTERS.map((e) => e.id);
          for (const format of formats) {
            const r = await cli(["emit", "--format", format, "--plan", file]);
            const where = `${format} ${baseName} ${sites.join("+")} ${JSON.stringify(h.value).slice(0, 40)}`;
            if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(r.err)) problems.push(`${where}: control character on stderr`);
            if (!accepted) {
              if (r.code !== 2 || !/^lmplan: plan\.data\./.test(r.err)) problems.push(`${where}: expected a refusal naming plan.data, got ${r.code} ${r.err.slice(0, 120)}`);
              continue;
            }
            const direct = findEmitter(format)?.emit(plan).text;
            if (r.code !== 0 || r.out !== direct) problems.push(`${where}: exit ${r.code}, ${r.err.slice(0, 160)}`);
            const api = emitPlan({ format, plan });
            if (!api.ok || api.value.text !== direct || !isDeepStrictEqual(plain(api.value.warnings), plain(plan.warnings))) problems.push(`${where}: emitPlan differs`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it("text that is not well-formed Unicode is refused, with the field named", () => {
    for (const h of ILL_FORMED_STRINGS) {
      const r = parsePlan(inject(BASES[0]?.[1] as Plan, ["title"], h.value));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(formatIssue(r.issues[0] as never)).toMatch(/^plan\.title: expected well-formed/);
    }
  });

  const FIELDS: { path: string[]; values: unknown[] }[] = [
    ...["numLayers", "dModel", "numHeads", "dFf", "vocabSize", "seqLen"].map((k) => ({ path: ["model", "spec", k], values: hostileCounts(sb.marker) })),
    ...["microBatchSeqs", "gradAccumSteps", "globalBatchSeqs", "dataParallel", "steps", "seqLen", "tokensTrained"].map((k) => ({ path: ["batch", k, "value"], values: hostileCounts(sb.marker) })),
    { path: ["schedule", "spec", "totalSteps"], values: hostileCounts(sb.marker) },
    { path: ["schedule", "spec", "warmupSteps"], values: hostileCounts(sb.marker).filter((v) => v !== 0) },
    { path: ["hardware", "numGpus", "value"], values: hostileCounts(sb.marker) },
    { path: ["optimizer", "hiddenLr", "value"], values: hostileReals(sb.marker) },
    { path: ["optimizer", "eps", "value"], values: hostileReals(sb.marker) },
    { path: ["schedule", "spec", "peakLr"], values: hostileReals(sb.marker) },
    { path: ["schedule", "spec", "minLrRatio"], values: [...hostileReals(sb.marker), 2] },
    { path: ["optimizer", "parameterization", "embedding", "initStd"], values: hostileReals(sb.marker) },
    { path: ["data", "phases", "0", "weights", "c4"], values: [...hostileReals(sb.marker), 2] },
    ...["ffnType", "position", "norm"].map((k) => ({ path: ["model", "spec", k], values: hostileChoices(sb.marker) })),
    ...[["schedule", "spec", "kind"], ["memory", "recompute"], ["hardware", "gpu"], ["optimizer", "parameterization", "kind"], ["memory", "zeroStage"]].map((path) => ({ path, values: hostileChoices(sb.marker).filter((v) => v !== 1) })),
    { path: ["model", "spec", "tiedEmbeddings"], values: ["true", 1, null, `$(touch ${sb.marker})`] },
  ];

  it(`hostile values in ${FIELDS.length} numeric and enumerated fields are refused by the schema, naming the field`, () => {
    const problems: string[] = [];
    const base = BASES[0]?.[1] as Plan;
    for (const { path, values } of FIELDS) {
      for (const v of values) {
        const p = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
        let o = p as Record<string, unknown>;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
        o[path[path.length - 1] as string] = v;
        const r = emitPlan({ format: "megatron", plan: p });
        const named = !r.ok && r.issues.some((i) => i.path.slice(1, path.length + 1).join(".") === path.join(".") || i.path.slice(1).join(".") === path.slice(0, -1).join("."));
        if (r.ok || !named) problems.push(`${path.join(".")} = ${String(v)}: ${r.ok ? "accepted" : r.issues.map(formatIssue).join("; ")}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("issue 10 regressions: injection into generated files", () => {
  const base = BASES[0]?.[1] as Plan;
  const t = `touch ${sb.marker}`;
  const runMegatron = (plan: Plan, name: string) => {
    const dir = join(sb.root, "regress", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "train.sh"), findEmitter("megatron")?.emit(plan).text ?? "");
    const bad = runAll([{ id: name, dir, script: "train.sh", env: { ...LAUNCH_ENV, DATA_DIR: "/data", LMPLAN_STANDIN_LOG: join(dir, "calls.log") } }], sb);
    return { bad, calls: standInCalls(join(dir, "calls.log")) };
  };

  it("a title with a newline cannot add a command line to Megatron's train.sh", () => {
    const plan = inject(base, ["title"], `x\n${t}\n#`);
    const text = findEmitter("megatron")?.emit(plan).text ?? "";
    expect(text.split("\n")[1]).toBe(`# lmplan emit --format megatron: x ${t} #`);
    const { bad, calls } = runMegatron(plan, "title-newline");
    expect(bad).toEqual([]);
    expect(calls.map((c) => c[0])).toEqual(["torchrun"]);
    expect(existsSync(sb.marker)).toBe(false);
  });

  it("a data-source name or a weight key with $(…) or backticks cannot execute inside --data-path", () => {
    for (const [i, s] of [`$(${t})`, `\`${t}\``].entries()) {
      const { bad, calls } = runMegatron(inject(base, ["source name", "weight key"], s), `data-path-${i}`);
      expect(bad).toEqual([]);
      const args = calls[0] ?? [];
      expect(args).toContain(`/data/${s}_text_document`);
      expect(existsSync(sb.marker)).toBe(false);
    }
  });

  it("model.spec.numLayers = \"12 $(touch …)\" is refused before it can reach MODEL_ARGS", async () => {
    const plan = JSON.parse(JSON.stringify(base)) as Plan;
    (plan.model.spec as unknown as Record<string, unknown>).numLayers = `12 $(${t})`;
    const file = join(sb.root, "numlayers.json");
    writeFileSync(file, JSON.stringify(plan));
    let err = "";
    const code = await main(["emit", "--format", "megatron", "--plan", file], { out: () => undefined, err: (s) => (err += s), readStdin: () => "" });
    expect(code).toBe(2);
    expect(err).toMatch(/^lmplan: plan\.model\.spec\.numLayers: expected a whole number ≥ 1 and ≤ 1e6 \(transformer blocks\), received "12 \$\(touch .*\)"\n$/);
    const api = emitPlan({ format: "megatron", plan });
    expect(api.ok).toBe(false);
  });

  it.skipIf(!PYTHON)("a title with \\nimport os; os.system(...) cannot execute when nanoGPT's config is exec'd", () => {
    const dir = join(sb.root, "regress", "nanogpt");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "config.py");
    writeFileSync(file, findEmitter("nanogpt")?.emit(inject(base, ["title"], `\nimport os; os.system("${t}")`)).text ?? "");
    const [r] = inspectWithPython([{ kind: "pyconfig", file }]) ?? [];
    expect(r?.error).toBeUndefined();
    expect(Object.keys(r?.value as object)).toContain("learning_rate");
    expect(existsSync(sb.marker)).toBe(false);
  });

  it("a title with \\ninjected_key: 1 adds no key to the LitGPT, Cerebras, llm-foundry, nanotron and Megatron YAML, nor injected_key = 1 to TorchTitan's TOML", () => {
    const clean = Object.fromEntries(EMITTERS.map((e) => [e.id, e.emit(base).text]));
    for (const s of ["x\ninjected_key: 1", "x\ninjected_key = 1", "x\u2028injected_key: 1", "x\u0085injected_key: 1"]) {
      const plan = inject(base, ["title"], s);
      for (const id of ["litgpt", "cerebras", "llmfoundry", "nanotron", "megatron-yaml"]) {
        const doc = parseYaml(findEmitter(id)?.emit(plan).text ?? "") as Record<string, unknown>;
        expect(Object.keys(doc), id).toEqual(Object.keys(parseYaml(clean[id] as string) as object));
        expect(doc).not.toHaveProperty("injected_key");
      }
      const toml = parseToml(findEmitter("torchtitan")?.emit(plan).text ?? "") as Record<string, Record<string, unknown>>;
      expect(Object.keys(toml)).toEqual(Object.keys(parseToml(clean.torchtitan as string)));
      expect(toml.job?.description).toBe(`lmplan: ${s}`);
    }
  });
});
