/**
 * Per-step LR arrays of the MultiPowerLaw repository's loss curves, rebuilt from their schedule names
 * (which are its file names) the way the repository does (thu-yao-01-luo/MultiPowerLaw @8da9f190 src/data_loader.py,
 * src/lr_schedules.py): 2160 warmup steps as linspace(0, 3e-4, 2160); cosine to 3e-5; constant;
 * wsdcon_X = 3e-4 until step 8000 then X·1e-5 until 16000; wsd = exponential decay from step 20000
 * to 3e-5 at 24000; wsdld = linear decay over the same span.
 *
 * Used only when a schedule is named (lmplan fit curves --schedule): a file's name alone never
 * replaces the LRs it logs (issue 10).
 */
import { invalid, type Result } from "../errors.js";
import { MAX_CURVE_STEPS } from "../laws/multi-power-law.js";

const WARMUP = 2160;
const PEAK = 3e-4;
const END = 3e-5;

function warmup(out: Float64Array, peak: number): void {
  // numpy.linspace(0, peak, WARMUP): both ends included
  for (let i = 0; i < WARMUP; i++) out[i] = (peak * i) / (WARMUP - 1);
}

/** What --schedule accepts, for messages and help. */
export const BUILT_IN_SCHEDULES =
  "mpl (each file's schedule from its MultiPowerLaw repository file name), or one schedule for every file: cosine_<steps>, constant_<steps>, wsdcon_<x> (x·1e-5 after step 8000), wsd_<decay start>_<steps> or wsdld_<decay start>_<steps>";

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

/**
 * The per-step LRs of one of the repository's schedules, by its name ("cosine_24000"), with bounds
 * checked before anything is allocated: at most MAX_CURVE_STEPS steps, longer than the 2160-step warmup.
 */
export function mplSchedule(name: string, field: string | string[] = "schedule"): Result<Float64Array> {
  const bad = (expected: string): Result<Float64Array> => ({ ok: false, issues: [invalid(field, expected, clip(name))] });
  const steps = (x: number) => Number.isInteger(x) && x > WARMUP && x <= MAX_CURVE_STEPS;
  const stepsText = `more than the ${WARMUP} warmup steps and at most ${MAX_CURVE_STEPS.toExponential().replace("e+", "e")} (lmplan's limit on a curve's length)`;
  let m: RegExpExecArray | null;
  if ((m = /^cosine_(\d{1,12})$/.exec(name))) {
    const total = Number(m[1]);
    if (!steps(total)) return bad(`cosine_<steps> with steps ${stepsText}`);
    const out = new Float64Array(total);
    warmup(out, PEAK);
    for (let s = WARMUP; s < total; s++) out[s] = END + 0.5 * (PEAK - END) * (1 + Math.cos((Math.PI * (s - WARMUP)) / (total - WARMUP)));
    return { ok: true, value: out };
  }
  if ((m = /^constant_(\d{1,12})$/.exec(name))) {
    const total = Number(m[1]);
    if (!steps(total)) return bad(`constant_<steps> with steps ${stepsText}`);
    const out = new Float64Array(total);
    warmup(out, PEAK);
    out.fill(PEAK, WARMUP);
    return { ok: true, value: out };
  }
  if ((m = /^wsdcon_(\d{1,12})$/.exec(name))) {
    const x = Number(m[1]);
    if (x > 30) return bad("wsdcon_<x> with a whole x from 0 to 30 (an LR of x·1e-5 after step 8000, at most the 3e-4 peak)");
    const out = new Float64Array(16000);
    warmup(out, PEAK);
    out.fill(PEAK, WARMUP, 8000);
    out.fill(x * 1e-5, 8000);
    return { ok: true, value: out };
  }
  if ((m = /^(wsd|wsdld)_(\d{1,12})_(\d{1,12})$/.exec(name))) {
    const decay = Number(m[2]);
    const total = Number(m[3]);
    if (!steps(total) || decay < WARMUP || decay >= total) return bad(`${m[1]}_<decay start>_<steps> with the decay starting at or after the ${WARMUP} warmup steps and before the end, and steps ${stepsText}`);
    const out = new Float64Array(total);
    warmup(out, PEAK);
    out.fill(PEAK, WARMUP, decay);
    for (let s = decay; s < total; s++) {
      const f = (s - decay) / (total - decay);
      out[s] = m[1] === "wsd" ? PEAK ** (1 - f) * END ** f : PEAK * (1 - f) + END * f;
    }
    return { ok: true, value: out };
  }
  return bad(`one of the MultiPowerLaw repository's schedules: ${BUILT_IN_SCHEDULES.slice(BUILT_IN_SCHEDULES.indexOf("cosine_"))}`);
}

/** The per-step LRs for a curve named like the repository's files, or undefined if the name is not one. */
export function mplScheduleFromName(fileName: string): Float64Array | undefined {
  const r = mplSchedule(baseName(fileName));
  return r.ok ? r.value : undefined;
}

function baseName(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\")) + 1);
  return base.toLowerCase().endsWith(".csv") ? base.slice(0, -4) : base;
}

/**
 * The schedule --schedule names for one file: "mpl" picks the repository's schedule by the file's name
 * (asked for explicitly, never by default); any other value is one schedule name for every file.
 */
export function builtInSchedule(spec: string, fileName: string): Result<{ lrs: Float64Array; label: string }> {
  const name = spec === "mpl" ? baseName(fileName) : spec;
  const r = mplSchedule(name, spec === "mpl" ? [fileName, "schedule"] : "schedule");
  if (!r.ok) {
    if (spec !== "mpl") return { ok: false, issues: [invalid("schedule", BUILT_IN_SCHEDULES, clip(spec))] };
    return r;
  }
  return { ok: true, value: { lrs: r.value, label: `the MultiPowerLaw repository's ${name} (src/data_loader.py)` } };
}
