/** lmplan as a library: typed, pure functions. */
export * from "./errors.js";
export * from "./units/index.js";
export * from "./model/index.js";
export * from "./hardware/index.js";
export * from "./laws/index.js";
export * from "./parameterization/index.js";
export * as schedules from "./schedules/index.js";
export * from "./schedules/index.js";
export * from "./references.js";
export { plan, planSafe, planFromRequest, DEFAULT_TEMPLATE } from "./plan/plan.js";
export { PlanRequestSchema, parsePlanRequest, fieldMeta, type PlanRequest, type PlanRequestInput, type FieldMeta } from "./plan/request.js";
export type * from "./plan/types.js";
