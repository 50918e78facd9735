/** Tokens from counted characters, bytes and words (the audit's token estimates, engine.ts). */
import type { TokenEstimate } from "./engine.js";

export interface CountsLike {
  documents: number;
  characters: number;
  bytes: number;
  words: number;
}

export function estimateTokensFromCounts(c: CountsLike, how: TokenEstimate): number {
  return how === "words" ? c.words : how === "bytes/4" ? c.bytes / 4 : c.characters / 4;
}
