/**
 * Errors are data in the core and text only at the edges (the zod way, STYLE.md).
 *
 * One grammar everywhere, held by test/errors.test.ts:
 *   "<path>: expected <expected>, received <received>"      (a bad value)
 *   "<path>: conflict: <detail>"                             (values that cannot all hold)
 *   "<path>: missing: <detail>"                              (not enough to go on)
 */
export type IssueCode = "invalid_value" | "conflict" | "missing";

export interface Issue {
  code: IssueCode;
  /** Field names, outermost first, e.g. ["params"] or ["model", "numLayers"]. */
  path: string[];
  /** What is accepted (invalid_value) or what would resolve it (conflict, missing). */
  expected: string;
  /** What was given, as the user wrote it where known. */
  received: string;
}

export class LmplanError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "LmplanError";
    this.issues = issues;
  }
}

export function invalid(path: string | string[], expected: string, received: unknown): Issue {
  return { code: "invalid_value", path: toPath(path), expected, received: describeReceived(received) };
}

export function conflict(path: string | string[], detail: string, received = ""): Issue {
  return { code: "conflict", path: toPath(path), expected: detail, received };
}

export function missing(path: string | string[], detail: string): Issue {
  return { code: "missing", path: toPath(path), expected: detail, received: "" };
}

export function formatIssue(issue: Issue): string {
  const where = issue.path.length > 0 ? issue.path.join(".") : "input";
  switch (issue.code) {
    case "invalid_value":
      return `${where}: expected ${issue.expected}, received ${issue.received}`;
    case "conflict":
      return `${where}: conflict: ${issue.expected}`;
    case "missing":
      return `${where}: missing: ${issue.expected}`;
  }
}

/**
 * A string quoted for a terminal or a log: JSON escapes C0 controls; DEL, the C1 controls (0x9b starts
 * an escape sequence on some terminals), line/paragraph separators and the bidirectional overrides are
 * escaped too, so an error message can never move the cursor, recolour or reorder what follows.
 */
export function quoteForTerminal(s: string): string {
  return escapeUnsafe(JSON.stringify(s));
}

const UNSAFE = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const escapeUnsafe = (json: string) => json.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Longest received string an error repeats in full. */
const MAX_ECHO_CHARS = 80;

/** Render a received value the way the user wrote it: strings quoted, numbers as they print. */
export function describeReceived(value: unknown): string {
  // A megabyte of hostile text is named, not echoed: its start and its length
  if (typeof value === "string") return value.length > MAX_ECHO_CHARS ? `${quoteForTerminal(value.slice(0, MAX_ECHO_CHARS))}… (${value.length} characters)` : quoteForTerminal(value);
  if (typeof value === "number") return String(value);
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  try {
    const text = escapeUnsafe(JSON.stringify(value) ?? String(value));
    return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}… (${text.length} characters of JSON)` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function toPath(path: string | string[]): string[] {
  return typeof path === "string" ? path.split(".").filter((p) => p.length > 0) : path;
}

/** The value at `path` inside `doc` (for an issue's "received"), or undefined where the path leaves the document. */
export function valueAtPath(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = doc;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** A value or the issues that stop it: how fallible core functions answer. */
export type Result<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };
