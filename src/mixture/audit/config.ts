/**
 * The near-duplicate settings: one preset per published pipeline, each field cited, and the limits every
 * loop is bounded by. A preset is data; `resolveDedupConfig` applies the user's overrides and checks
 * them, answering with issues (field, accepted range, value) rather than throwing.
 */
import { invalid, type Issue, type Result } from "../../errors.js";
import { MAX_NUM_PERM, optimalParams } from "./lsh.js";
import type { NormalizerId } from "./normalize.js";

/**
 * How a shingle becomes the value the permutations act on, and how wide the permuted values are.
 * - sha1-32: `sha1_hash32` (first 4 SHA-1 bytes, little-endian); permuted value ((a·h + b) mod 2^64 mod
 *   (2^61 − 1)) & (2^32 − 1) — datasketch `MinHash.update`, text-dedup with `hash_bits = 64`.
 * - xxh64-64: XXH64 seed 0; permuted value (a·h + b) mod 2^64 mod (2^61 − 1), kept at 64 bits —
 *   datatrove's `HashConfig(precision=64, hash_fc="xxhash")`.
 */
export type HashFamily = "sha1-32" | "xxh64-64";

/**
 * Order in which a and b are drawn from `RandomState(seed)`: datasketch draws (a₀, b₀), (a₁, b₁), …
 * (`MinHash._init_permutations`); datatrove and text-dedup draw all a, then all b (`randint(…, size=n)`).
 */
export type ParamOrder = "pairs" | "blocks";

export type PresetId = "slimpajama" | "datatrove" | "text-dedup";

export interface DedupConfig {
  preset: PresetId;
  /** Preset values the user changed, by field, for the report. */
  overridden: string[];
  normalizer: NormalizerId;
  /** Character or word n-grams. */
  shingle: "chars" | "words";
  ngram: number;
  numPerm: number;
  bands: number;
  rows: number;
  /** Jaccard similarity that counts as a near-duplicate (exact-Jaccard verification and the S-curve). */
  threshold: number;
  hash: HashFamily;
  seed: number;
  paramOrder: ParamOrder;
  /** Documents whose normalised text has fewer code points are dropped (SlimPajama: 200). */
  minChars: number;
  /** Documents with fewer tokens are dropped (text-dedup `min_length`: 5). */
  minWords: number;
  /** text-dedup: a document with min_length ≤ tokens < n is one shingle of all its tokens. */
  shortDocOneShingle: boolean;
  /** Where each value comes from. */
  citations: string[];
  /** What lmplan does not reproduce of this pipeline. */
  differences: string[];
}

const SLIMPAJAMA: DedupConfig = {
  preset: "slimpajama",
  overridden: [],
  normalizer: "slimpajama",
  shingle: "chars",
  ngram: 13,
  numPerm: 128,
  bands: 9,
  rows: 13,
  threshold: 0.8,
  hash: "sha1-32",
  seed: 1,
  paramOrder: "pairs",
  minChars: 200,
  minWords: 0,
  shortDocOneShingle: false,
  citations: [
    "normalisation, character n-grams: Cerebras/modelzoo src/cerebras/modelzoo/data_preparation/nlp/slimpajama/dedup/to_hash.py (e6da1208) get_features; 13-grams: main.py (f9082c56) hash_args.w = 13",
    "128 permutations, seed 1, SHA-1 32-bit: to_hash.py MinHash(num_perm=128) with datasketch's defaults (ekzhu/datasketch datasketch/minhash.py v1.5.9 bc1b7621)",
    "9 bands × 13 rows: main.py dup_pairs_args.bands = 9, .range = 13; datasketch _optimal_param(0.8, 128) (datasketch/lsh.py)",
    "Jaccard 0.8: slimpajama/README.md Step 3.2; documents under 200 characters dropped: main.py filter_args.threshold = 200, preprocessing/filter.py (4e2a4e02) len(clean(doc)) < threshold",
    "one document kept per connected component: README.md Step 3.3; pairs link each document to the first one in its band bucket: dedup/generate_duplicate_pairs.py (4e2a4e02) lsh()",
  ],
  differences: [
    "SlimPajama ran ftfy.fix_text(normalization=\"NFC\") first; lmplan applies NFC only",
    "band buckets are keyed by a 64-bit digest of the 13 values, not the 52 bytes (collision chance ~n²/2^65)",
  ],
};

