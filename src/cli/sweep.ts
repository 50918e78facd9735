/** `lmplan sweep`: a proxy-sweep grid → a Slurm / SkyPilot / Ray script on stdout and manifest.csv. */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { conflict, invalid, type Issue } from "../errors.js";
import { EMITTERS, findEmitter } from "../emit/index.js";
import { PlanRequestSchema } from "../plan/request.js";
import { AXES, buildSweep, parseAxis, type AxisKey } from "../emit/sweep/grid.js";
import { renderManifest, renderSweep, TRAINER_COMMANDS, type Scheduler } from "../emit/sweep/render.js";
import { addPlanOptions, BadInput, requestFromOptions, type Io } from "./shared.js";

// plan fields the sweep takes as axes (lists), or replaces with its own flags
const AXIS_FIELDS = new Set(["params", "tokens", "tpp", "batchSeqs", "weightDecay", "width"]);

export function registerSweep(program: Command, io: Io): void {
  const cmd = program
    .command("sweep")
    .description("a proxy-sweep grid (η × σ × m_emb, η × λ × B, or N × D) as a Slurm array, SkyPilot task or Ray script, plus manifest.csv for lmplan fit")
    .option("--base-width <d_model>", "proxy width (the μP base width: η, σ, m_emb found here transfer to the target)")
    .option("--trainer <format>", `trainer config each run uses: ${EMITTERS.map((e) => e.id).join(", ")}`, "megatron")
    .option("--slurm", "write a Slurm job-array script (the default)")
    .option("--skypilot", "write a SkyPilot task YAML (one launch per run)")
    .option("--ray", "write a Ray job script")
    .option("--command <cmd>", "launch command for each run, {config} standing for its config file (default: the trainer's usual launcher)")
    .option("--manifest <file>", "where to write the manifest (one row per run, the columns lmplan fit reads)", "manifest.csv");
  for (const a of AXES) cmd.option(a.flag, `sweep ${a.description}: ${a.kind === "count" ? '"125M,350M"' : '"2^-10..2^-5", "0.05,0.1,0.2"'} or "lo..hi:n" (log-spaced)`);
  addPlanOptions(cmd, AXIS_FIELDS);
  cmd.addHelpText(
    "after",
    `
Examples:
  lmplan sweep --base-width 256 --layers 8 --tpp 20 --lr 2^-10..2^-5 --init-std 0.02,0.04,0.08 --slurm > sweep.sbatch
  lmplan sweep --base-width 256 --layers 8 --tpp 20 --lr 2^-10..2^-5 --wd 0.05,0.1,0.2 --ray > sweep.py
  lmplan sweep --params 50M,100M,200M --tpp 5,10,20,40 --trainer torchtitan --skypilot > sweep.yaml`,
  );
  cmd.action((opts: Record<string, unknown>) => {
    const issues: Issue[] = [];
    const emitter = findEmitter(String(opts.trainer));
    if (!emitter) issues.push(invalid("trainer", `one of ${EMITTERS.map((e) => e.id).join(", ")}`, opts.trainer));
    const chosen = (["slurm", "skypilot", "ray"] as Scheduler[]).filter((s) => opts[s] === true);
    if (chosen.length > 1) issues.push(conflict(chosen, "choose one scheduler"));
    const axes: [AxisKey, number[]][] = [];
    for (const a of AXES) {
      const text = opts[a.key];
      if (typeof text !== "string") continue;
      const r = parseAxis(a, text);
      if (r.ok) axes.push([a.key, r.value]);
      else issues.push(...r.issues);
    }
    // a one-value axis (--tpp 20) fixes that quantity for every run; something must vary
    if (issues.length === 0 && !axes.some(([, v]) => v.length > 1)) issues.push(invalid("axes", `an axis with two or more values: ${AXES.map((a) => a.flag.split(" ")[0]).join(", ")}`, axes.length === 0 ? "none" : "only single values"));
    if (issues.length > 0 || !emitter) throw new BadInput(issues);
    const planOpts = Object.fromEntries(Object.entries(opts).filter(([k]) => k in PlanRequestSchema.shape || k === "input"));
    const base = requestFromOptions(planOpts, io);
    if (opts.baseWidth !== undefined) base.width = opts.baseWidth;
    const built = buildSweep(base, axes, emitter);
    if (!built.ok) throw new BadInput(built.issues);
    const runs = built.value;
    const first = runs[0]?.plan;
    const gpus = first?.hardware.numGpus.value ?? 8;
    const scheduler = chosen[0] ?? "slurm";
    io.out(
      renderSweep(runs, {
        scheduler,
        trainer: emitter.id,
        command: typeof opts.command === "string" ? opts.command : (TRAINER_COMMANDS[emitter.id] ?? "echo {config}"),
        gpusPerRun: gpus,
        gpuName: first?.hardware.gpu ?? "h100",
        title: axes.map(([k, v]) => `${k} × ${v.length}`).join(", "),
      }),
    );
    const manifest = String(opts.manifest);
    writeFileSync(manifest, renderManifest(runs));
    const worst = Math.max(...runs.map((r) => r.config.deviation.maxRelative));
    io.err(`lmplan: wrote ${manifest}: ${runs.length} runs; fill its loss column from the runs, then lmplan fit ${axes.some(([k]) => k === "wd") ? "timescale" : axes.some(([k]) => k === "params" || k === "tokens" || k === "tpp") ? "loss" : "lr-batch"} ${manifest}\n`);
    if (worst > 1e-6) io.err(`lmplan: schedule: ${emitter.title}'s LR formula differs from the plans by up to ${+(worst * 100).toPrecision(3)}% of the peak (lmplan emit --format ${emitter.id} prints where)\n`);
  });
}
