/**
 * The shell side of reading runs: a path the user names is a file (one log) or a directory (a run:
 * every log file in it and its subdirectories, TensorBoard-style, where a subdirectory's tags are
 * prefixed with its name — "validation/epoch_loss"). Sizes and counts are checked against the declared
 * limits before anything is read; symbolic links to directories are not followed.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { invalid, type Result } from "../../errors.js";
import { formatBytes, LOG_LIMITS } from "./limits.js";
import type { LogFile } from "./read.js";

const MAX_DEPTH = 4;

export interface SourceStat {
  name: string;
  size: number;
  mtimeMs: number;
}

/** The files a source names, with sizes (no contents): what --watch compares between polls. */
export function listSource(path: string): Result<SourceStat[]> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    return { ok: false, issues: [invalid(["logs"], "a readable log file or run directory", `${path} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)] };
  }
  if (!st.isDirectory()) return { ok: true, value: [{ name: path, size: st.size, mtimeMs: st.mtimeMs }] };
  const out: SourceStat[] = [];
  const walk = (dir: string, depth: number): Result<void> => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      return { ok: false, issues: [invalid(["logs"], "a readable run directory", `${dir} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)] };
    }
    for (const n of names) {
      if (n.startsWith(".")) continue;
      const p = join(dir, n);
      let s;
      try {
        s = lstatSync(p);
      } catch {
        continue;
      }
      if (s.isDirectory()) {
        if (depth < MAX_DEPTH) {
          const r = walk(p, depth + 1);
          if (!r.ok) return r;
        }
      } else if (s.isFile()) {
        out.push({ name: p, size: s.size, mtimeMs: s.mtimeMs });
        if (out.length > LOG_LIMITS.runFiles) return { ok: false, issues: [invalid(["logs", path], `a run directory of at most ${LOG_LIMITS.runFiles} files (lmplan's limit)`, `more than ${LOG_LIMITS.runFiles} files`)] };
      }
    }
    return { ok: true, value: undefined };
  };
  const r = walk(path, 0);
  if (!r.ok) return r;
  return { ok: true, value: out };
}

/** Read a source's files into memory, with the byte limits checked first. */
export function readSource(path: string): Result<LogFile[]> {
  const list = listSource(path);
  if (!list.ok) return list;
  let total = 0;
  const files: LogFile[] = [];
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    isDir = false;
  }
  for (const f of list.value) {
    if (f.size > LOG_LIMITS.fileBytes) return { ok: false, issues: [invalid([f.name], `a log file of at most ${formatBytes(LOG_LIMITS.fileBytes)} (lmplan's limit)`, formatBytes(f.size))] };
    total += f.size;
    if (total > LOG_LIMITS.runBytes) return { ok: false, issues: [invalid(["logs", path], `a run of at most ${formatBytes(LOG_LIMITS.runBytes)} of logs (lmplan's limit)`, `more than that`)] };
    let bytes: Buffer;
    try {
      bytes = readFileSync(f.name);
    } catch (e) {
      return { ok: false, issues: [invalid(["logs"], "a readable log file", `${f.name} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`)] };
    }
    const rel = isDir ? relative(path, f.name) : "";
    const sub = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
    files.push({ name: f.name, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), ...(sub ? { tagPrefix: sub } : {}) });
  }
  if (files.length === 0) return { ok: false, issues: [invalid(["logs", path], "a run directory with log files", "an empty directory")] };
  return { ok: true, value: files };
}
