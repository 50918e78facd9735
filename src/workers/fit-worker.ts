/** Worker-thread entry: run a chunk of L-BFGS starts for the Chinchilla fit (see fit-pool.ts). */
import { parentPort, workerData } from "node:worker_threads";
import { runStarts, type LossPoint } from "../fit/chinchilla.js";

const { points, starts, delta } = workerData as { points: LossPoint[]; starts: number[][]; delta: number };
parentPort?.postMessage(runStarts(points, starts, delta));
