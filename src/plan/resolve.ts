/**
 * The resolve step: a validated request becomes a fully defaulted one, each value tagged with where it
 * came from — the user, lmplan's default (with the source id the plan cites for it), a preset, or the
 * user's fitted laws. Defaults that depend on other choices (the μP base from the preset's family and
 * the parameterization, the final LR from the schedule, the decay fraction from the schedule, the
 * sequence length from the context stages or the preset) are decided here, once; the stages read the
 * tags and never apply a `??` of their own.
 */
import { conflict, invalid, type Issue, type Result } from "../errors.js";
import { acceleratorNames, findAccelerator, type Accelerator } from "../hardware/catalog.js";
import { EPOCH_PARAMS, chinchillaEpoch } from "../laws/chinchilla-epoch.js";
import { chinchillaFormula, chinchillaLaw, type ChinchillaLaw, type ChinchillaParams } from "../laws/chinchilla-form.js";
import { HOFFMANN_PARAMS, chinchillaHoffmann } from "../laws/chinchilla-hoffmann.js";
import { findPreset, type ModelPreset } from "../model/presets.js";
import type { MupBase } from "../parameterization/bases.js";
import { mupBaseFromRequest } from "../fit/mup-bridge.js";
import type { Warning } from "../laws/types.js";
import { parseStages, type StageSpec } from "../context/stages.js";
import { declaredDefault, type PlanField, type PlanRequest } from "./request.js";
import { s4 } from "./stages/common.js";

/** Where a resolved value came from. */
export type From = "user" | "default" | "preset" | "fitted";

/** A value and its provenance: `source` is the id the plan's `source` fields show ("user", a law, a reference). */
export interface Resolved<T> {
  value: T;
  from: From;
  source: string;
}

const user = <T>(value: T): Resolved<T> => ({ value, from: "user", source: "user" });
const byDefault = <T>(value: T, source: string): Resolved<T> => ({ value, from: "default", source });
const pick = <T>(given: T | undefined, fallback: T, source: string): Resolved<T> => (given !== undefined ? user(given) : byDefault(fallback, source));
/** The user's value, else the default the field declares (src/plan/request.ts) with its source. */
function declared<K extends PlanField>(req: PlanRequest, key: K): Resolved<NonNullable<PlanRequest[K]>> {
  const given = req[key];
  if (given !== undefined && given !== null) return user(given as NonNullable<PlanRequest[K]>);
  const d = declaredDefault(key);
  return byDefault(d.value, d.source);
}

/** Cosine schedules end at 10% of the peak (Chinchilla's convention); every other schedule at zero (D2Z, arXiv 2502.15938). */
export const COSINE_MIN_LR_RATIO = 0.1;
/** WSD's decay phase: the last 10% of steps (MiniCPM, arXiv 2404.06395). */
export const WSD_DECAY_FRACTION = 0.1;
/** lmplan's default sequence length without a preset or stages. */
export const DEFAULT_SEQ_LEN = 2048;

export type ScheduleKind = "linear" | "cosine" | "wsd" | "constant" | "power";
export type LossLawChoice = { law: ChinchillaLaw; params: ChinchillaParams };

export interface ResolvedRequest {
  req: PlanRequest;
  preset?: ModelPreset;
  accel: Accelerator;
  /** GPUs the user gave (--gpus, or the count in --gpu 64xH100); undefined when lmplan chooses. */
  gpusGiven?: number;
  parameterization: Resolved<"mup" | "completep" | "sp">;
  muBase: Resolved<MupBase>;
  precision: Resolved<"bf16" | "fp8">;
  mfu: Resolved<number>;
  lossLaw: Resolved<LossLawChoice>;
  schedule: Resolved<ScheduleKind>;
  warmupFraction: Resolved<number>;
  minLrRatio: Resolved<number>;
  /** wsd and power only. */
  decayFraction?: Resolved<number>;
  decayShape?: Resolved<"linear" | "cosine" | "1-sqrt" | "exponential">;
  zeroStage: Resolved<0 | 1 | 2 | 3>;
  /** What resolving said out loud (a fitted base another choice overrides). */
  warnings: Warning[];
  /** Context stages: given, or the preset's (when no --seq-len overrides them). */
  stages?: StageSpec[];
  /** The plan's sequence length: the first stage's, else --seq-len, else the preset's, else 2048. */
  seqLen: Resolved<number>;
}

