/**
 * The planner form, generated from the one option declaration (src/plan/request.ts): every field of
 * PlanRequestSchema, with its flag, description, unit and default note from fieldMeta(), selects for the
 * fields that take one of a list (fieldMeta(key).choices, read from the schema), the placeholder showing
 * the value the plan used when the field is empty, and the default's source on hover and on focus.
 * Only the grouping is the UI's: a field the groups do not name still appears, under "Other".
 */
import { acceleratorNames, findAccelerator } from "../../src/hardware/catalog.js";
import { ALL_MODEL_PRESETS } from "../../src/model/presets.js";
import { MUP_BASES } from "../../src/parameterization/bases.js";
import { SOURCE_PRESETS } from "../../src/mixture/sources.js";
import type { FieldGroup } from "../../src/plan/options/field.js";
import { fieldMeta, PlanRequestSchema, type PlanField } from "../../src/plan/request.js";
import type { Plan } from "../../src/plan/types.js";
import { formatCount, formatFlops, formatSig } from "../../src/units/format.js";
import { esc } from "./dom.js";

export const FIELDS = Object.keys(PlanRequestSchema.shape) as PlanField[];

interface Group {
  id: string;
  title: string;
  keys: PlanField[];
  open?: boolean;
}

/** The form's sections, in order; which fields each holds is the fields' own declaration (FieldMeta.group). */
const GROUP_TITLES: { id: FieldGroup; title: string; open?: boolean }[] = [
  { id: "budget", title: "Model and budget", open: true },
  { id: "hardware", title: "Hardware and cost", open: true },
  { id: "batch", title: "Batch and memory" },
  { id: "optimizer", title: "Optimizer and laws" },
  { id: "schedule", title: "LR schedule" },
  { id: "data", title: "Data and context" },
  { id: "shape", title: "Architecture and shape" },
  { id: "layout", title: "Parallel layout" },
  { id: "deadline", title: "Deadline and target" },
];
const GROUPS: Group[] = GROUP_TITLES.map((g) => ({ ...g, keys: FIELDS.filter((k) => fieldMeta(k).group === g.id) }));
/** Fields whose control is a file input (the request carries the file's contents). */
const isFile = (key: PlanField) => fieldMeta(key).file !== undefined;

/** What a new visitor sees: the example of the README (a 1.3B model at 20 tokens per parameter on 64 H100s). */
export const DEFAULT_VALUES: Record<string, string> = { params: "1.3B", tpp: "20", gpus: "64" };

/** Choice labels where the catalogue has a title. */
const CHOICE_TITLES: Partial<Record<PlanField, Record<string, string>>> = {
  preset: Object.fromEntries(ALL_MODEL_PRESETS.map((p) => [p.id, `${p.title} (${p.id})`])),
  muBase: Object.fromEntries(MUP_BASES.map((b) => [b.id, `${b.title} (${b.id})`])),
  dataSources: Object.fromEntries(SOURCE_PRESETS.map((s) => [s.id, `${s.title} (${s.id})`])),
};

/** "--seq-len <tokens>" → "seq len". */
const labelOf = (flag: string) => (flag.split(" ")[0] ?? flag).replace(/^--/, "").replace(/-/g, " ");
/** Units as a person types them: the duration field parses "14d", "36h" into seconds. */
const unitText = (key: PlanField, unit: string) => (key === "days" ? "duration" : unit);

/** The empty choice of a select: the default it stands for, or none (a preset is optional). */
const emptyChoice = (note: string | undefined) => (note ? `default: ${note}` : "— none —");

