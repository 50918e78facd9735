/** Worker-thread entry for /api/fit: runs each job it is sent (fit-job.ts) and posts the answer back. */
import { parentPort } from "node:worker_threads";
import { runFitJob, type FitJob } from "./fit-job.js";

parentPort?.on("message", (m: { id: number; job: FitJob }) => {
  let answer;
  try {
    answer = runFitJob(m.job);
  } catch {
    // a fault in lmplan, not in the request: the property tests look for exactly these
    answer = { status: 500 as const, body: { errors: [{ path: "", message: "internal error in the fit (please report the request)" }] } };
  }
  parentPort?.postMessage({ id: m.id, answer });
});
