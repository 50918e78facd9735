/**
 * Parse quantities the way people write them in papers and Slack: "1.3B", "627B tokens", "3e22",
 * "2.5M tokens", "14d", "$2.49/h", "256xH100". Every parser answers a Result naming the field,
 * the accepted forms and what it received (errors are data; text only at the edges).
 */
import { invalid, type Result } from "../errors.js";
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from "./types.js";

/** Decimal multipliers. "B" (billion) and "G" are both 1e9; "T" is 1e12 (so "1.2T tokens"). */
export const COUNT_SUFFIXES: Readonly<Record<string, number>> = {
  K: 1e3,
  M: 1e6,
  B: 1e9,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
// Each part is anchored by what cannot start the next (letters end at a space, the word needs one),
// so a failing match is linear in the input: "1" + 64k letters + "!" once took 10.9 s with
// `([A-Za-z]*)\s*([A-Za-z/-]*)`, which tries every split of the letters (issue 10).
const COUNT_RE = new RegExp(String.raw`^(${NUMBER})\s*([A-Za-z]*)(?:\s+([A-Za-z/-]+))?$`);

/**
 * Longest quantity text the parsers read. "627B tokens" is 11 characters; the cap turns a megabyte of
 * text into one clear error before any regular expression sees it.
 */
export const MAX_QUANTITY_CHARS = 64;

/** The GPU count inside "256xH100": the same ceiling as --gpus. */
export const MAX_GPU_COUNT = 1e6;

const tooLong = (input: unknown): boolean => typeof input === "string" && input.length > MAX_QUANTITY_CHARS;

export interface CountOptions {
  /** Noun for messages: "parameter count", "token count", "FLOP count". */
  label: string;
  /** Unit words allowed after the number ("tokens", "flops"); case-insensitive. */
  unitWords?: readonly string[];
  /** An example the error message suggests, e.g. "1.3B or 7e9". */
  example: string;
  /** Require > 0 (default) or ≥ 0. */
  allowZero?: boolean;
  /** Require a whole number (counts of GPUs, steps). */
  integer?: boolean;
}

/** Parse a count with an optional K/M/B/T suffix and an optional unit word. */
export function parseCount(input: unknown, field: string, opts: CountOptions): Result<number> {
  const expected = `a ${opts.allowZero ? "non-negative" : "positive"} ${opts.label} such as ${opts.example}`;
  const fail = (): Result<number> => ({ ok: false, issues: [invalid(field, expected, input)] });
  let value: number;
  if (typeof input === "number") {
    value = input;
  } else if (typeof input === "string") {
    if (tooLong(input)) return fail();
    const m = COUNT_RE.exec(input.trim().replace(/[_,]/g, ""));
    if (!m) return fail();
    value = Number(m[1]);
    let suffix = m[2] ?? "";
    let word = m[3] ?? "";
    // "627Btokens" never happens, but "3e22 flops" puts the word in the suffix slot.
    if (suffix.length > 1 && word === "") {
      word = suffix;
      suffix = "";
    }
    if (suffix !== "") {
      const mult = COUNT_SUFFIXES[suffix.toUpperCase()];
      if (mult === undefined) {
        const accepted = Object.keys(COUNT_SUFFIXES).join(", ");
        return {
          ok: false,
          issues: [invalid(field, `${expected} (unknown suffix "${suffix}"; accepted suffixes: ${accepted})`, input)],
        };
      }
      value *= mult;
    }
    if (word !== "") {
      const allowed = opts.unitWords ?? [];
      if (!allowed.some((w) => w.toLowerCase() === word.toLowerCase())) {
        const accepted = allowed.length > 0 ? `unit words: ${allowed.join(", ")}` : "no unit word";
        return { ok: false, issues: [invalid(field, `${expected} (unknown unit "${word}"; accepted ${accepted})`, input)] };
      }
    }
  } else {
    return fail();
  }
  if (!Number.isFinite(value)) return fail();
  if (opts.allowZero ? value < 0 : value <= 0) return fail();
  if (opts.integer && !Number.isInteger(value)) {
    return { ok: false, issues: [invalid(field, `a whole ${opts.label} such as ${opts.example}`, input)] };
  }
  return { ok: true, value };
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  w: 7 * SECONDS_PER_DAY,
  week: 7 * SECONDS_PER_DAY,
  weeks: 7 * SECONDS_PER_DAY,
  d: SECONDS_PER_DAY,
  day: SECONDS_PER_DAY,
  days: SECONDS_PER_DAY,
  h: SECONDS_PER_HOUR,
  hr: SECONDS_PER_HOUR,
  hrs: SECONDS_PER_HOUR,
  hour: SECONDS_PER_HOUR,
  hours: SECONDS_PER_HOUR,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
};

/** Parse a wall-clock duration: "14d", "36h", "1d12h", "2 weeks", "90min" → seconds. */
export function parseDuration(input: unknown, field: string): Result<number> {
  const expected = 'a positive duration with a unit such as "14d", "36h", "1d12h" or "2w"';
  const fail = (): Result<number> => ({ ok: false, issues: [invalid(field, expected, input)] });
  if (typeof input !== "string" || tooLong(input)) return fail();
  const text = input.trim().toLowerCase();
  const part = /(\d+(?:\.\d*)?|\.\d+)\s*([a-z]+)\s*/gy;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = part.exec(text)) !== null) {
    const mult = DURATION_UNITS[m[2] ?? ""];
    if (mult === undefined) return fail();
    total += Number(m[1]) * mult;
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length || !(total > 0) || !Number.isFinite(total)) return fail();
  return { ok: true, value: total };
}

