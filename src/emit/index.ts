/** The trainer formats lmplan writes. Adding a trainer is adding one file and a line here. */
import { cerebras } from "./cerebras.js";
import { hf } from "./hf.js";
import { litgpt } from "./litgpt.js";
import { llmfoundry } from "./llmfoundry.js";
import { megatron, megatronYaml } from "./megatron.js";
import { nanogpt } from "./nanogpt.js";
import { nanotron } from "./nanotron.js";
import { torchtitan } from "./torchtitan.js";
import type { Emitter } from "./types.js";

export * from "./types.js";
export { compareSchedule } from "./schedule-check.js";
export { emitPlan, memoryIssue, STRICT_TOLERANCE, type EmitOutcome, type EmitRequest } from "./run.js";
export { parsePlan, PlanSchema, PLAN_LIMITS } from "../plan/schema.js";
export { commentText } from "./serialize.js";

export const EMITTERS: readonly Emitter[] = [torchtitan, megatron, megatronYaml, hf, nanogpt, litgpt, cerebras, llmfoundry, nanotron];

export function findEmitter(id: string): Emitter | undefined {
  return EMITTERS.find((e) => e.id === id.toLowerCase());
}
