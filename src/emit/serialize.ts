/**
 * The serializers every generated file goes through (docs/design.md: generated artifacts are built, never
 * concatenated from user text). One function per target language:
 *   shellQuote / shellWord   shell words: single-quote escaping ('it'\''s'), the script's own ${VAR}s kept
 *   pyLiteral                Python literals only (str, int/float, bool, None, list, dict): nothing to exec
 *   toYaml                   YAML through the `yaml` package, quoted so that a YAML 1.1 reader (PyYAML,
 *                            which the trainers use) reads the same values as a YAML 1.2 one
 *   commentText              free text for a `#` comment: no line breaks or control characters
 *   toToml                   TOML through smol-toml, invisible and C1 characters escaped
 *   launcherList             a multi-value flag for Megatron's functional-test launcher: "[w1 w2 …]"
 * JSON goes through JSON.stringify, which escapes every control character. A number the trainer reads
 * as a float is wrapped in `float(x)`, so that YAML and Python write it with a decimal point (1.0, not 1).
 */
import { stringify as stringifyToml } from "smol-toml";
import { Document, parse as parseYaml, Scalar, visit } from "yaml";

// ---- comments --------------------------------------------------------------------------------------

/**
 * Characters that end a comment or hide text in one, in some reader: C0/C1 controls (LF, CR, NUL,
 * ESC for ANSI sequences …), YAML 1.1's extra line breaks NEL/LS/PS, bidirectional overrides and
 * isolates (Trojan Source, CVE-2021-42574), the byte-order mark, and lone surrogates (not text).
 */
const UNSAFE_IN_COMMENT = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|\p{Cs}/gu;

/** Free text made safe for a one-line comment (or a one-line message on a terminal): each unsafe character becomes a space. */
export function commentText(text: string): string {
  return text.replace(/\r\n/g, " ").replace(UNSAFE_IN_COMMENT, " ");
}

// ---- shell -----------------------------------------------------------------------------------------

/** Characters that mean nothing to the shell, unquoted or inside double quotes (Python's shlex.quote set). */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * The one shell-quoting function: a word the shell reads back as exactly `text`. Safe text is left as
 * it is (so "--num-layers 24" stays readable); anything else is single-quoted, with each ' written '\''.
 */
