/**
 * Documents from files, streamed: JSONL (a text field, dotted paths allowed), JSONL compressed with gzip
 * (node:zlib) or zstd (node:zlib where Node has it, else fzstd, pure JavaScript), Parquet (hyparquet,
 * pure JavaScript, one row group at a time) and plain text (one document per file). A source per
 * command-line path, per file, per directory or per field value.
 *
 * This is the audit's I/O shell. Nothing here throws for bad data: a file that cannot be read, a line
 * that is not JSON, is too long or nests too deep, a text field that is missing or not a string, a file
 * that looks binary — each is counted and reported by file and line, and reading goes on.
 */
import { createReadStream, promises as fsp, type Dirent } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { createGunzip } from "node:zlib";
import * as zlib from "node:zlib";
import type { Readable } from "node:stream";

export type SourceBy = { kind: "arg" } | { kind: "file" } | { kind: "dir" } | { kind: "field"; path: string[] };

export interface ReadOptions {
  /** Dotted path of the text in a JSON record (default "text"). */
  textField: string[];
  sourceBy: SourceBy;
  /** Longest JSON line or text file read, in bytes; longer ones are skipped and reported. */
  maxRecordBytes: number;
  /** Most files one audit reads. */
  maxFiles: number;
  /** File-name patterns (* and ?) a walked directory's files must match; files named directly always count. */
  include?: string[];
}

/** "LICENSE*" → a regular expression on the file name (only * and ? are special). */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** "name=path" names the source of a path (several paths may share a name); a path that exists as written is a path. */
export async function splitNamed(arg: string): Promise<{ name?: string; path: string }> {
  const eq = arg.indexOf("=");
  if (eq <= 0) return { path: arg };
  try {
    await fsp.stat(arg);
    return { path: arg };
  } catch {
    const name = arg.slice(0, eq);
    return /^[A-Za-z][\w.-]{0,99}$/.test(name) ? { name, path: arg.slice(eq + 1) } : { path: arg };
  }
}

export const DEFAULT_MAX_RECORD_BYTES = 64 * 2 ** 20;
export const DEFAULT_MAX_FILES = 1_000_000;
/** Deepest directory walked (symbolic links to directories are not followed: no loops). */
export const MAX_DEPTH = 32;
/** Problems listed one by one in the report; the rest are counted. */
export const MAX_PROBLEMS_LISTED = 50;

export type FileFormat = "jsonl" | "text" | "parquet";
export type Compression = "none" | "gzip" | "zstd";

export interface InputFile {
  path: string;
  format: FileFormat;
  compression: Compression;
  /** Source name for arg/file/dir grouping (undefined for field grouping: per record). */
  source?: string;
}

export interface Problem {
  file: string;
  /** 1-based line (JSONL), row (Parquet), or 0 for the whole file. */
  line: number;
  reason: string;
}

export interface ReadReport {
  files: number;
  bytes: number;
  records: number;
  problems: Problem[];
  problemCount: number;
  /** Files with byte sequences that are not UTF-8 (decoded with U+FFFD). */
  invalidUtf8Files: number;
}

export function newReadReport(): ReadReport {
  return { files: 0, bytes: 0, records: 0, problems: [], problemCount: 0, invalidUtf8Files: 0 };
}

export function addProblem(r: ReadReport, p: Problem): void {
  r.problemCount++;
  if (r.problems.length < MAX_PROBLEMS_LISTED) r.problems.push(p);
}

const stripExtensions = (name: string) => name.replace(/(\.(jsonl|ndjson|json|txt|md|parquet|gz|zst|zstd))+$/i, "") || name;

export function classify(path: string): { format: FileFormat; compression: Compression } {
  const lower = path.toLowerCase();
  const compression: Compression = /\.(gz|gzip)$/.test(lower) ? "gzip" : /\.(zst|zstd)$/.test(lower) ? "zstd" : "none";
  const bare = lower.replace(/\.(gz|gzip|zst|zstd)$/, "");
  const format: FileFormat = /\.parquet$/.test(bare) ? "parquet" : /\.(jsonl|ndjson|json)$/.test(bare) ? "jsonl" : "text";
  return { format, compression };
}

/**
 * The files under the given paths, sorted (so passes and runs see the same order), each with its source
 * name when the grouping is by argument, file or directory. Missing paths and unreadable directories
 * are reported, not thrown.
 */
