/**
 * From the audit's inputs to the datatrove script's SOURCES: each source's folders and globs (one per
 * file-name ending seen), so that pointing a folder at the full corpus (same layout) is the only edit.
 */
import { basename, dirname } from "node:path";
import type { DedupConfig } from "./config.js";
import type { DatatroveInput, DatatroveSource, DatatroveSpec } from "./datatrove.js";
import { globToRegExp, listInputs, newReadReport, readFileDocs, splitNamed, type InputFile, type ReadOptions } from "./read.js";

/** The file-name ending that selects the format: ".jsonl.gz", ".parquet", ".txt", or "" (no extension). */
function ending(path: string): string {
  const m = /(\.(jsonl|ndjson|json|parquet|txt|md)(\.(gz|zst|zstd))?)$/i.exec(basename(path));
  return m ? (m[1] as string) : "";
}

/** fsspec/glob escape: wildcard characters matched literally. */
function globEscape(s: string): string {
  return s.replace(/[[\]*?]/g, (c) => `[${c}]`);
}

export async function buildDatatroveSpec(args: readonly string[], read: ReadOptions, config: DedupConfig, o: Omit<DatatroveSpec, "config" | "sources" | "textField" | "sourceField">): Promise<DatatroveSpec> {
  const report = newReadReport();
  const files = await listInputs(args, read, report);
  // "name=path" arguments: the path part locates the files
  const paths = await Promise.all(args.map(async (a) => (await splitNamed(a)).path));
  const bySource = new Map<string, Map<string, DatatroveInput>>();
  const addInput = (source: string, input: DatatroveInput) => {
    let m = bySource.get(source);
    if (!m) bySource.set(source, (m = new Map()));
    m.set(`${input.folder}\u0000${input.glob}`, input);
  };
  const format = (f: InputFile): DatatroveInput["format"] => f.format;
  if (read.sourceBy.kind === "field") {
    // the sources are the field's values: read the sample once to learn them
    const names = new Set<string>();
    for (const f of files) await readFileDocs(f, read, report, (d) => (names.add(d.source), names.size < 65_535));
    const inputs: DatatroveInput[] = [];
    for (const arg of paths) {
      const mine = files.filter((f) => f.path === arg || f.path.startsWith(`${arg.replace(/\/+$/, "")}/`));
      const endings = new Map<string, InputFile>();
      for (const f of mine) endings.set(ending(f.path), f);
      for (const [end, f] of endings) inputs.push(f.path === arg ? { folder: dirname(arg), glob: globEscape(basename(arg)), format: format(f) } : { folder: arg, glob: `**/*${globEscape(end)}`, format: format(f) });
    }
    const sources: DatatroveSource[] = [...names].sort().map((name) => ({ name, inputs }));
    return { ...o, config, sources, sourceField: read.sourceBy.path, textField: read.textField };
  }
  // with --include, the pattern that selected a file is its glob (fsspec globs take * and ? alike;
  // they match case-sensitively where lmplan's --include does not)
  const include = (read.include ?? []).map((p) => ({ p, re: globToRegExp(p) }));
  const pattern = (path: string) => include.find((x) => x.re.test(basename(path)))?.p;
  for (const f of files) {
    const source = f.source ?? "(none)";
    const inc = pattern(f.path);
    if (read.sourceBy.kind === "file") addInput(source, { folder: dirname(f.path), glob: globEscape(basename(f.path)), format: format(f) });
    else if (read.sourceBy.kind === "dir") addInput(source, { folder: dirname(f.path), glob: inc ?? `*${globEscape(ending(f.path))}`, format: format(f) });
    else {
      const arg = paths.find((p) => f.path === p || f.path.startsWith(`${p.replace(/\/+$/, "")}/`)) ?? dirname(f.path);
      if (f.path === arg) addInput(source, { folder: dirname(arg), glob: globEscape(basename(arg)), format: format(f) });
      else addInput(source, { folder: arg.replace(/\/+$/, ""), glob: inc ? `**/${inc}` : `**/*${globEscape(ending(f.path))}`, format: format(f) });
    }
  }
  const sources: DatatroveSource[] = [...bySource].map(([name, m]) => ({ name, inputs: [...m.values()] }));
  return { ...o, config, sources, textField: read.textField };
}