export function shellQuote(text: string | number): string {
  const s = typeof text === "number" ? finiteText(text) : text;
  if (SHELL_SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A variable the generated script means to expand, e.g. ${DATA_DIR}; `ifUnset` makes bash stop with that message. */
export interface EnvRef {
  env: string;
  ifUnset?: string;
}
/** A piece of a shell word: literal text (user text included) or a variable reference. */
export type ShellPart = string | number | EnvRef;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_MESSAGE = /^[A-Za-z0-9_ ,.-]*$/;

function envText(p: EnvRef, withMessage: boolean): string {
  // the names and messages are lmplan's own constants; refuse anything else rather than quote it
  if (!ENV_NAME.test(p.env) || (p.ifUnset !== undefined && !ENV_MESSAGE.test(p.ifUnset))) throw new Error(`not a shell variable reference: ${p.env}`);
  return withMessage && p.ifUnset !== undefined ? `\${${p.env}:?${p.ifUnset}}` : `\${${p.env}}`;
}

/**
 * One shell word built from literal text and variable references: the variables expand, the text
 * stays literal. `"${DATA_DIR}/arxiv_text_document"` when the text is plain, else
 * `"${DATA_DIR}"'/it'\''s_text_document'` — the variable double-quoted, the text through shellQuote.
 */
export function shellWord(parts: ShellPart | ShellPart[]): string {
  const list = (Array.isArray(parts) ? parts : [parts]).map((p) => (typeof p === "number" ? finiteText(p) : p));
  if (list.every((p) => typeof p === "string")) return shellQuote(list.join(""));
  const plain = list.every((p) => typeof p !== "string" || p === "" || SHELL_SAFE.test(p));
  if (plain) return `"${list.map((p) => (typeof p === "string" ? p : envText(p, true))).join("")}"`;
  return list.map((p) => (typeof p === "string" ? (p === "" ? "" : shellQuote(p)) : `"${envText(p, true)}"`)).join("");
}

/** Characters that pass through every step of Megatron's functional-test launcher unchanged (see launcherList). */
const LAUNCHER_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * A multi-value flag (nargs='*' / '+') the way Megatron's functional-test configs write it: one string
 * "[w1 w2 …]" (e.g. `--cuda-graph-modules: "[attn mlp moe_router]"`). Their launcher
 * (tests/functional_tests/shell_test_utils/_run_training.sh @ d98e8a64) runs envsubst over the whole file,
 * reads each value with yq, trims it with xargs (which strips quotes), strips the brackets and splits the
 * words with `eval` — so a word must be plain: `${VAR}` references (substituted by envsubst) and
 * characters no step changes. Returns undefined when a word is not, for the caller to refuse or fall back.
 */
export function launcherList(words: (string | number | EnvRef | (string | EnvRef)[])[]): string | undefined {
  const out: string[] = [];
  for (const w of words) {
    const parts = (Array.isArray(w) ? w : [w]).map((p) => (typeof p === "number" ? finiteText(p) : p));
    let text = "";
    for (const p of parts) {
      if (typeof p === "string") {
        if (p !== "" && !LAUNCHER_SAFE.test(p)) return undefined;
        text += p;
      } else text += envText(p, false);
    }
    if (text === "") return undefined;
    out.push(text);
  }
  return `[${out.join(" ")}]`;
}

/**
 * Put a config path where a user's command says {config}, quoted for where the token stands: outside
 * quotes "$CONFIG", inside double quotes ${CONFIG}, inside single quotes '"$CONFIG"' (close, expand,
 * reopen), inside $'…' likewise. Every other brace, $ and quote of the command is left as written.
 */
export function substituteConfig(command: string, variable = "CONFIG"): string {
  if (!ENV_NAME.test(variable)) throw new Error(`not a shell variable name: ${variable}`);
  const TOKEN = "{config}";
  let out = "";
  let state: "plain" | "single" | "double" | "ansi" = "plain";
  for (let i = 0; i < command.length; ) {
    if (command.startsWith(TOKEN, i)) {
      out += state === "plain" ? `"$${variable}"` : state === "double" ? `\${${variable}}` : state === "single" ? `'"$${variable}"'` : `'"$${variable}"$'`;
      i += TOKEN.length;
      continue;
    }
    const c = command[i] as string;
    if (state === "plain") {
      if (c === "\\") {
        out += command.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === "$" && command[i + 1] === "'") {
        out += "$'";
        state = "ansi";
        i += 2;
        continue;
      }
      if (c === "'") state = "single";
      else if (c === '"') state = "double";
    } else if (state === "single") {
      if (c === "'") state = "plain";
    } else if (state === "double" || state === "ansi") {
      if (c === "\\") {
        out += command.slice(i, i + 2);
        i += 2;
        continue;
      }
      if ((state === "double" && c === '"') || (state === "ansi" && c === "'")) state = "plain";
    }
    out += c;
    i += 1;
  }
  return out;
}

/** A heredoc delimiter that no line of `body` equals (a body line equal to it would end the heredoc early). */
export function heredocDelimiter(body: string, base = "LMPLAN_CONFIG_EOF"): string {
  const lines = new Set(body.split(/\r?\n/));
  let d = base;
  for (let k = 1; lines.has(d); k++) d = `${base}_${k}`;
  return d;
}

// ---- Python ----------------------------------------------------------------------------------------

/**
 * A number the trainer reads as a float. JavaScript has one number type, so an integer-valued float
 * (grad_clip 1, min_lr 0) would be written as an int, which a typed reader may refuse (nanoGPT's
 * configurator asserts the override's type equals the default's: `--grad_clip=0.5` fails on `grad_clip = 1`).
 */
export class FloatValue {
  constructor(readonly value: number) {}
}

/** Mark `x` as a float for toYaml and pyLiteral: 1 → "1.0", 0 → "0.0", 1e-8 → "1.0e-8". */
export const float = (x: number): FloatValue => new FloatValue(x);

/** A JSON-like value: what pyLiteral and toYaml accept. */
export type Literal = string | number | boolean | null | undefined | FloatValue | readonly Literal[] | { readonly [k: string]: Literal };

// anything that is not plainly visible text is escaped: controls, format characters (bidi, zero
// width), line and paragraph separators, surrogates, private use and unassigned code points
const PY_ESCAPE = /[\p{C}\u2028\u2029]|\p{Cs}/gu;

function pyString(s: string): string {
  const body = s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(PY_ESCAPE, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    const cp = c.codePointAt(0) as number;
    return cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
  });
  return `"${body}"`;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

/** A Python literal for a value: str (escaped), int/float, True/False, None, list, dict — never an expression. */
export function pyLiteral(value: Literal): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return finiteText(value);
  if (value instanceof FloatValue) return floatText(value.value);
  if (typeof value === "string") return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(", ")}]`;
  return `{${Object.entries(value as Record<string, Literal>).map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`).join(", ")}}`;
}

/** A number as the trainers' languages all read it; NaN and ±Infinity have no literal and are refused. */
function finiteText(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`no literal for ${x} in a generated file`);
  return String(x);
}

