/**
 * `lmplan layout`: the ranked parallel layouts for a plan — its model, sequence length, batch target
 * (B_opt, or the batch given) and GPU count — each with memory per GPU by component and time per step.
 * Takes the plan options; --tp --pp --vpp --cp --ep --dp-shard --zero-stage --micro-batch --recompute pin
 * any choice.
 */
import type { Command } from "commander";
import { invalid } from "../errors.js";
import { findAccelerator } from "../hardware/catalog.js";
import { describeLayout, layoutPinsAndOptions, searchLayouts, type LayoutSearch, type SearchInput } from "../layout/index.js";
import { planSafe } from "../plan/plan.js";
import { parsePlanRequest, type PlanRequest } from "../plan/request.js";
import type { Plan } from "../plan/types.js";
import { addPlanOptions, BadInput, requestFromOptions, type Io } from "./shared.js";

const GIB = 1024 ** 3;
const MAX_TOP = 50;

export function registerLayout(program: Command, io: Io): void {
  const cmd = program
    .command("layout")
    .description("rank the parallel layouts (TP/SP, PP/VPP, CP, EP, ZeRO/FSDP, micro-batch, recompute) for a plan's model, batch and GPUs: memory per GPU by component and time per step")
    .option("--json", "print the ranked layouts as JSON")
    .option("--top <n>", "how many layouts to show (1–50)", "5");
  addPlanOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  lmplan layout --preset llama-3.1-70b --gpu h100 --gpus 256
  lmplan layout --preset llama-3.1-405b --gpu h100 --gpus 16384 --tp 8
  lmplan layout --preset llama-3.1-8b --gpus 8 --recompute selective --json`,
  );
  cmd.action((opts: Record<string, unknown>) => {
    const top = Number(opts.top);
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw new BadInput([invalid("top", `a whole number from 1 to ${MAX_TOP}`, opts.top)]);
    const request = requestFromOptions(opts, io);
    const parsed = parsePlanRequest(request);
    if (!parsed.ok) throw new BadInput(parsed.issues);
    const planned = planSafe(request);
    if (!planned.ok) throw new BadInput(planned.issues);
    const input = searchInputFromPlan(planned.value, parsed.value, top);
    const r = searchLayouts(input);
    if (!r.ok) throw new BadInput(r.issues);
    io.out(opts.json ? `${JSON.stringify(jsonOf(planned.value, input, r.value), null, 2)}\n` : renderLayouts(planned.value, input, r.value));
  });
}

/** The search a plan asks for: its model, sequence, batch (given, else B_opt), GPUs and the layout options. */
export function searchInputFromPlan(plan: Plan, req: PlanRequest, top: number): SearchInput {
  const accel = findAccelerator(plan.hardware.gpu);
  if (accel === undefined) throw new BadInput([invalid("gpu", "an accelerator in the catalog", plan.hardware.gpu)]);
  const { pins, options: fromRequest } = layoutPinsAndOptions(req);
  // the planner takes a --gpus you type as it is (whole nodes only with --whole-nodes true): so does this
  const options: NonNullable<SearchInput["options"]> = { ...fromRequest, top, totalTokens: plan.budget.tokens.value, wholeNodes: req.gpus !== undefined || req.gpu?.count !== undefined ? req.wholeNodes === true : (req.wholeNodes ?? true) };
  const base = { spec: plan.model.spec, seqLen: plan.batch.seqLen.value, gpus: plan.hardware.numGpus.value, accel, pins, options };
  return req.batchSeqs !== undefined ? { ...base, globalBatchSeqs: plan.batch.globalBatchSeqs.value } : { ...base, batchTargetTokens: plan.batch.optimalBatchTokens.value };
}

const g = (bytes: number) => (bytes / GIB).toFixed(1).padStart(6);
const s4 = (x: number) => String(+x.toPrecision(4));

export function renderLayouts(plan: Plan, input: SearchInput, r: LayoutSearch): string {
  const lines: string[] = [];
  const target = input.globalBatchSeqs !== undefined ? `${input.globalBatchSeqs} sequences (as given)` : `≈ ${s4((input.batchTargetTokens ?? 0) / 1e6)}M tokens (B_opt)`;
  lines.push(`${plan.title}`);
  lines.push(`Layouts for ${input.gpus} × ${input.accel.title}, seq ${input.seqLen}, batch ${target}`);
  lines.push(`  ${r.derivation}`);
  if ("note" in r.efficiency && r.efficiency.note) lines.push(`  efficiency note: ${r.efficiency.note}`);
  for (const [i, x] of r.ranked.entries()) {
    const m = x.memory;
    const t = x.time;
    lines.push("");
    lines.push(`#${i + 1}  ${describeLayout(x.layout)}`);
    lines.push(`    why: ${x.why}`);
    lines.push(`    batch ${x.batchSeqs} sequences = ${s4(x.batchTokens / 1e6)}M tokens; step ${s4(t.stepSeconds)} s, ${s4(t.tokensPerSecondPerGpu)} tokens/s/GPU, MFU ${s4(t.mfu)}${x.runSeconds !== undefined ? `; run ${s4(x.runSeconds / 86400)} days` : ""}`);
    lines.push(`    memory per GPU (GiB, stage ${m.stage}${m.convention === "megatron" ? ", Megatron's estimator" : ""}):`);
    lines.push(`      weights ${g(m.weightsBytes)}  gradients ${g(m.gradientsBytes)}  master ${g(m.masterWeightsBytes)}  optimizer ${g(m.optimizerStatesBytes)}`);
    lines.push(`      activations ${g(m.activationsBytes)}  logits ${g(m.logitsBytes)}  ZeRO-3 working set ${g(m.zeroWorkingSetBytes)}  reserve ${g(m.reserveBytes)}`);
    lines.push(`      total ${g(m.totalBytes)} of ${(r.capacityBytes / GIB).toFixed(1)}`);
    lines.push(`    time per step (s): compute ${s4(t.computeSeconds)}, recompute ${s4(t.recomputeSeconds)}, bubble ${s4(t.bubbleSeconds)}, TP ${s4(t.tpCommSeconds)}, MoE ${s4(t.moeCommSeconds)}, PP ${s4(t.ppCommSeconds)}, CP exposed ${s4(t.cpExposedSeconds)}, DP exposed ${s4(t.dpExposedSeconds)} of ${s4(t.dpCommSeconds)}`);
    for (const n of x.notes) lines.push(`    note: ${n}`);
  }
  const first = r.ranked[0];
  if (first !== undefined) {
    lines.push("");
    lines.push("Modelled:");
    for (const s of first.time.modelled) lines.push(`  - ${s}`);
    lines.push("Assumed:");
    for (const s of first.time.assumed) lines.push(`  - ${s}`);
  }
  return `${lines.join("\n")}\n`;
}

function jsonOf(plan: Plan, input: SearchInput, r: LayoutSearch) {
  return {
    title: plan.title,
    gpus: input.gpus,
    gpu: input.accel.id,
    seqLen: input.seqLen,
    ...(input.globalBatchSeqs !== undefined ? { globalBatchSeqs: input.globalBatchSeqs } : { batchTargetTokens: input.batchTargetTokens }),
    pins: input.pins ?? {},
    considered: r.considered,
    fitting: r.fitting,
    capacityBytes: r.capacityBytes,
    efficiency: r.efficiency,
    derivation: r.derivation,
    ranked: r.ranked,
  };
}