function fieldHtml(key: PlanField): string {
  const m = fieldMeta(key);
  const id = `f-${key}`;
  const flag = m.flag.split(" ")[0] ?? m.flag;
  const hint = `${m.description}${m.defaultNote ? ` · default: ${m.defaultNote}` : ""} · CLI ${m.flag}`;
  const describedBy = `h-${key} e-${key}`;
  const unit = unitText(key, m.unit);
  const name = labelOf(m.flag);
  // "params (params)" says nothing twice: the unit is shown when it adds to the name
  const showUnit = unit !== "" && unit.toLowerCase() !== name.toLowerCase();
  const label = `<label for="${id}">${esc(name)}${showUnit ? ` <span class="unit">${esc(unit)}</span>` : ""}</label>`;
  let control: string;
  if (key === "dataSourcesTable") {
    // a CSV read in the browser (src/io/sources.ts, the CLI's reader); its rows go into the request
    control = `<div class="laws-control"><input id="${id}" name="dataSourcesTable" type="file" accept=".csv,text/csv" aria-describedby="${describedBy}"><span id="sources-status" data-testid="sources-status">none (a preset's sources)</span> <button type="button" id="sources-clear" hidden>clear</button></div>`;
  } else if (key === "fittedLaws") {
    control = `<div class="laws-control"><input id="${id}" name="fittedLaws" type="file" accept=".json,application/json" aria-describedby="${describedBy}"><span id="laws-status" data-testid="laws-status">none (the published laws)</span> <button type="button" id="laws-clear" hidden>clear</button></div>`;
  } else if (m.file !== undefined) {
    // any other file field: a JSON document read in the browser into the request (main.ts)
    control = `<div class="laws-control"><input id="${id}" name="${key}" type="file" accept=".json,application/json" data-file-field="${key}" aria-describedby="${describedBy}"><span id="status-${key}" data-testid="status-${key}">none</span></div>`;
  } else if (m.choices) {
    const titles = CHOICE_TITLES[key] ?? {};
    const opts = m.choices.map((v) => `<option value="${esc(v)}">${esc(titles[v] ?? v)}</option>`).join("");
    control = `<select id="${id}" name="${key}" aria-describedby="${describedBy}"><option value="" data-default>${esc(emptyChoice(m.defaultNote))}</option>${opts}</select>`;
  } else if (key === "gpu") {
    const list = acceleratorNames().map((g) => `<option value="${esc(g)}">${esc(findAccelerator(g)?.title ?? g)}</option>`).join("");
    control = `<input id="${id}" name="gpu" list="gpu-list" autocomplete="off" spellcheck="false" aria-describedby="${describedBy}"><datalist id="gpu-list">${list}</datalist>`;
  } else {
    control = `<input id="${id}" name="${key}" autocomplete="off" spellcheck="false" aria-describedby="${describedBy}">`;
  }
  return `<div class="field" data-field="${key}" data-flag="${esc(flag)}" title="${esc(hint)}">${label}${control}<small id="h-${key}" class="hint">${esc(hint)}</small><small id="e-${key}" class="field-error" data-testid="error-${key}"></small></div>`;
}

/** Write the form into `form`: one <details> per group, every schema field once. */
export function buildForm(form: HTMLFormElement): void {
  const listed = new Set(GROUPS.flatMap((g) => g.keys));
  const rest = FIELDS.filter((k) => !listed.has(k));
  const groups = [...GROUPS.map((g) => ({ ...g, keys: g.keys.filter((k) => FIELDS.includes(k)) })), ...(rest.length > 0 ? [{ id: "other", title: "Other", keys: rest }] : [])];
  form.innerHTML = groups
    .map((g) => `<details class="group" data-group="${g.id}"${g.open ? " open" : ""}><summary>${esc(g.title)} <span class="group-count"></span></summary>${g.keys.map(fieldHtml).join("")}</details>`)
    .join("");
}

const control = (key: PlanField) => document.getElementById(`f-${key}`) as HTMLInputElement | HTMLSelectElement | null;

/** The form's non-empty values, as typed (the schema's parsers take "1.3B", "14d", "$2.49/h"). */
export function readForm(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of FIELDS) {
    if (isFile(key)) continue;
    const el = control(key);
    const v = el?.value.trim() ?? "";
    if (v !== "") out[key] = v;
  }
  return out;
}

