/**
 * JSON from a user (a request file, stdin, an HTTP body) parsed with a depth limit. JSON.parse itself
 * takes any depth, but whatever walks the value afterwards (zod, the error formatter) recurses, and a
 * 5,000-deep array once overflowed the stack: an internal error in the CLI, a 500 from the server
 * (issue 10). No request lmplan reads nests deeper than a few levels.
 */
import { invalid, type Result } from "./errors.js";

/** Deepest nesting of arrays and objects accepted in a request (a plan file is 6 deep). */
export const MAX_JSON_DEPTH = 32;

/**
 * Depth of the deepest array/object in JSON text, in one linear pass that skips strings (so brackets
 * inside them do not count). Stops early once past `limit`.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

/** JSON.parse with the depth limit; the issue names `field` and what was wrong. */
export function parseJson(text: string, field: string, maxDepth = MAX_JSON_DEPTH): Result<unknown> {
  if (jsonDepth(text, maxDepth) > maxDepth) {
    return { ok: false, issues: [invalid(field, `JSON nested at most ${maxDepth} levels deep`, `deeper nesting`)] };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, issues: [invalid(field, `valid JSON (${(e as Error).message}; NaN and Infinity are not JSON: write numbers or strings like "1.3B")`, text.length > 40 ? `${text.slice(0, 40)}…` : text)] };
  }
}
