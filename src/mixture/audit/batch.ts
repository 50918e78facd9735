/** A batch of documents → their statuses and band keys: the unit of work a hashing thread does. */
import type { MinHasher } from "./minhash.js";

export interface BatchResult {
  statuses: Uint8Array;
  /** 2 uint32 per band per document (unused for documents that are not DOC_OK). */
  keys: Uint32Array;
  /** Documents hashed on a prefix (over MAX_DOC_BYTES). */
  truncated: number;
  /** UTF-16 units hashed (for throughput). */
  units: number;
}

export function hashBatch(hasher: MinHasher, texts: readonly string[]): BatchResult {
  const stride = 2 * hasher.bands;
  const keys = new Uint32Array(texts.length * stride);
  const statuses = new Uint8Array(texts.length);
  const before = hasher.truncated;
  let units = 0;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i] as string;
    units += t.length;
    statuses[i] = hasher.bandKeys(t, keys, i * stride);
  }
  return { statuses, keys, truncated: hasher.truncated - before, units };
}
