/**
 * Decide N and D from whatever the user gave: any consistent pair of {compute, params, tokens, tpp},
 * one of them (the rest compute-optimal from the loss law), or a hardware budget (GPUs × days).
 */
import { conflict, missing, type Issue, type Result } from "../errors.js";
import { formatCount, formatFlops } from "../units/format.js";
import { computeOptimal, optimalParamsForTokens, optimalTokensForParams, type ChinchillaParams } from "../laws/chinchilla-form.js";

export type ScaleKey = "compute" | "params" | "tokens" | "tpp";

export interface ScaleConstraints {
  compute?: number;
  params?: number;
  tokens?: number;
  tpp?: number;
}

export interface Target {
  N: number;
  D: number;
  /** Which given quantities to hold fixed when the real shape's N differs from the target. */
  keep: "tokens" | "tpp" | "compute" | "optimal-for-N";
  /** How N and D were decided, for --explain. */
  how: string;
  /** Law id, or "user". */
  source: string;
}

const FLAG: Record<ScaleKey, string> = { compute: "--compute", params: "--params", tokens: "--tokens", tpp: "--tpp" };

/**
 * Solve for (N, D). `fixedN` is a preset's parameter count, which takes the place of --params.
 * Over-determined and under-determined requests answer issues naming the fields.
 */
export function solveScale(
  c: ScaleConstraints,
  law: { id: string; params: ChinchillaParams },
  presetN?: { id: string; N: number },
): Result<Target> {
  const given = (Object.keys(FLAG) as ScaleKey[]).filter((k) => c[k] !== undefined);
  if (presetN && c.params !== undefined) {
    return fail(conflict(["params", "preset"], `--params conflicts with ${presetN.id.startsWith("--") ? presetN.id : `--preset ${presetN.id}`}, which fixes the model (${fmt(presetN.N)} parameters); give one of them`));
  }
  const known: ScaleConstraints = presetN ? { ...c, params: presetN.N } : c;
  const count = given.length + (presetN ? 1 : 0);
  if (count > 2) {
    const names = [...(presetN ? ["preset"] : []), ...given];
    return fail(
      conflict(names, `${names.map((k) => (k === "preset" ? (presetN?.id.startsWith("--") ? "--width" : "--preset") : FLAG[k as ScaleKey])).join(", ")} over-determine the run: N and D follow from any two of compute, params (or a preset), tokens, tpp — drop ${count - 2}`),
    );
  }
  const { compute: C, params: N, tokens: D, tpp } = known;
  if (N !== undefined && D !== undefined) return ok(N, D, "tokens", "params and tokens as given", "user");
  if (N !== undefined && tpp !== undefined) return ok(N, tpp * N, "tpp", `D = TPP·N = ${fmt(tpp)}·${fmt(N)}`, "user");
  if (D !== undefined && tpp !== undefined) return ok(D / tpp, D, "tokens", `N = D/TPP = ${fmt(D)}/${fmt(tpp)}`, "user");
  if (C !== undefined && N !== undefined) return ok(N, C / (6 * N), "compute", `D = C/(6N) = ${fmt(C)}/(6·${fmt(N)})`, "user");
  if (C !== undefined && D !== undefined) return ok(C / (6 * D), D, "tokens", `N = C/(6D) = ${fmt(C)}/(6·${fmt(D)})`, "user");
  if (C !== undefined && tpp !== undefined) {
    // C = 6·N·D and D = TPP·N → N = √(C / (6·TPP))
    const n = Math.sqrt(C / (6 * tpp));
    return ok(n, tpp * n, "tpp", `N = √(C/(6·TPP)) = √(${fmt(C)}/(6·${fmt(tpp)}))`, "user");
  }
  if (C !== undefined) {
    const opt = computeOptimal(law.params, C);
    return ok(opt.N, opt.D, "compute", `compute-optimal split of C = ${fmt(C)} (Hoffmann Eq. 4 with ${law.id})`, law.id);
  }
  if (N !== undefined) {
    const d = optimalTokensForParams(law.params, N);
    return ok(N, d, "optimal-for-N", `compute-optimal D for N = ${fmt(N)} on the ${law.id} frontier`, law.id);
  }
  if (D !== undefined) {
    const n = optimalParamsForTokens(law.params, D);
    return ok(n, D, "tokens", `compute-optimal N for D = ${fmt(D)} on the ${law.id} frontier`, law.id);
  }
  if (tpp !== undefined) {
    return fail(missing(["tpp"], "--tpp needs a scale: add --params, --tokens, --compute, --gpus with --days, or --preset"));
  }
  return fail(missing([], "a budget: give --preset, --compute, --params, --tokens, or --gpus with --days (e.g. --params 1.3B --tpp 20)"));
}

function ok(N: number, D: number, keep: Target["keep"], how: string, source: string): Result<Target> {
  return { ok: true, value: { N, D, keep, how, source } };
}

function fail(issue: Issue): Result<Target> {
  return { ok: false, issues: [issue] };
}

function fmt(x: number): string {
  return x >= 1e15 ? formatFlops(x, 4) : formatCount(x, 4);
}
