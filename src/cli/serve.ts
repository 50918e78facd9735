/** `lmplan serve`: the UI and the HTTP API on one local port. */
import type { Command } from "commander";
import { invalid } from "../errors.js";
import { createApp } from "../server/app.js";
import { checkBindHost, listen } from "../server/node.js";
import { findWebDir, loadStatic } from "../server/static.js";
import { BadInput, type Io } from "./shared.js";

export function registerServe(program: Command, io: Io): void {
  program
    .command("serve")
    .description("the planner UI and the HTTP API (POST /api/plan, /api/fit, /api/emit; GET /api/laws, /api/openapi.json)")
    .option("--port <n>", "port", "8787")
    .option("--host <address>", "address to bind (127.0.0.1: this machine only; 0.0.0.0 exposes it to your network)", "127.0.0.1")
    .option("--allow-host <names>", "comma-separated host names clients may use besides localhost and IP addresses (requests naming any other host are refused: DNS rebinding)", "")
    .action(async (o: { port: string; host: string; allowHost: string }) => {
      const port = Number(o.port);
      if (!/^\d{1,5}$/.test(o.port) || port > 65535) throw new BadInput([invalid("port", "a port number 0 … 65535", o.port)]);
      const hostIssue = checkBindHost(o.host);
      if (hostIssue) throw new BadInput([hostIssue]);
      const allowedHosts = o.allowHost.split(",").map((h) => h.trim()).filter((h) => h !== "");
      for (const h of allowedHosts) if (!/^[A-Za-z0-9.-]{1,253}$/.test(h)) throw new BadInput([invalid("allowHost", "host names of letters, digits, dots and hyphens", h)]);
      const dir = findWebDir(import.meta.url);
      if (!dir) io.err("lmplan: note: the UI is not built (npm run build); serving the API only\n");
      const app = createApp(dir ? loadStatic(dir) : {}, { allowedHosts });
      let started;
      try {
        started = await listen(app, port, o.host);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") throw new BadInput([invalid("port", "a free port", port)]);
        if (code === "EADDRNOTAVAIL" || code === "EACCES" || code === "ENOTFOUND") throw new BadInput([invalid(code === "EACCES" ? "port" : "host", code === "EACCES" ? "a port this user may bind (≥ 1024 without privileges)" : "an address of this machine", code === "EACCES" ? port : o.host)]);
        throw e;
      }
      const { server, port: bound } = started;
      io.out(`lmplan: serving on http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${bound} (UI and /api); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
