/**
 * `lmplan data audit --emit datatrove`: the audit's dedup, with the same settings, as a datatrove
 * pipeline for the full corpus (huggingface/datatrove; API read at a649de79: MinhashDedupSignature →
 * MinhashDedupBuckets → MinhashDedupCluster → MinhashDedupFilter, as examples/minhash_deduplication.py
 * chains them), run on this machine (LocalPipelineExecutor) or on Slurm (SlurmPipelineExecutor), once
 * over all sources (global) and once per source (local). lmplan drives datatrove; it does not
 * distribute anything itself.
 *
 * Every user value (paths, source names, Slurm settings) enters the script as a Python literal through
 * `pyLiteral` (src/emit/serialize.ts); the script's code is constant.
 *
 * `--read <output>` reads back what the script writes: lmplan's own per-rank counts
 * (`lmplan_counts/<mode>/<pipeline>/<stage>/<rank>.json`, written by the LmplanCounts step below, a
 * format lmplan defines) and datatrove's `remove_ids/<rank>.remove` files (uint32 little-endian document
 * indices, one per removed document: `MinhashDedupCluster.run`, `struct.pack("<I", doc)`), as a check.
 */
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { commentText, pyLiteral, type Literal } from "../../emit/serialize.js";
import type { DedupConfig } from "./config.js";
import { estimateTokensFromCounts, type CountsLike } from "./counts.js";
import type { TokenEstimate } from "./engine.js";
import type { SourceResult } from "./results.js";

export interface DatatroveInput {
  folder: string;
  /** A glob under the folder (datatrove's glob_pattern), e.g. "**\/*.jsonl.gz". */
  glob: string;
  format: "jsonl" | "parquet" | "text";
}

export interface DatatroveSource {
  name: string;
  inputs: DatatroveInput[];
}

export interface DatatroveSpec {
  config: DedupConfig;
  sources: DatatroveSource[];
  /** When sources are a field's values: one set of inputs and the field path. */
  sourceField?: string[];
  textField: string[];
  output: string;
  modes: ("global" | "local")[];
  tasks: number;
  workers: number;
  slurm: { partition: string; time: string; qos: string; cpusPerTask: number; memPerCpuGb: number; clusterMemGb: number; jobPrefix: string };
  lmplanVersion: string;
}

export const DATATROVE_COMMIT = "a649de79c14a550dc90f48a15c025f2dd3fd3b57";

const lines = (...l: string[]) => l.join("\n");

/** The Python script (a string), all values as literals. */
export function datatroveScript(s: DatatroveSpec): string {
  const c = s.config;
  const settings: Record<string, Literal> = {
    preset: c.preset,
    normalizer: c.normalizer,
    shingle: c.shingle,
    ngram: c.ngram,
    num_perm: c.numPerm,
    bands: c.bands,
    rows: c.rows,
    threshold: c.threshold,
    hash: c.hash,
    seed: c.seed,
    param_order: c.paramOrder,
    min_chars: c.minChars,
    min_words: c.minWords,
    short_doc_one_shingle: c.shortDocOneShingle,
  };
  const sources: Literal = s.sources.map((src) => ({ name: src.name, inputs: src.inputs.map((i) => ({ folder: i.folder, glob: i.glob, format: i.format })) }));
  const slurm: Literal = { partition: s.slurm.partition, time: s.slurm.time, qos: s.slurm.qos, cpus_per_task: s.slurm.cpusPerTask, mem_per_cpu_gb: s.slurm.memPerCpuGb, cluster_mem_gb: s.slurm.clusterMemGb, job_prefix: s.slurm.jobPrefix };
  return lines(
    "#!/usr/bin/env python3",
    `# Written by lmplan ${commentText(s.lmplanVersion)} (lmplan data audit --emit datatrove): the audit's near-duplicate`,
    `# settings (preset ${commentText(c.preset)}: ${c.shingle === "chars" ? "character" : "word"} ${c.ngram}-grams, ${c.numPerm} permutations, ${c.bands} bands x ${c.rows} rows)`,
    `# as a datatrove pipeline (API of huggingface/datatrove ${DATATROVE_COMMIT.slice(0, 8)}), globally and per source.`,
    "#",
    "#   python3 THIS_FILE describe   print the stages as JSON and exit (nothing runs)",
    "#   python3 THIS_FILE local      run every stage on this machine (LocalPipelineExecutor)",
    "#   python3 THIS_FILE slurm      submit every stage to Slurm (SlurmPipelineExecutor, stages chained by dependencies)",
    "#   lmplan data audit --read OUTPUT   read the results back into lmplan (unique tokens per source)",
    "#",
    "# Edit SOURCES' folders to point at the full corpus (any fsspec URL: s3://, gs://, hf://, a path).",
    "import hashlib",
    "import json",
    "import re",
    "import string",
    "import struct",
    "import sys",
    "",
    "SETTINGS = " + pyLiteral(settings),
    "SOURCES = " + pyLiteral(sources),
    "SOURCE_FIELD = " + pyLiteral(s.sourceField ?? null),
    "TEXT_FIELD = " + pyLiteral(s.textField),
    "OUTPUT = " + pyLiteral(s.output),
    "MODES = " + pyLiteral(s.modes),
    "TASKS = " + pyLiteral(s.tasks),
    "WORKERS = " + pyLiteral(s.workers),
    "SLURM = " + pyLiteral(slurm),
    "",
    PY_BODY,
  );
}