export const LOSS_LAWS = {
  "chinchilla-epoch": { law: chinchillaEpoch, params: EPOCH_PARAMS },
  "chinchilla-hoffmann": { law: chinchillaHoffmann, params: HOFFMANN_PARAMS },
} as const;

/** Fill every default, or say which fields contradict each other. */
export function resolveRequest(req: PlanRequest): Result<ResolvedRequest> {
  const issues: Issue[] = [];
  const gpuName = req.gpu?.name ?? (declaredDefault("gpu").value as unknown as string);
  const accel = findAccelerator(gpuName);
  if (!accel) issues.push(invalid("gpu", `one of ${acceleratorNames().join(", ")}`, req.gpu?.name));
  if (req.gpu?.count !== undefined && req.gpus !== undefined && req.gpu.count !== req.gpus) {
    issues.push(conflict(["gpu", "gpus"], `--gpu says ${req.gpu.count} accelerators and --gpus says ${req.gpus}; give the count once`));
  }
  const preset = req.preset ? findPreset(req.preset) : undefined;
  const parameterization = declared(req, "parameterization");
  // A preset's family has its own tuned base (Cerebras-GPT's for Cerebras-GPT); CompleteP needs a base
  // that records its proxy depth, which only Cerebras-GPT's does. The user's own base (a file, or a fit
  // in --laws) comes first (src/fit/mup-bridge.ts).
  const chosen = mupBaseFromRequest(
    { ...(req.muBase !== undefined ? { muBase: req.muBase } : {}), ...(req.muBaseSpec !== undefined ? { muBaseSpec: req.muBaseSpec } : {}), ...(req.fittedLaws !== undefined ? { fittedLaws: req.fittedLaws } : {}) },
    { ...(preset?.recipe?.muBase !== undefined ? { presetBase: preset.recipe.muBase, presetId: preset.id } : {}), defaultId: parameterization.value === "completep" ? "cerebras-gpt" : "btlm" },
  );
  if (!chosen.ok) return chosen;
  const base = chosen.value.base;
  if (parameterization.value === "completep" && base.numLayersBase === undefined) {
    issues.push(conflict(["muBase", "parameterization"], `CompleteP needs the proxy's depth, which the ${base.id} base does not record; use --mu-base cerebras-gpt`));
  }
  if ((req.schedule === "wsd" || req.schedule === "power") && req.decayShape === "exponential" && (req.minLrRatio ?? 0) === 0) {
    issues.push(invalid("minLrRatio", "a value > 0 with an exponential decay (it never reaches zero)", req.minLrRatio ?? 0));
  }
  // a deadline on the frontier chooses the run itself: planWithDeadline (src/plan/deadline.ts) does that
  // and then plans the chosen point here; a plan of one run never drops those fields silently
  for (const k of ["lossTarget", "deadlineBy", "maxGpus", "bcrit"] as const) {
    if (req[k] !== undefined) issues.push(invalid(k, "no frontier field in planSafe/planFromRequest, which plan one run: call planWithDeadline (lmplan plan and POST /api/plan do)", req[k]));
  }
  if (issues.length > 0 || !accel) return { ok: false, issues };

  const precision = declared(req, "precision");
  const fitted = req.fittedLaws;
  if (fitted?.loss && req.lossLaw !== undefined) {
    return { ok: false, issues: [conflict(["lossLaw", "fittedLaws"], "--loss-law and a fitted loss law in --laws both choose the loss law; give one")] };
  }
  const lossLaw: Resolved<LossLawChoice> = fitted?.loss
    ? { value: fittedLossLaw(fitted.loss.params), from: "fitted", source: "fitted:loss" }
    : req.lossLaw !== undefined
      ? user(LOSS_LAWS[req.lossLaw])
      : byDefault(LOSS_LAWS[declaredDefault("lossLaw").value], declaredDefault("lossLaw").source);

  const kind = declared(req, "schedule");
  const seq = resolveStages(req, preset);
  if (!seq.ok) return seq;
  return {
    ok: true,
    value: {
      req,
      ...(preset ? { preset } : {}),
      accel,
      ...((req.gpus ?? req.gpu?.count) !== undefined ? { gpusGiven: req.gpus ?? req.gpu?.count } : {}),
      parameterization,
      muBase: { value: base, from: chosen.value.from, source: chosen.value.source },
      warnings: chosen.value.warnings,
      precision,
      mfu: declared(req, "mfu"),
      lossLaw,
      schedule: kind,
      warmupFraction: declared(req, "warmupFraction"),
      minLrRatio: pick(req.minLrRatio, kind.value === "cosine" ? COSINE_MIN_LR_RATIO : 0, "straight-to-zero"),
      ...(kind.value === "wsd" || kind.value === "power"
        ? {
            decayFraction: pick(req.decayFraction, kind.value === "wsd" ? WSD_DECAY_FRACTION : 0, kind.value === "wsd" ? "wsd-minicpm" : "power-scheduler"),
            decayShape: declared(req, "decayShape"),
          }
        : {}),
      // full sharding (FSDP/ZeRO-3) unless asked; the layout search reads the other layout fields itself
      zeroStage: pick((req.zeroStage ?? undefined) as 0 | 1 | 2 | 3 | undefined, 3, "zero"),
      ...seq.value,
    },
  };
}

