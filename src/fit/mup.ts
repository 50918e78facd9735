/**
 * `lmplan fit mup`: the tuned μP base from a proxy sweep — each swept base hyperparameter's optimum
 * (η_base, σ_base, m_emb, α_out, λ), its bootstrap interval, an edge-of-sweep flag, and, when the sweep
 * spans several widths, whether the optimum moves with width (μP's transfer claim, the question a
 * coordinate check asks).
 *
 * Procedure (per width):
 *  1. Average repeated runs of one grid point; the best point is the lowest mean loss.
 *  2. Per axis: the slice of the grid through the best point (every other axis at the best point's
 *     value); a parabola in log x through the best point and up to two neighbours on each side, least
 *     squares; its vertex is the optimum. Power Lines (Bergsma et al., arXiv 2505.13738) reads η_opt and
 *     λ_opt from the best runs of each sweep this way [P: method; lmplan's `fit timescale` uses the same
 *     parabola in log λ]; the μP practitioner's guide (Dey, Anthony, Hestness 2024, "The Practitioner's
 *     Guide to the Maximal Update Parameterization", Cerebras blog with EleutherAI/nanoGPT-mup) tunes
 *     η_base, σ_base and m_emb on a small proxy at the base width and transfers them [P per docs/science.md §4;
 *     the guide's exact search procedure — random search vs grid — unverified here].
 *  3. Jointly where the grid allows: a full quadratic in the logs of every axis with ≥ 3 values, over
 *     the window of ±2 grid steps around the best point, when that window holds enough points; its
 *     vertex is the optimum when the Hessian is positive definite and the vertex lies inside the window
 *     (otherwise the per-axis parabolas are reported, and the reason).
 *  4. Edge of the sweep: the best point at an axis's lowest or highest value, or a vertex outside the
 *     values swept, is flagged — the optimum may lie outside the sweep.
 *  5. Intervals: residual bootstrap (Efron & Tibshirani 1993, §9.5: refit on fitted values plus
 *     resampled residuals scaled by √(n/(n−p))) with the seeded RNG of src/fit/random.ts; 95% percentile
 *     intervals. A resample whose parabola has no minimum inside the window counts at the window's edge.
 *  6. Transfer across widths: least squares of log(optimum) on log(width), the slope's interval from the
 *     per-width bootstrap samples. "shifts" when the interval excludes 0; "transfers" when it includes 0
 *     and even its ends move the optimum by less than 2× over the widths swept; else "inconclusive".
 *     Under μP the base values (η_base, σ_base, m_emb) should not move; SP's η ∝ 1/width is slope −1.
 */
import { invalid, type Issue, type Result } from "../errors.js";
import type { Warning } from "../laws/types.js";
import { evalQuadratic, fitQuadratic, MAX_QUADRATIC_AXES, quadraticUnknowns } from "./mup-quadratic.js";
import { MAX_BOOTSTRAP, mulberry32, quantileSorted } from "./random.js";

export const MUP_AXES = ["lrBase", "initStd", "embMult", "outputAlpha", "weightDecay"] as const;
export type MupAxis = (typeof MUP_AXES)[number];

export const AXIS_LABELS: Record<MupAxis, string> = {
  lrBase: "η_base",
  initStd: "σ_base",
  embMult: "m_emb",
  outputAlpha: "α_out",
  weightDecay: "λ",
};

/** Most runs one μP fit takes (the sweep's own cap, src/emit/sweep/grid.ts MAX_GRID_RUNS). */
export const MAX_MUP_RUNS = 10_000;
/** Grid steps on each side of the best point that the parabolas use. */
const HALF_WINDOW = 2;
/** An optimum that moves less than this factor over the widths swept counts as transferring. */
export const TRANSFER_FACTOR = 2;

export interface MupRun {
  /** d_model of the run. */
  width: number;
  /** η_base (μP's base LR: the LR at the base width). */
  lrBase?: number;
  initStd?: number;
  embMult?: number;
  outputAlpha?: number;
  weightDecay?: number;
  /** AdamW timescale τ = B/(η_hidden·λ·D) of the run, when known. */
  tau?: number;
  loss: number;
  line?: number;
}

export interface ParabolaCurve {
  /** loss(x) = c + g·u + ½·h·u², u = (ln x − ln center)/scale */
  center: number;
  scale: number;
  c: number;
  g: number;
  h: number;
}

