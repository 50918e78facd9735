/**
 * Memory-lean structures for millions of documents: growable typed arrays, an open-addressing hash
 * table from 64-bit keys to document ids, and union–find whose root is the smallest id (so the kept
 * document of a cluster is the one read first, as SlimPajama and text-dedup keep the lowest index).
 */

/** A growable typed array of int32. */
export class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
}

/** Grow a typed array to at least n elements (doubling), keeping its contents. */
export function grow<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array>(a: T, n: number, make: (len: number) => T): T {
  if (n <= a.length) return a;
  let len = Math.max(a.length, 1024);
  while (len < n) len *= 2;
  const next = make(len);
  next.set(a as never);
  return next;
}

/**
 * 64-bit key (two uint32) → int32 value; linear probing, load ≤ 1/2. A key of (0, 0) is remapped to
 * (0, 1): the empty slot is marked by value −1, so every key is storable.
 */
export class KeyTable {
  private k1: Uint32Array;
  private k2: Uint32Array;
  private v: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacityPow2 = 1 << 16) {
    this.k1 = new Uint32Array(capacityPow2);
    this.k2 = new Uint32Array(capacityPow2);
    this.v = new Int32Array(capacityPow2).fill(-1);
    this.mask = capacityPow2 - 1;
  }

  /** Bytes held (for the memory report). */
  get bytes(): number {
    return this.v.length * 12;
  }

  private slot(a: number, b: number): number {
    // the keys are already hash outputs; mixing the two halves spreads any structure left
    let i = (a ^ Math.imul(b, 0x9e3779b1)) & this.mask;
    for (;;) {
      const v = this.v[i] as number;
      if (v < 0 || (this.k1[i] === a && this.k2[i] === b)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** The value for the key, or −1. */
  get(a: number, b: number): number {
    return this.v[this.slot(a >>> 0, b >>> 0)] as number;
  }

  /** Set the value for a key that is absent (callers check get() first). */
  set(a: number, b: number, value: number): void {
    if ((this.size + 1) * 2 > this.v.length) this.rehash();
    const i = this.slot(a >>> 0, b >>> 0);
    if ((this.v[i] as number) < 0) this.size++;
    this.k1[i] = a >>> 0;
    this.k2[i] = b >>> 0;
    this.v[i] = value;
  }

  private rehash(): void {
    const { k1, k2, v } = this;
    const cap = v.length * 2;
    this.k1 = new Uint32Array(cap);
    this.k2 = new Uint32Array(cap);
    this.v = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as number;
      if (x < 0) continue;
      const j = this.slot(k1[i] as number, k2[i] as number);
      this.k1[j] = k1[i] as number;
      this.k2[j] = k2[i] as number;
      this.v[j] = x;
    }
  }
}

/** Union–find over 0 … n − 1 with path halving; the root of a set is its smallest element. */
export class UnionFind {
  parent: Int32Array;
  constructor(capacity = 1024) {
    this.parent = new Int32Array(capacity);
  }
  /** Make room for elements up to n − 1, each its own set. */
  ensure(n: number, from: number): void {
    this.parent = grow(this.parent, n, (l) => new Int32Array(l));
    for (let i = from; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while ((p[x] as number) !== x) {
      const gp = p[p[x] as number] as number;
      p[x] = gp;
      x = gp;
    }
    return x;
  }
  /** Join the sets of a and b; returns true when they were separate. */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    // the smaller id becomes the root: the first-read document is the one kept
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
    return true;
  }
}
