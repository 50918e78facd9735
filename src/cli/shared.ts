/**
 * What the CLI's commands share: the Io seam, the bad-input error, reading JSON requests, and the plan
 * options generated from the request schema (used by both plan and emit).
 */
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { conflict, invalid, type Issue } from "../errors.js";
import { parseJson } from "../json.js";
import { readSources } from "../io/sources.js";
import { fieldMeta, PlanRequestSchema, type PlanField } from "../plan/request.js";
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
  for (const key of Object.keys(PlanRequestSchema.shape) as PlanField[]) {
    if (skip.has(key)) continue;
    const meta = fieldMeta(key);
    if (key === "fittedLaws" || key === "dataSourcesTable") {
      // files the CLI reads into the field (requestFromOptions); the JSON body carries their content
      cmd.option(meta.flag, meta.description);
      continue;
    }
    const help = `${meta.description}${meta.defaultNote ? ` (default: ${meta.defaultNote})` : ""}`;
    cmd.addOption(new Option(meta.flag, help).argParser((v: string) => v));
  }
}

/**
 * The request fields set by flags, by field name: commander stores a flag under its own attribute
 * name (--warmup → opts.warmup), the request schema under the field's key (warmupFraction). Reading
 * through fieldMeta keeps the two joined for every option, so none is refused as unknown or dropped.
 */
export function planFieldsFromOptions(opts: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(PlanRequestSchema.shape) as PlanField[]) {
    if (key === "fittedLaws" || skip.has(key)) continue;
    const attr = new Option(fieldMeta(key).flag).attributeName();
    if (opts[attr] !== undefined) out[key] = opts[attr];
  }
  return out;
}

/** The plan request from --input, --laws and the plan flags (flags override the file). */
export function requestFromOptions(opts: Record<string, unknown>, io: Io, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  let request: Record<string, unknown> = {};
  if (typeof opts.input === "string") request = readRequest(opts.input, io);
  if (typeof opts.laws === "string") {
    const doc = readRequest(opts.laws, io, "laws") as { lmplanFitVersion?: unknown; laws?: unknown };
    if (doc.lmplanFitVersion !== 1 || typeof doc.laws !== "object" || doc.laws === null) {
      throw new BadInput([invalid("laws", "a fitted-laws file written by lmplan fit … --out (lmplanFitVersion 1)", opts.laws)]);
    }
    request.fittedLaws = doc.laws;
  }
  const fields = planFieldsFromOptions(opts, skip);
  // --data-sources-file names a CSV: the request carries its rows (the core reads no files)
  if (typeof fields.dataSourcesTable === "string") {
    const path = fields.dataSourcesTable;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new BadInput([invalid("dataSourcesTable", "a readable CSV of name,tokens[,domain]", `${path} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)]);
    }
    const r = readSources(text);
    if (!r.ok) throw new BadInput(r.issues.map((i) => ({ ...i, path: ["dataSourcesTable", ...i.path] })));
    fields.dataSourcesTable = r.value.sources.map((s) => ({ name: s.name, tokens: s.tokens, domain: s.domain }));
  }
  return { ...request, ...fields };
}

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

