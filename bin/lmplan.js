#!/usr/bin/env node
// Thin launcher. dist/bundle/ is the CLI bundled by esbuild with code splitting (built by `npm run
// build`, which `npm ci` runs): one start-up module, and the fit/data/emit commands' code (CSV, YAML,
// TOML) in chunks loaded only when those commands run.
import { main } from "../dist/bundle/main.js";
// `lmplan … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
