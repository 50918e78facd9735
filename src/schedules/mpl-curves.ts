/**
 * Per-step LR arrays of the MultiPowerLaw repository's loss curves, rebuilt from their file names the
 * way the repository does (thu-yao-01-luo/MultiPowerLaw @8da9f190 src/data_loader.py,
 * src/lr_schedules.py): 2160 warmup steps as linspace(0, 3e-4, 2160); cosine to 3e-5; constant;
 * wsdcon_X = 3e-4 until step 8000 then X·1e-5 until 16000; wsd = exponential decay from step 20000
 * to 3e-5 at 24000; wsdld = linear decay over the same span.
 */
const WARMUP = 2160;
const PEAK = 3e-4;
const END = 3e-5;

function warmup(out: Float64Array, peak: number): void {
  // numpy.linspace(0, peak, WARMUP): both ends included
  for (let i = 0; i < WARMUP; i++) out[i] = (peak * i) / (WARMUP - 1);
}

/** The per-step LRs for a curve named like the repository's files, or undefined if the name is not one. */
export function mplScheduleFromName(fileName: string): Float64Array | undefined {
  const name = fileName.replace(/^.*[\\/]/, "").replace(/\.csv$/i, "");
  let m: RegExpExecArray | null;
  if ((m = /^cosine_(\d+)$/.exec(name))) {
    const total = Number(m[1]);
    const out = new Float64Array(total);
    warmup(out, PEAK);
    for (let s = WARMUP; s < total; s++) out[s] = END + 0.5 * (PEAK - END) * (1 + Math.cos((Math.PI * (s - WARMUP)) / (total - WARMUP)));
    return out;
  }
  if ((m = /^constant_(\d+)$/.exec(name))) {
    const out = new Float64Array(Number(m[1]));
    warmup(out, PEAK);
    out.fill(PEAK, WARMUP);
    return out;
  }
  if ((m = /^wsdcon_(\d+)$/.exec(name))) {
    const out = new Float64Array(16000);
    warmup(out, PEAK);
    out.fill(PEAK, WARMUP, 8000);
    out.fill(Number(m[1]) * 1e-5, 8000);
    return out;
  }
  if ((m = /^(wsd|wsdld)_(\d+)_(\d+)$/.exec(name))) {
    const decay = Number(m[2]);
    const total = Number(m[3]);
    const out = new Float64Array(total);
    warmup(out, PEAK);
    out.fill(PEAK, WARMUP, decay);
    for (let s = decay; s < total; s++) {
      const f = (s - decay) / (total - decay);
      out[s] = m[1] === "wsd" ? PEAK ** (1 - f) * END ** f : PEAK * (1 - f) + END * f;
    }
    return out;
  }
  return undefined;
}
