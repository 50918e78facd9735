/**
 * `lmplan data audit`: know your data before you mix it. Near-duplicates (MinHash + LSH with the
 * published pipelines' settings), local vs global dedup, unique tokens per source into a sources CSV
 * that `lmplan data --sources` reads; `--emit datatrove` for the full corpus on a cluster and `--read`
 * for its results. Registration is light: the audit's code loads only when the command runs.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { invalid, type Issue } from "../errors.js";
import { cellNumber } from "../io/table.js";
import { parseCount } from "../units/parse.js";
import { BadInput, type Io } from "./shared.js";

export class AuditInputError extends BadInput {}

type Opts = Record<string, string | boolean | undefined>;

const PRESET_NAMES = "slimpajama, datatrove, text-dedup";

/** lmplan's version for the generated script's header (package.json beside dist/ and src/, as main.ts reads it). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function fail(issues: Issue[]): never {
  throw new AuditInputError(issues);
}

/** A whole number in [min, max], written as a plain decimal. */
function whole(v: unknown, field: string, what: string, min: number, max: number): number {
  const x = cellNumber(v);
  if (!Number.isInteger(x) || x < min || x > max) fail([invalid(field, `${what}: a whole number ${min} … ${max >= 1e6 ? max.toExponential().replace("e+", "e") : max}`, v)]);
  return x;
}

function decimal(v: unknown, field: string, what: string, ok: (x: number) => boolean): number {
  const x = cellNumber(v);
  if (!Number.isFinite(x) || !ok(x)) fail([invalid(field, what, v)]);
  return x;
}

/** "web=commoncrawl,c4;code=github" or "commoncrawl=web,github=code": name=domain pairs. */
function parseDomains(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === undefined) return out;
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? "" : part.slice(0, eq).trim();
    const dom = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (name === "" || !/^[A-Za-z][\w.-]*$/.test(dom)) fail([invalid("domain", 'source=domain pairs separated by commas, e.g. "commoncrawl=web,github=code"', part)]);
    out[name] = dom;
  }
  return out;
}

function parseSourceBy(v: string | undefined): { kind: "arg" } | { kind: "file" } | { kind: "dir" } | { kind: "field"; path: string[] } {
  const s = v ?? "arg";
  if (s === "arg" || s === "file" || s === "dir") return { kind: s };
  if (s.startsWith("field:") && /^[^.\s][^\s]*$/.test(s.slice(6)) && s.length <= 206) return { kind: "field", path: s.slice(6).split(".") };
  return fail([invalid("sourceBy", "arg (one source per path given), file, dir (per directory) or field:NAME (a JSON field, dotted paths allowed, e.g. field:meta.redpajama_set_name)", s)]);
}

function includePatterns(v: string): string[] {
  const parts = v.split(",").map((p) => p.trim());
  if (parts.length > 100 || parts.some((p) => p.length === 0 || p.length > 200 || /[/\\]/.test(p))) fail([invalid("include", 'file-name patterns with * and ?, separated by commas, e.g. "*.jsonl,*.jsonl.gz"', v)]);
  return parts;
}

function textField(v: string | undefined): string[] {
  const s = v ?? "text";
  if (s.length === 0 || s.length > 200 || /\s/.test(s) || s.split(".").some((p) => p === "")) fail([invalid("textField", 'the JSON field holding the text, e.g. "text" or "content" (dotted paths such as "doc.body" allowed)', s)]);
  return s.split(".");
}

