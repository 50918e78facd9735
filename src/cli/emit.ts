/** `lmplan emit`: plan (or read a plan) → a trainer's config on stdout; warnings, notes and deviation on stderr. */
import type { Command } from "commander";
import { DEVIATION_TOLERANCE, EMITTERS, emitPlan, commentText } from "../emit/index.js";
import { fieldMeta, type PlanField } from "../plan/request.js";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { conflict, invalid } from "../errors.js";
import { addPlanOptions, BadInput, planFieldsFromOptions, readRequest, requestFromOptions, type Io } from "./shared.js";

export function registerEmit(program: Command, io: Io): void {
  const emitCmd = program
    .command("emit")
    .description(`write the plan as a trainer config: ${EMITTERS.map((e) => e.id).join(", ")} (config on stdout; warnings, notes and the schedule check on stderr)`)
    .requiredOption("--format <trainer>", `trainer format: ${EMITTERS.map((e) => e.id).join(", ")}`)
    .option("--plan <file>", "a plan from lmplan plan --json (- for stdin) instead of plan options, checked field by field; with --gpus, its batch is re-split over that many GPUs")
    .option("--strict", "refuse when the trainer cannot follow the plan's schedule within 1% of the peak LR, cannot express a setting of the plan, or the config holds a placeholder its before-you-launch list does not name")
    .option("--allow-oom", "write the config even when the plan needs more memory per GPU than the accelerator has (emit refuses by default)")
    .option("--out-dir <dir>", "write the config, and the files the trainer reads beside it (the Hugging Face model's config.json), into this folder instead of stdout; an existing file is refused unless --force")
    .option("--force", "with --out-dir: overwrite existing files");
  addPlanOptions(emitCmd);
  emitCmd.action((opts: Record<string, unknown>) => {
    const fromFile = typeof opts.plan === "string";
    // a saved plan is written as planned: plan options beside it would be silently ignored, so they are refused
    if (fromFile) {
      const flags = Object.keys(planFieldsFromOptions(opts, new Set(["gpus"]))).map((k) => fieldMeta(k as PlanField).flag.split(" ")[0] as string);
      if (opts.input !== undefined) flags.push("--input");
      if (flags.length > 0) throw new BadInput([conflict(["plan"], `--plan writes a saved plan as it was planned; ${flags.join(", ")} would change it — re-plan with lmplan plan, or drop them (only --gpus re-splits a saved plan)`)]);
    }
    const r = emitPlan({
      format: String(opts.format),
      // a saved plan is checked against the full Plan schema (as checkPlanJson does) before any emitter reads it
      ...(fromFile ? { plan: readRequest(opts.plan as string, io, "plan"), gpus: opts.gpus } : { request: requestFromOptions(opts, io) }),
      strict: opts.strict === true,
      allowOom: opts.allowOom === true,
    });
    if (!r.ok) throw new BadInput(r.issues);
    const res = r.value;
    const d = res.deviation;
    const pct = (x: number) => `${+(x * 100).toPrecision(3)}%`;
    const name = res.title.replace(/ \(.*\)$/, "");
    if (typeof opts.outDir === "string") {
      const dir = opts.outDir;
      const files = [{ fileName: res.fileName, text: res.text }, ...(res.extraFiles ?? [])];
      mkdirSync(dir, { recursive: true });
      for (const f of files) {
        const path = join(dir, f.fileName);
        if (existsSync(path) && opts.force !== true) throw new BadInput([invalid("outDir", "a folder without these files (or pass --force to overwrite them)", path)]);
      }
      for (const f of files) writeFileSync(join(dir, f.fileName), f.text);
      io.err(`lmplan: wrote ${files.map((f) => join(dir, f.fileName)).join(", ")}\n`);
    } else {
      io.out(res.text);
      for (const f of res.extraFiles ?? []) io.err(`lmplan: note: ${name} also reads ${f.fileName} beside the config; pass --out-dir to write it\n`);
    }
    // the plan's text reaches the terminal without control characters (no ANSI escapes from a plan file)
    for (const w of res.warnings) io.err(`lmplan: warning: ${commentText(w.message)}\n`);
    for (const n of res.notes) io.err(`lmplan: note: ${commentText(n)}\n`);
    io.err(
      d.maxRelative > DEVIATION_TOLERANCE
        ? `lmplan: schedule: ${name}'s own LR formula on this config differs from the plan by up to ${pct(d.maxRelative)} of the peak LR (at ${d.atPercent}% of training: ${+d.trainerLr.toPrecision(6)} vs ${+d.planLr.toPrecision(6)})\n`
        : `lmplan: schedule: ${name}'s own LR formula on this config matches the plan at every 1% of training (within 1e-6 of the peak)\n`,
    );
  });
}