const DATATROVE: DedupConfig = {
  preset: "datatrove",
  overridden: [],
  normalizer: "datatrove",
  shingle: "words",
  ngram: 5,
  numPerm: 112,
  bands: 14,
  rows: 8,
  // the module docstring: "threshold is (1/14)^(1/8) ~ 0.72"
  threshold: 0.72,
  hash: "xxh64-64",
  seed: 1,
  paramOrder: "blocks",
  minChars: 0,
  minWords: 0,
  shortDocOneShingle: false,
  citations: [
    "MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8, seed=1), HashConfig(precision=64, hash_fc=\"xxhash\"): huggingface/datatrove src/datatrove/pipeline/dedup/minhash.py and src/datatrove/utils/hashing.py (a649de79)",
    "simplify_text with TextNormConfig defaults: src/datatrove/utils/text.py (a649de79); parameters a, b: RandomState(seed).randint(…, size=(1, 112)), a first",
    "threshold ≈ 0.72 = (1/14)^(1/8): minhash.py module docstring (datatrove has no threshold parameter and does not verify)",
  ],
  differences: [
    "datatrove splits words with spaCy's English tokenizer (assets/tokenizer_assignment.csv: eng → SpaCyTokenizer); lmplan splits simplify_text's output on spaces, which agrees except where spaCy splits inside a run of letters and digits",
    "band buckets are keyed by a 64-bit digest of the 8 values; datatrove sorts and compares the values themselves",
  ],
};

const TEXT_DEDUP: DedupConfig = {
  preset: "text-dedup",
  overridden: [],
  normalizer: "text-dedup",
  shingle: "words",
  ngram: 5,
  numPerm: 240,
  // optimal_param(0.7, 240) = (24, 10)
  bands: 24,
  rows: 10,
  threshold: 0.7,
  hash: "sha1-32",
  seed: 42,
  paramOrder: "blocks",
  minChars: 0,
  minWords: 5,
  shortDocOneShingle: true,
  citations: [
    "num_perm 240, threshold 0.7, ngram_size 5, seed 42, hash_bits 64: ChenghaoMou/text-dedup configs/minhash.toml (7538f3ec) — num_perm and threshold have no default in MinHashAlgorithmConfig",
    "bands × rows by optimal_param (datasketch's rule), min_length 5, \\W tokens lowercased, a then b from RandomState(seed): src/text_dedup/config/algorithms/minhash.py (7538f3ec)",
  ],
  differences: [
    "text-dedup's default shingle hash is xxh3_64 & 0xFFFFFFFF; lmplan uses its hash_func_name = \"sha1\" option (same permutation family and widths, different base hash)",
  ],
};

export const PRESETS: Record<PresetId, DedupConfig> = { slimpajama: SLIMPAJAMA, datatrove: DATATROVE, "text-dedup": TEXT_DEDUP };
export const PRESET_IDS = Object.keys(PRESETS) as PresetId[];

/** Limits: every loop over n-grams, permutations and bands is bounded by these. */
export const LIMITS = {
  ngram: { min: 1, max: 64 },
  numPerm: { min: 2, max: MAX_NUM_PERM },
  seed: { min: 0, max: 2 ** 32 - 1 },
  minChars: { min: 0, max: 1e6 },
} as const;

export interface DedupOverrides {
  preset?: string;
  threshold?: number;
  numPerm?: number;
  ngram?: number;
  bands?: number;
  rows?: number;
  seed?: number;
  shingle?: string;
  minChars?: number;
}

