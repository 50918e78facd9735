/**
 * Parallel-layout and memory options (issue 14 adds tensor, pipeline, context and expert parallelism here).
 */
import { field, numberIn, oneOf } from "./field.js";

export const LAYOUT_OPTIONS = {
  microBatch: field(numberIn({ min: 1, max: 1e6, integer: true, what: "sequences per GPU per forward pass" }), {
    flag: "--micro-batch <n>",
    description: "sequences per GPU per forward/backward (must divide the per-GPU batch)",
    unit: "sequences",
    defaultNote: "the largest that fits in memory",
  }),
  zeroStage: field(numberIn({ min: 0, max: 3, integer: true, what: "ZeRO/FSDP sharding stage" }), {
    flag: "--zero-stage <0-3>",
    description: "0 none, 1 optimizer states, 2 + gradients, 3 + weights (FSDP full shard)",
    unit: "",
    defaultNote: "3",
  }),
  recompute: field(oneOf(["auto", "none", "full"] as const), {
    flag: "--recompute <mode>",
    description: "activation recomputation: auto (none if it fits, else full), none, full",
    unit: "",
    defaultNote: "auto",
  }),
};
