/**
 * What the CLI's commands share: the Io seam, the bad-input error, reading JSON requests, and the plan
 * options generated from the request schema (used by both plan and emit).
 */
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { conflict, invalid, type Issue } from "../errors.js";
import { parseJson } from "../json.js";
import { readSources } from "../io/sources.js";
import { fieldMeta, planFields, type PlanField } from "../plan/request.js";
import type { FileKind } from "../plan/options/field.js";
import { findMupBase } from "../parameterization/bases.js";
import { parsePlan } from "../plan/schema.js";
import type { Plan } from "../plan/types.js";

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  readStdin: () => string;
  isTTY?: boolean;
}

/** Bad input: printed one issue per line, exit code 2. */
export class BadInput extends Error {
  constructor(readonly issues: Issue[]) {
    super("bad input");
  }
}

export class VerifyFailed extends Error {}

export function addPlanOptions(cmd: Command, skip: ReadonlySet<string> = new Set()): void {
  cmd.option("--input <file>", "read the request as a JSON object of the fields below (- for stdin); flags override it");
  for (const key of planFields()) {
    if (skip.has(key)) continue;
    const meta = fieldMeta(key);
    const also = meta.aliases?.length ? ` (also ${meta.aliases.join(", ")})` : "";
    const help = `${meta.description}${meta.defaultNote ? ` (default: ${meta.defaultNote})` : meta.default !== undefined ? ` (default: ${meta.default})` : ""}${also}`;
    // a file field's flag names a file the CLI reads into the field (requestFromOptions); the JSON body carries its content
    cmd.addOption(new Option(meta.flag, help).argParser((v: string) => v));
    const arg = meta.flag.slice(meta.flag.indexOf(" "));
    for (const alias of meta.aliases ?? []) cmd.addOption(new Option(`${alias}${arg}`).argParser((v: string) => v).hideHelp());
  }
}

/** A field's commander attribute names: its flag's, then each alias's (--warmup → "warmup"). */
function attributesOf(key: PlanField): string[] {
  const m = fieldMeta(key);
  return [m.flag, ...(m.aliases ?? [])].map((f) => new Option(f.split(" ")[0] as string).attributeName());
}

/**
 * The request fields set by flags, by field name: commander stores a flag under its own attribute
 * name (--warmup-fraction → opts.warmupFraction, the alias --warmup → opts.warmup), the request schema
 * under the field's key. Reading through fieldMeta keeps the two joined for every option, so none is
 * refused as unknown or dropped; a field given under two spellings is refused. File fields come back as
 * the path given.
 */
export function planFieldsFromOptions(opts: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of planFields()) {
    if (skip.has(key)) continue;
    const given = attributesOf(key).filter((a) => opts[a] !== undefined);
    if (given.length > 1) {
      const m = fieldMeta(key);
      throw new BadInput([conflict([key], `${[m.flag, ...(m.aliases ?? [])].map((f) => f.split(" ")[0]).join(" and ")} are the same option; give it once`)]);
    }
    if (given[0] !== undefined) out[key] = opts[given[0]];
  }
  return out;
}

/** The plan request from --input, --laws and the plan flags (flags override the file). */
export function requestFromOptions(opts: Record<string, unknown>, io: Io, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  let request: Record<string, unknown> = {};
  if (typeof opts.input === "string") request = readRequest(opts.input, io);
  const fields = planFieldsFromOptions(opts, skip);
  // a file field names a file: the request carries its contents (the core reads no files)
  for (const key of planFields()) {
    const kind = fieldMeta(key).file;
    if (kind !== undefined && typeof fields[key] === "string") fields[key] = FILE_READERS[kind](key, fields[key] as string, io);
  }
  // --mu-base takes a built-in id or, as the issue's users write it, a base file's path
  if (typeof fields.muBase === "string" && findMupBase(fields.muBase.toLowerCase()) === undefined && /[./\\]/.test(fields.muBase)) {
    if (fields.muBaseSpec !== undefined) throw new BadInput([conflict(["muBase", "muBaseSpec"], "--mu-base names a base file and --mu-base-spec gives another; give one")]);
    fields.muBaseSpec = FILE_READERS.json("muBase", fields.muBase, io);
    delete fields.muBase;
  }
  return { ...request, ...fields };
}

/** How the CLI reads each kind of file field into the request. */
const FILE_READERS: Record<FileKind, (key: PlanField, path: string, io: Io) => unknown> = {
  "fitted-laws": (key, path, io) => {
    const doc = readRequest(path, io, key) as { lmplanFitVersion?: unknown; laws?: unknown };
    if (doc.lmplanFitVersion !== 1 || typeof doc.laws !== "object" || doc.laws === null) {
      throw new BadInput([invalid(key, "a fitted-laws file written by lmplan fit … --out (lmplanFitVersion 1)", path)]);
    }
    return doc.laws;
  },
  "sources-csv": (key, path) => {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new BadInput([invalid(key, "a readable CSV of name,tokens[,domain]", `${path} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)]);
    }
    const r = readSources(text);
    if (!r.ok) throw new BadInput(r.issues.map((i) => ({ ...i, path: [key, ...i.path] })));
    return r.value.sources.map((s) => ({ name: s.name, tokens: s.tokens, domain: s.domain }));
  },
  json: (key, path, io) => readRequest(path, io, key),
};

/**
 * A plan read back from JSON, checked against the full Plan schema (src/plan/schema.ts): every field,
 * range and cross-field sum the emitters rely on, or bad input naming the path, the value and what is
 * accepted.
 */
export function checkPlanJson(doc: Record<string, unknown>): Plan {
  const r = parsePlan(doc);
  if (!r.ok) throw new BadInput(r.issues);
  return r.value;
}

export function readRequest(path: string, io: Io, field = "input"): Record<string, unknown> {
  let text: string;
  try {
    text = path === "-" ? io.readStdin() : readFileSync(path, "utf8");
  } catch (e) {
    throw new BadInput([invalid(field, "a readable JSON file", `${path} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)]);
  }
  const parsed = parseJson(text, field);
  if (!parsed.ok) throw new BadInput(parsed.issues);
  const value = parsed.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new BadInput([invalid(field, "a JSON object", value)]);
  }
  return value as Record<string, unknown>;
}

