/**
 * The Emit tab: POST /api/emit with the planner's request, the trainer's config text with copy and
 * download, its notes, the plan's warnings and the measured schedule deviation. A plan that does not fit
 * in memory is refused unless "write it even if it does not fit" is ticked (allowOom).
 */
import { $, esc } from "./dom.js";
import type { FieldIssue } from "./form.js";

let lastConfig: { text: string; fileName: string } | undefined;

export interface EmitHooks {
  request: () => Record<string, unknown>;
  /** Errors whose path names a plan field (batchSeqs, gpus) are shown on that field too. */
  fieldIssues: (issues: FieldIssue[]) => void;
}

/** The trainers the API writes, from its OpenAPI document, loaded after the first plan is on screen. */
export async function loadFormats(): Promise<void> {
  const sel = $<HTMLSelectElement>("emit-format");
  try {
    const doc = (await (await fetch("/api/openapi.json")).json()) as { paths: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: { properties?: { format?: { enum?: string[] } } } }> } } }> };
    for (const f of doc.paths["/api/emit"]?.post?.requestBody?.content?.["application/json"]?.schema?.properties?.format?.enum ?? []) sel.add(new Option(f, f));
  } catch {
    $("emit-errors").textContent = "could not load the list of trainers from /api/openapi.json";
  }
}

async function emit(hooks: EmitHooks): Promise<void> {
  $("emit-errors").textContent = "";
  const format = $<HTMLSelectElement>("emit-format").value;
  const res = await fetch("/api/emit", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ format, request: hooks.request(), allowOom: $<HTMLInputElement>("emit-allow-oom").checked }) });
  const body = (await res.json()) as { errors?: { path?: string; message: string }[]; text?: string; fileName?: string; notes?: string[]; warnings?: { message: string }[]; deviation?: { maxRelative: number; atPercent: number } };
  if (!res.ok || body.text === undefined) {
    const errs = body.errors ?? [{ message: `HTTP ${res.status}` }];
    $("emit-errors").textContent = errs.map((e) => e.message).join("\n");
    // paths name plan fields ("batchSeqs", "gpus"): the planner marks those fields too
    hooks.fieldIssues(errs.map((e) => ({ path: (e.path ?? "").split(".").filter((x) => x !== "request"), message: e.message })));
    return;
  }
  lastConfig = { text: body.text, fileName: body.fileName ?? "config.txt" };
  $("emit-text").textContent = body.text;
  $("emit-file").textContent = lastConfig.fileName;
  const d = body.deviation;
  const dev = d && d.maxRelative > 1e-6 ? `schedule: the trainer's LR formula differs from the plan by up to ${(d.maxRelative * 100).toPrecision(3)}% of the peak (at ${d.atPercent}% of training)` : "schedule: the trainer's LR formula matches the plan at every 1% of training";
  $("emit-notes").innerHTML = [...(body.warnings ?? []).map((w) => `warning: ${w.message}`), ...(body.notes ?? []), dev].map((n) => `<li>${esc(n)}</li>`).join("");
  for (const id of ["emit-copy", "emit-download"]) ($(id) as HTMLButtonElement).disabled = false;
}

function download(): void {
  if (!lastConfig) return;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([lastConfig.text], { type: "text/plain" }));
  a.download = lastConfig.fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function initEmit(hooks: EmitHooks): void {
  $("emit-go").addEventListener("click", () => void emit(hooks));
  $("emit-copy").addEventListener("click", () => void navigator.clipboard.writeText(lastConfig?.text ?? ""));
  $("emit-download").addEventListener("click", download);
}
