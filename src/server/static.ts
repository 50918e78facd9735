/** The built UI (dist/web: index.html, app.js, app.css), read once at start-up. */
import { existsSync, readFileSync } from "node:fs";
import type { StaticFile } from "./app.js";

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

/** dist/web next to the bundled CLI (dist/bundle) or, from the sources, at the package root. */
export function findWebDir(from: string): string | undefined {
  for (const rel of ["../web/", "../../dist/web/"]) {
    const dir = new URL(rel, from);
    if (existsSync(new URL("index.html", dir))) return dir.pathname;
  }
  return undefined;
}

export function loadStatic(dir: string): Record<string, StaticFile> {
  const files: Record<string, StaticFile> = {};
  for (const name of ["index.html", "app.js", "app.css"]) {
    const ext = name.slice(name.lastIndexOf("."));
    files[name === "index.html" ? "/" : `/${name}`] = { body: readFileSync(`${dir}${name}`, "utf8"), type: TYPES[ext] ?? "text/plain" };
  }
  return files;
}
