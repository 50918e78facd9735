export * from "./schedule.js";
export * from "./ema.js";
