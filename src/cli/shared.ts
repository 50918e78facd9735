/**
 * What the CLI's commands share: the Io seam, the bad-input error, reading JSON requests, and the plan
 * options generated from the request schema (used by both plan and emit).
 */
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import { conflict, invalid, type Issue } from "../errors.js";
import { fieldMeta, PlanRequestSchema, type PlanField } from "../plan/request.js";
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
    if (key === "fittedLaws") {
      cmd.option(meta.flag, meta.description);
      continue;
    }
    const help = `${meta.description}${meta.defaultNote ? ` (default: ${meta.defaultNote})` : ""}`;
    cmd.addOption(new Option(meta.flag, help).argParser((v: string) => v));
  }
}

const NOT_REQUEST = new Set(["json", "explain", "input", "laws", "format", "plan", "strict"]);

export function requestFromOptions(opts: Record<string, unknown>, io: Io): Record<string, unknown> {
  let request: Record<string, unknown> = {};
  if (typeof opts.input === "string") request = readRequest(opts.input, io);
  if (typeof opts.laws === "string") {
    const doc = readRequest(opts.laws, io, "laws") as { lmplanFitVersion?: unknown; laws?: unknown };
    if (doc.lmplanFitVersion !== 1 || typeof doc.laws !== "object" || doc.laws === null) {
      throw new BadInput([invalid("laws", "a fitted-laws file written by lmplan fit … --out (lmplanFitVersion 1)", opts.laws)]);
    }
    request.fittedLaws = doc.laws;
  }
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && !NOT_REQUEST.has(k)) request[k] = v;
  return request;
}

/** A plan read back from JSON: the version and the fields emitters rely on, or a clear error. */
export function checkPlanJson(doc: Record<string, unknown>): Plan {
  if (doc.lmplanPlanVersion !== 1) {
    throw new BadInput([invalid(["plan", "lmplanPlanVersion"], "a plan written by lmplan plan --json (lmplanPlanVersion 1)", doc.lmplanPlanVersion ?? "no version")]);
  }
  const p = doc as unknown as Plan;
  const need: [string, unknown][] = [
    ["schedule.spec", p.schedule?.spec],
    ["batch.steps", p.batch?.steps?.value],
    ["batch.globalBatchSeqs", p.batch?.globalBatchSeqs?.value],
    ["batch.microBatchSeqs", p.batch?.microBatchSeqs?.value],
    ["batch.dataParallel", p.batch?.dataParallel?.value],
    ["model.spec", p.model?.spec],
    ["optimizer.parameterization", p.optimizer?.parameterization],
  ];
  for (const [path, v] of need) if (v === undefined || v === null) throw new BadInput([invalid(["plan", ...path.split(".")], "the field lmplan plan --json writes", "nothing")]);
  const b = p.batch;
  if (b.microBatchSeqs.value * b.gradAccumSteps.value * b.dataParallel.value !== b.globalBatchSeqs.value) {
    throw new BadInput([conflict(["plan", "batch"], `the global batch ${b.globalBatchSeqs.value} is not micro-batch ${b.microBatchSeqs.value} × accumulation ${b.gradAccumSteps.value} × ${b.dataParallel.value} GPUs; re-plan with lmplan plan`)]);
  }
  return p;
}

export function readRequest(path: string, io: Io, field = "input"): Record<string, unknown> {
  let text: string;
  try {
    text = path === "-" ? io.readStdin() : readFileSync(path, "utf8");
  } catch (e) {
    throw new BadInput([invalid(field, "a readable JSON file", `${path} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BadInput([invalid(field, "valid JSON (NaN and Infinity are not JSON; write numbers or strings like \"1.3B\")", `${(e as Error).message}`)]);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new BadInput([invalid(field, "a JSON object", value)]);
  }
  return value as Record<string, unknown>;
}

