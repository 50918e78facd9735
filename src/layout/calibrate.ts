/**
 * The MFU table made usable by the time model: each published measurement (src/hardware/time.ts,
 * MEASURED_THROUGHPUT) becomes a compute efficiency u — the one for which layoutTime, run on the
 * measurement's own layout, predicts the measured tokens/s/GPU (found by bisection: predicted throughput
 * rises with u). Rows that state an MFU and no layout (Megatron's README) give u = that MFU, so the
 * bubble and exposed communication lmplan adds on top make those cases slightly pessimistic (stated).
 *
 * A layout takes the u of the row with its precision and compile setting whose model is nearest in
 * log-parameters (first in table order on a tie); fp8 rows are all with torch.compile, so fp8 without
 * compile takes them and says so.
 */
import { findAccelerator } from "../hardware/catalog.js";
import { MEASURED_THROUGHPUT, type MeasuredThroughput } from "../hardware/time.js";
import { findPreset } from "../model/presets.js";
import { layoutTime } from "./time.js";
import type { Layout } from "./types.js";

export interface Efficiency {
  u: number;
  caseId: string;
  source: string;
  /** How the row was turned into u. */
  how: string;
  note?: string;
}

/** The Layout a TorchTitan row ran (FSDP = ZeRO-3 over dpShard, bf16 reduce → fp32 grads as TorchTitan's mixed_precision_reduce default). */
export function measuredLayout(row: MeasuredThroughput): Layout | undefined {
  const m = row.layout;
  if (m === undefined) return undefined;
  const dp = row.numGpus / (m.tp * m.pp * m.cp);
  return {
    dp,
    dpShard: m.dpShard,
    zeroStage: 3,
    tp: m.tp,
    sequenceParallel: m.tp > 1,
    pp: m.pp,
    vpp: m.vpp,
    cp: m.cp,
    ep: 1,
    microBatch: m.microBatch,
    gradAccum: m.localBatchSeqs / m.microBatch,
    recompute: m.recompute,
    precision: row.precision,
    mainGrads: "fp32",
  };
}

const cache = new Map<string, Efficiency>();

export function calibrate(row: MeasuredThroughput): Efficiency {
  const hit = cache.get(row.id);
  if (hit) return hit;
  let out: Efficiency;
  const layout = measuredLayout(row);
  const preset = row.preset !== undefined ? findPreset(row.preset) : undefined;
  const accel = findAccelerator(row.gpu);
  if (layout !== undefined && preset !== undefined && accel !== undefined && row.tokensPerSecondPerGpu !== undefined) {
    const target = row.tokensPerSecondPerGpu;
    const tps = (u: number) => layoutTime(preset.model, row.seqLen, layout, accel, { efficiency: u }).tokensPerSecondPerGpu;
    // bisection on u ∈ (0, 1]: 60 halvings reach double precision
    let lo = 1e-4;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (tps(mid) < target) lo = mid;
      else hi = mid;
    }
    out = { u: (lo + hi) / 2, caseId: row.id, source: row.source, how: `u at which lmplan's time model on the measured layout gives the measured ${target} tokens/s/GPU`, ...(row.note ? { note: row.note } : {}) };
  } else {
    out = { u: row.mfu ?? 0, caseId: row.id, source: row.source, how: "the published end-to-end MFU, used as u", ...(row.note ? { note: row.note } : {}) };
  }
  cache.set(row.id, out);
  return out;
}

/** The efficiency for a model of totalParams at a precision, with or without torch.compile. */
export function selectEfficiency(totalParams: number, precision: Layout["precision"], compile: boolean): Efficiency {
  const byPrecision = MEASURED_THROUGHPUT.filter((r) => r.precision === precision && (r.tokensPerSecondPerGpu !== undefined || r.mfu !== undefined));
  const exact = byPrecision.filter((r) => r.compile === compile);
  const pool = exact.length > 0 ? exact : byPrecision;
  let best = pool[0] as MeasuredThroughput;
  for (const r of pool) {
    if (Math.abs(Math.log(r.params / totalParams)) < Math.abs(Math.log(best.params / totalParams))) best = r;
  }
  const e = calibrate(best);
  return exact.length > 0 ? e : { ...e, note: `${e.note ? `${e.note}; ` : ""}no ${precision} measurement ${compile ? "with" : "without"} torch.compile: the nearest with it is used` };
}
