/**
 * A law is data plus one pure function (DESIGN.md). The data is what `lmplan laws show` prints
 * and what `--explain` cites: the source, whether the coefficients were read in the primary
 * source, the units of every input, and the range the law was fitted on.
 */

export interface Citation {
  /** Short reference: "Bergsma et al. 2025, Power Lines". */
  short: string;
  /** arXiv identifier without prefix, e.g. "2505.13738". */
  arxiv?: string;
  /** Repository and path (and commit) where a value is read from code or config. */
  repo?: string;
  /** Section / equation / table within the source. */
  locator: string;
}

export interface Quantity {
  unit: string;
  description: string;
}

/** Why a number deserves a second look. Every warning names its source and says why. */
export interface Warning {
  code:
    | "extrapolation"
    | "unverified"
    | "range-unknown"
    | "schedule"
    | "batch"
    | "memory"
    | "deadline"
    | "rounding"
    | "cost"
    | "shape"
    | "assumption";
  message: string;
  /** Law or reference id the warning is about. */
  source: string;
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
   * true when SCIENCE.md tags the coefficients [P] (read in the primary source); false for [S]
   * (only secondary transcriptions agree) — shown as "unverified" everywhere the law is used.
   */
  verified: boolean;
  /** The equation as the paper writes it, in plain text. */
  formula: string;
  /** Free text: conventions (which N), caveats, what the law is for. */
  notes: string[];
  inputs: { [K in keyof I]: Quantity };
  outputs: { [K in keyof O]: Quantity };
  /** Inclusive range of each input the law was fitted on; absent inputs have no recorded range. */
  fitRange: { [K in keyof I]?: readonly [number, number] };
  /** Said when the source records no fit range, or how the range above was read. */
  fitRangeNote?: string;
  evaluate(input: I): LawResult<O>;
}

export type AnyLaw = Law<any, any>;

type LawSpec<I extends Record<string, number>, O extends Record<string, number>> = Omit<Law<I, O>, "evaluate"> & {
  compute(input: I): O;
};

/**
 * Build a law whose evaluate() returns the value and, for each input outside the fitted range,
 * a warning naming the range — never a silent extrapolation (SCIENCE.md §0).
 */
export function defineLaw<I extends Record<string, number>, O extends Record<string, number>>(
  spec: LawSpec<I, O>,
): Law<I, O> {
  const { compute, ...data } = spec;
  return {
    ...data,
    evaluate(input: I): LawResult<O> {
      return { value: compute(input), warnings: rangeWarnings(data, input) };
    },
  };
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
