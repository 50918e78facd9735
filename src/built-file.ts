/**
 * A file of the built package (dist/…) found from wherever the caller runs: dist/<dir>/x.js itself, a
 * bundled CLI chunk in dist/bundle/, or the TypeScript sources under vitest (which use the built copy).
 * Worker threads need a real .js file, so the fit pool, the server's fit queue and the audit's hashing
 * pool all locate theirs with this; undefined when nothing is built (they then run on this thread).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** `distPath` is relative to dist/, e.g. "workers/fit-worker.js"; `from` is the caller's import.meta.url. */
export function builtFile(distPath: string, from: string): URL | undefined {
  // the caller's folder and its parents (a package is at most a few folders above any of its files)
  let dir = new URL("./", from);
  for (let up = 0; up < 4; up++) {
    const inDist = dir.pathname.endsWith("/dist/") ? [new URL(distPath, dir)] : [];
    for (const url of [...inDist, new URL(`dist/${distPath}`, dir)]) if (existsSync(fileURLToPath(url))) return url;
    dir = new URL("../", dir);
  }
  return undefined;
}
