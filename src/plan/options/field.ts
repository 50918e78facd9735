/**
 * The building blocks of an option declaration: each option is one zod schema (parser, validator and
 * type) with its CLI flag, unit, description and default rule attached as metadata, so --help, the
 * JSON body, OpenAPI and the web form are all read from the same place (issue 11).
 */
import * as z from "zod";
import { invalid, type Result } from "../../errors.js";
import { parseCount, type CountOptions } from "../../units/parse.js";

/** The form section (and --help group) a field belongs to. */
export type FieldGroup = "budget" | "hardware" | "batch" | "optimizer" | "schedule" | "data" | "shape" | "layout" | "deadline";

/** Files the CLI and the web form read into a field; the JSON body carries their content. */
export type FileKind = "fitted-laws" | "sources-csv" | "json";

/** A JSON Schema fragment for OpenAPI: what the field's parser accepts on the wire. */
export type JsonSchema = Record<string, unknown>;

/** CLI and docs metadata carried by each field. */
export interface FieldMeta {
  /**
   * Flag as commander takes it, e.g. "--params <count>": the field's key in kebab case (a test holds
   * every field to that rule); older spellings live on as `aliases`.
   */
  flag: string;
  /** Older flag spellings still accepted (hidden from --help), e.g. "--warmup" for --warmup-fraction. */
  aliases?: readonly string[];
  description: string;
  /** Unit of the parsed value. */
  unit: string;
  /** Where the default comes from, shown in --help. */
  defaultNote?: string;
  /**
   * The default when it does not depend on other fields, declared here once: the resolve step reads it
   * (src/plan/resolve.ts), OpenAPI publishes it. Context-dependent defaults are rules in the resolve step.
   */
  default?: number | string;
  /** The source id the plan cites for the default (a law or reference id). */
  defaultSource?: string;
  /** Form section and --help group (set by the option group that declares the field). */
  group?: FieldGroup;
  /** The CLI flag names a file which the CLI (or the web form) reads into the field. */
  file?: FileKind;
  /**
   * The accepted values of a field that takes one of a fixed list (filled in by field() from the
   * schema itself, never written by hand): the web form draws these fields as selects.
   */
  choices?: readonly string[];
  /** What the field accepts on the wire (filled in by field() from the builder, never by hand). */
  json?: JsonSchema;
}

/** The value list behind each schema made by oneOf(), read by field() into the field's metadata. */
const CHOICES = new WeakMap<z.ZodType, readonly string[]>();
/** The JSON Schema fragment behind each builder's schema, read by field() into the metadata. */
const JSON_SCHEMAS = new WeakMap<z.ZodType, JsonSchema>();
/** Attach a JSON Schema fragment to a schema made outside this file (a custom parser). */
export function withJson<S extends z.ZodType>(schema: S, json: JsonSchema): S {
  JSON_SCHEMAS.set(schema, json);
  return schema;
}

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
  withJson(
    fromParser((v, f) => {
      const r = parseCount(v, f, o);
      if (r.ok && r.value > o.max) return { ok: false, issues: [invalid(f, `a ${o.label} ≤ ${o.max.toExponential(0).replace("+", "")}`, v)] };
      return r;
    }),
    { anyOf: [{ type: "number", exclusiveMinimum: 0, maximum: o.max }, { type: "string", maxLength: 64, examples: [o.example] }] },
  );

/** A plain number written as a JSON number or a string, within [min, max]. */
export function numberIn(o: { min: number; max: number; minExclusive?: boolean; integer?: boolean; what: string }) {
  const lo = o.minExclusive ? `> ${o.min}` : `≥ ${o.min}`;
  const expected = `${o.integer ? "a whole number" : "a number"} ${lo} and ≤ ${o.max} (${o.what})`;
  const schema = fromParser((v) => {
    const x = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    const ok =
      Number.isFinite(x) && (o.minExclusive ? x > o.min : x >= o.min) && x <= o.max && (!o.integer || Number.isInteger(x));
    return ok ? { ok: true, value: x } : { ok: false, issues: [invalid("", expected, v)] };
  });
  const range = { type: o.integer ? "integer" : "number", ...(o.minExclusive ? { exclusiveMinimum: o.min } : { minimum: o.min }), maximum: o.max };
  return withJson(schema, { anyOf: [range, { type: "string", maxLength: 64, description: "the same number written as text" }] });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const schema = fromParser((v) => {
    const s = typeof v === "string" ? v.toLowerCase() : v;
    return (values as readonly unknown[]).includes(s)
      ? { ok: true, value: s as T[number] }
      : { ok: false, issues: [invalid("", `one of ${values.join(", ")}`, v)] };
  });
  CHOICES.set(schema, values);
  return withJson(schema, { type: "string", enum: [...values] });
}

/**
 * true/false as JSON booleans or as the words a flag carries (true/false, yes/no, 1/0); the web form
 * draws it as a true/false select.
 */
export function yesNo(what: string) {
  const schema = fromParser((v): Result<boolean> => {
    const s = typeof v === "string" ? v.trim().toLowerCase() : v;
    if (s === true || s === "true" || s === "yes" || s === 1 || s === "1") return { ok: true, value: true };
    if (s === false || s === "false" || s === "no" || s === 0 || s === "0") return { ok: true, value: false };
    return { ok: false, issues: [invalid("", `true or false (${what})`, v)] };
  });
  CHOICES.set(schema, ["true", "false"]);
  return withJson(schema, { anyOf: [{ type: "boolean" }, { type: "string", enum: ["true", "false", "yes", "no", "1", "0"], description: "the same written as a flag word" }] });
}

/**
 * Longest free-text field (a mix, stages, an upsampling spec): far past any real one ("web:0.7,code:0.2,
 * books:0.1" is 27 characters), short enough that no parser behind it can take long (issue 10: 2,000
 * spaces in upsampleFinal once took 6.2 s).
 */
export const MAX_TEXT_CHARS = 2000;
export const text = (what: string) =>
  withJson(
    fromParser((v) =>
      typeof v === "string" && v.length > MAX_TEXT_CHARS
        ? { ok: false, issues: [invalid("", `${what}, at most ${MAX_TEXT_CHARS} characters`, `${v.length} characters`)] }
        : typeof v === "string" && v.trim() !== ""
          ? { ok: true, value: v.trim() }
          : { ok: false, issues: [invalid("", what, v)] },
    ),
    { type: "string", minLength: 1, maxLength: MAX_TEXT_CHARS, description: what },
  );

/** One option: its schema, with the flag, help, unit, default and citation attached (and what the builder knows: choices, JSON Schema). */
export function field<S extends z.ZodType>(schema: S, meta: FieldMeta) {
  const choices = CHOICES.get(schema);
  const json = JSON_SCHEMAS.get(schema);
  return schema.optional().meta({ ...meta, ...(choices ? { choices } : {}), ...(json && !meta.json ? { json } : {}) } as unknown as Record<string, unknown>);
}

/** An option group's fields, each placed in `group` (its form section), unless it names its own. */
export function inGroup<T extends Record<string, z.ZodType>>(group: FieldGroup, fields: T): T {
  const out: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(fields)) {
    const meta = (schema.meta() ?? {}) as Record<string, unknown>;
    out[key] = meta.group !== undefined ? schema : schema.meta({ ...meta, group });
  }
  return out as T;
}

/** "warmupFraction" → "warmup-fraction": every option's flag is its key in kebab case. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
}