export interface AxisOptimum {
  axis: MupAxis;
  label: string;
  /** Distinct values swept on this axis (sorted). */
  values: number[];
  /** The best point's value. */
  best: number;
  optimum: number;
  /** 95% bootstrap interval of the optimum. */
  interval?: [number, number];
  method: "joint-quadratic" | "parabola" | "best-run";
  /** The best point (or the vertex) is at the lowest/highest value swept: the optimum may lie beyond it. */
  atEdge?: "low" | "high";
  /** More than 2.5% of resamples had no minimum inside the window on this side: the interval is open there. */
  intervalOpen?: "low" | "high";
  /** The slice through the best point: each value with its mean loss and the number of runs. */
  slice: { x: number; loss: number; runs: number }[];
  /** The per-axis parabola (for plots), when one was fitted. */
  parabola?: ParabolaCurve;
  note?: string;
  /** Bootstrap samples of the optimum (kept for the transfer test; not printed). */
  samples?: number[];
}

export interface WidthGroup {
  width: number;
  runs: number;
  points: number;
  bestLoss: number;
  axes: AxisOptimum[];
  joint?: { axes: MupAxis[]; points: number; convex: boolean; used: boolean; rmsResidual: number; why?: string };
}

export interface TransferTest {
  axis: MupAxis;
  label: string;
  widths: number[];
  optima: number[];
  /** d log(optimum) / d log(width). */
  slope: number;
  slopeInterval?: [number, number];
  /** How much the optimum changes from the narrowest to the widest width, by the slope. */
  factorOverRange: number;
  verdict: "transfers" | "shifts" | "inconclusive";
  evidence: string;
}

export interface MupFitReport {
  kind: "mup";
  axes: MupAxis[];
  groups: WidthGroup[];
  transfer?: TransferTest[];
  notes: string[];
  warnings: Warning[];
  bootstrap: { resamples: number; seed: number };
  numRuns: number;
}

export interface MupFitOptions {
  bootstrap: number;
  seed: number;
}

const keyOf = (x: number) => x.toPrecision(10);
const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

function distinct(values: readonly number[]): number[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(keyOf(v), v);
  return [...m.values()].sort((a, b) => a - b);
}

/** `b` is a function of `a` over the runs (λ set from η to hold τ, say): it adds no independent axis. */
function determinedBy(runs: readonly MupRun[], a: MupAxis, b: MupAxis): boolean {
  const seen = new Map<string, number>();
  for (const r of runs) {
    const ka = keyOf(r[a] as number);
    const vb = r[b] as number;
    const prev = seen.get(ka);
    if (prev === undefined) seen.set(ka, vb);
    else if (!rel(prev, vb)) return false;
  }
  return true;
}

/** The swept axes: every hyperparameter with ≥ 2 values, except λ when it only follows η. */
export function sweptAxes(runs: readonly MupRun[]): { axes: MupAxis[]; notes: string[]; warnings: Warning[] } {
  const notes: string[] = [];
  const warnings: Warning[] = [];
  const axes: MupAxis[] = [];
  for (const a of MUP_AXES) {
    const present = runs.every((r) => r[a] !== undefined);
    if (!present) continue;
    if (distinct(runs.map((r) => r[a] as number)).length < 2) continue;
    // λ set from η (τ held) within each width: the same η gives a different λ at another width, because
    // λ follows the hidden LR η_base/m_d, so the dependence is checked width by width
    const widths = [...new Set(runs.map((r) => r.width))];
    if (a === "weightDecay" && axes.includes("lrBase") && widths.every((w) => determinedBy(runs.filter((r) => r.width === w), "lrBase", "weightDecay"))) {
      const taus = runs.every((r) => r.tau !== undefined) ? distinct(runs.map((r) => r.tau as number)) : [];
      notes.push(`λ follows η across the sweep${taus.length === 1 ? ` (τ held at ${(taus[0] as number).toPrecision(4)})` : ""}; it is not a separate axis`);
      continue;
    }
    axes.push(a);
  }
  if (axes.includes("lrBase") && !axes.includes("weightDecay") && runs.every((r) => r.tau !== undefined)) {
    const taus = runs.map((r) => r.tau as number);
    const spread = Math.max(...taus) / Math.min(...taus);
    if (spread > 1.5) {
      warnings.push({ code: "assumption", source: "power-lines-tau", message: `τ = B/(η·λ·D) varies ${spread.toPrecision(3)}× across the η sweep (λ held fixed): the η optimum is confounded with the AdamW timescale (Power Lines, arXiv 2505.13738: hold τ by scaling λ ∝ 1/η when sweeping η; lmplan sweep does this unless --hold-wd)` });
    }
  }
  return { axes, notes, warnings };
}

