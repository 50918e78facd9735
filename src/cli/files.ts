/**
 * Files the CLI reads and writes for a user, with one set of rules (issue 10): a file-system error is bad
 * input naming the field, the path and what the error means; `--out` adds to a fitted-laws file and
 * refuses any other existing file unless `--force`; figures are written where asked or the reason said.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { invalid } from "../errors.js";
import type { Panel } from "./plot.js";
import { FS_WHAT, fsReason } from "./fs-errors.js";
import { BadInput, type Io } from "./shared.js";

/** A file's text (or stdin for "-"), or the issue naming `field`, the path and why. */
export function readText(file: string, io: Pick<Io, "readStdin">, field: string, what: string): string {
  try {
    return file === "-" ? io.readStdin() : readFileSync(file, "utf8");
  } catch (e) {
    throw new BadInput([invalid(field, what, `${file} (${fsReason(e)})`)]);
  }
}

export type FittedDoc = { lmplanFitVersion: 1; laws: Record<string, unknown> };

/**
 * The fitted-laws file --out adds to: a new file (in an existing folder), or one lmplan fit wrote
 * (lmplanFitVersion 1), which it merges into. Any other existing file (a saved plan, a CSV) is refused
 * unless `force` replaces it (issue 10: --out once overwrote any JSON file). Call it before the fit runs
 * so a bad path costs nothing, and again when writing.
 */
export function existingFitted(path: string, force: boolean): FittedDoc | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code !== "ENOENT") throw new BadInput([invalid("out", "a writable file path for the fitted laws", `${path} (${fsReason(e)})`)]);
    let folder: ReturnType<typeof statSync> | undefined;
    try {
      folder = statSync(dirname(path));
    } catch (e2) {
      throw new BadInput([invalid("out", "a writable file path for the fitted laws (in an existing folder)", `${path} (${fsReason(e2)})`)]);
    }
    if (!folder.isDirectory()) throw new BadInput([invalid("out", "a writable file path for the fitted laws (in an existing folder)", `${path} (ENOTDIR: ${FS_WHAT.ENOTDIR})`)]);
    return undefined;
  }
  let prev: unknown;
  try {
    prev = JSON.parse(text);
  } catch {
    prev = undefined;
  }
  const p = prev as Partial<FittedDoc> | undefined;
  if (p && typeof p === "object" && p.lmplanFitVersion === 1 && typeof p.laws === "object" && p.laws !== null && !Array.isArray(p.laws)) return p as FittedDoc;
  if (force) return undefined;
  const what = prev === undefined ? "not JSON" : (prev as { lmplanPlanVersion?: unknown })?.lmplanPlanVersion !== undefined ? "an lmplan plan" : "JSON that is not a fitted-laws file";
  throw new BadInput([invalid("out", "a new file, or a fitted-laws file written by lmplan fit --out (lmplanFitVersion 1) to add to; pass --force to replace another file", `${path} (${what})`)]);
}

/** Add (or replace) one law in the fitted-laws file at `path`. */
export function writeFitted(path: string, key: string, value: unknown, force: boolean): void {
  const doc: FittedDoc = existingFitted(path, force) ?? { lmplanFitVersion: 1, laws: {} };
  doc.laws[key] = value;
  try {
    writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  } catch (e) {
    throw new BadInput([invalid("out", "a writable file path for the fitted laws", `${path} (${fsReason(e)})`)]);
  }
}

/** Draw `panels` as SVG to `path` (Observable Plot, loaded only when a figure is asked for). */
export async function writePlot(path: string, panels: Panel[], io: Pick<Io, "err">): Promise<void> {
  const { renderFigure } = await import("./plot.js");
  const svg = await renderFigure(panels);
  try {
    writeFileSync(path, svg);
  } catch (e) {
    throw new BadInput([invalid("plot", "a writable file path", `${path} (${fsReason(e)})`)]);
  }
  io.err(`wrote ${path}\n`);
}
