/**
 * The layout search: every layout of a GPU count that divides the model and the batch, kept when it fits
 * in memory, ranked by predicted time per token (the run's time for a fixed token budget), then by memory
 * headroom.
 *
 * Degrees enumerated (each bounded by the model or the node, so the loops are small):
 *   tp   divisors of the GPUs per node that divide the query and key/value heads (TP inside a node,
 *        Narayanan et al. arXiv 2104.04473 §3)
 *   cp   powers of two ≤ 32 with seqLen divisible by 2·cp (load-balanced ring chunks)
 *   pp   divisors of the layer count, and powers of two ≤ L/2 as uneven splits (noted)
 *   vpp  divisors ≤ 8 of the layers per stage, with m ≥ pp micro-batches (lmplan's rule: a full pipeline)
 *   ep   MoE only: powers of two dividing the expert count and dp·cp
 *   ZeRO 1 over dp (Megatron's distributed optimizer), 3 over dp (FSDP), 3 over one node's ranks (HSDP)
 *   micro-batch powers of two ≤ 16; recompute none, selective, full
 * dp = GPUs / (tp·cp·pp); the global batch is dp·micro-batch·m sequences: exactly the given batch, or the
 * nearest to the target tokens within a factor (default 1.25, lmplan's tolerance) — it need not be a
 * multiple of the GPU count, only of dp·micro-batch. Any degree the user fixes (pins) is the only value
 * tried.
 */
import { conflict, invalid, missing, type Issue, type Result } from "../errors.js";
import type { Accelerator } from "../hardware/catalog.js";
import { countParams } from "../model/params.js";
import { kvHeads, type ArchSpec } from "../model/spec.js";
import { selectEfficiency, type Efficiency } from "./calibrate.js";
import { gib, layoutMemory, type LayoutMemoryOptions, type MemoryByComponent } from "./memory.js";
import { layoutTime, peakFor, type TimeBreakdown } from "./time.js";
import type { Layout } from "./types.js";

export interface LayoutPins {
  tp?: number;
  pp?: number;
  vpp?: number;
  cp?: number;
  ep?: number;
  dpShard?: number;
  zeroStage?: 0 | 1 | 2 | 3;
  microBatch?: number;
  recompute?: Layout["recompute"] | "auto";
  sequenceParallel?: boolean;
}

export interface SearchOptions {
  memory?: LayoutMemoryOptions;
  precision?: Layout["precision"];
  mainGrads?: Layout["mainGrads"];
  /** torch.compile in the measured case the efficiency is taken from. */
  compile?: boolean;
  /** The user's MFU, used as the compute efficiency instead of the calibrated table. */
  efficiency?: number;
  /** GPU counts beyond one node must be whole nodes (default true). */
  wholeNodes?: boolean;
  /** Layouts returned (default 5, at most 50). */
  top?: number;
  /** The batch may differ from the target tokens by at most this factor (default 1.25). */
  batchTolerance?: number;
  /** Tokens of the whole run, for the run time of each layout. */
  totalTokens?: number;
  /**
   * Shortest sequence chunk a context-parallel rank may hold (default 4096 tokens): CP pays a latency per
   * ring step that the time model does not price, so lmplan splits only sequences whose chunks stay long
   * (lmplan's rule, an assumption).
   */
  minCpChunkTokens?: number;
  /** Evaluate every candidate in full, no early exits (bench/layout.js's reference for the pruned search). */
  exhaustive?: boolean;
}

export interface SearchInput {
  spec: ArchSpec;
  seqLen: number;
  /** Exactly this global batch in sequences … */
  globalBatchSeqs?: number;
  /** … or the batch nearest to this many tokens (e.g. B_opt). */
  batchTargetTokens?: number;
  gpus: number;
  accel: Accelerator;
  pins?: LayoutPins;
  options?: SearchOptions;
}

export interface RankedLayout {
  layout: Layout;
  memory: MemoryByComponent;
  time: TimeBreakdown;
  batchSeqs: number;
  batchTokens: number;
  secondsPerToken: number;
  runSeconds?: number;
  headroomBytes: number;
  why: string;
  notes: string[];
}

