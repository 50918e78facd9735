/**
 * The `deadline` section of a plan made on the time–compute frontier (issue 16; src/plan/deadline.ts):
 * the point chosen, the Pareto points next to it, what each step along the frontier trades (hours
 * against dollars or FLOPs) and why the point was chosen. Only zod here, so src/plan/schema.ts and
 * src/plan/types.ts can take it without importing the planner.
 */
import * as z from "zod";

const finite = z.number().refine(Number.isFinite, "a finite number");
const pos = finite.positive();

export const DeadlinePointSchema = z.strictObject({
  /** Index in the Pareto set, fastest first. */
  index: z.number().int().nonnegative(),
  /** Parameters of the model (the shape's count) and what to pass as --params for it. */
  params: pos,
  paramsRequest: pos,
  tokens: pos,
  batchSeqs: z.number().int().positive(),
  batchTokens: pos,
  bcritTokens: pos,
  batchOverCrit: pos,
  gpus: z.number().int().positive(),
  steps: pos,
  flops: pos,
  seconds: pos,
  gpuHours: pos,
  costUsd: pos.optional(),
});

/** One step along the frontier, from a slower point to the next faster one. */
export const FrontierStepSchema = z.strictObject({
  fromIndex: z.number().int().nonnegative(),
  toIndex: z.number().int().nonnegative(),
  hoursSaved: finite.nonnegative(),
  extraFlops: finite,
  extraUsd: finite.optional(),
  /** USD per hour saved, when there is a price. */
  usdPerHourSaved: finite.optional(),
  flopsPerHourSaved: finite,
});

export const DeadlineSectionSchema = z.strictObject({
  lossTarget: pos,
  /** How the target was set ("as given", or the compute-optimal loss at --compute). */
  targetHow: z.string(),
  lossLaw: z.string(),
  bcrit: z.strictObject({ id: z.string(), title: z.string(), coefficient: pos, exponent: pos, verified: z.boolean() }),
  /** Absent when no --days was given: then the cheapest point is chosen. */
  deadlineSeconds: pos.optional(),
  maxGpus: z.number().int().positive(),
  chosen: DeadlinePointSchema,
  /** The Pareto points next to the chosen one (faster: one more step toward the fastest). */
  faster: DeadlinePointSchema.optional(),
  slower: DeadlinePointSchema.optional(),
  /** Steps along the frontier around the chosen point, slowest step first. */
  steps: z.array(FrontierStepSchema),
  fastest: DeadlinePointSchema,
  cheapest: DeadlinePointSchema,
  paretoPoints: z.number().int().positive(),
  candidates: z.number().int().positive(),
  why: z.string(),
  /** Points passed over because their plan did not fit in memory or ran past the deadline. */
  passedOver: z.array(z.string()),
  assumptions: z.array(z.string()),
});

export type DeadlinePoint = z.infer<typeof DeadlinePointSchema>;
export type FrontierStep = z.infer<typeof FrontierStepSchema>;
export type DeadlineSection = z.infer<typeof DeadlineSectionSchema>;
