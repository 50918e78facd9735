/**
 * A law is data plus one pure function (docs/design.md). The data is what `lmplan laws show` prints,
 * what `--explain` cites and what `lmplan verify` checks: the source, whether the coefficients were
 * read in the primary source, the coefficients themselves, the units of every input, the range the law
 * was fitted on, and the published examples it must reproduce. Each coefficient is written once, in
 * the law's file; the formula text, the planner's derivation text and the examples read it from there.
 */
import { formatCount, formatSig } from "../units/format.js";
import type { Citation, Warning } from "../provenance.js";

export type { Citation, Warning } from "../provenance.js";

export interface Quantity {
  unit: string;
  description: string;
}

/** Why a number deserves a second look. Every warning names its source and says why. */

/**
 * A number the law must reproduce: `lmplan verify` prints it and test/golden.test.ts asserts it.
 * `kind` separates what is checked: "published" rows compare with a number the source itself prints
 * (a table, a worked example, a released run's setting); "law" rows re-evaluate the formula at a point
 * against an independent evaluation (by hand or in a secondary source) — they catch a mistyped
 * coefficient, not a wrong law.
 */
export interface LawExample<I extends Record<string, number> = Record<string, number>, O extends Record<string, number> = Record<string, number>> {
  /** Stable id, e.g. "bopt-3e9": `lmplan verify` and the golden test name the row by it. */
  id: string;
  /** What is reproduced, e.g. "B_opt at D = 3e9, sequences of 2048". */
  what: string;
  input: I;
  /** The output compared. */
  output: keyof O & string;
  expected: number;
  /** Relative tolerance |computed/expected − 1|. */
  relTol: number;
  kind: "published" | "law";
  /** Where the expected number is printed, or who evaluated it. */
  source: string;
  /** Why the tolerance is this wide, when it is wider than the expected value's printed digits. */
  tolerance?: string;
}

export interface LawResult<O> {
  value: O;
  warnings: Warning[];
}

export interface Law<I extends Record<string, number>, O extends Record<string, number>> {
  id: string;
  title: string;
  citation: Citation;
  /**
   * true when docs/science.md tags the coefficients [P] (read in the primary source); false for [S]
   * (only secondary transcriptions agree) — shown as "unverified" everywhere the law is used.
   */
  verified: boolean;
  /** The equation as the paper writes it, in plain text, printed from `coefficients`. */
  formula: string;
  /** The law's fitted or published constants by name; the only place each number is written. */
  coefficients: Readonly<Record<string, number>>;
  /** Free text: conventions (which N), caveats, what the law is for. */
  notes: string[];
  inputs: { [K in keyof I]: Quantity };
  outputs: { [K in keyof O]: Quantity };
  /** Inclusive range of each input the law was fitted on; absent inputs have no recorded range. */
  fitRange: { [K in keyof I]?: readonly [number, number] };
  /** Said when the source records no fit range, or how the range above was read. */
  fitRangeNote?: string;
  /** Published numbers and independent evaluations the law must reproduce (see LawExample). */
  examples: readonly LawExample<I, O>[];
  evaluate(input: I): LawResult<O>;
  /**
   * The arithmetic behind one output, as the planner prints it: "B_opt = 0.0306 · D^0.383 =
   * 0.0306 · 3B^0.383 = 130.4 sequences of 2048". Without `output`, the law's first output.
   */
  derive(input: I, output?: keyof O & string): string;
}

export type AnyLaw = Law<any, any>;

type LawSpec<I extends Record<string, number>, O extends Record<string, number>> = Omit<
  Law<I, O>,
  "evaluate" | "derive" | "coefficients" | "examples"
> & {
  compute(input: I): O;
  coefficients?: Readonly<Record<string, number>>;
  examples?: readonly LawExample<I, O>[];
  /** The derivation text of an output given the input and the computed value; default: formula at the inputs. */
  derive?(input: I, value: O, output: keyof O & string): string;
};

/**
 * Build a law whose evaluate() returns the value and, for each input outside the fitted range,
 * a warning naming the range — never a silent extrapolation (docs/science.md, conventions).
 */
export function defineLaw<I extends Record<string, number>, O extends Record<string, number>>(
  spec: LawSpec<I, O>,
): Law<I, O> {
  const { compute, derive, coefficients, examples, ...data } = spec;
  const firstOutput = Object.keys(spec.outputs)[0] as keyof O & string;
  return {
    ...data,
    coefficients: coefficients ?? {},
    examples: examples ?? [],
    evaluate(input: I): LawResult<O> {
      return { value: compute(input), warnings: rangeWarnings(data, input) };
    },
    derive(input: I, output: keyof O & string = firstOutput): string {
      const value = compute(input);
      if (derive) return derive(input, value, output);
      const at = Object.entries(input).map(([k, v]) => `${k} = ${formatCount(v, 4)}`).join(", ");
      return `${data.formula} at ${at} → ${output} = ${formatSig(value[output] as number, 4)}`;
    },
  };
}

/**
 * A coefficient as a formula prints it: the shortest decimal that reads back as the same number, a
 * true minus sign, and e-notation for very large numbers ("8.8e13", "2e8").
 */
export function coef(x: number): string {
  const s = Math.abs(x) >= 1e5 ? x.toExponential().replace("e+", "e") : String(x);
  return s.replace("-", "−");
}

/** Each input outside its fitted range, as "N 2.52e9 outside 2.1e8–1.07e9". */
export function outOfRange<I extends Record<string, number>>(law: Pick<Law<I, any>, "fitRange">, input: I): string[] {
  const out: string[] = [];
  for (const key of Object.keys(law.fitRange) as (keyof I & string)[]) {
    const range = law.fitRange[key];
    const x = input[key];
    if (range === undefined || x === undefined) continue;
    // A hair of tolerance so values at the published edge (TPP 20.0) do not warn on rounding.
    if (x < range[0] * (1 - 1e-9) || x > range[1] * (1 + 1e-9)) out.push(`${key} ${fmt(x)} outside ${fmt(range[0])}–${fmt(range[1])}`);
  }
  return out;
}

export function rangeWarnings<I extends Record<string, number>>(
  law: Pick<Law<I, any>, "id" | "title" | "fitRange">,
  input: I,
): Warning[] {
  return outOfRange(law, input).map((item) => ({
    code: "extrapolation" as const,
    source: law.id,
    message: `${law.title}: ${item} (the fitted range); the value is an extrapolation`,
  }));
}

function fmt(x: number): string {
  const abs = Math.abs(x);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return x.toExponential(3).replace(/\.?0+e/, "e").replace("e+", "e");
  return String(Number(x.toPrecision(4)));
}
