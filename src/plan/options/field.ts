/**
 * The building blocks of an option declaration: each option is one zod schema (parser, validator and
 * type) with its CLI flag, unit, description and default rule attached as metadata, so --help, the
 * JSON body, OpenAPI and the web form are all read from the same place (issue 11).
 */
import { z } from "zod";
import { invalid, type Result } from "../../errors.js";
import { parseCount, type CountOptions } from "../../units/parse.js";

/** CLI and docs metadata carried by each field. */
export interface FieldMeta {
  /** Flag as commander takes it, e.g. "--params <count>". */
  flag: string;
  description: string;
  /** Unit of the parsed value. */
  unit: string;
  /** Where the default comes from, shown in --help. */
  defaultNote?: string;
  /**
   * The accepted values of a field that takes one of a fixed list (filled in by field() from the
   * schema itself, never written by hand): the web form draws these fields as selects.
   */
  choices?: readonly string[];
}

/** The value list behind each schema made by oneOf(), read by field() into the field's metadata. */
const CHOICES = new WeakMap<z.ZodType, readonly string[]>();

// Every value reaches lmplan's own parsers, so NaN, Infinity and wrong types get the same
// "expected …, received …" message as a bad string (zod's z.number() would answer first, vaguely).
const textOrNumber = z.custom<string | number>(() => true);

export function fromParser<T>(parse: (v: unknown, field: string) => Result<T>) {
  return textOrNumber.transform((v, ctx) => {
    const r = parse(v, "");
    if (!r.ok) {
      ctx.addIssue({ code: "custom", message: r.issues[0]?.expected ?? "invalid value", params: { expected: r.issues[0]?.expected } });
      return z.NEVER;
    }
    return r.value;
  });
}

/**
 * A count with a ceiling far beyond any run (10¹⁵ parameters, 10¹⁸ tokens, 10³² FLOPs): past it the
 * arithmetic leaves doubles' integer range and a batch no longer splits into whole sequences.
 */
export const count = (o: CountOptions & { max: number }) =>
  fromParser((v, f) => {
    const r = parseCount(v, f, o);
    if (r.ok && r.value > o.max) return { ok: false, issues: [invalid(f, `a ${o.label} ≤ ${o.max.toExponential(0).replace("+", "")}`, v)] };
    return r;
  });

/** A plain number written as a JSON number or a string, within [min, max]. */
export function numberIn(o: { min: number; max: number; minExclusive?: boolean; integer?: boolean; what: string }) {
  const lo = o.minExclusive ? `> ${o.min}` : `≥ ${o.min}`;
  const expected = `${o.integer ? "a whole number" : "a number"} ${lo} and ≤ ${o.max} (${o.what})`;
  return fromParser((v) => {
    const x = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    const ok =
      Number.isFinite(x) && (o.minExclusive ? x > o.min : x >= o.min) && x <= o.max && (!o.integer || Number.isInteger(x));
    return ok ? { ok: true, value: x } : { ok: false, issues: [invalid("", expected, v)] };
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const schema = fromParser((v) => {
    const s = typeof v === "string" ? v.toLowerCase() : v;
    return (values as readonly unknown[]).includes(s)
      ? { ok: true, value: s as T[number] }
      : { ok: false, issues: [invalid("", `one of ${values.join(", ")}`, v)] };
  });
  CHOICES.set(schema, values);
  return schema;
}

/**
 * Longest free-text field (a mix, stages, an upsampling spec): far past any real one ("web:0.7,code:0.2,
 * books:0.1" is 27 characters), short enough that no parser behind it can take long (issue 10: 2,000
 * spaces in upsampleFinal once took 6.2 s).
 */
export const MAX_TEXT_CHARS = 2000;
export const text = (what: string) =>
  fromParser((v) =>
    typeof v === "string" && v.length > MAX_TEXT_CHARS
      ? { ok: false, issues: [invalid("", `${what}, at most ${MAX_TEXT_CHARS} characters`, `${v.length} characters`)] }
      : typeof v === "string" && v.trim() !== ""
        ? { ok: true, value: v.trim() }
        : { ok: false, issues: [invalid("", what, v)] },
  );

export function field<S extends z.ZodType>(schema: S, meta: FieldMeta) {
  const choices = CHOICES.get(schema);
  return schema.optional().meta({ ...meta, ...(choices ? { choices } : {}) } as unknown as Record<string, unknown>);
}