interface Point {
  coords: number[];
  loss: number;
  runs: number;
}

function aggregate(runs: readonly MupRun[], axes: readonly MupAxis[]): Point[] {
  const m = new Map<string, { coords: number[]; sum: number; runs: number }>();
  for (const r of runs) {
    const coords = axes.map((a) => r[a] as number);
    const k = coords.map(keyOf).join("|");
    const p = m.get(k);
    if (p) {
      p.sum += r.loss;
      p.runs++;
    } else m.set(k, { coords, sum: r.loss, runs: 1 });
  }
  return [...m.values()].map((p) => ({ coords: p.coords, loss: p.sum / p.runs, runs: p.runs }));
}

/** Median spacing of the logs of sorted distinct values (a grid step in log space). */
function logStep(values: readonly number[]): number {
  const d: number[] = [];
  for (let i = 1; i < values.length; i++) d.push(Math.log((values[i] as number) / (values[i - 1] as number)));
  d.sort((a, b) => a - b);
  return d.length === 0 ? 1 : (d[Math.floor(d.length / 2)] as number) || 1;
}

const interval95 = (s: number[]): [number, number] => {
  const a = Float64Array.from(s).sort();
  return [quantileSorted(a, 0.025), quantileSorted(a, 0.975)];
};

/** Residual bootstrap of a quadratic fit: the vertex of each refit, clamped to [lo, hi] per coordinate. */
function bootstrapVertices(
  xs: number[][],
  ys: number[],
  fitted: number[],
  p: number,
  lo: number[],
  hi: number[],
  n: number,
  rand: () => number,
): { samples: number[][]; openLow: number[]; openHigh: number[] } {
  const k = lo.length;
  const m = ys.length;
  const resid = ys.map((y, i) => y - (fitted[i] as number));
  const inflate = m > p ? Math.sqrt(m / (m - p)) : 1;
  const samples: number[][] = Array.from({ length: k }, () => []);
  const openLow = new Array<number>(k).fill(0);
  const openHigh = new Array<number>(k).fill(0);
  for (let b = 0; b < n; b++) {
    const yb = fitted.map((f) => f + (resid[Math.floor(rand() * m)] as number) * inflate);
    const q = fitQuadratic(xs, yb);
    for (let j = 0; j < k; j++) {
      let v: number;
      if (q && q.convex && q.vertex) v = q.vertex[j] as number;
      else {
        // no minimum: the lower end of the window along this coordinate
        const best = xs.reduce((a, x, i) => ((yb[i] as number) < (yb[a] as number) ? i : a), 0);
        v = (xs[best] as number[])[j] as number;
        v = v <= ((lo[j] as number) + (hi[j] as number)) / 2 ? (lo[j] as number) : (hi[j] as number);
      }
      if (v <= (lo[j] as number)) {
        openLow[j] = (openLow[j] as number) + 1;
        v = lo[j] as number;
      } else if (v >= (hi[j] as number)) {
        openHigh[j] = (openHigh[j] as number) + 1;
        v = hi[j] as number;
      }
      (samples[j] as number[]).push(v);
    }
  }
  return { samples, openLow, openHigh };
}

