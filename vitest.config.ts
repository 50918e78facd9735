import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Fits over the full published grids take seconds on CI's 2 cores; no test asserts a duration.
    testTimeout: 60_000,
  },
});
