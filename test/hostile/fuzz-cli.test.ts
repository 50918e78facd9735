// Property test (issue 10): ≥ 5,000 random argument vectors to every command, in-process. Every run
// exits 0 or 2 — never 1 (internal error) — and prints no stack trace. Files the commands read are
// fixtures in a temporary directory; everything they may write goes there too.
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { plan } from "../../src/plan/plan.js";
import { fieldMeta, planFields } from "../../src/plan/request.js";
import { hostileString, HOSTILE_STRINGS } from "./bodies.js";

const RUNS = Number(process.env.LMPLAN_FUZZ_CLI_RUNS ?? 5000);
const dir = mkdtempSync(join(tmpdir(), "lmplan-fuzz-cli-"));
// Any random word can land as the value of --out, --plot or --manifest: run in the temporary directory so
// whatever a command writes stays there (vitest's forks pool gives each file its own process).
const home = process.cwd();
beforeAll(() => process.chdir(dir));
afterAll(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

// Fixtures: readable files of each kind (small, so a run that reaches a fitter stays short), a directory, a missing path
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
mkdirSync(join(dir, "adir"));
const chinchilla = readFileSync(new URL("../../data/chinchilla_svg_extracted_data.csv", import.meta.url), "utf8");
const INPUTS = [
  file("loss.csv", chinchilla.split("\n").slice(0, 9).join("\n")),
  file("few.csv", "N,D,loss\n1e8,2e9,3.5\n2e8,4e9,3.2\n"),
  file("bad.csv", 'N,D,loss\n0x10,1e308,NaN\n,,\n"multi\nline",1,2\n1,2,3,4\n'),
  file("dup.csv", "N,N,D,loss\n1,2,3,4\n"),
  file("curve.csv", "step,lr,loss\n1,1e-4,5\n2,2e-4,4.5\n3,3e-4,4.2\n4,3e-4,4.0\n"),
  file("long-curve.csv", "step,lr,loss\n1,1e-4,5\n300000000,1e-4,3\n"),
  file("lrbs.csv", "N,D,lr,bs,loss\n1e8,2e9,1e-3,256,3.1\n1e8,2e9,2e-3,256,3.0\n"),
  file("state.json", '{"log_history":[{"step":1,"loss":NaN,"learning_rate":1e-4},{"step":2,"loss":3.1,"learning_rate":2e-4}]}'),
  file("plan.json", JSON.stringify(plan({ params: "125M", tpp: 20, gpus: 8 }))),
  file("hostile-plan.json", JSON.stringify({ ...plan({ params: "125M", tpp: 20, gpus: 8 }), title: "x\ntouch pwned\n#" })),
  file("req.json", JSON.stringify({ params: "1.3B", tpp: 20 })),
  file("deep.json", `${"[".repeat(5000)}${"]".repeat(5000)}`),
  file("fitted.json", JSON.stringify({ lmplanFitVersion: 1, laws: { loss: { form: "chinchilla", params: { A: 400, B: 2000, E: 1.8, alpha: 0.34, beta: 0.37 } } } })),
  file("sources.csv", "name,tokens,domain\nweb,1e12,web\ncode,1e11,code\n"),
  file("empty.txt", ""),
  join(dir, "adir"),
  join(dir, "missing.csv"),
  "/nonexistent/x.json",
];
const OUTPUTS = [join(dir, "out.json"), join(dir, "plan.json"), join(dir, "adir"), "/nonexistent/out.json", join(dir, "manifest.csv"), join(dir, "fig.svg")];

const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("1.3B", "125M", "20", "8", "64", "0", "-1", "1e400", "1e12", "0.5", "2^-10..2^-5", "1e-4..1e-2:5", "2^-10..2^-5:1e-300", "0.05,0.1", "h100", "alibi", "rope", "2048:0.75,8192:0.25", "14d", "btlm-3b-8k", "slimpajama-627b", "dc-6", "web:0.7,code:0.3", "0.15:code", "linear,steps=4e8", "wsd:0.2", "N=Model Size", "1e9") },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(...INPUTS) },
);
const flag = (names: readonly string[]) => fc.tuple(fc.constantFrom(...names), value).map(([f, v]) => [f, v]);
const sw = (names: readonly string[]) => fc.constantFrom(...names).map((f) => [f]);
const argv = (head: string[], flags: readonly string[], switches: readonly string[], positional?: fc.Arbitrary<string[]>) =>
  fc
    .tuple(
      positional ?? fc.constant<string[]>([]),
      fc.array(
        fc.oneof(
          ...(flags.length > 0 ? [{ weight: 4, arbitrary: flag(flags) }] : []),
          ...(switches.length > 0 ? [{ weight: 1, arbitrary: sw(switches) }] : []),
          { weight: 1, arbitrary: hostileString.map((s) => [s]) },
        ),
        { maxLength: 6 },
      ),
    )
    .map(([pos, fl]) => [...head, ...pos, ...fl.flat()]);

