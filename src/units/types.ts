/**
 * Units live in the types (TorchTitan's lesson, STYLE.md): passing FLOPs where tokens are
 * expected does not compile. Conventions are docs/science.md §0: parameters as counts, data and batch
 * in tokens, compute in FLOPs, time in seconds, memory in bytes, money in USD.
 */
declare const unit: unique symbol;
export type Branded<T, U extends string> = T & { readonly [unit]: U };

/** A count of trainable parameters. */
export type Params = Branded<number, "params">;
/** A count of tokens (data, batch, sequence length). */
export type Tokens = Branded<number, "tokens">;
/** Floating-point operations (a total, not a rate). */
export type Flops = Branded<number, "flops">;
/** Floating-point operations per second. */
export type FlopsPerSecond = Branded<number, "flops/s">;
/** Wall-clock seconds. */
export type Seconds = Branded<number, "s">;
/** Bytes of memory. */
export type Bytes = Branded<number, "bytes">;
/** US dollars. */
export type Usd = Branded<number, "usd">;

export const params = (n: number) => n as Params;
export const tokens = (n: number) => n as Tokens;
export const flops = (n: number) => n as Flops;
export const flopsPerSecond = (n: number) => n as FlopsPerSecond;
export const seconds = (n: number) => n as Seconds;
export const bytes = (n: number) => n as Bytes;
export const usd = (n: number) => n as Usd;

export const SECONDS_PER_HOUR = 3600;
export const SECONDS_PER_DAY = 86400;
export const GIB = 2 ** 30;
