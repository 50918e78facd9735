/** `lmplan serve`: the UI and the HTTP API on one local port. */
import { serve } from "@hono/node-server";
import type { Command } from "commander";
import { invalid } from "../errors.js";
import { createApp } from "../server/app.js";
import { findWebDir, loadStatic } from "../server/static.js";
import { BadInput, type Io } from "./shared.js";

export function registerServe(program: Command, io: Io): void {
  program
    .command("serve")
    .description("the planner UI and the HTTP API (POST /api/plan, /api/fit, /api/emit; GET /api/laws, /api/openapi.json)")
    .option("--port <n>", "port", "8787")
    .option("--host <address>", "address to bind (127.0.0.1: this machine only; 0.0.0.0 exposes it to your network)", "127.0.0.1")
    .action(async (o: { port: string; host: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BadInput([invalid("port", "a port number 0 … 65535", o.port)]);
      const dir = findWebDir(import.meta.url);
      if (!dir) io.err("lmplan: note: the UI is not built (npm run build); serving the API only\n");
      const app = createApp(dir ? loadStatic(dir) : {});
      await new Promise<void>((resolve, reject) => {
        const server = serve({ fetch: app.fetch, port, hostname: o.host }, (info) => {
          io.out(`lmplan: serving on http://${o.host}:${info.port} (UI and /api); Ctrl-C to stop\n`);
        });
        server.on("error", (e: NodeJS.ErrnoException) => reject(e.code === "EADDRINUSE" ? new BadInput([invalid("port", "a free port", port)]) : e));
        const stop = () => server.close(() => resolve());
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
