/**
 * What the hostile-input tests share: stand-in trainer and scheduler binaries that only log their
 * arguments, a stand-in `ray` module, one Python process that reads every generated file as the
 * trainers do (test/hostile/inspect.py), and small helpers.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The binaries a generated script may call; each stand-in appends its name and arguments (NUL-separated) to $LMPLAN_STANDIN_LOG and exits 0. */
export const STAND_INS = ["torchrun", "python", "python3", "srun", "sbatch", "sky", "ray", "litgpt", "cszoo", "composer"];

export interface Sandbox {
  root: string;
  /** Where every hostile string's `touch` points: it must never exist. */
  marker: string;
  bin: string;
  /** PYTHONPATH holding the stand-in `ray`. */
  pyPath: string;
  /** PATH with the stand-ins first. */
  env: (extra?: Record<string, string>) => NodeJS.ProcessEnv;
}

export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "lmplan-hostile-"));
  const bin = join(root, "bin");
  const pyPath = join(root, "py");
  mkdirSync(bin);
  mkdirSync(join(pyPath, "ray"), { recursive: true });
  for (const name of STAND_INS) {
    const f = join(bin, name);
    writeFileSync(f, `#!/bin/sh\nprintf '%s\\0' "${name}" "$@" >> "\${LMPLAN_STANDIN_LOG:-/dev/null}"\nprintf '\\n\\0' >> "\${LMPLAN_STANDIN_LOG:-/dev/null}"\nexit 0\n`);
    chmodSync(f, 0o755);
  }
  // ray.remote(num_gpus=…)(f).remote(x) runs f(x) here and now; ray.get returns what it is given
  writeFileSync(
    join(pyPath, "ray", "__init__.py"),
    "def init(*a, **k):\n    pass\n\ndef get(x):\n    return x\n\ndef remote(*args, **kwargs):\n    def wrap(f):\n        class Remote:\n            def remote(self, *a, **k):\n                return f(*a, **k)\n        return Remote()\n    if args and callable(args[0]) and not kwargs:\n        return wrap(args[0])\n    return wrap\n",
  );
  const marker = join(root, "pwned");
  return { root, marker, bin, pyPath, env: (extra = {}) => ({ ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, PYTHONPATH: pyPath, ...extra }) };
}

/** The stand-ins' calls recorded in a log: [[name, ...args], …]. */
export function standInCalls(log: string): string[][] {
  let text: string;
  try {
    text = readFileSync(log, "utf8");
  } catch {
    return [];
  }
  const calls: string[][] = [];
  let cur: string[] = [];
  for (const field of text.split("\0")) {
    if (field === "\n") {
      calls.push(cur);
      cur = [];
    } else if (field !== "") cur.push(field);
  }
  return calls;
}

/** A Python 3 to read and run the generated Python with (/usr/bin/python3 first), or undefined: those checks are skipped. */
export const PYTHON: string | undefined = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import ast, json, shlex"], { stdio: "ignore" }).status === 0);

export type PyJob = { kind: "yaml" | "toml" | "pyconfig" | "pysyntax"; file: string } | { kind: "shlex"; text: string };
export type PyResult = { value?: unknown; skipped?: string; error?: string };

/** Run every job in one Python process (see inspect.py); undefined without Python. */
export function inspectWithPython(jobs: PyJob[]): PyResult[] | undefined {
  if (!PYTHON) return undefined;
  const r = spawnSync(PYTHON, [new URL("./inspect.py", import.meta.url).pathname], { input: JSON.stringify(jobs), encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`inspect.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PyResult[];
}

/** Run many shell commands from one bash driver (one process start for all); the ids of those that failed, with their exit code. */
export function runAll(commands: { id: string; dir: string; script: string; env: Record<string, string>; runner?: string }[], sb: Sandbox): string[] {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const lines = commands.map((c) => `(cd ${q(c.dir)} && env ${Object.entries(c.env).map(([k, v]) => q(`${k}=${v}`)).join(" ")} ${c.runner ?? "bash"} ${q(c.script)}) >/dev/null 2>${q(join(c.dir, "stderr.txt"))} || echo ${q(c.id)} $?`);
  const driver = join(sb.root, `driver-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(driver, `${lines.join("\n")}\n`);
  const r = spawnSync("bash", [driver], { env: sb.env(), encoding: "utf8", maxBuffer: 1 << 28 });
  return r.stdout.split("\n").filter((l) => l !== "");
}

/** Every key and string of `value` with `from` replaced by `to` (the placeholder plan's output made into the expected one). */
export function deepReplace(value: unknown, from: string, to: string): unknown {
  const s = (x: string) => x.split(from).join(to);
  if (typeof value === "string") return s(value);
  if (Array.isArray(value)) return value.map((v) => deepReplace(v, from, to));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, s(k), { value: deepReplace(v, from, to), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Plain JSON data (no prototypes, no undefined), for comparing parsers' results. */
export const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null));

/** Characters no YAML, TOML, JSON or Python file lmplan writes may hold raw (controls other than tab and LF, DEL, C1, NEL/LS/PS, bidi controls, BOM). */
export const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
