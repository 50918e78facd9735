/**
 * The plan request's layout fields (src/plan/options/layout.ts) as the search's pins and options: one
 * mapping, shared by `lmplan layout` and the planner. Typed structurally, so a PlanRequest passes as is.
 */
import type { LayoutPins, SearchOptions } from "./search.js";
import type { Layout } from "./types.js";

const GIB = 1024 ** 3;

export interface LayoutRequestFields {
  tp?: number | undefined;
  pp?: number | undefined;
  vpp?: number | undefined;
  cp?: number | undefined;
  ep?: number | undefined;
  dpShard?: number | undefined;
  zeroStage?: number | undefined;
  microBatch?: number | undefined;
  recompute?: Layout["recompute"] | "auto" | undefined;
  sequenceParallel?: boolean | undefined;
  mainGrads?: Layout["mainGrads"] | undefined;
  optimizerStates?: "fp32" | "bf16" | undefined;
  lossImpl?: "fused" | "unfused-fp32" | undefined;
  memoryConvention?: "lmplan" | "megatron" | undefined;
  /** GiB kept free per GPU (replaces the default 1 GiB + 5%). */
  memoryReserve?: number | undefined;
  wholeNodes?: boolean | undefined;
  compile?: boolean | undefined;
  precision?: Layout["precision"] | undefined;
  /** The user's MFU: the time model's compute efficiency instead of the calibrated table. */
  mfu?: number | undefined;
}

export function layoutPinsAndOptions(req: LayoutRequestFields): { pins: LayoutPins; options: SearchOptions } {
  const pins: LayoutPins = {};
  if (req.tp !== undefined) pins.tp = req.tp;
  if (req.pp !== undefined) pins.pp = req.pp;
  if (req.vpp !== undefined) pins.vpp = req.vpp;
  if (req.cp !== undefined) pins.cp = req.cp;
  if (req.ep !== undefined) pins.ep = req.ep;
  if (req.dpShard !== undefined) pins.dpShard = req.dpShard;
  if (req.zeroStage !== undefined) pins.zeroStage = req.zeroStage as 0 | 1 | 2 | 3;
  if (req.microBatch !== undefined) pins.microBatch = req.microBatch;
  if (req.recompute !== undefined) pins.recompute = req.recompute;
  if (req.sequenceParallel !== undefined) pins.sequenceParallel = req.sequenceParallel;
  const memory: NonNullable<SearchOptions["memory"]> = {};
  if (req.memoryConvention !== undefined) memory.convention = req.memoryConvention;
  if (req.lossImpl !== undefined) memory.lossImpl = req.lossImpl;
  if (req.optimizerStates !== undefined) memory.optimizerStates = req.optimizerStates;
  if (req.memoryReserve !== undefined) memory.reserve = { fixedBytes: req.memoryReserve * GIB, fraction: 0 };
  const options: SearchOptions = { memory };
  if (req.precision !== undefined) options.precision = req.precision;
  if (req.mainGrads !== undefined) options.mainGrads = req.mainGrads;
  if (req.compile !== undefined) options.compile = req.compile;
  if (req.mfu !== undefined) options.efficiency = req.mfu;
  if (req.wholeNodes !== undefined) options.wholeNodes = req.wholeNodes;
  return { pins, options };
}
