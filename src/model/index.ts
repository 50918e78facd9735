export * from "./spec.js";
export * from "./components.js";
export * from "./params.js";
export * from "./flops.js";
export * from "./memory.js";
export * from "./shape.js";
export * from "./presets.js";