function fitWidth(runs: readonly MupRun[], width: number, axes: readonly MupAxis[], o: MupFitOptions, rand: () => number): WidthGroup {
  const points = aggregate(runs, axes);
  const best = points.reduce((a, b) => (b.loss < a.loss ? b : a));
  const valuesOf = axes.map((_, j) => distinct(points.map((p) => p.coords[j] as number)));
  const steps = valuesOf.map(logStep);
  const bestIdx = axes.map((_, j) => (valuesOf[j] as number[]).findIndex((v) => rel(v, best.coords[j] as number)));
  const toU = (j: number, x: number) => Math.log(x / (best.coords[j] as number)) / (steps[j] as number);
  const fromU = (j: number, u: number) => (best.coords[j] as number) * Math.exp(u * (steps[j] as number));

  const out: AxisOptimum[] = axes.map((axis, j) => {
    const vals = valuesOf[j] as number[];
    const slicePts = points
      .filter((p) => p.coords.every((c, i) => i === j || rel(c, best.coords[i] as number)))
      .sort((a, b) => (a.coords[j] as number) - (b.coords[j] as number));
    const slice = slicePts.map((p) => ({ x: p.coords[j] as number, loss: p.loss, runs: p.runs }));
    const bi = bestIdx[j] as number;
    const edge: AxisOptimum["atEdge"] = bi === 0 ? "low" : bi === vals.length - 1 ? "high" : undefined;
    const res: AxisOptimum = { axis, label: AXIS_LABELS[axis], values: vals, best: best.coords[j] as number, optimum: best.coords[j] as number, method: "best-run", slice, ...(edge ? { atEdge: edge } : {}) };
    const si = slice.findIndex((s) => rel(s.x, best.coords[j] as number));
    const win = slice.slice(Math.max(0, si - HALF_WINDOW), si + HALF_WINDOW + 1);
    if (win.length < 3) {
      res.note = vals.length < 3 ? `only ${vals.length} values swept: the best run's value, no parabola` : "fewer than 3 grid points around the best on this axis's slice: the best run's value";
      return res;
    }
    const xs = win.map((s) => [toU(j, s.x)]);
    const ys = win.map((s) => s.loss);
    const q = fitQuadratic(xs, ys);
    if (!q) {
      res.note = "the parabola could not be fitted (singular): the best run's value";
      return res;
    }
    res.parabola = { center: best.coords[j] as number, scale: steps[j] as number, c: q.c, g: q.g[0] as number, h: (q.H[0] as number[])[0] as number };
    const lo = (xs[0] as number[])[0] as number;
    const hi = (xs[xs.length - 1] as number[])[0] as number;
    if (q.convex && q.vertex) {
      const u = Math.min(Math.max(q.vertex[0] as number, lo), hi);
      res.optimum = fromU(j, u);
      res.method = "parabola";
      if ((q.vertex[0] as number) < lo || (q.vertex[0] as number) > hi) {
        res.note = "the parabola's vertex lies outside the points around the best: clamped to them";
        if (!edge && ((q.vertex[0] as number) < toU(j, vals[0] as number) || (q.vertex[0] as number) > toU(j, vals[vals.length - 1] as number))) res.atEdge = (q.vertex[0] as number) < lo ? "low" : "high";
      }
    } else res.note = "the loss is not convex around the best on this axis (noise, or a plateau): the best run's value";
    if (o.bootstrap > 0 && res.method === "parabola") {
      const fitted = xs.map((x) => evalQuadratic(q, x));
      const bs = bootstrapVertices(xs, ys, fitted, 3, [lo], [hi], o.bootstrap, rand);
      const s = (bs.samples[0] as number[]).map((u) => fromU(j, u));
      res.samples = s;
      res.interval = interval95(s);
      if ((bs.openLow[0] as number) > 0.025 * o.bootstrap) res.intervalOpen = "low";
      else if ((bs.openHigh[0] as number) > 0.025 * o.bootstrap) res.intervalOpen = "high";
    }
    return res;
  });

  // ---- jointly, where the grid allows ----------------------------------------------------------------
  const jointAxes = axes.map((_, j) => j).filter((j) => (valuesOf[j] as number[]).length >= 3);
  let joint: WidthGroup["joint"];
  if (jointAxes.length >= 2 && jointAxes.length <= MAX_QUADRATIC_AXES) {
    const inWindow = points.filter((p) =>
      axes.every((_, j) => {
        const idx = (valuesOf[j] as number[]).findIndex((v) => rel(v, p.coords[j] as number));
        return jointAxes.includes(j) ? Math.abs(idx - (bestIdx[j] as number)) <= HALF_WINDOW : idx === bestIdx[j];
      }),
    );
    const xs = inWindow.map((p) => jointAxes.map((j) => toU(j, p.coords[j] as number)));
    const ys = inWindow.map((p) => p.loss);
    const unknowns = quadraticUnknowns(jointAxes.length);
    const names = jointAxes.map((j) => axes[j] as MupAxis);
    if (inWindow.length < unknowns + 3) {
      joint = { axes: names, points: inWindow.length, convex: false, used: false, rmsResidual: NaN, why: `${inWindow.length} grid points around the best, fewer than the ${unknowns + 3} a joint quadratic in ${jointAxes.length} axes needs` };
    } else {
      const q = fitQuadratic(xs, ys);
      const lo = jointAxes.map((_, c) => Math.min(...xs.map((x) => x[c] as number)));
      const hi = jointAxes.map((_, c) => Math.max(...xs.map((x) => x[c] as number)));
      const inside = q?.vertex !== undefined && q.vertex.every((v, c) => v >= (lo[c] as number) && v <= (hi[c] as number));
      const used = q !== undefined && q.convex && inside;
      joint = { axes: names, points: inWindow.length, convex: q?.convex ?? false, used, rmsResidual: q?.rmsResidual ?? NaN, ...(used ? {} : { why: !q ? "singular design" : !q.convex ? "the quadratic is not a bowl (Hessian not positive definite)" : "its vertex lies outside the window around the best" }) };
      if (used && q?.vertex) {
        const fitted = xs.map((x) => evalQuadratic(q, x));
        const bs = o.bootstrap > 0 ? bootstrapVertices(xs, ys, fitted, unknowns, lo, hi, o.bootstrap, rand) : undefined;
        jointAxes.forEach((j, c) => {
          const r = out[j] as AxisOptimum;
          r.optimum = fromU(j, q.vertex?.[c] as number);
          r.method = "joint-quadratic";
          delete r.note;
          delete r.intervalOpen;
          if (bs) {
            const s = (bs.samples[c] as number[]).map((u) => fromU(j, u));
            r.samples = s;
            r.interval = interval95(s);
            if ((bs.openLow[c] as number) > 0.025 * o.bootstrap) r.intervalOpen = "low";
            else if ((bs.openHigh[c] as number) > 0.025 * o.bootstrap) r.intervalOpen = "high";
          }
        });
      }
    }
  }
  return { width, runs: runs.length, points: points.length, bestLoss: best.loss, axes: out, ...(joint ? { joint } : {}) };
}