// The script's constant code. It imports datatrove (and NumPy) only when a stage is built to run, so
// `describe` works anywhere.
const PY_BODY = String.raw`
_MERSENNE = (1 << 61) - 1
_PY_SPACE = re.compile(r"\s+")
_SP_PUNCT = str.maketrans("", "", string.punctuation)


def slimpajama_clean(text):
    # Cerebras/modelzoo slimpajama/dedup/to_hash.py get_features and preprocessing/filter.py clean
    import unicodedata

    s = unicodedata.normalize("NFC", text).lower().translate(_SP_PUNCT)
    return _PY_SPACE.sub(" ", s.strip())


def text_dedup_tokens(text):
    # ChenghaoMou/text-dedup config/algorithms/minhash.py _get_tokenize_func
    import regex

    return [t for t in regex.compile(r"\W", regex.UNICODE).split(text.lower()) if t]


def get_path(obj, path):
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def lmplan_adapter(self, data, path, id_in_file):
    # the text at TEXT_FIELD (a dotted path), the source at SOURCE_FIELD; the rest kept as metadata
    text = get_path(data, TEXT_FIELD)
    meta = {k: v for k, v in data.items() if k != TEXT_FIELD[0]}
    if SOURCE_FIELD is not None:
        value = get_path(data, SOURCE_FIELD)
        meta["lmplan_source"] = str(value)[:200] if isinstance(value, (str, int, float)) else "(none)"
    return {"text": text if isinstance(text, str) else "", "id": f"{path}/{id_in_file}", "media": [], "metadata": meta}


def keep_document(doc):
    # the preset's length filter, in stage 1 and stage 4 alike so that document indices agree
    if SETTINGS["normalizer"] == "slimpajama" and SETTINGS["min_chars"] > 0:
        return len(slimpajama_clean(doc.text)) >= SETTINGS["min_chars"]
    if SETTINGS["normalizer"] == "text-dedup" and SETTINGS["min_words"] > 0:
        return len(text_dedup_tokens(doc.text)) >= SETTINGS["min_words"]
    return True


def make_classes():
    import numpy as np
    from datatrove.io import get_datafolder
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.dedup.minhash import MinhashDedupSignature
    from datatrove.pipeline.readers.base import BaseDiskReader

    class LmplanSignature(MinhashDedupSignature):
        """Signatures as lmplan (and the preset's pipeline) compute them, where datatrove's defaults differ."""

        name = "lmplan MinHash signature"

        @property
        def parameters(self):
            if self._parameters is None:
                gen = np.random.RandomState(self.config.seed)
                if SETTINGS["param_order"] == "pairs":
                    # datasketch MinHash._init_permutations: (a0, b0), (a1, b1), ...
                    pairs = [(gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64)) for _ in range(self.num_hashes)]
                    a = np.array([p[0] for p in pairs], dtype=np.uint64).reshape(1, -1)
                    b = np.array([p[1] for p in pairs], dtype=np.uint64).reshape(1, -1)
                else:
                    a = gen.randint(1, _MERSENNE, dtype=np.uint64, size=(1, self.num_hashes))
                    b = gen.randint(0, _MERSENNE, dtype=np.uint64, size=(1, self.num_hashes))
                self._parameters = (a, b)
            return self._parameters

        def get_shingles(self, text):
            n = SETTINGS["ngram"]
            if SETTINGS["normalizer"] == "slimpajama":
                s = slimpajama_clean(text)
                grams = [s[i : i + n] for i in range(len(s) - n + 1)] if SETTINGS["shingle"] == "chars" else [" ".join(w) for w in zip(*[s.split(" ")[i:] for i in range(n)])]
            elif SETTINGS["normalizer"] == "text-dedup":
                toks = text_dedup_tokens(text)
                if len(toks) < max(SETTINGS["min_words"], 1):
                    grams = []
                elif len(toks) < n:
                    grams = [" ".join(toks)]
                else:
                    grams = {" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)}
            else:
                return super().get_shingles(text)
            # sha1_hash32 (datasketch datasketch/hashfunc.py): the first 4 SHA-1 bytes, little-endian
            return np.fromiter((struct.unpack("<I", hashlib.sha1(g.encode("utf-8")).digest()[:4])[0] for g in grams), dtype=np.uint64).reshape((-1, 1))

    class LmplanCounts(PipelineStep):
        """Documents, characters, UTF-8 bytes and words per source, one JSON file per rank (read by lmplan)."""

        name = "lmplan counts"
        type = "lmplan"

        def __init__(self, folder, mode, stage):
            super().__init__()
            self.folder = get_datafolder(folder)
            self.mode = mode
            self.stage = stage

        def run(self, data, rank=0, world_size=1):
            counts = {}
            for doc in data:
                c = counts.setdefault(str(doc.metadata.get("lmplan_source", "")), [0, 0, 0, 0])
                c[0] += 1
                c[1] += len(doc.text)
                c[2] += len(doc.text.encode("utf-8", "surrogatepass"))
                c[3] += len(doc.text.split())
                yield doc
            out = {"lmplanCounts": 1, "mode": self.mode, "stage": self.stage, "rank": rank, "sources": {k: {"documents": v[0], "characters": v[1], "bytes": v[2], "words": v[3]} for k, v in counts.items()}}
            with self.folder.open(f"{rank:05d}.json", "w") as f:
                json.dump(out, f)

    class WholeFileReader(BaseDiskReader):
        """One document per plain-text file (lmplan's text format)."""

        name = "lmplan whole-file text"

        def read_file(self, filepath):
            with self.data_folder.open(filepath, "r", encoding="utf-8", errors="replace") as f:
                document = self.get_document_from_dict({"text": f.read()}, filepath, 0)
                if document:
                    yield document

    return LmplanSignature, LmplanCounts, WholeFileReader


def pipelines():
    """(mode, pipeline id, sources read, source kept or None) for every dedup run."""
    runs = []
    if "global" in MODES:
        runs.append(("global", "all", SOURCES, None))
    if "local" in MODES:
        for i, src in enumerate(SOURCES):
            runs.append(("local", f"{i:03d}", [src] if SOURCE_FIELD is None else SOURCES, src["name"]))
    return runs


def build(executor):
    from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter
    from datatrove.pipeline.filters import LambdaFilter
    from datatrove.pipeline.readers import JsonlReader, ParquetReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter
    from datatrove.utils.hashing import HashConfig

    LmplanSignature, LmplanCounts, WholeFileReader = make_classes()
    hash_config = HashConfig(precision=32, hash_fc="sha1") if SETTINGS["hash"] == "sha1-32" else HashConfig(precision=64, hash_fc="xxhash")
    config = MinhashConfig(n_grams=SETTINGS["ngram"], num_buckets=SETTINGS["bands"], hashes_per_bucket=SETTINGS["rows"], seed=SETTINGS["seed"], hash_config=hash_config)

    def readers(sources, keep):
        out = []
        for src in sources:
            for inp in src["inputs"]:
                meta = {"lmplan_source": src["name"]} if SOURCE_FIELD is None else None
                kind = {"jsonl": JsonlReader, "parquet": ParquetReader, "text": WholeFileReader}[inp["format"]]
                kwargs = {"glob_pattern": inp["glob"], "default_metadata": meta}
                if inp["format"] != "text":
                    kwargs["adapter"] = lmplan_adapter
                out.append(kind(inp["folder"], **kwargs))
        if keep is not None and SOURCE_FIELD is not None:
            out.append(LambdaFilter(lambda doc, name=keep: doc.metadata.get("lmplan_source") == name))
        return out

    stages = []
    for mode, pid, sources, keep in pipelines():
        base = f"{OUTPUT}/{mode}/{pid}"
        counts = f"{OUTPUT}/lmplan_counts/{mode}/{pid}"
        name = f"{SLURM['job_prefix']}-{mode}-{pid}"

        def run(job, pipeline, tasks, depends, **slurm):
            common = {"pipeline": pipeline, "tasks": tasks, "logging_dir": f"{base}/logs/{job}"}
            if executor == "slurm":
                from datatrove.executor.slurm import SlurmPipelineExecutor

                return SlurmPipelineExecutor(job_name=f"{name}-{job}", time=SLURM["time"], partition=SLURM["partition"], qos=SLURM["qos"], cpus_per_task=slurm.get("cpus", SLURM["cpus_per_task"]), mem_per_cpu_gb=slurm.get("mem", SLURM["mem_per_cpu_gb"]), depends=depends, slurm_logs_folder=f"{base}/slurm_logs/{job}", **common)
            from datatrove.executor.local import LocalPipelineExecutor

            return LocalPipelineExecutor(workers=min(WORKERS, tasks), depends=depends, **common)

        s1 = run("signatures", readers(sources, keep) + [LambdaFilter(keep_document), LmplanSignature(output_folder=f"{base}/signatures", config=config)], TASKS, None)
        s2 = run("buckets", [MinhashDedupBuckets(input_folder=f"{base}/signatures", output_folder=f"{base}/buckets", config=config)], config.num_buckets, s1)
        s3 = run("clusters", [MinhashDedupCluster(input_folder=f"{base}/buckets", output_folder=f"{base}/remove_ids", config=config)], 1, s2, cpus=2, mem=SLURM["cluster_mem_gb"])
        s4 = run(
            "filter",
            readers(sources, keep)
            + [
                LmplanCounts(f"{counts}/read", mode, "read"),
                LambdaFilter(keep_document),
                LmplanCounts(f"{counts}/kept", mode, "kept"),
                MinhashDedupFilter(input_folder=f"{base}/remove_ids", exclusion_writer=JsonlWriter(f"{base}/removed")),
                LmplanCounts(f"{counts}/unique", mode, "unique"),
                JsonlWriter(f"{base}/deduplicated"),
            ],
            TASKS,
            s3,
        )
        stages.append((mode, pid, s4))
    return stages


def manifest():
    return {"lmplanDatatrove": 1, "settings": SETTINGS, "sources": [s["name"] for s in SOURCES], "source_field": SOURCE_FIELD, "modes": MODES, "tasks": TASKS, "pipelines": [[m, p, k] for m, p, _, k in pipelines()]}


def main(argv):
    what = argv[1] if len(argv) > 1 else "describe"
    if what == "describe":
        print(json.dumps({**manifest(), "output": OUTPUT, "slurm": SLURM, "workers": WORKERS}, indent=2))
        return 0
    if what not in ("local", "slurm"):
        print(f"usage: {argv[0]} describe|local|slurm", file=sys.stderr)
        return 2
    from datatrove.io import get_datafolder

    with get_datafolder(OUTPUT).open("lmplan_manifest.json", "w") as f:
        json.dump(manifest(), f)
    for mode, pid, last in build(what):
        last.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
`;

