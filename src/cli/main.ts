/**
 * The lmplan command line: parse flags → core → render. Errors are printed one per line as
 * "lmplan: <field>: expected …, received …" with exit code 2; no stack traces.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { conflict, formatIssue, invalid, LmplanError, type Issue } from "../errors.js";
import { DEVIATION_TOLERANCE, EMITTERS, findEmitter } from "../emit/index.js";
import type { Plan } from "../plan/types.js";
import { findLaw, LAWS } from "../laws/index.js";
import { planSafe } from "../plan/plan.js";
import { fieldMeta, PlanRequestSchema, type PlanField } from "../plan/request.js";
import { findReference, REFERENCES } from "../references.js";
import { DataInputError, registerData } from "./data.js";
import { FitInputError, registerFit } from "./fit.js";
import { renderLaw, renderLawList, renderPlan, renderVerify } from "./render.js";

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  readStdin: () => string;
  isTTY?: boolean;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  readStdin: () => readFileSync(0, "utf8"),
  isTTY: process.stderr.isTTY === true,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

class VerifyFailed extends Error {}

class BadInput extends Error {
  constructor(readonly issues: Issue[]) {
    super("bad input");
  }
}

function buildProgram(io: Io): Command {
  const program = new Command();
  program
    .name("lmplan")
    .description("Plan a language-model pre-training run: size, tokens, batch, LR, weight decay, schedule, time, memory, cost — each number with its law and paper.")
    .version(version(), "-v, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const planCmd = program
    .command("plan")
    .description("plan a run from any consistent subset of budget, size, tokens, hardware or a preset")
    .option("--json", "print the plan as JSON (every number with unit, source and derivation)")
    .option("--explain", "print the arithmetic and citation behind each number");
  addPlanOptions(planCmd);
  planCmd.addHelpText(
    "after",
    `
Examples:
  lmplan plan --preset btlm-3b-8k --gpu h100 --gpus 64
  lmplan plan --params 3B --tokens 627B --gpu h100 --gpus 256
  lmplan plan --compute 3e22 --gpu h100 --gpus 64 --explain
  lmplan plan --params 1.3B --tpp 100 --json
  lmplan plan --gpus 128 --gpu h200 --days 14d`,
  );
  planCmd.action((opts: Record<string, unknown>) => {
    const r = planSafe(requestFromOptions(opts, io));
    if (!r.ok) throw new BadInput(r.issues);
    io.out(opts.json ? `${JSON.stringify(r.value, null, 2)}\n` : renderPlan(r.value, { explain: opts.explain === true }));
  });

  const emitCmd = program
    .command("emit")
    .description(`write the plan as a trainer config: ${EMITTERS.map((e) => e.id).join(", ")} (config on stdout, notes on stderr)`)
    .requiredOption("--format <trainer>", `trainer format: ${EMITTERS.map((e) => e.id).join(", ")}`)
    .option("--plan <file>", "a plan from lmplan plan --json (- for stdin) instead of plan options")
    .option("--strict", "refuse when the trainer cannot follow the plan's schedule within 1% of the peak LR");
  addPlanOptions(emitCmd);
  emitCmd.action((opts: Record<string, unknown>) => {
    const emitter = findEmitter(String(opts.format));
    if (!emitter) throw new BadInput([invalid("format", `one of ${EMITTERS.map((e) => e.id).join(", ")}`, opts.format)]);
    let plan: Plan;
    if (typeof opts.plan === "string") plan = checkPlanJson(readRequest(opts.plan, io, "plan"));
    else {
      const r = planSafe(requestFromOptions(opts, io));
      if (!r.ok) throw new BadInput(r.issues);
      plan = r.value;
    }
    const res = emitter.emit(plan);
    const d = res.deviation;
    const pct = (x: number) => `${+(x * 100).toPrecision(3)}%`;
    const name = emitter.title.replace(/ \(.*\)$/, "");
    if (opts.strict === true && d.maxRelative > 0.01) {
      throw new BadInput([conflict(["format"], `${name} cannot follow the plan's schedule: its LR differs by up to ${pct(d.maxRelative)} of the peak (at ${d.atPercent}% of training: ${+d.trainerLr.toPrecision(4)} vs ${+d.planLr.toPrecision(4)}); drop --strict to write the closest config with this deviation printed`)]);
    }
    io.out(res.text);
    for (const n of res.notes) io.err(`lmplan: note: ${n}\n`);
    io.err(
      d.maxRelative > DEVIATION_TOLERANCE
        ? `lmplan: schedule: ${name}'s own LR formula on this config differs from the plan by up to ${pct(d.maxRelative)} of the peak LR (at ${d.atPercent}% of training: ${+d.trainerLr.toPrecision(6)} vs ${+d.planLr.toPrecision(6)})\n`
        : `lmplan: schedule: ${name}'s own LR formula on this config matches the plan at every 1% of training (within 1e-6 of the peak)\n`,
    );
  });

  program
    .command("verify")
    .description("reproduce the published numbers lmplan is built on: computed / published / tolerance / source")
    .action(() => {
      const text = renderVerify();
      io.out(text.text);
      if (!text.allPass) throw new VerifyFailed();
    });

  registerFit(program, { ...io, isTTY: io.isTTY === true });
  registerData(program, io);

  const laws = program.command("laws").description("list every law lmplan implements: id, source, verified, fit range");
  laws.action(() => io.out(renderLawList()));
  laws
    .command("show <id>")
    .description("one law (or cited method): formula, source, inputs with units, fit range, notes")
    .action((id: string) => {
      const text = renderLaw(id);
      if (text === undefined) {
        const ids = [...LAWS.map((l) => l.id), ...REFERENCES.map((r) => r.id)].join(", ");
        throw new BadInput([invalid("id", `a law or source id: ${ids}`, id)]);
      }
      io.out(text);
    });
  return program;
}

function addPlanOptions(cmd: Command): void {
  cmd.option("--input <file>", "read the request as a JSON object of the fields below (- for stdin); flags override it");
  for (const key of Object.keys(PlanRequestSchema.shape) as PlanField[]) {
    const meta = fieldMeta(key);
    if (key === "fittedLaws") {
      cmd.option(meta.flag, meta.description);
      continue;
    }
    const help = `${meta.description}${meta.defaultNote ? ` (default: ${meta.defaultNote})` : ""}`;
    cmd.addOption(new Option(meta.flag, help).argParser((v: string) => v));
  }
}

const NOT_REQUEST = new Set(["json", "explain", "input", "laws", "format", "plan", "strict"]);

function requestFromOptions(opts: Record<string, unknown>, io: Io): Record<string, unknown> {
  let request: Record<string, unknown> = {};
  if (typeof opts.input === "string") request = readRequest(opts.input, io);
  if (typeof opts.laws === "string") {
    const doc = readRequest(opts.laws, io, "laws") as { lmplanFitVersion?: unknown; laws?: unknown };
    if (doc.lmplanFitVersion !== 1 || typeof doc.laws !== "object" || doc.laws === null) {
      throw new BadInput([invalid("laws", "a fitted-laws file written by lmplan fit … --out (lmplanFitVersion 1)", opts.laws)]);
    }
    request.fittedLaws = doc.laws;
  }
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && !NOT_REQUEST.has(k)) request[k] = v;
  return request;
}

/** A plan read back from JSON: the version and the fields emitters rely on, or a clear error. */
function checkPlanJson(doc: Record<string, unknown>): Plan {
  if (doc.lmplanPlanVersion !== 1) {
    throw new BadInput([invalid(["plan", "lmplanPlanVersion"], "a plan written by lmplan plan --json (lmplanPlanVersion 1)", doc.lmplanPlanVersion ?? "no version")]);
  }
  const p = doc as unknown as Plan;
  const need: [string, unknown][] = [
    ["schedule.spec", p.schedule?.spec],
    ["batch.steps", p.batch?.steps?.value],
    ["batch.globalBatchSeqs", p.batch?.globalBatchSeqs?.value],
    ["batch.microBatchSeqs", p.batch?.microBatchSeqs?.value],
    ["batch.dataParallel", p.batch?.dataParallel?.value],
    ["model.spec", p.model?.spec],
    ["optimizer.parameterization", p.optimizer?.parameterization],
  ];
  for (const [path, v] of need) if (v === undefined || v === null) throw new BadInput([invalid(["plan", ...path.split(".")], "the field lmplan plan --json writes", "nothing")]);
  const b = p.batch;
  if (b.microBatchSeqs.value * b.gradAccumSteps.value * b.dataParallel.value !== b.globalBatchSeqs.value) {
    throw new BadInput([conflict(["plan", "batch"], `the global batch ${b.globalBatchSeqs.value} is not micro-batch ${b.microBatchSeqs.value} × accumulation ${b.gradAccumSteps.value} × ${b.dataParallel.value} GPUs; re-plan with lmplan plan`)]);
  }
  return p;
}

function readRequest(path: string, io: Io, field = "input"): Record<string, unknown> {
  let text: string;
  try {
    text = path === "-" ? io.readStdin() : readFileSync(path, "utf8");
  } catch (e) {
    throw new BadInput([invalid(field, "a readable JSON file", `${path} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BadInput([invalid(field, "valid JSON (NaN and Infinity are not JSON; write numbers or strings like \"1.3B\")", `${(e as Error).message}`)]);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new BadInput([invalid(field, "a JSON object", value)]);
  }
  return value as Record<string, unknown>;
}

/** Run the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof BadInput || e instanceof LmplanError || e instanceof FitInputError || e instanceof DataInputError) {
      for (const issue of e.issues) io.err(`lmplan: ${formatIssue(issue)}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof VerifyFailed) return EXIT_INTERNAL;
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0; commander already printed its message.
      return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    io.err(`lmplan: internal error: ${(e as Error)?.message ?? String(e)} (please report this with the command you ran)\n`);
    if (process.env.LMPLAN_DEBUG) io.err(`${(e as Error)?.stack ?? ""}\n`);
    return EXIT_INTERNAL;
  }
}

export { findLaw, findReference };
