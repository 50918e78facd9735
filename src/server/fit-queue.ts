/**
 * Fits off the event loop: /api/fit jobs run on worker threads, at most `workers` at once, at most
 * `maxQueued` waiting (then 429), each stopped after `timeoutMs` (then 503, and the worker is replaced).
 * Before this, a 240-row fit held every other request for 5–12 s and ten concurrent fits made
 * GET /api/laws wait 70–99 s (issue 10).
 */
import { builtFile } from "../built-file.js";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { errorBody, runFitJob, type FitAnswer, type FitJob } from "./fit-job.js";
import { invalid } from "../errors.js";

export interface FitQueueOptions {
  /** Fits running at once (default: all cores but one, at least 1). */
  workers: number;
  /** Fits waiting for a worker before requests are refused with 429. */
  maxQueued: number;
  /** A fit still running after this long is stopped (503). */
  timeoutMs: number;
}

const CANCELLED: FitAnswer = { status: 503, body: errorBody([invalid("body", "a fit the client waits for", "a fit the client cancelled")]) };

export const DEFAULT_FIT_QUEUE: FitQueueOptions = { workers: Math.max(1, availableParallelism() - 1), maxQueued: 8, timeoutMs: 60_000 };

/** dist/server/fit-worker.js beside the built server or the bundled CLI; from the sources, the built copy. */
const findWorker = () => builtFile("server/fit-worker.js", import.meta.url);

interface Pending {
  id: number;
  job: FitJob;
  resolve: (a: FitAnswer) => void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; resolve: (a: FitAnswer) => void; timer: NodeJS.Timeout };
}

export class FitQueue {
  private readonly url = findWorker();
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private nextId = 1;
  constructor(private readonly opts: FitQueueOptions = DEFAULT_FIT_QUEUE) {}

  /** Fits running and waiting, for tests and the bench. */
  get load(): { running: number; queued: number } {
    return { running: this.slots.filter((s) => s.busy).length, queued: this.waiting.length };
  }

  /**
   * Run a fit; when `signal` aborts (the client went away: the UI's Cancel button), a waiting fit leaves
   * the queue and a running one's worker is stopped, so a cancelled fit holds no core.
   */
  run(job: FitJob, signal?: AbortSignal): Promise<FitAnswer> {
    if (signal?.aborted) return Promise.resolve(CANCELLED);
    // Without a built worker (running from the sources before `npm run build`) fits run inline.
    if (this.url === undefined) return Promise.resolve(runFitJob(job));
    if (this.waiting.length >= this.opts.maxQueued && this.freeSlot() === undefined) {
      return Promise.resolve({ status: 429, body: errorBody([invalid("body", `at most ${this.opts.workers} fits running and ${this.opts.maxQueued} waiting; retry shortly`, "one fit too many")]) });
    }
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.waiting.push({ id, job, resolve });
      signal?.addEventListener("abort", () => this.cancel(id), { once: true });
      this.dispatch();
    });
  }

  /** A fit whose client went away: out of the queue, or its worker stopped and replaced. */
  private cancel(id: number): void {
    const i = this.waiting.findIndex((p) => p.id === id);
    if (i >= 0) {
      const [p] = this.waiting.splice(i, 1);
      p?.resolve(CANCELLED);
      return;
    }
    const slot = this.slots.find((s) => s.busy?.id === id);
    if (slot) this.replace(slot.worker, CANCELLED);
  }

  /** Stop every worker (tests, server shutdown). */
  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.busy);
    if (idle) return idle;
    if (this.slots.length < this.opts.workers && this.url) {
      const slot: Slot = { worker: this.spawn() };
      this.slots.push(slot);
      return slot;
    }
    return undefined;
  }

  private spawn(): Worker {
    const w = new Worker(this.url as URL);
    w.unref(); // an idle fit worker never keeps the process alive
    w.on("message", (m: { id: number; answer: FitAnswer }) => this.finish(w, m.id, m.answer));
    w.on("error", () => this.replace(w, { status: 500, body: errorBody([invalid("body", "a fit the worker could finish", "a fit that crashed its worker (please report the request)")]) }));
    return w;
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const slot = this.freeSlot();
      if (!slot) return;
      const next = this.waiting.shift() as Pending;
      const timer = setTimeout(() => {
        this.replace(slot.worker, { status: 503, body: errorBody([invalid("body", `a fit that finishes within ${this.opts.timeoutMs / 1000} s (send fewer runs or a smaller bootstrap)`, "a fit that ran out of time")]) });
      }, this.opts.timeoutMs);
      timer.unref();
      slot.busy = { id: next.id, resolve: next.resolve, timer };
      slot.worker.ref();
      slot.worker.postMessage({ id: next.id, job: next.job });
    }
  }

  private finish(w: Worker, id: number, answer: FitAnswer): void {
    const slot = this.slots.find((s) => s.worker === w);
    if (!slot?.busy || slot.busy.id !== id) return;
    clearTimeout(slot.busy.timer);
    const { resolve } = slot.busy;
    slot.busy = undefined;
    w.unref();
    resolve(answer);
    this.dispatch();
  }

  /** A worker that timed out or crashed: answer its job, stop it, and let the next job start a fresh one. */
  private replace(w: Worker, answer: FitAnswer): void {
    const i = this.slots.findIndex((s) => s.worker === w);
    if (i < 0) return;
    const [slot] = this.slots.splice(i, 1);
    if (slot?.busy) {
      clearTimeout(slot.busy.timer);
      slot.busy.resolve(answer);
    }
    void w.terminate();
    this.dispatch();
  }
}