// every declared plan option, under its flag and each older spelling (the declarations, not a copy of them)
const PLAN_FLAGS = ["--input", ...planFields().flatMap((k) => [fieldMeta(k).flag, ...(fieldMeta(k).aliases ?? [])].map((f) => f.split(" ")[0] as string))];
const FIT_FLAGS = ["--map", "--bootstrap", "--seed", "--drop-highest", "--out", "--plot", "--loss", "--seq-len", "--threshold", "--eval", "--predict", "--optimizer", "--schedule"];
const files = fc.constantFrom(...INPUTS).map((f) => [f]);
const out = fc.constantFrom(...OUTPUTS);

const COMMANDS: [string, fc.Arbitrary<string[]>][] = [
  ["plan", argv(["plan"], PLAN_FLAGS, ["--json", "--explain", "--help"])],
  ["emit", argv(["emit", "--format"], [...PLAN_FLAGS, "--plan", "--format"], ["--strict", "--allow-oom", "--force"], fc.constantFrom("megatron", "megatron-yaml", "torchtitan", "hf", "nanogpt", "litgpt", "cerebras", "llmfoundry", "nanotron", "deepspeed", "").map((f) => [f]))],
  ["sweep", argv(["sweep"], [...PLAN_FLAGS, "--base-width", "--lr", "--init-std", "--emb-mult", "--wd", "--trainer", "--command", "--tpp"], ["--slurm", "--skypilot", "--ray", "--force"], out.map((m) => ["--manifest", m]))],
  ["fit loss", argv(["fit", "loss"], FIT_FLAGS, ["--json", "--skip-bad-rows", "--force"], files)],
  ["fit lr-batch", argv(["fit", "lr-batch"], FIT_FLAGS, ["--json", "--skip-bad-rows"], files)],
  ["fit timescale", argv(["fit", "timescale"], FIT_FLAGS, ["--json", "--skip-bad-rows"], files)],
  ["fit curves", argv(["fit", "curves"], FIT_FLAGS, ["--json", "--skip-bad-rows"], files)],
  ["fit mup", argv(["fit", "mup"], [...FIT_FLAGS, "--base-out", "--fallback-base"], ["--json", "--skip-bad-rows", "--force"], files)],
  ["fit bcrit", argv(["fit", "bcrit"], [...FIT_FLAGS, "--smooth"], ["--json", "--skip-bad-rows", "--with-n", "--curves", "--eval-loss", "--force"], files)],
  ["layout", argv(["layout"], [...PLAN_FLAGS, "--top"], ["--json"])],
  ["pareto", argv(["pareto"], ["--loss-target", "--compute", "--gpu", "--max-gpus", "--mfu", "--price", "--seq-len", "--loss-law", "--laws", "--bcrit", "--params-range", "--sizes", "--batches", "--days", "--plot"], ["--json"])],
  ["data", argv(["data"], ["--sources", "--mix", "--tokens", "--params", "--cap", "--upsample-final"], ["--json"])],
  ["context", argv(["context"], ["--train", "--target", "--position", "--heads", "--preset", "--params", "--tokens", "--batch-tokens", "--gpu", "--gpus"], ["--json"])],
  ["laws", argv(["laws"], [], [], fc.oneof(fc.constant<string[]>([]), fc.constantFrom("show").chain((s) => fc.oneof(fc.constantFrom("power-lines-tau", "chinchilla-epoch"), hostileString).map((id) => [s, id]))))],
  ["verify", argv(["verify"], [], ["--json"])],
  // serve only with an address or port that cannot be bound: a valid one would listen until Ctrl-C
  ["serve", fc.oneof(fc.constantFrom(...HOSTILE_STRINGS).filter((h) => h !== "" && !/^[\d.:]+$|^localhost$/.test(h)).map((h) => ["serve", "--host", h, "--port", "0"]), fc.constantFrom("-1", "65536", "x", "1e3", "", "8080 ").map((p) => ["serve", "--port", p, "--host", "not an address"]))],
];

const STACK = /\n\s+at |node:internal|\.ts:\d+:\d+/;

describe(`${RUNS} random argument vectors per command: exit 0 or 2, never 1, no stack traces`, () => {
  for (const [name, gen] of COMMANDS) {
    it(`lmplan ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(gen, async (args) => {
          let err = "";
          const code = await main(args, { out: () => undefined, err: (s) => (err += s), readStdin: () => "{}" });
          expect(code === 0 || code === 2 || (name === "verify" && code === 1 && !err.includes("internal error")), `exit ${code} for ${JSON.stringify(args).slice(0, 400)}:\n${err.slice(0, 400)}`).toBe(true);
          expect(STACK.test(err), `stack trace for ${JSON.stringify(args).slice(0, 300)}:\n${err.slice(0, 400)}`).toBe(false);
        }),
        { numRuns: RUNS },
      );
    });
  }
});