// ---- reading the results back --------------------------------------------------------------------

export interface DatatroveReadResult {
  output: string;
  manifest?: { sources: string[]; modes: string[]; tasks: number; settings: Record<string, unknown> };
  /** Counts by mode → stage → source. */
  counts: Record<string, Record<string, Record<string, CountsLike>>>;
  /** Documents listed in datatrove's .remove files, by mode. */
  removeListed: Record<string, number>;
  /** Rank files found per mode and stage (a complete run has TASKS per pipeline). */
  rankFiles: Record<string, Record<string, number>>;
  sources: SourceResult[];
  overall: SourceResult;
  warnings: string[];
}

/** Most JSON count files read (tasks × pipelines × 3 stages). */
export const MAX_COUNT_FILES = 1_000_000;

async function listDir(p: string): Promise<string[]> {
  try {
    return (await fsp.readdir(p)).sort();
  } catch {
    return [];
  }
}

const add = (a: CountsLike, b: Partial<CountsLike>): void => {
  a.documents += Number(b.documents) || 0;
  a.characters += Number(b.characters) || 0;
  a.bytes += Number(b.bytes) || 0;
  a.words += Number(b.words) || 0;
};
const emptyCounts = (): CountsLike => ({ documents: 0, characters: 0, bytes: 0, words: 0 });

