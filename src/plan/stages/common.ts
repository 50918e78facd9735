/**
 * What every plan stage writes with: a sourced number, and the number formats the derivations use.
 */
import type { Warning } from "../../laws/types.js";
import { formatCount, formatSig } from "../../units/format.js";
import type { Num } from "../types.js";

/** A plan number with its source id and its arithmetic in words (docs/design.md: every number carries a source). */
export const n = (value: number, unit: string, source: string, derivation: string): Num => ({ value, unit, source, derivation });
/** A count with four significant figures and its suffix (1.3B, 627B). */
export const c = (x: number) => formatCount(x, 4);
/** Four significant figures. */
export const s4 = (x: number) => formatSig(x, 4);
/** Bytes as GiB, three significant figures. */
export const gib = (b: number): string => formatSig(b / 2 ** 30, 3);
/** A relative difference as a signed percentage, two significant figures. */
export const signedPct = (x: number): string => `${x >= 0 ? "+" : ""}${formatSig(x * 100, 2)}%`;

/** Warnings with the same text once, in the order they were first raised. */
export function dedupe(ws: Warning[]): Warning[] {
  const seen = new Set<string>();
  return ws.filter((w) => (seen.has(w.message) ? false : (seen.add(w.message), true)));
}