export interface LayoutSearch {
  ranked: RankedLayout[];
  considered: number;
  fitting: number;
  efficiency: Efficiency | { u: number; caseId: "user"; source: string; how: string };
  capacityBytes: number;
  derivation: string;
}

const MAX_TOP = 50;
// A bound on the work of one search, far past any real model's count (405B on 16,384 GPUs: ~600):
// beyond it the search stops and says so (a hostile spec with 10⁵ layers must not loop for minutes).
const MAX_CANDIDATES = 300_000;
const MICRO = [1, 2, 4, 8, 16];

export function searchLayouts(input: SearchInput): Result<LayoutSearch> {
  const { spec, seqLen, gpus, accel } = input;
  const pins = input.pins ?? {};
  const o = input.options ?? {};
  const issues: Issue[] = [];
  const G = accel.interconnect.gpusPerNode;
  if (!Number.isInteger(gpus) || gpus < 1 || gpus > 1e6) issues.push(invalid("gpus", "a whole number of GPUs from 1 to 1e6", gpus));
  else if ((o.wholeNodes ?? true) && gpus > G && gpus % G !== 0) issues.push(invalid("gpus", `whole nodes: a multiple of ${G} GPUs per ${accel.title} node`, gpus));
  if (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > 1e8) issues.push(invalid("seqLen", "a whole number of tokens from 1 to 1e8", seqLen));
  const exact = input.globalBatchSeqs;
  if (exact !== undefined && (!Number.isInteger(exact) || exact < 1 || exact > 1e9)) issues.push(invalid("globalBatchSeqs", "a whole number of sequences from 1 to 1e9", exact));
  if (exact === undefined && input.batchTargetTokens === undefined) issues.push(missing("batch", "a global batch in sequences or a target in tokens"));
  if (input.batchTargetTokens !== undefined && !(input.batchTargetTokens >= seqLen && input.batchTargetTokens <= 1e13)) issues.push(invalid("batchTargetTokens", `tokens from one sequence (${seqLen}) to 1e13`, input.batchTargetTokens));
  const top = Math.min(MAX_TOP, Math.max(1, Math.floor(o.top ?? 5)));
  const tol = o.batchTolerance ?? 1.25;
  if (!(tol >= 1 && tol <= 100)) issues.push(invalid("batchTolerance", "a factor from 1 to 100", tol));
  issues.push(...checkPins(spec, seqLen, pins));
  if (issues.length > 0) return { ok: false, issues };

  const precision = o.precision ?? "bf16";
  const mainGrads = o.mainGrads ?? "fp32";
  const total = countParams(spec).total;
  const efficiency = o.efficiency !== undefined ? { u: o.efficiency, caseId: "user" as const, source: "the user's MFU", how: "given" } : selectEfficiency(total, precision, o.compile ?? false);
  const targetSeqs = exact ?? (input.batchTargetTokens as number) / seqLen;
  const capacity = accel.memoryBytes;
  const kv = kvHeads(spec);
  const L = spec.numLayers;
  const moe = (spec as ArchSpec & { moe?: { numExperts: number } }).moe;

  const pick = <T>(pin: T | undefined, all: T[]) => (pin !== undefined ? [pin] : all);
  const tps = pick(pins.tp, divisors(G).filter((t) => t <= gpus && spec.numHeads % t === 0 && kv % t === 0));
  const minChunk = o.minCpChunkTokens ?? 4096;
  const cps = pick(pins.cp, [1, 2, 4, 8, 16, 32].filter((c) => c === 1 || (seqLen % (2 * c) === 0 && seqLen / c >= minChunk)));
  const ppEven = divisors(L).filter((p) => p <= 128);
  const ppUneven = [2, 4, 8, 16, 32, 64].filter((p) => p <= L / 2 && L % p !== 0);
  const pps = pick(pins.pp, [...ppEven, ...ppUneven]);
  const micros = pick(pins.microBatch, MICRO);
  const recomputes: Layout["recompute"][] = pins.recompute !== undefined && pins.recompute !== "auto" ? [pins.recompute] : ["none", "selective", "full"];

  const quietMemory: LayoutMemoryOptions = { ...o.memory, explain: false };
  const timeOpts = { efficiency: efficiency.u, efficiencySource: efficiency.caseId };
  const ranked: RankedLayout[] = [];
  let considered = 0;
  let fitting = 0;
  let smallest: { bytes: number; layout: Layout } | undefined;

  search: for (const tp of tps) {
    for (const cp of cps) {
      for (const pp of pps) {
        const mp = tp * cp * pp;
        if (pp > L || gpus % mp !== 0) continue;
        const dp = gpus / mp;
        const even = L % pp === 0;
        // a pinned vpp > 1 needs an even pipeline whose stages it divides
        const vpps = pins.vpp !== undefined ? (pins.vpp === 1 || (pp > 1 && even && (L / pp) % pins.vpp === 0) ? [pins.vpp] : []) : pp === 1 ? [1] : even ? divisors(L / pp).filter((v) => v <= 8) : [1];
        const eps = moe === undefined ? [1] : pick(pins.ep, [1, 2, 4, 8, 16, 32, 64, 128, 256].filter((e) => moe.numExperts % e === 0 && (dp * cp) % e === 0));
        const shards = shardings(dp, cp, tp, G, pins);
        for (const vpp of vpps) {
          for (const ep of eps) {
            for (const [zeroStage, dpShard] of shards) {
              for (const recompute of recomputes) {
                for (const microBatch of micros) {
                  // the batch: dp·micro·m sequences, exact or nearest the target within the tolerance
                  const per = dp * microBatch;
                  let m: number;
                  if (exact !== undefined) {
                    if (exact % per !== 0) continue;
                    m = exact / per;
                  } else {
                    m = Math.max(1, Math.round(targetSeqs / per));
                    const ratio = (per * m) / targetSeqs;
                    if (ratio > tol || ratio < 1 / tol) continue;
                  }
                  if (vpp > 1 && m < pp) continue;
                  const layout: Layout = { dp, dpShard, zeroStage, tp, sequenceParallel: pins.sequenceParallel ?? tp > 1, pp, vpp, cp, ep, microBatch, gradAccum: m, recompute, precision, mainGrads };
                  if (++considered > MAX_CANDIDATES) break search;
                  const memory = layoutMemory(spec, seqLen, layout, quietMemory);
                  if (smallest === undefined || memory.totalBytes < smallest.bytes) smallest = { bytes: memory.totalBytes, layout };
                  // memory rises with the micro-batch: the larger ones cannot fit either
                  if (memory.totalBytes > capacity) {
                    if (o.exhaustive) continue;
                    break;
                  }
                  fitting++;
                  const time = layoutTime(spec, seqLen, layout, accel, { ...timeOpts, explain: false });
                  const secondsPerToken = time.stepSeconds / time.tokensPerStep;
                  const headroomBytes = capacity - memory.totalBytes;
                  if (ranked.length === top && !o.exhaustive) {
                    const worst = ranked[top - 1] as RankedLayout;
                    if (!better(secondsPerToken, headroomBytes, mp, worst)) continue;
                    ranked.pop();
                  }
                  const batchSeqs = per * m;
                  const entry: RankedLayout = { layout, memory, time, batchSeqs, batchTokens: batchSeqs * seqLen, secondsPerToken, headroomBytes, why: "", notes: [] };
                  if (o.totalTokens !== undefined) entry.runSeconds = o.totalTokens * secondsPerToken;
                  let i = ranked.length;
                  while (i > 0 && better(secondsPerToken, headroomBytes, mp, ranked[i - 1] as RankedLayout)) i--;
                  ranked.splice(i, 0, entry);
                  if (ranked.length > top) ranked.pop();
                }
              }
            }
          }
        }
      }
    }
  }

  if (ranked.length === 0) {
    const s = smallest as { bytes: number; layout: Layout } | undefined;
    const detail = s === undefined
      ? `no layout of ${gpus} GPUs divides the model (heads ${spec.numHeads}, kv heads ${kv}, layers ${L}) and the batch (${exact !== undefined ? `${exact} sequences` : `≈ ${Math.round(targetSeqs)} sequences within ×${tol}`}) with the pins given`
      : `no layout of ${gpus} GPUs fits ${gib(capacity)} GiB: the smallest needs ${gib(s.bytes)} GiB (${describe(s.layout)}) — add GPUs, shorten the sequence, or use a larger-memory GPU`;
    return { ok: false, issues: [conflict("gpus", detail, String(gpus))] };
  }
  const best = ranked[0] as RankedLayout;
  for (const [i, r] of ranked.entries()) {
    // the kept few get their derivation text (the search computed them without it)
    r.memory = layoutMemory(spec, seqLen, r.layout, o.memory);
    r.time = layoutTime(spec, seqLen, r.layout, accel, timeOpts);
    r.why = whyLine(r, best, i);
    r.notes = [...r.memory.assumptions];
    if (L % r.layout.pp !== 0) r.notes.push(`uneven pipeline: ${L} layers over ${r.layout.pp} stages`);
    if (exact === undefined && r.batchSeqs !== Math.round(targetSeqs)) r.notes.push(`batch ${r.batchSeqs} sequences (dp ${r.layout.dp} × micro-batch ${r.layout.microBatch} × ${r.layout.gradAccum}) against a target of ${+targetSeqs.toPrecision(4)}`);
  }
  const peak = peakFor(accel, precision);
  return {
    ok: true,
    value: {
      ranked,
      considered,
      fitting,
      efficiency,
      capacityBytes: capacity,
      derivation: `${considered > MAX_CANDIDATES ? `stopped after ${MAX_CANDIDATES} candidates (pin a degree to search the rest); ` : ""}${Math.min(considered, MAX_CANDIDATES)} layouts of ${gpus} × ${accel.title} that divide the model and the batch; ${fitting} fit in ${gib(capacity)} GiB; ranked by step time per token at ${+(peak / 1e12).toPrecision(4)} TFLOP/s × u ${+efficiency.u.toPrecision(3)} (${efficiency.source}; ${efficiency.how})`,
    },
  };
}