/** A float literal for Python and YAML 1.1 alike: a decimal point always, a signed exponent after it (1.0, 0.5, 1.0e-8, 1.0e+21). */
export function floatText(x: number): string {
  const t = finiteText(x);
  if (/e/.test(t)) return t.includes(".") ? t : t.replace("e", ".0e");
  return t.includes(".") ? t : `${t}.0`;
}

// ---- YAML ------------------------------------------------------------------------------------------

/**
 * Characters a YAML 1.1 reader treats differently from the `yaml` package, or that YAML forbids raw:
 * C0/C1 controls, DEL, NEL/LS/PS (line breaks in YAML 1.1), the BOM and non-characters; bidi
 * controls are escaped too so that a config shows what it holds. The `yaml` package leaves some of
 * them raw even in double quotes, so they are escaped after it writes (they only occur in strings
 * this module has made double-quoted).
 */
const YAML_RAW = /[\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/g;
// a tab too: PyYAML refuses one in a plain scalar ("found character '\t' that cannot start any token")
const YAML_NEEDS_DOUBLE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|\p{Cs}/u;

/** True when a YAML 1.1 reader would not read `s`, written plain, back as the string s ("yes", "on", "1_000", "12:30", "<<"). */
// a word of letters, digits and path characters, not starting with a digit or ".", reads as a string in
// YAML 1.1 unless it is one of its boolean or null words (checked without running the parser)
const PLAIN_WORD = /^[A-Za-z$_/][A-Za-z0-9_./${}\- ]*[A-Za-z0-9_./${}\-]$/;
const WORDS_11 = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

function ambiguousIn11(s: string): boolean {
  if (PLAIN_WORD.test(s)) return WORDS_11.test(s);
  if (s === "<<" || s === "=") return true;
  try {
    return parseYaml(s, { version: "1.1", logLevel: "silent" }) !== s;
  } catch {
    return true;
  }
}

/**
 * Floats with an exponent as YAML 1.1 writes them: PyYAML (YAML 1.1) reads "1e-8" as a string and
 * needs a fraction and a signed exponent, "1.0e-8"; YAML 1.2 reads both as the float.
 */
const exponentFloat = {
  identify: (v: unknown) => typeof v === "number" && Number.isFinite(v) && /e/.test(String(v)) && !String(v).includes("."),
  default: true,
  tag: "tag:yaml.org,2002:float",
  test: /^[-+]?[0-9]+\.0e[-+][0-9]+$/,
  resolve: (s: string) => Number(s),
  stringify: ({ value }: { value: unknown }) => String(value).replace("e", ".0e"),
};

/** A FloatValue written as a YAML 1.1 float (always a decimal point), read back as a plain number. */
const markedFloat = {
  identify: (v: unknown) => v instanceof FloatValue,
  default: true,
  tag: "tag:yaml.org,2002:float",
  resolve: (s: string) => Number(s),
  stringify: ({ value }: { value: unknown }) => floatText((value as FloatValue).value),
};

export interface YamlOptions {
  /** Fold long lines at this width (0: never, the default). */
  lineWidth?: number;
}

/** A YAML document for `value`, the same for YAML 1.2 and 1.1 readers; strings that need it double-quoted, with escapes. */
export function toYaml(value: Literal, o: YamlOptions = {}): string {
  const doc = new Document(value, { customTags: (tags) => [markedFloat, exponentFloat, ...tags] });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "string") return;
      // a string with a line break is written as a block scalar (or quoted): its plain reading does not arise
      if (YAML_NEEDS_DOUBLE.test(node.value) || (!node.value.includes("\n") && ambiguousIn11(node.value))) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const text = doc.toString({ lineWidth: o.lineWidth ?? 0 });
  return text.replace(YAML_RAW, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}

// ---- TOML ------------------------------------------------------------------------------------------

/**
 * Characters TOML allows raw in a string but that a reader of the file cannot see, or that some
 * tools take for a line break: C1 controls, NEL/LS/PS, bidi controls, the BOM. smol-toml escapes the
 * rest; these are escaped after it writes (they occur only inside its basic strings: the keys lmplan
 * writes are fixed).
 */
const TOML_INVISIBLE = /[\x80-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A TOML document for `value` (smol-toml), with invisible characters in strings escaped as \uXXXX. */
export function toToml(value: Record<string, unknown>): string {
  return stringifyToml(value).replace(TOML_INVISIBLE, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}
