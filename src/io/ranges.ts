/**
 * The accepted range of every numeric column lmplan reads from a user's runs, declared once. A value
 * outside is an error naming its cell, not a number that quietly wrecks a fit (issue 10: a 1e308 row
 * "fitted" A = 0, α = −11 with exit 0). The bounds are far past any real run and match the planner's
 * own limits (src/plan/request.ts: params ≤ 1e15, tokens ≤ 1e18, compute ≤ 1e32, batch ≤ 1e9
 * sequences); every file in data/ lies well inside them.
 */
import { MAX_CURVE_STEPS } from "../laws/multi-power-law.js";

/** Longest curve, in optimizer steps (declared beside the law that needs the LR at every step). */
export { MAX_CURVE_STEPS };

export interface Range {
  min: number;
  max: number;
  /** The minimum itself is not accepted: (min, max]. */
  minExclusive?: boolean;
  integer?: boolean;
  /** Noun for messages: "a parameter count". */
  what: string;
  /** Why the bound is where it is, for messages. */
  note?: string;
}


export const RANGES = {
  params: { min: 1, max: 1e15, what: "a parameter count" },
  tokens: { min: 1, max: 1e18, what: "a token count" },
  flops: { min: 1, max: 1e32, what: "a FLOP count" },
  loss: { min: 0, max: 100, minExclusive: true, what: "a loss in nats per token" },
  lr: { min: 0, max: 10, minExclusive: true, what: "a learning rate" },
  /** A logged LR (0 at the first warmup step). */
  lrLogged: { min: 0, max: 10, what: "a learning rate" },
  batchSeqs: { min: 1, max: 1e9, what: "a global batch in sequences" },
  batchTokens: { min: 1, max: 1e12, what: "a global batch in tokens" },
  weightDecay: { min: 0, max: 10, minExclusive: true, what: "an AdamW weight_decay λ" },
  step: { min: 0, max: MAX_CURVE_STEPS, integer: true, what: "a whole-number optimizer step", note: "lmplan's limit on a curve's length" },
} as const satisfies Record<string, Range>;

/** "1e15", "100", "0.5": short forms for messages. */
export function formatBound(x: number): string {
  return Math.abs(x) >= 1e6 ? x.toExponential().replace("e+", "e") : String(x);
}

export function rangeText(r: Range): string {
  const whole = r.integer && !r.what.includes("whole") ? " (a whole number)" : "";
  return `${r.what}${whole} in ${r.minExclusive ? "(" : "["}${formatBound(r.min)}, ${formatBound(r.max)}]${r.note ? ` (${r.note})` : ""}`;
}

export function inRange(r: Range, x: number): boolean {
  return (r.minExclusive ? x > r.min : x >= r.min) && x <= r.max && (!r.integer || Number.isInteger(x));
}
