/**
 * Plan a data mixture for a token budget: tokens and epochs per source, effective tokens under
 * repetition (Muennighoff et al., arXiv 2305.16264) and the loss penalty it predicts, an optional
 * repetition cap, and an optional end-of-training phase that upsamples named domains (Blakeney et al.,
 * arXiv 2406.03476: upsample domain sets relative to web text in the final 10–20% of training).
 */
import { conflict, invalid, type Issue, type Result } from "../errors.js";
import { effectiveData, lossFromEffectiveData } from "../laws/data-constrained.js";
import type { Warning } from "../laws/types.js";
import { findMixPreset, MIX_PRESETS } from "./mixes.js";
import type { DataSource } from "./sources.js";

export interface Upsample {
  /** Share of all tokens in the final phase. */
  fraction: number;
  /** Source names or domains to upsample. */
  names: string[];
  /** Their weights are multiplied by this in the final phase (then all weights renormalised). */
  factor: number;
}

export interface MixtureOptions {
  tokens: number;
  /** Keep every source at or below this many epochs, moving the excess to the others. */
  capEpochs?: number;
  /** Model size for the loss penalty of repetition. */
  params?: number;
  upsample?: Upsample;
}

export interface SourceRow {
  name: string;
  domain: string;
  uniqueTokens: number;
  /** Share of all training tokens drawn from this source (over all phases). */
  weight: number;
  tokens: number;
  epochs: number;
  /** Muennighoff's effective tokens D' for this source. */
  effectiveTokens: number;
}

export interface Phase {
  name: "main" | "final";
  fraction: number;
  tokens: number;
  weights: Record<string, number>;
}

export interface MixturePlan {
  sources: SourceRow[];
  phases: Phase[];
  totalTokens: number;
  totalEffectiveTokens: number;
  lossPenalty?: { freshLoss: number; repeatedLoss: number; delta: number; source: "data-constrained" };
  warnings: Warning[];
}

const DECIMAL_DIGITS = /^[0-9.]+$/;
// A decimal number; no repetition can trade characters with the next, so a failing match is linear.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SOURCE_KEY = /^[A-Za-z][\w.-]*$/;
const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);

/**
 * "0.15:code,books" or "0.15:code,books@3" → fraction, names, factor (default 2: lmplan's assumption;
 * Blakeney et al. publish no mixes). Split at ":" and "@" with string operations, linear in the text
 * (issue 10: a regular expression here took 6.2 s on 2,000 spaces).
 */
export function parseUpsample(text: string, field = "upsampleFinal"): Result<Upsample> {
  const fail = (): Result<Upsample> => ({ ok: false, issues: [invalid(field, 'fraction:names[@factor], e.g. "0.15:code,books" or "0.15:code,books@3" (fraction in (0, 1))', clip(text))] });
  const colon = text.indexOf(":");
  if (colon < 0) return fail();
  const fracText = text.slice(0, colon).trim();
  const rest = text.slice(colon + 1);
  const at = rest.indexOf("@");
  const namesText = at < 0 ? rest : rest.slice(0, at);
  const factorText = at < 0 ? undefined : rest.slice(at + 1).trim();
  if (!DECIMAL_DIGITS.test(fracText) || (factorText !== undefined && !DECIMAL_DIGITS.test(factorText))) return fail();
  const fraction = Number(fracText);
  const factor = factorText !== undefined ? Number(factorText) : 2;
  const names = namesText.split(",").map((x) => x.trim()).filter(Boolean);
  if (!(fraction > 0 && fraction < 1) || !(factor > 0) || !Number.isFinite(factor) || names.length === 0) return fail();
  return { ok: true, value: { fraction, names, factor } };
}

/** "web:0.7,code:0.2" → [["web", 0.7], ["code", 0.2]]; weights are decimal numbers ("0x1" is not 1). */
export function parseWeights(text: string, field = "mix"): Result<[string, number][]> {
  const out: [string, number][] = [];
  for (const part of text.split(",")) {
    const c = part.indexOf(":");
    const e = part.indexOf("=");
    const sep = c < 0 ? e : e < 0 ? c : Math.min(c, e);
    const name = sep < 0 ? "" : part.slice(0, sep).trim();
    const value = sep < 0 ? "" : part.slice(sep + 1).trim();
    const w = DECIMAL.test(value) ? Number(value) : Number.NaN;
    if (!SOURCE_KEY.test(name) || !Number.isFinite(w)) return { ok: false, issues: [invalid(field, 'name:weight pairs separated by commas, e.g. "web:0.7,code:0.2,books:0.1"', clip(part))] };
    if (w < 0) return { ok: false, issues: [invalid([field, name], "a weight ≥ 0", w)] };
    out.push([name, w]);
  }
  return { ok: true, value: out };
}

/**
 * Turn weights keyed by source name or domain into weights per source summing to 1. A domain's weight
 * is split over its sources in proportion to their unique tokens.
 */
