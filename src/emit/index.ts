/** The trainer formats lmplan writes. Adding a trainer is adding one file and a line here. */
import { cerebras } from "./cerebras.js";
import { megatron } from "./megatron.js";
import { nanogpt } from "./nanogpt.js";
import { torchtitan } from "./torchtitan.js";
import type { Emitter } from "./types.js";

export * from "./types.js";
export { compareSchedule } from "./schedule-check.js";

export const EMITTERS: readonly Emitter[] = [torchtitan, megatron, cerebras, nanogpt];

export function findEmitter(id: string): Emitter | undefined {
  return EMITTERS.find((e) => e.id === id.toLowerCase());
}
