/** Worker-thread entry: MinHash band keys for batches of documents (see pool.ts). */
import { parentPort, workerData } from "node:worker_threads";
import type { DedupConfig } from "./config.js";
import { hashBatch } from "./batch.js";
import { MinHasher } from "./minhash.js";

const hasher = new MinHasher(workerData as DedupConfig);
parentPort?.on("message", (m: { seq: number; texts: string[] }) => {
  const r = hashBatch(hasher, m.texts);
  parentPort?.postMessage({ seq: m.seq, ...r }, [r.keys.buffer as ArrayBuffer, r.statuses.buffer as ArrayBuffer]);
});
