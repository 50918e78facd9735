/**
 * Text normalisation before shingling, as each published pipeline does it. Python's semantics are
 * matched where JavaScript's differ: Python's `\s` and `str.strip()` (characters for which
 * `str.isspace()` is true) include U+001C–U+001F and U+0085 and exclude U+FEFF, unlike JavaScript's
 * `\s`; lengths count code points, not UTF-16 units.
 */

/** Python 3 `str.isspace()` / `re` `\s` on str: bidi classes WS, B, S and category Zs (CPython `_PyUnicode_IsWhitespace`). */
const PY_SPACE_RUN = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const PY_SPACE_EDGES = /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** `re.sub(r"\s+", " ", s.strip())`. */
function collapseWhitespace(s: string): string {
  return s.replace(PY_SPACE_EDGES, "").replace(PY_SPACE_RUN, " ");
}

// Python's `string.punctuation`: the 32 ASCII punctuation characters !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/g;

/**
 * SlimPajama (Cerebras/modelzoo `…/slimpajama/dedup/to_hash.py` `get_features` and
 * `preprocessing/filter.py` `clean`, modelzoo 4e2a4e02 / e6da1208): lowercase, delete `string.punctuation`,
 * `re.sub(r"\s+", " ", s.strip())`. SlimPajama's step 1 ran `ftfy.fix_text(doc, normalization="NFC")`
 * (`preprocessing/normalize_text.py`) on the corpus first; lmplan applies the NFC part and not ftfy's
 * mojibake repairs (a documented difference, docs/audit.md).
 */
export function normalizeSlimPajama(text: string): string {
  return collapseWhitespace(text.normalize("NFC").toLowerCase().replace(ASCII_PUNCTUATION, ""));
}

/**
 * datatrove's `PUNCTUATION` (huggingface/datatrove `src/datatrove/utils/text.py` at a649de79), copied
 * code point for code point: the listed symbols plus the control ranges [0, 9), [11, 13), [13, 32),
 * [127, 160). `simplify_text` maps each to a space (`PUNCTUATION_TRANS`); the larger
 * TERMINAL_PUNCTUATION set in that file is not used by it.
 */
const DATATROVE_PUNCTUATION = new RegExp(
  "[" +
    "\\u0021\\u002f\\u2014\\u201d\\u003a\\uff05\\uff11\\u3008\\u0026\\u0028\\u3001\\u2501\\u005c\\u3010\\u0023\\u0025\\u300c\\u300d\\uff0c\\u3011\\uff1b\\u002b\\u005e\\u005d\\u007e\\u201c\\u300a\\u201e\\u0027\\u003b\\u2019\\u007b\\u007c\\u2236\\u00b4\\u005b\\u003d\\u002d\\u0060\\u002a\\uff0e\\uff08\\u2013\\uff1f\\uff01\\uff1a\\u0024\\uff5e\\u00ab\\u3009\\u002c\\u003e\\u003c\\u300b\\u0029\\u003f\\uff09\\u3002\\u2026\\u0040\\u005f\\u002e\\u0022\\u007d\\u25ba\\u00bb" +
    "\\u0000-\\u0008\\u000b\\u000c\\u000d-\\u001f\\u007f-\\u009f" +
    "]",
  "g",
);
// NUMBERS_PATTERN = \p{Nd}+([.,،٫⎖⎗⎘]{1}\p{Nd}+)? (text.py), replaced by "0"
const DATATROVE_NUMBERS = /\p{Nd}+(?:[.,\u060c\u066b\u2396\u2397\u2398]\p{Nd}+)?/gu;
const NONSPACING_MARK = /\p{Mn}/gu;

/**
 * datatrove's `simplify_text` with the default `TextNormConfig` (lowercase, numbers → "0", punctuation →
 * space, whitespace collapsed, NFD with nonspacing marks removed; weekday and month names kept),
 * huggingface/datatrove `src/datatrove/utils/text.py` at a649de79.
 */
export function normalizeDatatrove(text: string): string {
  let s = text.toLowerCase();
  s = s.replace(DATATROVE_NUMBERS, "0");
  s = s.replace(DATATROVE_PUNCTUATION, " ");
  s = collapseWhitespace(s);
  s = s.normalize("NFD").replace(NONSPACING_MARK, "");
  return s.replace(PY_SPACE_EDGES, "");
}

// the `regex` module's Unicode \W: not (Alphabetic | Mark | Decimal_Number | Connector_Punctuation | Join_Control)
const TEXT_DEDUP_NON_WORD = /[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_C}]+/u;

/**
 * text-dedup's tokens: `[t for t in regex.compile(r"\W", re.UNICODE).split(content.lower()) if t]`
 * (ChenghaoMou/text-dedup `src/text_dedup/config/algorithms/minhash.py` `_get_tokenize_func`, 7538f3ec),
 * returned joined by single spaces so that n-grams are byte ranges of one string.
 */
export function normalizeTextDedup(text: string): string {
  return text.toLowerCase().split(TEXT_DEDUP_NON_WORD).filter((t) => t.length > 0).join(" ");
}

/** No normalisation: the text as read (for a custom setting that wants raw shingles). */
export function normalizeNone(text: string): string {
  return text;
}

export type NormalizerId = "slimpajama" | "datatrove" | "text-dedup" | "none";

export const NORMALIZERS: Record<NormalizerId, (text: string) => string> = {
  slimpajama: normalizeSlimPajama,
  datatrove: normalizeDatatrove,
  "text-dedup": normalizeTextDedup,
  none: normalizeNone,
};