/** Parse a price per GPU-hour: "$2.49/h", "2.49", "$2.49/gpu-hour" → USD per GPU-hour. */
export function parsePrice(input: unknown, field: string): Result<number> {
  const expected = 'a positive price per GPU-hour such as "$2.49/h" or 2.49';
  const fail = (): Result<number> => ({ ok: false, issues: [invalid(field, expected, input)] });
  let value: number;
  if (typeof input === "number") value = input;
  else if (typeof input === "string") {
    if (tooLong(input)) return fail();
    const m = /^\$?\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:\/\s*(?:h|hr|hour|gpu-?h|gpu-?hr|gpu-?hour))?$/i.exec(input.trim());
    if (!m) return fail();
    value = Number(m[1]);
  } else return fail();
  if (!Number.isFinite(value) || value <= 0) return fail();
  return { ok: true, value };
}

/** "256xH100" / "256×h100" / "h100" → a count (if given) and a lower-case accelerator name. */
export function parseGpuSpec(input: unknown, field: string): Result<{ count?: number; name: string }> {
  const expected = 'an accelerator such as "h100" or a count and accelerator such as "256xH100"';
  if (typeof input !== "string" || tooLong(input)) return { ok: false, issues: [invalid(field, expected, input)] };
  const m = /^(?:(\d+)\s*[x×*]\s*)?([A-Za-z][A-Za-z0-9-]*)$/.exec(input.trim());
  if (!m) return { ok: false, issues: [invalid(field, expected, input)] };
  const name = (m[2] ?? "").toLowerCase();
  if (m[1] === undefined) return { ok: true, value: { name } };
  const count = Number(m[1]);
  if (!(count >= 1)) return { ok: false, issues: [invalid(field, expected, input)] };
  // "1" + 300 zeros + "xh100" planned 1e300 GPUs and froze the divisor search behind an error message
  if (count > MAX_GPU_COUNT) return { ok: false, issues: [invalid(field, `a GPU count ≤ ${MAX_GPU_COUNT.toExponential(0).replace("+", "")} before the accelerator, e.g. "256xH100"`, input)] };
  return { ok: true, value: { count, name } };
}
