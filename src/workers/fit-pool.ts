/**
 * Multistart on worker threads: Hoffmann's 4,500 starts split across the machine's cores. Same starts,
 * same optimizer, same result as fitChinchilla — only faster. Used by the CLI and the benchmark. It lives
 * in the shell (src/workers/), not in fit/: the fitters stay pure functions; threads are an edge's choice.
 */
import { builtFile } from "../built-file.js";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { HOFFMANN_DELTA, hoffmannGrid, runStarts, summarizeStarts, type ChinchillaFit, type LossPoint, type StartResult } from "../fit/chinchilla.js";

// dist/workers/fit-worker.js from dist/workers/fit-pool.js and from the bundled CLI chunks in dist/bundle/; from the
// sources (tests), the built copy; with no built worker at all, the starts run on this thread.
const WORKER = builtFile("workers/fit-worker.js", import.meta.url);

export async function fitChinchillaParallel(
  points: readonly LossPoint[],
  starts: readonly number[][] = hoffmannGrid(),
  threads = availableParallelism(),
  delta = HOFFMANN_DELTA,
): Promise<ChinchillaFit> {
  const n = Math.max(1, Math.min(threads, Math.ceil(starts.length / 50)));
  if (n === 1 || WORKER === undefined) return summarizeStarts(runStarts(points, starts, delta));
  // Interleave so each thread gets a mix of easy and hard starts.
  const chunks: number[][][] = Array.from({ length: n }, () => []);
  starts.forEach((s, i) => chunks[i % n]?.push(s));
  const parts = await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<StartResult[]>((resolve, reject) => {
          const w = new Worker(WORKER as URL, { workerData: { points, starts: chunk, delta } });
          w.once("message", (m: StartResult[]) => resolve(m));
          w.once("error", reject);
          w.once("exit", (code) => code !== 0 && reject(new Error(`fit worker exited with code ${code}`)));
        }),
    ),
  );
  return summarizeStarts(parts.flat());
}