/**
 * Faster first; within 0.5% of the same time (what the model cannot tell apart: it does not price the
 * efficiency lost to smaller per-GPU matmuls or collective latency) the smaller model-parallel group
 * tp·cp·pp, then the larger memory headroom.
 */
const TIE = 0.005;
// times in buckets of 0.5% (log scale) keep the order transitive
const bucket = (secondsPerToken: number) => Math.floor(Math.log(secondsPerToken) / Math.log1p(TIE));
function better(secondsPerToken: number, headroom: number, mp: number, than: RankedLayout): boolean {
  const a = bucket(secondsPerToken);
  const b = bucket(than.secondsPerToken);
  if (a !== b) return a < b;
  const thanMp = than.layout.tp * than.layout.cp * than.layout.pp;
  if (mp !== thanMp) return mp < thanMp;
  if (headroom !== than.headroomBytes) return headroom > than.headroomBytes;
  return secondsPerToken < than.secondsPerToken;
}

/** Pins the model cannot take: named by field, with what would be accepted. */
function checkPins(spec: ArchSpec, seqLen: number, p: LayoutPins): Issue[] {
  const out: Issue[] = [];
  const kv = kvHeads(spec);
  const moe = (spec as ArchSpec & { moe?: { numExperts: number } }).moe;
  if (p.tp !== undefined && (spec.numHeads % p.tp !== 0 || kv % p.tp !== 0)) out.push(invalid("tp", `a divisor of the ${spec.numHeads} query heads and ${kv} key/value heads`, p.tp));
  if (p.pp !== undefined && p.pp > spec.numLayers) out.push(invalid("pp", `at most the ${spec.numLayers} layers`, p.pp));
  if (p.vpp !== undefined && p.pp !== undefined && (spec.numLayers % p.pp !== 0 || (spec.numLayers / p.pp) % p.vpp !== 0)) out.push(invalid("vpp", `a divisor of the layers per stage (${spec.numLayers} layers over pp ${p.pp}, evenly)`, p.vpp));
  if (p.cp !== undefined && p.cp > 1 && seqLen % (2 * p.cp) !== 0) out.push(invalid("cp", `a degree with the sequence (${seqLen}) divisible by 2·cp`, p.cp));
  if (p.ep !== undefined && p.ep > 1 && (moe === undefined || moe.numExperts % p.ep !== 0)) out.push(invalid("ep", moe === undefined ? "1 for a dense model" : `a divisor of the ${moe.numExperts} experts`, p.ep));
  if (p.dpShard !== undefined && p.zeroStage === 0 && p.dpShard !== 1) out.push(conflict("dpShard", "ZeRO stage 0 shards nothing: dpShard must be 1", String(p.dpShard)));
  return out;
}