function slopeOf(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((x[i] as number) - mx) * ((y[i] as number) - my);
    sxx += ((x[i] as number) - mx) ** 2;
  }
  return sxy / sxx;
}

function transferTest(groups: readonly WidthGroup[], axis: MupAxis, bootstrap: number): TransferTest | undefined {
  const per = groups.map((g) => g.axes.find((a) => a.axis === axis)).filter((a): a is AxisOptimum => a !== undefined);
  if (per.length !== groups.length || per.length < 2) return undefined;
  const widths = groups.map((g) => g.width);
  const lx = widths.map(Math.log);
  const optima = per.map((a) => a.optimum);
  const slope = slopeOf(lx, optima.map(Math.log));
  const range = Math.log(Math.max(...widths) / Math.min(...widths));
  const factorOverRange = Math.exp(Math.abs(slope) * range);
  const label = AXIS_LABELS[axis];
  const edges = per.filter((a) => a.atEdge !== undefined).length;
  const edgeText = edges > 0 ? `; ${edges} width(s) have the optimum at the edge of the sweep, so the slope is a bound, not a measurement` : "";
  const describe = `${label}_opt ${per.map((a, i) => `${optima[i]?.toPrecision(3)} at d=${widths[i]}${a.interval ? ` (${a.interval[0].toPrecision(3)}–${a.interval[1].toPrecision(3)})` : ""}`).join(", ")}; slope d ln ${label}_opt / d ln width = ${slope.toFixed(3)}`;
  const samples = per.map((a) => a.samples);
  if (bootstrap === 0 || samples.some((s) => s === undefined || s.length !== bootstrap)) {
    return { axis, label, widths, optima, slope, factorOverRange, verdict: "inconclusive", evidence: `${describe}; no bootstrap interval (every width needs a fitted parabola, and --bootstrap > 0)${edgeText}` };
  }
  const slopes: number[] = [];
  for (let b = 0; b < bootstrap; b++) slopes.push(slopeOf(lx, samples.map((s) => Math.log((s as number[])[b] as number))));
  const ci = interval95(slopes);
  const worst = Math.exp(Math.max(Math.abs(ci[0]), Math.abs(ci[1])) * range);
  const verdict: TransferTest["verdict"] = ci[0] > 0 || ci[1] < 0 ? "shifts" : worst < TRANSFER_FACTOR ? "transfers" : "inconclusive";
  const why =
    verdict === "shifts"
      ? `the slope's 95% interval (${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}) excludes 0: the optimum moves ${factorOverRange.toPrecision(3)}× from d=${Math.min(...widths)} to d=${Math.max(...widths)} — under μP it should not (check the parameterization: SP's η ∝ 1/width is slope −1)`
      : verdict === "transfers"
        ? `the slope's 95% interval (${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}) contains 0 and even its ends move the optimum less than ${TRANSFER_FACTOR}× (at most ${worst.toPrecision(3)}×) across the widths swept`
        : `the slope's 95% interval (${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}) contains 0 but allows a ${worst.toPrecision(3)}× move across the widths swept: sweep more finely or add runs`;
  return { axis, label, widths, optima, slope, slopeInterval: ci, factorOverRange, verdict: edges > 0 && verdict === "transfers" ? "inconclusive" : verdict, evidence: `${describe}; ${why}${edgeText}` };
}