/** Context stages and the sequence length: the first stage's length is the plan's. */
function resolveStages(req: PlanRequest, preset: ModelPreset | undefined): Result<{ stages?: StageSpec[]; seqLen: Resolved<number> }> {
  let stages: StageSpec[] | undefined;
  if (req.contextStages !== undefined) {
    const st = parseStages(req.contextStages, "contextStages");
    if (!st.ok) return st;
    stages = st.value;
    if (req.seqLen !== undefined && req.seqLen !== stages[0]?.seqLen) {
      return { ok: false, issues: [conflict(["seqLen", "contextStages"], `--seq-len ${req.seqLen} differs from the first stage's length ${stages[0]?.seqLen}; give one`)] };
    }
  } else if (preset?.recipe?.stages && req.seqLen === undefined) {
    const total = preset.recipe.stages.reduce((a, x) => a + x.tokens, 0);
    stages = preset.recipe.stages.map((x) => ({ seqLen: x.seqLen, share: x.tokens / total }));
  }
  const first = stages?.[0]?.seqLen;
  const seqLen: Resolved<number> =
    req.seqLen !== undefined
      ? user(req.seqLen)
      : first !== undefined && req.contextStages !== undefined
        ? user(first)
        : preset
          ? { value: first ?? preset.model.seqLen, from: "preset", source: `preset:${preset.id}` }
          : byDefault(DEFAULT_SEQ_LEN, "arithmetic");
  return { ok: true, value: { ...(stages ? { stages } : {}), seqLen } };
}

/** A Chinchilla-form law with the user's fitted parameters (from lmplan fit loss), built by the one Chinchilla body. */
export function fittedLossLaw(params: ChinchillaParams): { law: ChinchillaLaw; params: ChinchillaParams } {
  const law = chinchillaLaw({
    id: "fitted:loss",
    title: "your fitted loss law",
    citation: { short: "lmplan fit loss", locator: "your runs" },
    verified: true,
    params,
    formula: `${chinchillaFormula(params, s4)} (your fit)`,
    fitRange: {},
    fitRangeNote: "the range of your runs",
  });
  return { law, params };
}