export async function listInputs(paths: readonly string[], o: ReadOptions, report: ReadReport): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const include = o.include?.map(globToRegExp);
  for (const given of paths) {
    const named = await splitNamed(given);
    const arg = named.path;
    const argName = named.name ?? (stripExtensions(basename(arg.replace(/[/\\]+$/, "")) || arg));
    let st;
    try {
      st = await fsp.stat(arg);
    } catch (e) {
      addProblem(report, { file: arg, line: 0, reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})` });
      continue;
    }
    const add = (path: string, root: string) => {
      if (out.length >= o.maxFiles) return false;
      const { format, compression } = classify(path);
      const source = o.sourceBy.kind === "arg" ? argName : o.sourceBy.kind === "file" ? stripExtensions(relative(root, path) || basename(path)) : o.sourceBy.kind === "dir" ? (relative(root, dirname(path)) || argName) : undefined;
      out.push({ path, format, compression, ...(source !== undefined ? { source } : {}) });
      return true;
    };
    if (st.isFile()) {
      add(arg, dirname(arg));
      continue;
    }
    if (!st.isDirectory()) {
      addProblem(report, { file: arg, line: 0, reason: "not a file or a directory" });
      continue;
    }
    // breadth-bounded walk, entries sorted by name
    const walk = async (dir: string, depth: number): Promise<boolean> => {
      if (depth > MAX_DEPTH) {
        addProblem(report, { file: dir, line: 0, reason: `deeper than ${MAX_DEPTH} directories: not read` });
        return true;
      }
      let entries: Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (e) {
        addProblem(report, { file: dir, line: 0, reason: `directory cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})` });
        return true;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (e.name.startsWith(".")) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (!(await walk(p, depth + 1))) return false;
        } else if (e.isFile()) {
          if (include && !include.some((re) => re.test(e.name))) continue;
          if (!add(p, arg)) return false;
        }
      }
      return true;
    };
    if (!(await walk(arg, 0))) addProblem(report, { file: arg, line: 0, reason: `more than ${o.maxFiles} files: the rest were not read (raise --max-files)` });
  }
  return out;
}

/** One document as read. */
export interface RawDoc {
  text: string;
  /** Source name. */
  source: string;
  /** 1-based line or row in the file (0 for a whole-file document). */
  line: number;
}

function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function decompressor(c: Compression): Readable | undefined {
  if (c === "gzip") return createGunzip();
  if (c === "zstd") {
    const z = zlib as unknown as { createZstdDecompress?: () => Readable };
    if (typeof z.createZstdDecompress === "function") return z.createZstdDecompress();
  }
  return undefined;
}

/** The file's bytes as a stream of Buffers (decompressed); compressed bytes read are counted. */
async function* byteChunks(f: InputFile, report: ReadReport): AsyncGenerator<Buffer> {
  if (f.compression === "zstd" && !decompressor("zstd")) {
    // fzstd: pure-JavaScript streaming zstd (Node 20's zlib has none); loaded before the file is opened
    const { Decompress } = await import("fzstd");
    const queue: Buffer[] = [];
    const d = new Decompress((chunk) => {
      queue.push(Buffer.from(chunk));
    });
    for await (const chunk of createReadStream(f.path, { highWaterMark: 1 << 20 })) {
      report.bytes += (chunk as Buffer).length;
      d.push(new Uint8Array(chunk as Buffer));
      while (queue.length > 0) yield queue.shift() as Buffer;
    }
    d.push(new Uint8Array(0), true);
    while (queue.length > 0) yield queue.shift() as Buffer;
    return;
  }
  const raw = createReadStream(f.path, { highWaterMark: 1 << 20 });
  const dec = decompressor(f.compression);
  if (!dec) {
    for await (const chunk of raw) {
      report.bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
    return;
  }
  // a 'data' listener beside pipe(): both see every chunk (the listener counts, the pipe decompresses)
  raw.on("data", (b) => (report.bytes += (b as Buffer).length));
  raw.on("error", (e) => dec.destroy(e));
  raw.pipe(dec as unknown as NodeJS.WritableStream);
  for await (const chunk of dec) yield chunk as Buffer;
}

const fatalDecoder = new TextDecoder("utf-8", { fatal: true });
const lenientDecoder = new TextDecoder("utf-8", { fatal: false });

/** UTF-8 bytes → string; invalid sequences become U+FFFD (and the file is counted once). */
function decode(bytes: Uint8Array, state: { invalid: boolean }): string {
  if (!state.invalid) {
    try {
      return fatalDecoder.decode(bytes);
    } catch {
      state.invalid = true;
    }
  }
  return lenientDecoder.decode(bytes);
}

/**
 * The documents of one file, in order. `onDoc` returns false to stop reading the file early (a later
 * pass that has what it needs).
 */
export async function readFileDocs(f: InputFile, o: ReadOptions, report: ReadReport, onDoc: (d: RawDoc) => boolean | Promise<boolean>): Promise<void> {
  report.files++;
  const utf8 = { invalid: false };
  try {
    if (f.format === "parquet") await readParquet(f, o, report, onDoc);
    else if (f.format === "text") await readText(f, o, report, onDoc, utf8);
    else await readJsonl(f, o, report, onDoc, utf8);
  } catch (e) {
    addProblem(report, { file: f.path, line: 0, reason: `read failed: ${(e as Error)?.message ?? String(e)}` });
  }
  if (utf8.invalid) report.invalidUtf8Files++;
}

async function readText(f: InputFile, o: ReadOptions, report: ReadReport, onDoc: (d: RawDoc) => boolean | Promise<boolean>, utf8: { invalid: boolean }): Promise<void> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of byteChunks(f, report)) {
    size += chunk.length;
    if (size > o.maxRecordBytes) {
      addProblem(report, { file: f.path, line: 0, reason: `text file over ${o.maxRecordBytes} bytes: skipped (raise --max-record-bytes)` });
      return;
    }
    parts.push(chunk);
  }
  const bytes = Buffer.concat(parts);
  // NUL bytes in the first 8 KiB: a binary file (as git and grep decide), not a document
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) {
    addProblem(report, { file: f.path, line: 0, reason: "binary file (NUL bytes): skipped" });
    return;
  }
  report.records++;
  const source = f.source ?? "(none)";
  await onDoc({ text: decode(bytes, utf8), source, line: 0 });
}

/** One record (a parsed JSON value) → a document, or a problem. */
async function record(value: unknown, f: InputFile, o: ReadOptions, report: ReadReport, line: number, onDoc: (d: RawDoc) => boolean | Promise<boolean>): Promise<boolean> {
  const text = getPath(value, o.textField);
  if (typeof text !== "string") {
    addProblem(report, { file: f.path, line, reason: text === undefined ? `no "${o.textField.join(".")}" field` : `"${o.textField.join(".")}" is not a string` });
    return true;
  }
  let source = f.source ?? "(none)";
  if (o.sourceBy.kind === "field") {
    const s = getPath(value, o.sourceBy.path);
    source = typeof s === "string" || typeof s === "number" ? String(s).slice(0, 200) : "(none)";
  }
  report.records++;
  return (await onDoc({ text, source, line })) !== false;
}

/**
 * A ".json" file may be one JSON document (an array of records, or one record) rather than JSON lines:
 * if the whole file parses, it is read that way (records numbered from 1); otherwise as JSON lines.
 */
async function readJsonDocument(f: InputFile, o: ReadOptions, report: ReadReport, onDoc: (d: RawDoc) => boolean | Promise<boolean>, utf8: { invalid: boolean }): Promise<boolean> {
  const st = await fsp.stat(f.path);
  if (st.size > o.maxRecordBytes) return false;
  const bytes = await fsp.readFile(f.path);
  let value: unknown;
  try {
    value = JSON.parse(decode(bytes, utf8));
  } catch {
    return false;
  }
  report.bytes += bytes.length;
  const items = Array.isArray(value) ? value : [value];
  for (let i = 0; i < items.length; i++) if (!(await record(items[i], f, o, report, i + 1, onDoc))) break;
  return true;
}

async function readJsonl(f: InputFile, o: ReadOptions, report: ReadReport, onDoc: (d: RawDoc) => boolean | Promise<boolean>, utf8: { invalid: boolean }): Promise<void> {
  if (f.compression === "none" && /\.json$/i.test(f.path) && (await readJsonDocument(f, o, report, onDoc, utf8))) return;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let line = 0;
  const handle = async (bytes: Buffer): Promise<boolean> => {
    line++;
    // trailing \r of CRLF files
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    if (end === 0) return true;
    let value: unknown;
    try {
      value = JSON.parse(decode(bytes.subarray(0, end), utf8));
    } catch (e) {
      // SyntaxError, or RangeError for nesting deeper than the parser's stack
      addProblem(report, { file: f.path, line, reason: e instanceof RangeError ? "JSON nested too deeply" : "not valid JSON" });
      return true;
    }
    return record(value, f, o, report, line, onDoc);
  };
  for await (const chunk of byteChunks(f, report)) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (skipping) {
        skipping = false;
        line++;
        addProblem(report, { file: f.path, line, reason: `line over ${o.maxRecordBytes} bytes: skipped (raise --max-record-bytes)` });
        pending = [];
        pendingBytes = 0;
        continue;
      }
      const bytes = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingBytes = 0;
      if (bytes.length > o.maxRecordBytes) {
        line++;
        addProblem(report, { file: f.path, line, reason: `line over ${o.maxRecordBytes} bytes: skipped (raise --max-record-bytes)` });
        continue;
      }
      if (!(await handle(bytes))) return;
    }
    if (start < chunk.length && !skipping) {
      const rest = chunk.subarray(start);
      pendingBytes += rest.length;
      // a line longer than the cap is dropped as it streams: memory stays bounded by the cap
      if (pendingBytes > o.maxRecordBytes) {
        skipping = true;
        pending = [];
        pendingBytes = 0;
      } else pending.push(Buffer.from(rest));
    }
  }
  if (skipping) {
    line++;
    addProblem(report, { file: f.path, line, reason: `line over ${o.maxRecordBytes} bytes: skipped (raise --max-record-bytes)` });
  } else if (pending.length > 0) await handle(Buffer.concat(pending));
}

async function readParquet(f: InputFile, o: ReadOptions, report: ReadReport, onDoc: (d: RawDoc) => boolean | Promise<boolean>): Promise<void> {
  if (f.compression !== "none") {
    addProblem(report, { file: f.path, line: 0, reason: "a compressed Parquet file: Parquet compresses its pages itself; decompress the file first" });
    return;
  }
  const { parquetMetadataAsync, parquetRead } = await import("hyparquet");
  const { decompress: zstd } = await import("fzstd");
  const fh = await fsp.open(f.path, "r");
  try {
    const { size } = await fh.stat();
    report.bytes += size;
    const file = {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const stop = end ?? size;
        const buf = Buffer.alloc(Math.max(0, stop - start));
        await fh.read(buf, 0, buf.length, start);
        return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
      },
    };
    const compressors = {
      GZIP: (input: Uint8Array) => new Uint8Array(zlib.gunzipSync(input)),
      BROTLI: (input: Uint8Array) => new Uint8Array(zlib.brotliDecompressSync(input)),
      ZSTD: (input: Uint8Array) => zstd(input),
    };
    const metadata = await parquetMetadataAsync(file);
    const column = o.textField.join(".");
    const sourceColumn = o.sourceBy.kind === "field" ? o.sourceBy.path.join(".") : undefined;
    let row = 0;
    for (const rg of metadata.row_groups) {
      const count = Number(rg.num_rows);
      let rows: unknown[][] = [];
      await parquetRead({ file, metadata, columns: sourceColumn ? [column, sourceColumn] : [column], rowStart: row, rowEnd: row + count, compressors, onComplete: (r: unknown[][]) => (rows = r) });
      for (let i = 0; i < rows.length; i++) {
        const rec = rows[i] as unknown[];
        const text = rec[0];
        const line = row + i + 1;
        if (typeof text !== "string") {
          addProblem(report, { file: f.path, line, reason: `column "${column}" is not a string` });
          continue;
        }
        if (text.length > o.maxRecordBytes) {
          addProblem(report, { file: f.path, line, reason: `text over ${o.maxRecordBytes} characters: skipped` });
          continue;
        }
        const s = rec[1];
        const source = sourceColumn ? (typeof s === "string" || typeof s === "number" ? String(s).slice(0, 200) : "(none)") : (f.source ?? "(none)");
        report.records++;
        if ((await onDoc({ text, source, line })) === false) return;
      }
      row += count;
    }
  } finally {
    await fh.close();
  }
}