function wholeIn(v: number | undefined, field: string, what: string, min: number, max: number, issues: Issue[]): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) {
    issues.push(invalid(field, `${what}: a whole number ${min} … ${max}`, v));
    return undefined;
  }
  return v;
}

/**
 * The preset with overrides. Bands and rows: both given → used as given (b·r ≤ num_perm); neither,
 * with the threshold or num_perm changed → datasketch's optimal_param; one of them → the other is
 * ⌊num_perm / given⌋.
 */
export function resolveDedupConfig(o: DedupOverrides): Result<DedupConfig> {
  const issues: Issue[] = [];
  const presetId = (o.preset ?? "slimpajama").toLowerCase();
  const base = PRESETS[presetId as PresetId];
  if (!base) return { ok: false, issues: [invalid("preset", `one of ${PRESET_IDS.join(", ")}`, o.preset)] };
  const cfg: DedupConfig = { ...base, overridden: [], citations: [...base.citations], differences: [...base.differences] };
  if (o.threshold !== undefined) {
    if (!(o.threshold > 0 && o.threshold < 1)) issues.push(invalid("threshold", "a Jaccard similarity strictly between 0 and 1, e.g. 0.8", o.threshold));
    else {
      cfg.threshold = o.threshold;
      cfg.overridden.push("threshold");
    }
  }
  // whole-number overrides: each replaces the preset's value and is listed as overridden
  const WHOLE = [
    ["numPerm", "permutations"],
    ["ngram", "n-gram length"],
    ["seed", "NumPy RandomState seed"],
    ["minChars", "shortest normalised document kept, in characters"],
  ] as const;
  for (const [key, what] of WHOLE) {
    const v = wholeIn(o[key], key, what, LIMITS[key].min, LIMITS[key].max, issues);
    if (v !== undefined) {
      cfg[key] = v;
      cfg.overridden.push(key);
    }
  }
  if (o.shingle !== undefined) {
    const s = o.shingle.toLowerCase();
    if (s !== "chars" && s !== "words") issues.push(invalid("shingle", "chars (character n-grams) or words (word n-grams)", o.shingle));
    else if (s !== cfg.shingle) {
      cfg.shingle = s;
      cfg.overridden.push("shingle");
    }
  }
  const bands = wholeIn(o.bands, "bands", "LSH bands", 1, cfg.numPerm, issues);
  const rows = wholeIn(o.rows, "rows", "rows per LSH band", 1, cfg.numPerm, issues);
  if (issues.length > 0) return { ok: false, issues };
  if (bands !== undefined && rows !== undefined) {
    if (bands * rows > cfg.numPerm) return { ok: false, issues: [invalid(["bands", "rows"], `bands × rows ≤ num_perm = ${cfg.numPerm}`, `${bands} × ${rows} = ${bands * rows}`)] };
    cfg.bands = bands;
    cfg.rows = rows;
    cfg.overridden.push("bands", "rows");
  } else if (bands !== undefined) {
    cfg.bands = bands;
    cfg.rows = Math.floor(cfg.numPerm / bands);
    cfg.overridden.push("bands", "rows");
  } else if (rows !== undefined) {
    cfg.rows = rows;
    cfg.bands = Math.floor(cfg.numPerm / rows);
    cfg.overridden.push("bands", "rows");
  } else if (o.threshold !== undefined || cfg.overridden.includes("numPerm")) {
    const opt = optimalParams(cfg.threshold, cfg.numPerm);
    cfg.bands = opt.bands;
    cfg.rows = opt.rows;
    cfg.overridden.push("bands", "rows");
    cfg.citations.push(`bands × rows = ${opt.bands} × ${opt.rows}: datasketch _optimal_param(${cfg.threshold}, ${cfg.numPerm}, 0.5, 0.5) (ekzhu/datasketch datasketch/lsh.py)`);
  }
  return { ok: true, value: cfg };
}