export function setForm(values: Record<string, string>): void {
  for (const key of FIELDS) {
    if (isFile(key)) continue;
    const el = control(key);
    if (el) el.value = values[key] ?? "";
  }
  openGroupsWith(Object.keys(values));
}

function openGroupsWith(keys: string[]): void {
  for (const k of keys) {
    const d = document.querySelector(`.field[data-field="${k}"]`)?.closest("details");
    if (d) d.open = true;
  }
  // how many fields each group has set, shown on its summary when it is closed
  for (const d of document.querySelectorAll<HTMLDetailsElement>("details.group")) {
    const n = [...d.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input:not([type=file]), select")].filter((e) => e.value.trim() !== "").length;
    const span = d.querySelector(".group-count");
    if (span) span.textContent = n > 0 ? `(${n} set)` : "";
  }
}

/** Open the groups holding these fields (a value came from a link, a fit, or an error names them). */
export function openFields(keys: string[]): void {
  openGroupsWith(keys);
}

export function updateGroupCounts(): void {
  openGroupsWith([]);
}

export interface FieldIssue {
  path: readonly string[];
  message: string;
}

/**
 * Attach each issue to the fields its path names (a conflict names several); answer the ones no field
 * owns (e.g. "a budget: give --preset, …" with an empty path) for the general error box.
 */
export function showIssues(issues: readonly FieldIssue[]): string[] {
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  for (const i of issues) {
    // a conflict names several fields ["params", "preset"]; a nested path (fittedLaws.loss.params.beta) belongs to its top-level field
    const owners = i.path[0] === "fittedLaws" ? ["fittedLaws"] : i.path.filter((p) => (FIELDS as string[]).includes(p));
    if (owners.length === 0) general.push(i.message);
    for (const k of owners) byField.set(k, [...(byField.get(k) ?? []), i.message]);
  }
  for (const key of FIELDS) {
    const el = document.getElementById(`e-${key}`);
    const wrap = el?.closest(".field");
    const msgs = byField.get(key);
    if (el) el.textContent = msgs ? msgs.join("\n") : "";
    wrap?.classList.toggle("invalid", !!msgs);
    const c = control(key);
    if (c) {
      if (msgs) c.setAttribute("aria-invalid", "true");
      else c.removeAttribute("aria-invalid");
    }
  }
  openGroupsWith([...byField.keys()]);
  return general;
}

/** The value the plan used for a field, written so that the field's parser reads it back. */
function resolved(key: PlanField, p: Plan): string | undefined {
  const s = p.schedule.spec;
  switch (key) {
    case "params":
      return formatCount(p.model.totalParams.value, 4);
    case "tokens":
      return formatCount(p.budget.tokens.value, 4);
    case "tpp":
      return formatSig(p.budget.tokensPerParam.value, 4);
    case "compute":
      return formatFlops(p.budget.compute6ND.value, 3);
    case "days":
      return `${formatSig(p.hardware.seconds.value / 86400, 3)}d`;
    case "gpu":
      return p.hardware.gpu;
    case "gpus":
      return String(p.hardware.numGpus.value);
    case "mfu":
      return formatSig(p.hardware.mfu.value, 3);
    case "price":
      return p.hardware.pricePerGpuHour ? `$${formatSig(p.hardware.pricePerGpuHour.value, 3)}/h` : undefined;
    case "seqLen":
      return String(p.batch.seqLen.value);
    case "batchSeqs":
      return String(p.batch.globalBatchSeqs.value);
    case "microBatch":
      return String(p.batch.microBatchSeqs.value);
    case "weightDecay":
      return formatSig(p.optimizer.weightDecay.value, 4);
    case "warmupFraction":
      return s.totalSteps > 0 ? formatSig(s.warmupSteps / s.totalSteps, 3) : undefined;
    case "minLrRatio":
      return formatSig(s.minLrRatio, 3);
    case "decayFraction":
      return s.decayFraction !== undefined ? formatSig(s.decayFraction, 3) : undefined;
    case "zeroStage":
      return String(p.memory.zeroStage);
    case "width":
      return String(p.model.spec.dModel);
    case "layers":
      return String(p.model.spec.numLayers);
    case "aspectRatio":
      return formatSig(p.model.spec.dModel / p.model.spec.numLayers, 4);
    case "contextStages":
      return p.context ? p.context.stages.map((x) => `${x.seqLen}:${formatSig(x.share, 3)}`).join(",") : undefined;
    default:
      return undefined;
  }
}

/** Selected values the plan resolved for an empty select ("default: linear" → "default (used: cosine)"). */
function resolvedChoice(key: PlanField, p: Plan): string | undefined {
  switch (key) {
    case "schedule":
      return p.schedule.spec.kind;
    case "parameterization":
      return p.optimizer.parameterization.kind;
    case "recompute":
      return p.memory.recompute;
    case "decayShape":
      return p.schedule.spec.decayShape;
    case "lossLaw":
      return p.budget.predictedLoss.source;
    default:
      return undefined;
  }
}

/** Placeholders: what the plan used for each empty field (typing it gives the same plan). */
export function updatePlaceholders(p: Plan): void {
  for (const key of FIELDS) {
    const el = control(key);
    if (!el || isFile(key)) continue;
    const m = fieldMeta(key);
    if (el instanceof HTMLSelectElement) {
      const first = el.options[0];
      const used = resolvedChoice(key, p);
      if (first) first.textContent = used ? `default (this plan: ${used})` : emptyChoice(m.defaultNote);
    } else {
      el.placeholder = resolved(key, p) ?? m.defaultNote?.split(/[ (,;]/)[0] ?? "";
    }
  }
}

// ---- the URL and the CLI command ---------------------------------------------------------------

/** The form's state as a query string: ?params=1.3B&tpp=20 (fitted laws as JSON under laws=). */
export function toQuery(values: Record<string, string>, fittedLaws: unknown): string {
  const q = new URLSearchParams();
  for (const key of FIELDS) if (values[key] !== undefined) q.set(key, values[key] as string);
  if (fittedLaws !== undefined) q.set("laws", JSON.stringify(fittedLaws));
  return q.toString();
}

/** Form values and fitted laws from a query string; unknown names are returned, never dropped silently. */
export function fromQuery(search: string): { values: Record<string, string>; fittedLaws?: unknown; unknown: string[]; lawsError?: string } {
  const q = new URLSearchParams(search);
  const values: Record<string, string> = {};
  const unknown: string[] = [];
  let fittedLaws: unknown;
  let lawsError: string | undefined;
  for (const [k, v] of q) {
    if (k === "laws") {
      try {
        fittedLaws = JSON.parse(v);
      } catch {
        lawsError = "the link's laws= is not JSON; planning with the published laws";
      }
    } else if ((FIELDS as string[]).includes(k) && !isFile(k as PlanField)) values[k] = v;
    else unknown.push(k);
  }
  return { values, fittedLaws, unknown, ...(lawsError ? { lawsError } : {}) };
}

/** POSIX shell quoting for the command line shown beside the form. */
const shq = (s: string) => (/^[A-Za-z0-9_.,:@%+=/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The `lmplan plan …` command that gives the same plan. */
export function cliCommand(values: Record<string, string>, hasLaws: boolean): string {
  const parts = ["lmplan plan"];
  for (const key of FIELDS) if (values[key] !== undefined) parts.push(`${fieldMeta(key).flag.split(" ")[0]} ${shq(values[key] as string)}`);
  if (hasLaws) parts.push(`${fieldMeta("fittedLaws").flag.split(" ")[0]} fitted.json`);
  return parts.join(" ");
}