/** Read an output folder written by the script above (a local path: copy remote results down first). */
export async function readDatatrove(output: string, tokenEstimate: TokenEstimate): Promise<DatatroveReadResult> {
  const warnings: string[] = [];
  const counts: DatatroveReadResult["counts"] = {};
  const rankFiles: DatatroveReadResult["rankFiles"] = {};
  const removeListed: Record<string, number> = {};
  let manifest: DatatroveReadResult["manifest"];
  try {
    const m = JSON.parse(await fsp.readFile(join(output, "lmplan_manifest.json"), "utf8")) as DatatroveReadResult["manifest"];
    if (m && Array.isArray(m.sources)) manifest = m;
  } catch {
    warnings.push("no lmplan_manifest.json: the script has not run here, or this is not its output folder");
  }
  let filesRead = 0;
  const countsRoot = join(output, "lmplan_counts");
  for (const mode of await listDir(countsRoot)) {
    for (const pid of await listDir(join(countsRoot, mode))) {
      for (const stage of await listDir(join(countsRoot, mode, pid))) {
        for (const f of await listDir(join(countsRoot, mode, pid, stage))) {
          if (!f.endsWith(".json")) continue;
          if (++filesRead > MAX_COUNT_FILES) {
            warnings.push(`more than ${MAX_COUNT_FILES} count files: the rest were not read`);
            break;
          }
          let doc: { lmplanCounts?: unknown; mode?: unknown; stage?: unknown; sources?: unknown };
          try {
            doc = JSON.parse(await fsp.readFile(join(countsRoot, mode, pid, stage, f), "utf8"));
          } catch {
            warnings.push(`${join(mode, pid, stage, f)}: not JSON (a rank still running?)`);
            continue;
          }
          if (doc.lmplanCounts !== 1 || typeof doc.sources !== "object" || doc.sources === null) {
            warnings.push(`${join(mode, pid, stage, f)}: not an lmplan counts file`);
            continue;
          }
          const m = String(doc.mode);
          const st = String(doc.stage);
          rankFiles[m] ??= {};
          (rankFiles[m] as Record<string, number>)[st] = ((rankFiles[m] as Record<string, number>)[st] ?? 0) + 1;
          const byStage = (counts[m] ??= {});
          const bySource = (byStage[st] ??= {});
          for (const [name, v] of Object.entries(doc.sources as Record<string, Partial<CountsLike>>)) add((bySource[name] ??= emptyCounts()), v ?? {});
        }
      }
    }
  }
  // datatrove's own record of what it removed: <mode>/<pid>/remove_ids/*.remove, 4 bytes per document
  for (const mode of ["global", "local"]) {
    for (const pid of await listDir(join(output, mode))) {
      for (const f of await listDir(join(output, mode, pid, "remove_ids"))) {
        if (!f.endsWith(".remove")) continue;
        const st = await fsp.stat(join(output, mode, pid, "remove_ids", f));
        removeListed[mode] = (removeListed[mode] ?? 0) + Math.floor(st.size / 4);
      }
    }
  }
  if (Object.keys(counts).length === 0) warnings.push(`no lmplan counts under ${countsRoot}: has stage 4 (filter) run?`);
  const tokens = (c: CountsLike | undefined) => (c ? estimateTokensFromCounts(c, tokenEstimate) : 0);
  const names = manifest?.sources ?? [...new Set(Object.values(counts).flatMap((s) => Object.values(s).flatMap((x) => Object.keys(x))))];
  const g = counts.global ?? {};
  const l = counts.local ?? {};
  const sources: SourceResult[] = names.map((name) => {
    const read = g.read?.[name] ?? l.read?.[name];
    const kept = g.kept?.[name] ?? l.kept?.[name];
    const ug = g.unique?.[name];
    const ul = l.unique?.[name];
    const readDocs = read?.documents ?? 0;
    const keptDocs = kept?.documents ?? 0;
    const row: SourceResult = {
      name,
      read: { documents: readDocs, tokens: tokens(read) },
      short: { documents: readDocs - keptDocs, tokens: tokens(read) - tokens(kept) },
      exact: { documents: 0, tokens: 0 },
      near: { documents: ug ? keptDocs - ug.documents : 0, tokens: ug ? tokens(kept) - tokens(ug) : 0 },
      removedLocal: { documents: ul ? keptDocs - ul.documents : 0, tokens: ul ? tokens(kept) - tokens(ul) : 0 },
      removedGlobal: { documents: ug ? keptDocs - ug.documents : 0, tokens: ug ? tokens(kept) - tokens(ug) : 0 },
      uniqueTokensLocal: ul ? tokens(ul) : Number.NaN,
      uniqueTokensGlobal: ug ? tokens(ug) : Number.NaN,
      crossSourceDocuments: 0,
    };
    return row;
  });
  const overall: SourceResult = { name: "all", read: { documents: 0, tokens: 0 }, short: { documents: 0, tokens: 0 }, exact: { documents: 0, tokens: 0 }, near: { documents: 0, tokens: 0 }, removedLocal: { documents: 0, tokens: 0 }, removedGlobal: { documents: 0, tokens: 0 }, uniqueTokensLocal: 0, uniqueTokensGlobal: 0, crossSourceDocuments: 0 };
  for (const r of sources) {
    for (const k of ["read", "short", "near", "removedLocal", "removedGlobal"] as const) {
      overall[k].documents += r[k].documents;
      overall[k].tokens += r[k].tokens;
    }
    overall.uniqueTokensLocal += r.uniqueTokensLocal;
    overall.uniqueTokensGlobal += r.uniqueTokensGlobal;
  }
  for (const [mode, n] of Object.entries(removeListed)) {
    const counted = mode === "global" ? overall.removedGlobal.documents : overall.removedLocal.documents;
    if (n !== counted) warnings.push(`${mode}: datatrove's .remove files list ${n} documents, lmplan's counts show ${counted} removed (a stage unfinished, or output from another run)`);
  }
  if (manifest) {
    for (const mode of manifest.modes) {
      const want = mode === "global" ? manifest.tasks : manifest.tasks * manifest.sources.length;
      const got = rankFiles[mode]?.unique ?? 0;
      if (got < want) warnings.push(`${mode}: ${got} of ${want} filter tasks have written their counts (the run is not finished)`);
    }
  }
  return { output, ...(manifest ? { manifest } : {}), counts, removeListed, rankFiles, sources, overall, warnings };
}