/** The ZeRO stage and shard-group pairs tried for dp ranks: ZeRO-1 and FSDP over all of dp, HSDP within a node. */
function shardings(dp: number, cp: number, tp: number, G: number, pins: LayoutPins): [0 | 1 | 2 | 3, number][] {
  if (pins.zeroStage !== undefined || pins.dpShard !== undefined) {
    const z = pins.zeroStage ?? 3;
    const shard = pins.dpShard ?? (z === 0 ? 1 : dp);
    return dp % shard === 0 ? [[z, shard]] : [];
  }
  if (dp * cp === 1) return [[1, 1]];
  const out: [0 | 1 | 2 | 3, number][] = [[1, dp], [3, dp]];
  const inNode = Math.floor(G / (tp * cp));
  if (inNode > 1 && inNode < dp && dp % inNode === 0) out.push([3, inNode]);
  return out;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i * i <= n; i++) {
    if (n % i !== 0) continue;
    out.push(i);
    if (i * i !== n) out.push(n / i);
  }
  return out.sort((a, b) => a - b);
}

/** A layout in one line: TP8·SP · PP4×v2 · CP2 · EP8 · DP16 (ZeRO-3 over 16) · micro 1 × 32 · recompute selective. */
export function describe(l: Layout): string {
  const parts = [`TP${l.tp}${l.sequenceParallel ? "+SP" : ""}`, `PP${l.pp}${l.vpp > 1 ? `×v${l.vpp}` : ""}`];
  if (l.cp > 1) parts.push(`CP${l.cp}`);
  if (l.ep > 1) parts.push(`EP${l.ep}`);
  parts.push(`DP${l.dp} (${l.zeroStage === 3 ? (l.dpShard < l.dp ? `HSDP: FSDP over ${l.dpShard}` : "FSDP") : `ZeRO-${l.zeroStage}`})`);
  parts.push(`micro-batch ${l.microBatch} × ${l.gradAccum}`, `recompute ${l.recompute}`);
  return parts.join(" · ");
}

function whyLine(r: RankedLayout, best: RankedLayout, rank: number): string {
  const t = r.time;
  const pct = (x: number) => `${+((100 * x) / t.stepSeconds).toPrecision(2)}%`;
  const costs: [string, number][] = [
    ["recompute", t.recomputeSeconds],
    ["pipeline bubble", t.bubbleSeconds],
    ["TP communication", t.tpCommSeconds],
    ["MoE all-to-all", t.moeCommSeconds],
    ["PP sends", t.ppCommSeconds],
    ["exposed CP communication", t.cpExposedSeconds],
    ["exposed DP communication", t.dpExposedSeconds],
  ];
  const shown = costs.filter(([, s]) => s > 0.005 * t.stepSeconds).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([n, s]) => `${n} ${pct(s)}`);
  const lead = rank === 0 ? "fastest that fits" : `${+((100 * (r.secondsPerToken / best.secondsPerToken - 1))).toPrecision(2)}% slower than the best`;
  const overhead = shown.length > 0 ? `; step ${pct(t.computeSeconds)} compute, ${shown.join(", ")}` : "; the step is all compute";
  return `${lead}${overhead}; ${gib(r.headroomBytes)} GiB free`;
}
