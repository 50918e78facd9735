export * from "./catalog.js";
export * from "./time.js";
