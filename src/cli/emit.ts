/** `lmplan emit`: plan (or read a plan) → a trainer's config on stdout, notes and deviation on stderr. */
import type { Command } from "commander";
import { conflict, invalid } from "../errors.js";
import { nearbyMultiples, resplitBatch } from "../emit/decompose.js";
import { DEVIATION_TOLERANCE, EMITTERS, findEmitter } from "../emit/index.js";
import { batchUnit, planSafe } from "../plan/plan.js";
import type { Plan } from "../plan/types.js";
import { addPlanOptions, BadInput, checkPlanJson, readRequest, requestFromOptions, type Io } from "./shared.js";

export function registerEmit(program: Command, io: Io): void {
  const emitCmd = program
    .command("emit")
    .description(`write the plan as a trainer config: ${EMITTERS.map((e) => e.id).join(", ")} (config on stdout, notes on stderr)`)
    .requiredOption("--format <trainer>", `trainer format: ${EMITTERS.map((e) => e.id).join(", ")}`)
    .option("--plan <file>", "a plan from lmplan plan --json (- for stdin) instead of plan options; with --gpus, its batch is re-split over that many GPUs")
    .option("--strict", "refuse when the trainer cannot follow the plan's schedule within 1% of the peak LR");
  addPlanOptions(emitCmd);
  emitCmd.action((opts: Record<string, unknown>) => {
    const emitter = findEmitter(String(opts.format));
    if (!emitter) throw new BadInput([invalid("format", `one of ${EMITTERS.map((e) => e.id).join(", ")}`, opts.format)]);
    let plan: Plan;
    if (typeof opts.plan === "string") {
      plan = checkPlanJson(readRequest(opts.plan, io, "plan"));
      // --gpus with a saved plan: split its global batch over that many GPUs, or say why it cannot be
      if (opts.gpus !== undefined) {
        const r = resplitBatch(plan, Number(opts.gpus));
        if (!r.ok) throw new BadInput(r.issues);
        plan = r.value;
      }
    } else {
      const r = planSafe(requestFromOptions(opts, io));
      if (!r.ok) throw new BadInput(r.issues);
      plan = r.value;
      // lmplan plan rounds a --batch-seqs that does not split (with a warning); a trainer config must run
      // the batch that was asked for, so emit refuses instead
      const asked = opts.batchSeqs === undefined ? undefined : Number(opts.batchSeqs);
      const used = plan.batch.globalBatchSeqs.value;
      if (asked !== undefined && asked !== used) {
        const dp = plan.batch.dataParallel.value;
        const { unit } = batchUnit(dp, plan.context?.stages, plan.batch.seqLen.value);
        throw new BadInput([invalid("batchSeqs", `a global batch that splits evenly over the ${dp} data-parallel GPUs${unit !== dp ? ` in every context stage (a multiple of ${unit})` : ""}, e.g. ${nearbyMultiples(asked, unit).join(" or ")}; or a different --gpus`, asked)]);
      }
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

}
