/** `lmplan sweep`: a proxy-sweep grid → a Slurm / SkyPilot / Ray script on stdout and manifest.csv. */
import { readFileSync, writeFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { conflict, invalid, type Issue } from "../errors.js";
import { EMITTERS, findEmitter } from "../emit/index.js";
import { AXES, buildSweep, MAX_AXIS_POINTS, MAX_GRID_RUNS, parseAxis, TARGET_ADAM, type AxisKey, type SweepOptions } from "../emit/sweep/grid.js";
import { cellNumber } from "../io/table.js";
import { MANIFEST_HEADER, renderManifest, renderSweep, TRAINER_COMMANDS, type Scheduler } from "../emit/sweep/render.js";
import { addPlanOptions, BadInput, requestFromOptions, type Io } from "./shared.js";

// plan fields the sweep takes as axes (lists), or replaces with its own flags
// (lr: the plan's --lr <hidden LR> gives way to the sweep's --lr <values> axis)
const AXIS_FIELDS = new Set(["params", "tokens", "tpp", "batchSeqs", "weightDecay", "width", "lr"]);

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
    .option("--manifest <file>", "where to write the manifest (one row per run, the columns lmplan fit reads); an existing file is kept unless it is a manifest lmplan wrote with no loss filled in, or --force", "manifest.csv")
    .option("--force", "overwrite an existing --manifest file (even one whose losses you filled in)")
    .option("--hold-wd", "keep the plan's λ for every run when η is swept (default: λ follows η so the AdamW timescale τ = B/(η·λ·D) stays at τ_opt, as Power Lines sweeps η)")
    .option("--beta2 <b2>", `AdamW β2 of every run (default ${TARGET_ADAM.beta2}: the target's, not Porian's small-batch 0.99)`)
    .option("--eps <eps>", `AdamW ε of every run (default ${TARGET_ADAM.eps}: the target's)`);
  for (const a of AXES) cmd.option(a.flag, `sweep ${a.description}: ${a.kind === "count" ? '"125M,350M"' : '"2^-10..2^-5", "0.05,0.1,0.2"'} or "lo..hi:n" (log-spaced)`);
  addPlanOptions(cmd, AXIS_FIELDS);
  cmd.addHelpText(
    "after",
    `
Examples:
  lmplan sweep --base-width 256 --layers 8 --tpp 20 --lr 2^-10..2^-5 --init-std 0.02,0.04,0.08 --slurm > sweep.sbatch
  lmplan sweep --base-width 256 --layers 8 --tpp 20 --lr 2^-10..2^-5 --wd 0.05,0.1,0.2 --ray > sweep.py
  lmplan sweep --params 50M,100M,200M --tpp 5,10,20,40 --trainer torchtitan --skypilot > sweep.yaml
  lmplan sweep --widths 256,512,1024 --layers 8 --tpp 20 --lr 2^-10..2^-5 --slurm > transfer.sbatch   (then lmplan fit mup manifest.csv)

Limits: at most ${MAX_AXIS_POINTS} values per axis and ${MAX_GRID_RUNS} runs per sweep.`,
  );
  cmd.action((opts: Record<string, unknown>) => {
    const issues: Issue[] = [];
    const emitter = findEmitter(String(opts.trainer));
    if (!emitter) issues.push(invalid("trainer", `one of ${EMITTERS.map((e) => e.id).join(", ")}`, opts.trainer));
    const chosen = (["slurm", "skypilot", "ray"] as Scheduler[]).filter((s) => opts[s] === true);
    if (chosen.length > 1) issues.push(conflict(chosen, "choose one scheduler"));
    const axes: [AxisKey, number[]][] = [];
    for (const a of AXES) {
      // commander stores --widths under "widths": read each axis by its flag's attribute name
      const text = opts[new Option(a.flag).attributeName()];
      if (typeof text !== "string") continue;
      const r = parseAxis(a, text);
      if (r.ok) axes.push([a.key, r.value]);
      else issues.push(...r.issues);
    }
    // a one-value axis (--tpp 20) fixes that quantity for every run; something must vary
    if (issues.length === 0 && !axes.some(([, v]) => v.length > 1)) issues.push(invalid("axes", `an axis with two or more values: ${AXES.map((a) => a.flag.split(" ")[0]).join(", ")}`, axes.length === 0 ? "none" : "only single values"));
    const sweepOpts: SweepOptions = { holdWeightDecay: opts.holdWd === true };
    for (const [key, lo, hi, what] of [["beta2", 0, 1, "AdamW β2 in [0, 1)"], ["eps", 0, 1, "AdamW ε in (0, 1]"]] as const) {
      if (opts[key] === undefined) continue;
      const x = cellNumber(opts[key]);
      if (!(key === "beta2" ? x >= lo && x < hi : x > lo && x <= hi)) issues.push(invalid(key, what, opts[key]));
      else sweepOpts[key] = x;
    }
    if (issues.length > 0 || !emitter) throw new BadInput(issues);
    // every plan option by its request field (--warmup → warmupFraction), so none is dropped
    const base = requestFromOptions(opts, io, AXIS_FIELDS);
    if (opts.baseWidth !== undefined) base.width = opts.baseWidth;
    const built = buildSweep(base, axes, emitter, sweepOpts);
    if (!built.ok) throw new BadInput(built.issues);
    const runs = built.value;
    const first = runs[0]?.plan;
    const gpus = first?.hardware.numGpus.value ?? 8;
    const scheduler = chosen[0] ?? "slurm";
    const manifest = String(opts.manifest);
    writeManifest(manifest, renderManifest(runs), opts.force === true);
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
    const worst = Math.max(...runs.map((r) => r.config.deviation.maxRelative));
    const has = (k: AxisKey) => axes.some(([a, v]) => a === k && v.length > 1);
    const fitter = has("wd") && !has("initStd") && !has("embMult") ? "timescale" : has("params") || has("tokens") || has("tpp") ? "loss" : has("batchSeqs") ? "lr-batch" : "mup";
    io.err(`lmplan: wrote ${manifest}: ${runs.length} runs; fill its loss column from the runs, then lmplan fit ${fitter} ${manifest}\n`);
    if (has("lr") && !has("wd")) {
      io.err(sweepOpts.holdWeightDecay ? `lmplan: λ held at ${+(first?.optimizer.weightDecay.value ?? 0).toPrecision(4)} for every run (--hold-wd): τ varies ${+(Math.max(...runs.map((r) => r.plan.optimizer.tau.value)) / Math.min(...runs.map((r) => r.plan.optimizer.tau.value))).toPrecision(3)}× across the η sweep\n` : `lmplan: λ follows η in every run so τ = B/(η·λ·D) stays at τ_opt = ${+(first?.optimizer.tauOpt.value ?? 0).toPrecision(4)} (Power Lines); --hold-wd keeps λ fixed instead\n`);
    }
    io.err(`lmplan: AdamW β2 ${first?.optimizer.beta2.value} and ε ${sweepOpts.eps ?? TARGET_ADAM.eps} in every run${sweepOpts.beta2 === undefined ? " (the target's; Porian's small-batch rule would give the proxy 0.99 — pass --beta2 to choose)" : ""}; proxy TPP and batch are in the manifest\n`);
    if (worst > 1e-6) io.err(`lmplan: schedule: ${emitter.title}'s LR formula differs from the plans by up to ${+(worst * 100).toPrecision(3)}% of the peak (lmplan emit --format ${emitter.id} prints where)\n`);
  });
}

