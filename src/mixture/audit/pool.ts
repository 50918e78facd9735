/**
 * Hashing on worker threads: batches go out round-robin and come back in submission order, so the
 * audit's results do not depend on the number of threads. With one thread, or no built worker file,
 * batches are hashed on this thread with the same code.
 */
import { builtFile } from "../../built-file.js";
import { Worker } from "node:worker_threads";
import type { DedupConfig } from "./config.js";
import { hashBatch, type BatchResult } from "./batch.js";
import { MinHasher } from "./minhash.js";

// dist/mixture/audit/worker.js beside dist/mixture/audit/pool.js, from the bundled CLI chunks in
// dist/bundle/, and from the sources (tests) the built copy — as src/workers/fit-pool.ts finds its worker
const findWorker = () => builtFile("mixture/audit/worker.js", import.meta.url);

/** Most threads one audit starts. */
export const MAX_THREADS = 64;

export class HashPool {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly local?: MinHasher;
  private readonly waiting = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  private seq = 0;
  private failed?: Error;

  constructor(cfg: DedupConfig, threads: number) {
    const url = threads > 1 ? findWorker() : undefined;
    if (url === undefined) {
      this.threads = 1;
      this.local = new MinHasher(cfg);
      return;
    }
    this.threads = threads;
    for (let i = 0; i < threads; i++) {
      const w = new Worker(url, { workerData: cfg });
      w.on("message", (m: BatchResult & { seq: number }) => {
        const p = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        p?.resolve(m);
      });
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => code !== 0 && this.fail(new Error(`hashing worker exited with code ${code}`)));
      this.workers.push(w);
    }
  }

  /** True when hashing runs on worker threads. */
  get parallel(): boolean {
    return this.workers.length > 0;
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  /** Hash a batch; the promise resolves with its statuses and keys. */
  submit(texts: string[]): Promise<BatchResult> {
    if (this.local) return Promise.resolve(hashBatch(this.local, texts));
    if (this.failed) return Promise.reject(this.failed);
    const seq = this.seq++;
    const w = this.workers[seq % this.workers.length] as Worker;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      w.postMessage({ seq, texts });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
