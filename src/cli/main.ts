/**
 * The lmplan command line: parse flags → core → render. Errors are printed one per line as
 * "lmplan: <field>: expected …, received …" with exit code 2; no stack traces.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { formatIssue, invalid, LmplanError } from "../errors.js";
import { FS_WHAT } from "./fs-errors.js";
import { addPlanOptions, BadInput, requestFromOptions, VerifyFailed, type Io } from "./shared.js";
import { LAWS } from "../laws/index.js";
import { REFERENCES } from "../references.js";
import { renderLaw, renderLawList, renderPlan, renderVerify } from "./render.js";

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;


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
  lmplan plan --gpus 128 --gpu h200 --days 14d
  lmplan plan --loss-target 2.1 --days 12h`,
  );
  planCmd.action(async (opts: Record<string, unknown>) => {
    // the frontier is loaded only when a plan asks for it (--loss-target); a plain plan is planSafe's
    const { planWithDeadline, renderDeadline } = await import("../plan/deadline.js");
    const r = planWithDeadline(requestFromOptions(opts, io));
    if (!r.ok) throw new BadInput(r.issues);
    io.out(opts.json ? `${JSON.stringify(r.value, null, 2)}\n` : renderPlan(r.value, { explain: opts.explain === true }) + (r.value.deadline ? `\n${renderDeadline(r.value.deadline)}` : ""));
  });

  program
    .command("verify")
    .description("reproduce the published numbers lmplan is built on: computed / published / tolerance / source")
    .action(() => {
      const text = renderVerify();
      io.out(text.text);
      if (!text.allPass) throw new VerifyFailed();
    });


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

const COMMANDS = ["plan", "verify", "laws", "fit", "data", "context", "emit", "sweep", "serve", "pareto", "track", "layout"];

/** Run the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const program = buildProgram(io);
  // Commands whose code is heavy (CSV parsing, YAML/TOML writers, fitters) load only when run; --help
  // and an unknown command register all of them so help and suggestions are complete.
  const first = argv.find((a) => !a.startsWith("-"));
  // --version answers from package.json alone: no command's code is loaded for it
  const versionOnly = argv.length > 0 && argv.every((a) => a === "--version" || a === "-v");
  const all = !versionOnly && (first === undefined || !COMMANDS.includes(first));
  if (all || first === "fit") (await import("./fit.js")).registerFit(program, { ...io, isTTY: io.isTTY === true });
  if (all || first === "data" || first === "context") (await import("./data.js")).registerData(program, io);
  if (all || first === "emit") (await import("./emit.js")).registerEmit(program, io);
  if (all || first === "sweep") (await import("./sweep.js")).registerSweep(program, io);
  if (all || first === "serve") (await import("./serve.js")).registerServe(program, io);
  if (all || first === "pareto" || first === "fit") (await import("./pareto.js")).registerPareto(program, io);
  if (all || first === "track") (await import("./track.js")).registerTrack(program, io);
  if (all || first === "layout") (await import("./layout.js")).registerLayout(program, io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof BadInput || e instanceof LmplanError) {
      for (const issue of e.issues) io.err(`lmplan: ${formatIssue(issue)}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof VerifyFailed) return EXIT_INTERNAL;
    // A file the user named that cannot be read or written (missing, a directory, no permission) is
    // bad input, not an internal error: name the path and what happened.
    const fsError = fileSystemIssue(e);
    if (fsError !== undefined) {
      io.err(`lmplan: ${fsError}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0; commander already printed its message.
      return e.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    io.err(`lmplan: internal error: ${(e as Error)?.message ?? String(e)} (please report this with the command you ran)\n`);
    if (process.env.LMPLAN_DEBUG) io.err(`${(e as Error)?.stack ?? ""}\n`);
    return EXIT_INTERNAL;
  }
}



function fileSystemIssue(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const err = e as NodeJS.ErrnoException;
  const what = err.code !== undefined ? FS_WHAT[err.code] : undefined;
  if (what === undefined || typeof err.syscall !== "string") return undefined;
  return `${err.path ?? "file"}: expected a path lmplan can ${err.syscall}, received ${err.code} (${what})`;
}
