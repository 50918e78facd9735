/**
 * The lmplan command line: parse flags → core → render. Errors are printed one per line as
 * "lmplan: <field>: expected …, received …" with exit code 2; no stack traces.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { formatIssue, invalid, LmplanError, type Issue } from "../errors.js";
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
    .option("--explain", "print the arithmetic and citation behind each number")
    .option("--input <file>", "read the request as a JSON object of the fields below (- for stdin); flags override it");
  for (const key of Object.keys(PlanRequestSchema.shape) as PlanField[]) {
    const meta = fieldMeta(key);
    if (key === "fittedLaws") {
      planCmd.option(meta.flag, meta.description);
      continue;
    }
    const help = `${meta.description}${meta.defaultNote ? ` (default: ${meta.defaultNote})` : ""}`;
    planCmd.addOption(new Option(meta.flag, help).argParser((v: string) => v));
  }
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
    const { json, explain, input, laws, ...flags } = opts;
    let request: Record<string, unknown> = {};
    if (typeof input === "string") request = readRequest(input, io);
    if (typeof laws === "string") {
      const doc = readRequest(laws, io, "laws") as { lmplanFitVersion?: unknown; laws?: unknown };
      if (doc.lmplanFitVersion !== 1 || typeof doc.laws !== "object" || doc.laws === null) {
        throw new BadInput([invalid("laws", "a fitted-laws file written by lmplan fit … --out (lmplanFitVersion 1)", laws)]);
      }
      request.fittedLaws = doc.laws;
    }
    for (const [k, v] of Object.entries(flags)) if (v !== undefined) request[k] = v;
    const r = planSafe(request);
    if (!r.ok) throw new BadInput(r.issues);
    io.out(json ? `${JSON.stringify(r.value, null, 2)}\n` : renderPlan(r.value, { explain: explain === true }));
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
