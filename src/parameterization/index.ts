export * from "./bases.js";
export * from "./mup.js";