/** Fit the optimum of every swept μP base hyperparameter, per width, and test transfer across widths. */
export function fitMup(runs: readonly MupRun[], o: MupFitOptions): Result<MupFitReport> {
  const issues: Issue[] = [];
  if (!Number.isInteger(o.bootstrap) || o.bootstrap < 0 || o.bootstrap > MAX_BOOTSTRAP) issues.push(invalid("bootstrap", `a whole number of resamples 0 … ${MAX_BOOTSTRAP}`, o.bootstrap));
  if (runs.length > MAX_MUP_RUNS) issues.push(invalid("runs", `at most ${MAX_MUP_RUNS} runs in one fit`, `${runs.length} runs`));
  if (issues.length > 0) return { ok: false, issues };
  const bad = runs.find((r) => !(Number.isFinite(r.loss) && r.loss > 0) || !(Number.isFinite(r.width) && r.width > 0));
  if (bad) return { ok: false, issues: [invalid(bad.line !== undefined ? [`line ${bad.line}`] : "runs", "a positive finite loss and width in every run", `loss ${bad.loss}, width ${bad.width}`)] };
  const byWidth = new Map<number, MupRun[]>();
  for (const r of runs) {
    const g = byWidth.get(r.width);
    if (g) g.push(r);
    else byWidth.set(r.width, [r]);
  }
  const { axes, notes, warnings } = sweptAxes(runs);
  if (axes.length === 0) {
    return { ok: false, issues: [invalid("runs", "a μP sweep: runs at two or more values of base_lr (η_base), init_std (σ_base), emb_mult (m_emb), output_alpha (α_out) or wd (λ)", `${runs.length} run(s) with no swept hyperparameter`)] };
  }
  const missingAxis = axes.filter((a) => runs.some((r) => r[a] === undefined));
  if (missingAxis.length > 0) return { ok: false, issues: [invalid(missingAxis[0] as string, "a value in every run", "missing in some runs")] };
  const rand = mulberry32(o.seed);
  const groups = [...byWidth.entries()].sort((a, b) => a[0] - b[0]).map(([w, rs]) => fitWidth(rs, w, axes, o, rand));
  for (const g of groups) {
    for (const a of g.axes) {
      if (a.atEdge) warnings.push({ code: "extrapolation", source: "fit:mup", message: `d=${g.width}: ${a.label}'s best run is at the ${a.atEdge} edge of the sweep (${a.atEdge === "low" ? a.values[0] : a.values[a.values.length - 1]}): the optimum may lie beyond it; extend the sweep` });
      else if (a.intervalOpen) warnings.push({ code: "assumption", source: "fit:mup", message: `d=${g.width}: ${a.label}'s interval reaches the ${a.intervalOpen} end of the points around the best: it is a bound there` });
    }
  }
  const report: MupFitReport = { kind: "mup", axes, groups, notes, warnings, bootstrap: { resamples: o.bootstrap, seed: o.seed }, numRuns: runs.length };
  if (groups.length >= 2) {
    report.transfer = axes.map((a) => transferTest(groups, a, o.bootstrap)).filter((t): t is TransferTest => t !== undefined);
    for (const t of report.transfer.filter((x) => x.verdict === "shifts")) {
      warnings.push({ code: "assumption", source: "fit:mup", message: `${t.label} does not transfer across width (slope ${t.slope.toFixed(2)}): the base's ${t.label} holds at the width it was read at, and a μP plan at another width would carry it wrongly — check the parameterization (a coordinate check) before planning with it` });
    }
  }
  return { ok: true, value: report };
}

/** The report without the bootstrap samples (what --json prints and the laws file keeps). */
export function stripSamples(r: MupFitReport): MupFitReport {
  return { ...r, groups: r.groups.map((g) => ({ ...g, axes: g.axes.map(({ samples: _s, ...a }) => a) })) };
}