/**
 * Write manifest.csv without losing a user's losses: a file that exists is replaced only when it is a
 * manifest lmplan wrote whose loss column is still empty, or with --force. Every failure is bad input
 * naming the path (a directory, a missing folder, no permission), never an internal error.
 */
function writeManifest(path: string, text: string, force: boolean): void {
  let existing: string | undefined;
  try {
    existing = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new BadInput([invalid("manifest", "a file path for the manifest, not a directory (e.g. DIR/manifest.csv)", path)]);
    if (code !== "ENOENT") throw new BadInput([invalid("manifest", "a file lmplan can read and write", `${path} (${code ?? "unreadable"})`)]);
  }
  if (existing !== undefined && !force && !untouchedManifest(existing)) {
    throw new BadInput([conflict(["manifest"], `${path} exists and is not an lmplan manifest with empty losses (it may hold your results): choose another --manifest, or pass --force to overwrite it`, path)]);
  }
  try {
    writeFileSync(path, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BadInput([invalid("manifest", code === "EISDIR" ? "a file path for the manifest, not a directory" : "a path where a file can be written", `${path} (${code ?? "unwritable"})`)]);
  }
}

/** A manifest lmplan wrote and nobody has filled in: our header, and every row's last cell (loss) empty. */
function untouchedManifest(text: string): boolean {
  const lines = text.split("\n").filter((l) => l !== "");
  return lines[0] === MANIFEST_HEADER && lines.slice(1).every((l) => l.endsWith(","));
}
