/**
 * Deadline and target options for choosing a point on the time/compute frontier (issue 16): with a
 * target loss (or a compute budget and --deadline-by frontier), `lmplan plan --days` plans the cheapest
 * Pareto point of (N, D, batch, GPUs) that meets the deadline (src/plan/deadline.ts), instead of keeping
 * the compute-optimal model and adding GPUs.
 */
import { field, numberIn, oneOf, text } from "./field.js";
import { POWER_LINES_BCRIT_TERM } from "../../laws/power-lines-bcrit.js";

export const DEADLINE_OPTIONS = {
  lossTarget: field(numberIn({ min: 0, max: 100, minExclusive: true, what: "a loss in nats per token, on the loss law's scale" }), {
    flag: "--loss-target <nats>",
    description: "plan the cheapest point of the time–compute frontier that reaches this loss (with --days: that also meets the deadline); lmplan chooses N, D, batch and GPUs",
    unit: "nats/token",
  }),
  deadlineBy: field(oneOf(["frontier", "gpus"] as const), {
    flag: "--deadline-by <how>",
    description: "how --days is met: frontier (the cheapest Pareto point of N, D, batch and GPUs that meets it; the target is --loss-target, or the loss of the compute-optimal model at --compute) or gpus (the compute-optimal model on enough GPUs)",
    unit: "",
    defaultNote: "frontier with --loss-target, else gpus",
  }),
  maxGpus: field(numberIn({ min: 8, max: 1e6, integer: true, what: "most accelerators a frontier point may use" }), {
    flag: "--max-gpus <n>",
    description: "with the frontier: the most GPUs a point may use, in whole 8-GPU nodes",
    unit: "GPUs",
    defaultNote: "16384 (Llama 3 405B's scale, arXiv 2407.21783 §3.3)",
  }),
  bcrit: field(text('zhang2024, fitted, or <B_crit tokens>@<D_min tokens> such as "4M@20B"'), {
    flag: "--bcrit <source>",
    description: `with the frontier: the critical-batch calibration: zhang2024 (shipped), fitted (the bcrit entry of --laws), or "4M@20B" (one run, scaled by Power Lines' ${POWER_LINES_BCRIT_TERM})`,
    unit: "",
    defaultNote: "fitted when --laws has a bcrit entry, else zhang2024",
  }),
};
