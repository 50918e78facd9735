/**
 * Each edge spells a field its own way. The core's messages name a field by its flag, which is its key in
 * kebab case (`--seq-len` for `seqLen`: the declarations hold every field to that rule, so the spelling
 * is one-to-one); the CLI prints them as they are, and the HTTP API and the web UI respell them as the
 * JSON key a client sends (`seqLen`) or the label the form shows ("seq len"). Flags that are not plan
 * fields (`--allow-oom`, `--strict`) are left alone.
 */
import { fieldMeta, planFields, type PlanField } from "./request.js";

let byFlag: Map<string, PlanField> | undefined;
/** Every field's flag and alias → its key (built once: the declarations do not change at run time). */
function flags(): Map<string, PlanField> {
  if (byFlag) return byFlag;
  byFlag = new Map();
  for (const key of planFields()) {
    const m = fieldMeta(key);
    for (const f of [m.flag, ...(m.aliases ?? [])]) byFlag.set(f.split(" ")[0] as string, key);
  }
  return byFlag;
}

/** `text` with each plan field's flag in the spelling of an edge: "json" (the key) or "label" (the form's). */
export function respell(text: string, to: "json" | "label"): string {
  const map = flags();
  // a flag is --, a letter, then letters, digits and dashes; the longest spelling wins (--mu-base-spec before --mu-base)
  return text.replace(/--[a-z][a-z0-9-]*/g, (flag) => {
    const key = map.get(flag);
    if (key === undefined) return flag;
    return to === "json" ? key : flag.slice(2).replace(/-/g, " ");
  });
}