export function registerAudit(data: Command, io: { out: (s: string) => void } & Partial<Io>): void {
  // commander checks every ancestor's mandatory options before a subcommand runs (Command
  // _checkForMissingMandatoryOptions walks up the chain); `data`'s --sources and --tokens belong to
  // planning a mixture, not to auditing one, so they are marked as set for `data audit` only
  data.hook("preSubcommand", (parent, sub) => {
    if (sub.name() !== "audit") return;
    for (const opt of parent.options) if (opt.mandatory && parent.getOptionValue(opt.attributeName()) === undefined) parent.setOptionValue(opt.attributeName(), "");
  });
  data
    .command("audit [paths...]")
    .description("near-duplicate audit of a corpus (sample): exact and MinHash/LSH duplicates per source, local vs global dedup, unique tokens for the mixture; --emit datatrove for the full corpus on a cluster")
    .option("--preset <id>", `published pipeline to reproduce: ${PRESET_NAMES}`, "slimpajama")
    .option("--threshold <jaccard>", "Jaccard similarity that counts as a near-duplicate (bands × rows then follow datasketch's rule)")
    .option("--num-perm <n>", "MinHash permutations (2 … 1024)")
    .option("--ngram <n>", "shingle length in characters or words (1 … 64)")
    .option("--bands <b>", "LSH bands (b × rows ≤ num-perm)")
    .option("--rows <r>", "rows per LSH band")
    .option("--seed <n>", "NumPy RandomState seed for the permutations (0 … 2^32 − 1)")
    .option("--shingle <kind>", "chars or words")
    .option("--min-chars <n>", "drop documents shorter than this after normalisation (SlimPajama: 200)")
    .option("--text-field <name>", "JSON field of the text (dotted paths allowed)", "text")
    .option("--include <patterns>", 'in directories, read only files whose names match, e.g. "*.jsonl.gz" or "LICENSE*,COPYING*"')
    .option("--source-by <how>", "arg (each path given is a source), file, dir, or field:NAME", "arg")
    .option("--tokens-by <how>", "token estimate: chars/4, bytes/4 or words", "chars/4")
    .option("--verify", "check every candidate pair's exact Jaccard similarity (a second pass over the files)")
    .option("--threads <n>", "hashing threads (default: cores − 1, at least 1)")
    .option("--max-docs <n>", "stop after this many documents", "20000000")
    .option("--max-files <n>", "read at most this many files", "1000000")
    .option("--max-record-bytes <n>", "skip JSON lines and text files longer than this", String(64 * 2 ** 20))
    .option("--sample-fraction <f>", "the input is a uniform sample at this fraction of the corpus: estimate corpus-level duplicates")
    .option("--corpus-tokens <count>", "or the corpus size in tokens (the fraction is the sample's tokens over this)")
    .option("--clusters <n>", "largest clusters shown", "5")
    .option("--examples <n>", "documents shown per cluster", "3")
    .option("--domain <pairs>", 'domain per source for the sources CSV, e.g. "commoncrawl=web,github=code"')
    .option("--out-sources <file.csv>", "write unique tokens per source as a CSV for `lmplan data --sources`")
    .option("--unique <which>", "the CSV's tokens column: global or local dedup", "global")
    .option("--emit <engine>", "write the dedup as a pipeline for the full corpus instead of auditing: datatrove")
    .option("--emit-file <file.py>", "where --emit writes the script (default: standard output)")
    .option("--output <dir>", "the pipeline's output folder (any fsspec URL)", "dedup_output")
    .option("--modes <list>", "dedup runs in the pipeline: global, local or global,local", "global,local")
    .option("--tasks <n>", "datatrove tasks for the signature and filter stages", "64")
    .option("--workers <n>", "local executor: tasks run at once", "8")
    .option("--partition <name>", "Slurm partition", "cpu")
    .option("--time <hh:mm:ss>", "Slurm time limit per job", "12:00:00")
    .option("--qos <name>", "Slurm QOS", "normal")
    .option("--cpus-per-task <n>", "Slurm CPUs per task", "1")
    .option("--mem-per-cpu-gb <n>", "Slurm memory per CPU (GB)", "2")
    .option("--cluster-mem-gb <n>", "Slurm memory per CPU for the single clustering task (GB)", "70")
    .option("--read <dir>", "read the results of an emitted datatrove pipeline (its --output folder) instead of auditing")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Examples:
  lmplan data audit data/commoncrawl data/github data/books --verify --out-sources sources.csv
  lmplan data --sources sources.csv --tokens 300B --params 1.3B
  lmplan data audit sample/ --source-by field:meta.redpajama_set_name --sample-fraction 0.001
  lmplan data audit data/* --emit datatrove --emit-file dedup.py --output s3://bucket/dedup --partition cpu
  lmplan data audit --read dedup_output --out-sources sources.csv`,
    )
    .action(async (paths: string[], opts: Opts) => {
      // `data` declares --json too, and commander gives a flag to the parent that declares it
      const o: Opts = { ...opts, json: opts.json === true || data.opts().json === true };
      const { resolveDedupConfig } = await import("../mixture/audit/config.js");
      const { TOKEN_ESTIMATES, MAX_DOCS_LIMIT } = await import("../mixture/audit/engine.js");
      const tokensBy = o.tokensBy as string;
      if (!TOKEN_ESTIMATES.includes(tokensBy as never)) fail([invalid("tokensBy", TOKEN_ESTIMATES.join(", "), tokensBy)]);
      const unique = o.unique as string;
      if (unique !== "global" && unique !== "local") fail([invalid("unique", "global or local", unique)]);
      const domains = parseDomains(o.domain as string | undefined);
      const outSources = o.outSources as string | undefined;
      if (outSources !== undefined && !/\.csv$/i.test(outSources)) fail([invalid("outSources", "a file name ending in .csv (lmplan data --sources reads CSV files)", outSources)]);
      const tokenEstimate = tokensBy as "chars/4" | "bytes/4" | "words";

      if (typeof o.read === "string") {
        if (paths.length > 0) fail([invalid("read", "either paths to audit or --read <dir>, not both", paths.join(" "))]);
        const { readDatatrove } = await import("../mixture/audit/datatrove.js");
        const { renderDatatroveRead, sourcesCsv } = await import("../mixture/audit/report.js");
        const { TOKEN_ESTIMATE_TEXT } = await import("../mixture/audit/engine.js");
        const r = await readDatatrove(o.read, tokenEstimate);
        if (!r.manifest && Object.keys(r.counts).length === 0) fail([invalid("read", "the output folder of a pipeline written by --emit datatrove (with lmplan_manifest.json and lmplan_counts/)", o.read)]);
        if (outSources !== undefined) {
          const { csv, omitted } = sourcesCsv(r.sources, unique, domains);
          writeFileSync(outSources, csv);
          if (omitted.length > 0) r.warnings.push(`no unique tokens for ${omitted.join(", ")}: left out of ${outSources}`);
        }
        io.out(o.json ? `${JSON.stringify(r, null, 2)}\n` : renderDatatroveRead(r.sources, r.overall, TOKEN_ESTIMATE_TEXT[tokenEstimate], o.read, r.warnings));
        return;
      }

      if (paths.length === 0) fail([invalid("paths", "one or more files or directories to audit (JSONL, .jsonl.gz/.zst, Parquet or text), or --read <dir>", "nothing")]);
      // a path the user named that does not exist is bad input (a file inside a directory that cannot be read is reported and skipped)
      const { splitNamed } = await import("../mixture/audit/read.js");
      for (const p of paths) {
        const { path } = await splitNamed(p);
        if (!existsSync(path)) fail([invalid("paths", "an existing file or directory (or name=path)", p)]);
      }
      const cfgR = resolveDedupConfig({
        preset: o.preset as string,
        ...(o.threshold !== undefined ? { threshold: decimal(o.threshold, "threshold", "a Jaccard similarity strictly between 0 and 1, e.g. 0.8", (x) => x > 0 && x < 1) } : {}),
        ...(o.numPerm !== undefined ? { numPerm: cellNumber(o.numPerm) } : {}),
        ...(o.ngram !== undefined ? { ngram: cellNumber(o.ngram) } : {}),
        ...(o.bands !== undefined ? { bands: cellNumber(o.bands) } : {}),
        ...(o.rows !== undefined ? { rows: cellNumber(o.rows) } : {}),
        ...(o.seed !== undefined ? { seed: cellNumber(o.seed) } : {}),
        ...(o.minChars !== undefined ? { minChars: cellNumber(o.minChars) } : {}),
        ...(typeof o.shingle === "string" ? { shingle: o.shingle } : {}),
      });
      if (!cfgR.ok) fail(cfgR.issues.map((i) => ({ ...i, received: i.received })));
      const config = cfgR.value;
      const read = {
        textField: textField(o.textField as string),
        sourceBy: parseSourceBy(o.sourceBy as string),
        maxRecordBytes: whole(o.maxRecordBytes, "maxRecordBytes", "longest record in bytes", 1024, 2 ** 30),
        maxFiles: whole(o.maxFiles, "maxFiles", "most files read", 1, 1e7),
        ...(typeof o.include === "string" ? { include: includePatterns(o.include) } : {}),
      };

      if (o.emit !== undefined) {
        if (o.emit !== "datatrove") fail([invalid("emit", "datatrove (Spark and Ray Data are not written yet)", o.emit)]);
        const { buildDatatroveSpec } = await import("../mixture/audit/emit-spec.js");
        const { datatroveScript } = await import("../mixture/audit/datatrove.js");
        const modes = String(o.modes).split(",").map((m) => m.trim());
        if (modes.length === 0 || modes.some((m) => m !== "global" && m !== "local")) fail([invalid("modes", "global, local or global,local", o.modes)]);
        const slurmName = (v: unknown, field: string) => {
          const s = String(v);
          if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(s)) fail([invalid(field, "a Slurm name of letters, digits, _ . : - (at most 64)", s)]);
          return s;
        };
        const time = String(o.time);
        if (!/^(\d+-)?\d{1,3}:\d{2}:\d{2}$/.test(time)) fail([invalid("time", "a Slurm time limit such as 12:00:00 or 2-00:00:00", time)]);
        const output = String(o.output);
        if (output.length === 0 || output.length > 1000) fail([invalid("output", "a folder or fsspec URL for the pipeline's output", output)]);
        const spec = await buildDatatroveSpec(paths, read, config, {
          lmplanVersion: packageVersion(),
          output,
          modes: modes as ("global" | "local")[],
          tasks: whole(o.tasks, "tasks", "datatrove tasks", 1, 100_000),
          workers: whole(o.workers, "workers", "local workers", 1, 4096),
          slurm: {
            partition: slurmName(o.partition, "partition"),
            time,
            qos: slurmName(o.qos, "qos"),
            cpusPerTask: whole(o.cpusPerTask, "cpusPerTask", "CPUs per task", 1, 1024),
            memPerCpuGb: whole(o.memPerCpuGb, "memPerCpuGb", "GB per CPU", 1, 4096),
            clusterMemGb: whole(o.clusterMemGb, "clusterMemGb", "GB per CPU for clustering", 1, 4096),
            jobPrefix: "lmplan-dedup",
          },
        });
        if (spec.sources.length === 0) fail([invalid("paths", "files lmplan can read (JSONL, Parquet or text)", paths.join(" "))]);
        const script = datatroveScript(spec);
        if (typeof o.emitFile === "string") {
          writeFileSync(o.emitFile, script, { mode: 0o755 });
          io.out(`wrote ${o.emitFile}: ${spec.sources.length} sources, modes ${modes.join(" + ")}; run \`python3 ${o.emitFile} describe\`, then \`local\` or \`slurm\`, then \`lmplan data audit --read ${output}\`\n`);
        } else io.out(script);
        return;
      }

      const threadsDefault = Math.max(1, Math.min(availableParallelism() - 1, 8));
      const threads = o.threads !== undefined ? whole(o.threads, "threads", "hashing threads", 1, 64) : threadsDefault;
      let sampleFraction: number | undefined;
      if (o.sampleFraction !== undefined) sampleFraction = decimal(o.sampleFraction, "sampleFraction", "a sampling fraction in (0, 1], e.g. 0.01", (x) => x > 0 && x <= 1);
      let corpusTokens: number | undefined;
      if (o.corpusTokens !== undefined) {
        const r = parseCount(o.corpusTokens, "corpusTokens", { label: "token count", example: "627B", unitWords: ["tokens"] });
        if (!r.ok) fail(r.issues);
        corpusTokens = r.value;
      }
      if (sampleFraction !== undefined && corpusTokens !== undefined) fail([invalid("corpusTokens", "either --sample-fraction or --corpus-tokens, not both", o.corpusTokens)]);
      const { runAudit } = await import("../mixture/audit/run.js");
      const { renderAudit, sourcesCsv } = await import("../mixture/audit/report.js");
      const tty = io.isTTY === true && !o.json && io.err !== undefined;
      let drew = false;
      const result = await runAudit({
        paths,
        read,
        config,
        tokenEstimate,
        verify: o.verify === true,
        threads,
        maxDocs: whole(o.maxDocs, "maxDocs", "most documents", 1, MAX_DOCS_LIMIT),
        clustersShown: whole(o.clusters, "clusters", "clusters shown", 0, 100),
        membersShown: whole(o.examples, "examples", "documents shown per cluster", 0, 20),
        ...(sampleFraction !== undefined ? { sampleFraction } : {}),
        ...(corpusTokens !== undefined ? { corpusTokens } : {}),
        domains,
        ...(tty
          ? {
              onProgress: (p: { pass: number; documents: number; bytes: number }) => {
                drew = true;
                io.err?.(`\r\x1b[2K  audit pass ${p.pass}/3 · ${p.documents.toLocaleString("en-US")} documents · ${(p.bytes / 2 ** 20).toFixed(1)} MiB read`);
              },
            }
          : {}),
      });
      if (drew) io.err?.("\r\x1b[2K");
      if (outSources !== undefined) {
        const { csv, omitted } = sourcesCsv(result.numbers.sources, unique, domains);
        writeFileSync(outSources, csv);
        if (omitted.length > 0) result.warnings.push(`no unique tokens for ${omitted.join(", ")}: left out of ${outSources}`);
        result.warnings.push(`wrote ${outSources} (tokens = unique tokens under ${unique} dedup): lmplan data --sources ${outSources} --tokens …`);
      }
      io.out(o.json ? `${JSON.stringify(result, null, 2)}\n` : renderAudit(result));
    });
}