export function resolveWeights(sources: readonly DataSource[], entries: readonly [string, number][], field = "mix"): Result<Record<string, number>> {
  const issues: Issue[] = [];
  const raw: Record<string, number> = {};
  for (const [key, w] of entries) {
    const k = key.toLowerCase();
    const byName = sources.find((s) => s.name.toLowerCase() === k);
    const inDomain = sources.filter((s) => s.domain.toLowerCase() === k);
    if (byName) raw[byName.name] = (raw[byName.name] ?? 0) + w;
    else if (inDomain.length > 0) {
      const total = inDomain.reduce((a, s) => a + s.tokens, 0);
      for (const s of inDomain) raw[s.name] = (raw[s.name] ?? 0) + (w * s.tokens) / total;
    } else {
      const domains = [...new Set(sources.map((s) => s.domain))];
      issues.push(invalid([field, key], `a source (${sources.map((s) => s.name).join(", ")}) or a domain (${domains.join(", ")})`, key));
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  const sum = Object.values(raw).reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return { ok: false, issues: [invalid(field, "weights that sum to a positive number", `sum ${sum}`)] };
  const out: Record<string, number> = {};
  for (const s of sources) out[s.name] = (raw[s.name] ?? 0) / sum;
  return { ok: true, value: out };
}

/** Tokens per source under a cap of `cap` epochs: water-filling, excess spread over uncapped sources by weight. */
function capTokens(sources: readonly DataSource[], weights: Record<string, number>, budget: number, cap: number): Result<Record<string, number>> {
  const capacity = sources.reduce((a, s) => a + ((weights[s.name] ?? 0) > 0 ? cap * s.tokens : 0), 0);
  if (capacity < budget * (1 - 1e-12)) {
    return { ok: false, issues: [conflict(["capEpochs", "tokens"], `at ${cap} epochs the mixed sources hold ${fmt(capacity)} tokens, fewer than the ${fmt(budget)} asked for; raise the cap, add sources or train on fewer tokens`)] };
  }
  const fixed: Record<string, number> = {};
  for (;;) {
    const free = sources.filter((s) => fixed[s.name] === undefined && (weights[s.name] ?? 0) > 0);
    const left = budget - Object.values(fixed).reduce((a, b) => a + b, 0);
    const wsum = free.reduce((a, s) => a + (weights[s.name] ?? 0), 0);
    const over = free.filter((s) => (left * (weights[s.name] ?? 0)) / wsum > cap * s.tokens * (1 + 1e-12));
    if (over.length === 0) {
      const out: Record<string, number> = { ...fixed };
      for (const s of sources) if (out[s.name] === undefined) out[s.name] = wsum > 0 ? (left * (weights[s.name] ?? 0)) / wsum : 0;
      return { ok: true, value: out };
    }
    for (const s of over) fixed[s.name] = cap * s.tokens;
  }
}

function fmt(x: number): string {
  return x >= 1e12 ? `${+(x / 1e12).toPrecision(4)}T` : `${+(x / 1e9).toPrecision(4)}B`;
}

export function planMixture(sources: readonly DataSource[], baseWeights: Record<string, number>, o: MixtureOptions): Result<MixturePlan> {
  const warnings: Warning[] = [];
  if (!(o.tokens > 0)) return { ok: false, issues: [invalid("tokens", "a positive token budget", o.tokens)] };
  let tokensBySource: Record<string, number>;
  let mainWeights = baseWeights;
  const phases: Phase[] = [];
  if (o.upsample) {
    const u = o.upsample;
    if (!(u.fraction > 0 && u.fraction < 1)) return { ok: false, issues: [invalid(["upsampleFinal", "fraction"], "a share of tokens in (0, 1), e.g. 0.15", u.fraction)] };
    if (!(u.factor > 0)) return { ok: false, issues: [invalid(["upsampleFinal", "factor"], "a factor > 0", u.factor)] };
    const picked = new Set<string>();
    for (const name of u.names) {
      const k = name.toLowerCase();
      const match = sources.filter((s) => s.name.toLowerCase() === k || s.domain.toLowerCase() === k);
      if (match.length === 0) return { ok: false, issues: [invalid(["upsampleFinal", name], `a source or domain of the mixture (${[...new Set(sources.flatMap((s) => [s.name, s.domain]))].join(", ")})`, name)] };
      for (const s of match) picked.add(s.name);
    }
    const finalRaw: Record<string, number> = {};
    for (const s of sources) finalRaw[s.name] = (baseWeights[s.name] ?? 0) * (picked.has(s.name) ? u.factor : 1);
    const fsum = Object.values(finalRaw).reduce((a, b) => a + b, 0);
    const finalWeights = Object.fromEntries(Object.entries(finalRaw).map(([k, v]) => [k, v / fsum]));
    phases.push({ name: "main", fraction: 1 - u.fraction, tokens: (1 - u.fraction) * o.tokens, weights: mainWeights });
    phases.push({ name: "final", fraction: u.fraction, tokens: u.fraction * o.tokens, weights: finalWeights });
    tokensBySource = Object.fromEntries(sources.map((s) => [s.name, (phases[0] as Phase).tokens * (mainWeights[s.name] ?? 0) + (phases[1] as Phase).tokens * (finalWeights[s.name] ?? 0)]));
    if (o.capEpochs !== undefined) warnings.push({ code: "assumption", source: "data-constrained", message: "the repetition cap is not applied together with end-of-training upsampling; check the epochs column" });
  } else if (o.capEpochs !== undefined) {
    const capped = capTokens(sources, baseWeights, o.tokens, o.capEpochs);
    if (!capped.ok) return capped;
    tokensBySource = capped.value;
    mainWeights = Object.fromEntries(sources.map((s) => [s.name, (tokensBySource[s.name] ?? 0) / o.tokens]));
    phases.push({ name: "main", fraction: 1, tokens: o.tokens, weights: mainWeights });
    const moved = sources.filter((s) => Math.abs((mainWeights[s.name] ?? 0) - (baseWeights[s.name] ?? 0)) > 1e-9);
    if (moved.length > 0) warnings.push({ code: "rounding", source: "data-constrained", message: `the ${o.capEpochs}-epoch cap changed the weights of ${moved.map((s) => s.name).join(", ")} (see the weight column against your mix)` });
  } else {
    tokensBySource = Object.fromEntries(sources.map((s) => [s.name, o.tokens * (baseWeights[s.name] ?? 0)]));
    phases.push({ name: "main", fraction: 1, tokens: o.tokens, weights: mainWeights });
  }

  const rows: SourceRow[] = sources.map((s) => {
    const t = tokensBySource[s.name] ?? 0;
    return { name: s.name, domain: s.domain, uniqueTokens: s.tokens, weight: t / o.tokens, tokens: t, epochs: t / s.tokens, effectiveTokens: t > 0 ? Math.min(t, effectiveData(t, s.tokens)) : 0 };
  });
  for (const r of rows) {
    if (r.epochs > 4) {
      warnings.push({ code: "extrapolation", source: "data-constrained", message: `data: ${r.name} is repeated ${+r.epochs.toPrecision(3)} epochs; beyond ~4 repeated tokens are worth much less (effective ${fmt(r.effectiveTokens)} of ${fmt(r.tokens)}, Muennighoff et al.)` });
    }
  }
  const totalEffective = rows.reduce((a, r) => a + r.effectiveTokens, 0);
  const plan: MixturePlan = { sources: rows, phases, totalTokens: o.tokens, totalEffectiveTokens: totalEffective, warnings };
  if (o.params !== undefined) {
    // Penalty of repetition at this model size: the data-constrained law with the summed effective data
    // (unique tokens seen: Σ min(D_i, U_i)) against the same law with every token fresh (D' = D, N' = N).
    const uniqueSeen = rows.reduce((a, r) => a + Math.min(r.tokens, r.uniqueTokens), 0);
    const repeated = lossFromEffectiveData(o.params, totalEffective, uniqueSeen).L;
    const fresh = lossFromEffectiveData(o.params, o.tokens, o.tokens).L;
    plan.lossPenalty = { freshLoss: fresh, repeatedLoss: repeated, delta: repeated - fresh, source: "data-constrained" };
  }
  return { ok: true, value: plan };
}

/** A mix given as a preset id (dc-1…dc-6), "name:weight,…", or nothing (the sources' own shares). */
export function weightsForMix(sources: readonly DataSource[], mix: string | undefined, field = "mix"): Result<{ weights: Record<string, number>; label: string; verified: boolean }> {
  const preset = mix ? findMixPreset(mix) : undefined;
  const wrap = (r: Result<Record<string, number>>, label: string, verified: boolean): Result<{ weights: Record<string, number>; label: string; verified: boolean }> =>
    r.ok ? { ok: true, value: { weights: r.value, label, verified } } : r;
  if (mix === undefined || preset?.weights === "source-shares") return wrap(resolveWeights(sources, sources.map((s) => [s.name, s.tokens]), field), preset ? preset.title : "the sources' own shares", preset ? preset.verified : true);
  if (preset) return wrap(resolveWeights(sources, Object.entries(preset.weights as Record<string, number>), field), preset.title, preset.verified);
  if (/^dc-\d+$/i.test(mix)) return { ok: false, issues: [invalid(field, `a mix preset (${MIX_PRESETS.map((m) => m.id).join(", ")}) or name:weight pairs`, mix)] };
  const entries = parseWeights(mix, field);
  if (!entries.ok) return entries;
  return wrap(resolveWeights(sources, entries.value, field), mix, true);
}
