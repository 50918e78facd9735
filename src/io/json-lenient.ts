/**
 * JSON as Python writes it: standard JSON plus the bare tokens NaN, Infinity and -Infinity that
 * `json.dump` emits for non-finite floats (Hugging Face's trainer_state.json has `"loss": NaN` after a
 * divergence). JSON.parse rejects the whole file on the first NaN, and it keeps no positions; this
 * parser accepts those three tokens outside strings and records the file line where each object and
 * array starts, so a bad entry is reported at its real line.
 *
 * One pass, linear in the text: strings are scanned once and decoded by JSON.parse on their slice,
 * numbers by one sticky regular expression with no ambiguous repetition, and nesting is limited
 * (`maxDepth`) so that recursion cannot overflow the stack.
 */

export interface LenientJson {
  value: unknown;
  /** 1-based file line of the opening brace or bracket of every object and array in `value`. */
  lineOf: WeakMap<object, number>;
}

export type LenientResult = { ok: true; value: LenientJson } | { ok: false; line: number; message: string };

/** Deepest nesting accepted: a trainer_state.json is 3 deep. */
export const MAX_LENIENT_DEPTH = 64;

class JsonSyntax extends Error {}

// -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? — each repetition is followed by a character it cannot match
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseJsonLenient(text: string, maxDepth = MAX_LENIENT_DEPTH): LenientResult {
  const n = text.length;
  const lineOf = new WeakMap<object, number>();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  const fail = (what: string): never => {
    throw new JsonSyntax(i < n ? `${what} at ${JSON.stringify(text.slice(i, i + 12))}` : `${what} at the end of the text`);
  };

  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) {
        line++;
        i++;
      } else if (c === 0x20 || c === 0x09 || c === 0x0d) i++;
      else break;
    }
  };

  const string = (): string => {
    const start = i;
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      }
      if (c === 0x5c) i += 2;
      else if (c < 0x20) fail("a control character or line break inside a string");
      else i++;
    }
    return fail("an unterminated string");
  };

  const word = (w: string, v: unknown): unknown => {
    if (!text.startsWith(w, i)) fail("an unexpected token");
    i += w.length;
    return v;
  };

  const value = (depth: number): unknown => {
    ws();
    if (i >= n) fail("a value expected");
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      return c === 0x7b ? object(depth + 1) : array(depth + 1);
    }
    if (c === 0x22) return string();
    if (c === 0x74) return word("true", true);
    if (c === 0x66) return word("false", false);
    if (c === 0x6e) return word("null", null);
    if (c === 0x4e) return word("NaN", Number.NaN);
    if (c === 0x49) return word("Infinity", Number.POSITIVE_INFINITY);
    if (c === 0x2d && text.startsWith("-Infinity", i)) return word("-Infinity", Number.NEGATIVE_INFINITY);
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m || m[0] === "-" || m[0].length === 0) return fail("an unexpected token");
    i += m[0].length;
    return Number(m[0]);
  };

  const object = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    lineOf.set(out, line);
    i++;
    ws();
    if (text.charCodeAt(i) === 0x7d) {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text.charCodeAt(i) !== 0x22) fail("a quoted key expected");
      const key = string();
      ws();
      if (text.charCodeAt(i) !== 0x3a) fail('":" expected');
      i++;
      const v = value(depth);
      // "__proto__" is an ordinary key in JSON (JSON.parse makes it an own property); never a prototype.
      Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      ws();
      const d = text.charCodeAt(i);
      i++;
      if (d === 0x7d) return out;
      if (d !== 0x2c) {
        i--;
        fail('"," or "}" expected');
      }
    }
  };

  const array = (depth: number): unknown[] => {
    const out: unknown[] = [];
    lineOf.set(out, line);
    i++;
    ws();
    if (text.charCodeAt(i) === 0x5d) {
      i++;
      return out;
    }
    for (;;) {
      out.push(value(depth));
      ws();
      const d = text.charCodeAt(i);
      i++;
      if (d === 0x5d) return out;
      if (d !== 0x2c) {
        i--;
        fail('"," or "]" expected');
      }
    }
  };

  try {
    const v = value(0);
    ws();
    if (i < n) fail("text after the JSON value");
    return { ok: true, value: { value: v, lineOf } };
  } catch (e) {
    if (e instanceof JsonSyntax) return { ok: false, line, message: e.message };
    if (e instanceof SyntaxError) return { ok: false, line, message: `a malformed string (${e.message})` };
    throw e;
  }
}

/**
 * Each non-blank line of JSON-lines text, read leniently (NaN/Infinity as Python writes them): `onObject`
 * gets the objects with their real file line, `onBad` every other line (not JSON, or not an object).
 * Blank lines are skipped without shifting the count.
 */
export function forEachJsonLine(text: string, onObject: (line: number, obj: Record<string, unknown>) => void, onBad: (line: number, text: string) => void): void {
  let line = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf("\n", from);
    if (to < 0) to = text.length;
    line++;
    const l = text.slice(from, to);
    from = to + 1;
    if (l.trim() === "") continue;
    const r = parseJsonLenient(l);
    if (r.ok && r.value.value !== null && typeof r.value.value === "object" && !Array.isArray(r.value.value)) onObject(line, r.value.value as Record<string, unknown>);
    else onBad(line, l);
  }
}
