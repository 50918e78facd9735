/**
 * lmplan's UI. The planner runs the core in the browser (the core does no I/O), so a changed input is
 * re-planned and redrawn without a round trip: the numbers at once, the charts in the next frame, and
 * the time each took is shown (and read by the browser test). The form is generated from the request
 * schema (form.ts); its state lives in the URL, so a plan is shared as a link. Fit and emit go through
 * the HTTP API, which uses the same schemas and code as the CLI.
 */
import { formatIssue } from "../../src/errors.js";
import { respell } from "../../src/plan/spelling.js";
import { readSources } from "../../src/io/sources.js";
import { FittedLawsSchema } from "../../src/plan/request.js";
import { planWithDeadline } from "../../src/plan/deadline.js";
import type { Plan } from "../../src/plan/types.js";
import { $ } from "./dom.js";
import { initEmit, loadFormats } from "./emit.js";
import { initFit } from "./fit.js";
import { buildForm, cliCommand, openFields, DEFAULT_VALUES, fromQuery, readForm, setForm, showIssues, toQuery, updateGroupCounts, updatePlaceholders, type FieldIssue } from "./form.js";
import { drawEma, drawLaws, drawLoss, drawMemory, drawPareto, drawSchedule, type ChartContext } from "./plan-charts.js";
import { derivationHtml, renderPlanHtml, warningsHtml } from "./plan-view.js";

const state: { plan?: Plan; fittedLaws?: Record<string, unknown>; request: Record<string, unknown>; values: Record<string, string> } = { request: {}, values: {} };

/** The page's scripting hook (tests, bookmarklets): the request the form built and the plan it gave. */
(globalThis as unknown as { lmplan?: unknown }).lmplan = { request: () => state.request, plan: () => state.plan };

// ---- tabs ------------------------------------------------------------------------------------------
function showTab(): void {
  const tab = (location.hash || "#planner").slice(1);
  const known = ["planner", "fit", "emit"].includes(tab) ? tab : "planner";
  for (const s of document.querySelectorAll<HTMLElement>("section.tab")) s.hidden = s.id !== known;
  for (const a of document.querySelectorAll<HTMLAnchorElement>("nav a")) {
    const on = a.dataset.tab === known;
    a.classList.toggle("active", on);
    if (on) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (known === "planner" && state.plan) scheduleCharts(state.plan);
}

// ---- planner ---------------------------------------------------------------------------------------
function request(): Record<string, unknown> {
  const req: Record<string, unknown> = { ...state.values };
  if (state.fittedLaws) req.fittedLaws = state.fittedLaws;
  if (sourcesTable) req.dataSourcesTable = sourcesTable;
  for (const [key, doc] of Object.entries(fileFields)) req[key] = doc;
  return req;
}

// ---- any other file field (FieldMeta.file "json"): the parsed document goes into the request --------
const fileFields: Record<string, unknown> = {};
async function jsonFieldFromFile(key: string, file: File): Promise<void> {
  const status = $(`status-${key}`);
  try {
    fileFields[key] = JSON.parse(await file.text());
    status.textContent = file.name;
  } catch {
    delete fileFields[key];
    status.textContent = `${file.name}: not JSON`;
  }
  recompute();
}

// ---- your data sources from a CSV (the CLI's --data-sources-file; not carried in the link) ----------
let sourcesTable: { name: string; tokens: number; domain: string }[] | undefined;
async function sourcesFromFile(file: File): Promise<void> {
  const r = readSources(await file.text());
  const errEl = $("e-dataSourcesTable");
  if (r.ok) {
    sourcesTable = r.value.sources.map((x) => ({ name: x.name, tokens: x.tokens, domain: x.domain }));
    errEl.textContent = "";
  } else {
    sourcesTable = undefined;
    errEl.textContent = `${file.name}: ${r.issues.map(formatIssue).join("; ")}`;
  }
  $("sources-status").textContent = sourcesTable ? `${file.name}: ${sourcesTable.length} sources` : "none (a preset's sources)";
  $("sources-clear").hidden = sourcesTable === undefined;
  recompute();
}

function lawsStatus(): void {
  const keys = state.fittedLaws ? Object.keys(state.fittedLaws) : [];
  $("laws-status").textContent = keys.length > 0 ? `your fits: ${keys.join(", ")}` : "none (the published laws)";
  $("laws-clear").hidden = keys.length === 0;
  if (keys.length > 0) openFields(["fittedLaws"]);
}

function syncUrl(): void {
  const q = toQuery(state.values, state.fittedLaws);
  const url = `${location.pathname}${q ? `?${q}` : ""}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, "", url);
  $("cli-command").textContent = cliCommand(state.values, state.fittedLaws !== undefined);
}

let notices: string[] = [];

function recompute(): void {
  const t0 = performance.now();
  state.values = readForm();
  const req = request();
  state.request = req;
  const r = planWithDeadline(req);
  const out = $("plan-output");
  let general: string[];
  if (r.ok) {
    state.plan = r.value;
    general = showIssues([]);
    out.classList.remove("stale");
    out.dataset.stale = "false";
    $("stale-banner").hidden = true;
    $("plan-title").textContent = r.value.title;
    $("plan-tables").innerHTML = renderPlanHtml(r.value);
    $("warnings").innerHTML = warningsHtml(r.value);
    updatePlaceholders(r.value);
  } else {
    // the form shows fields by their labels, as the CLI shows them by their flags
    const issues: FieldIssue[] = r.issues.map((i) => ({ path: i.path, message: respell(formatIssue(i), "label") }));
    general = showIssues(issues);
    if (!state.plan && general.length === 0) general = issues.map((i) => i.message);
    // the last valid plan stays for comparison, marked as not these inputs
    if (state.plan) {
      out.classList.add("stale");
      out.dataset.stale = "true";
      const b = $("stale-banner");
      b.hidden = false;
      const where = general.length === issues.length ? "above" : general.length > 0 ? "above and on the fields" : "marked on the fields";
      b.textContent = `These inputs do not make a plan (${issues.length} error${issues.length > 1 ? "s" : ""}, ${where}). Below: the last valid plan, ${state.plan.title} — not these inputs.`;
    }
  }
  // above the plan: the link's notices and the issues no field owns; the others sit on their fields
  $("plan-errors").textContent = [...notices, ...general].join("\n");
  updateGroupCounts();
  syncUrl();
  const ms = performance.now() - t0;
  const el = $("recompute");
  el.textContent = `numbers in ${ms.toFixed(1)} ms`;
  el.dataset.ms = String(ms);
  if (r.ok) scheduleCharts(r.value, ms);
}

let drawTicket = 0;
let lastNumbersMs = 0;

/** The charts follow in the next frame, so typing never waits for them; only the latest input draws. */
function scheduleCharts(plan: Plan, numbersMs = lastNumbersMs): void {
  lastNumbersMs = numbersMs;
  const ticket = ++drawTicket;
  requestAnimationFrame(() => {
    if (ticket !== drawTicket || $("planner").hidden) return;
    const t1 = performance.now();
    drawCharts(plan);
    const pms = performance.now() - t1;
    const el = $("recompute");
    el.textContent = `numbers in ${numbersMs.toFixed(1)} ms · charts in ${pms.toFixed(1)} ms`;
    el.dataset.plotMs = String(pms);
    el.dataset.drawn = String(ticket);
  });
}

const CHARTS: [string, (el: HTMLElement, c: ChartContext) => void][] = [
  ["plot-schedule", drawSchedule],
  ["plot-ema", drawEma],
  ["plot-loss", drawLoss],
  ["plot-memory", drawMemory],
  ["plot-pareto", drawPareto],
  ["plot-laws", drawLaws],
];

function drawCharts(plan: Plan): void {
  // read every width first (one layout), then write every chart
  const widths = CHARTS.map(([id]) => Math.max(280, Math.min($(id).clientWidth || 480, id === "plot-laws" ? 1400 : 720)));
  CHARTS.forEach(([id, draw], i) => {
    draw($(id), { plan, request: state.request, fittedLaws: state.fittedLaws as ChartContext["fittedLaws"], width: widths[i] as number });
  });
}

// ---- derivations -----------------------------------------------------------------------------------
function toggleDerivation(td: HTMLElement): void {
  const tr = td.closest("tr");
  const open = document.querySelector("tr.why");
  const same = open?.previousElementSibling === tr;
  open?.remove();
  for (const c of document.querySelectorAll('td.num[aria-expanded="true"]')) c.setAttribute("aria-expanded", "false");
  if (same || !tr) return;
  const why = document.createElement("tr");
  why.className = "why";
  why.innerHTML = `<td colspan="3"><div id="derivation" data-testid="derivation" role="region" aria-label="derivation">${derivationHtml(Number(td.dataset.k))}</div></td>`;
  tr.after(why);
  td.setAttribute("aria-expanded", "true");
}

// ---- fitted laws from a file ----------------------------------------------------------------------
async function lawsFromFile(file: File): Promise<void> {
  const errEl = $("e-fittedLaws");
  try {
    const doc = JSON.parse(await file.text()) as { lmplanFitVersion?: unknown; laws?: unknown };
    // the file lmplan fit … --out writes: { lmplanFitVersion: 1, laws: {...} }
    const laws = doc.lmplanFitVersion === 1 ? doc.laws : doc;
    const r = FittedLawsSchema.safeParse(laws);
    if (!r.success) throw new Error(`${file.name}: expected a fitted-laws file written by lmplan fit … --out (${r.error.issues[0]?.message ?? "invalid"})`);
    state.fittedLaws = laws as Record<string, unknown>;
    errEl.textContent = "";
  } catch (e) {
    errEl.textContent = e instanceof SyntaxError ? `${file.name}: expected JSON (a file written by lmplan fit … --out)` : String((e as Error).message);
  }
  lawsStatus();
  recompute();
}

// ---- wiring ----------------------------------------------------------------------------------------
function init(): void {
  buildForm($<HTMLFormElement>("plan-form"));
  const fromUrl = fromQuery(location.search);
  notices = [
    ...(fromUrl.unknown.length > 0 ? [`the link's ${fromUrl.unknown.join(", ")} ${fromUrl.unknown.length > 1 ? "are not plan fields" : "is not a plan field"}; ignored`] : []),
    ...(fromUrl.lawsError ? [fromUrl.lawsError] : []),
  ];
  const given = Object.keys(fromUrl.values).length > 0 || fromUrl.fittedLaws !== undefined;
  setForm(given ? fromUrl.values : DEFAULT_VALUES);
  if (fromUrl.fittedLaws && typeof fromUrl.fittedLaws === "object") state.fittedLaws = fromUrl.fittedLaws as Record<string, unknown>;
  lawsStatus();
  const form = $<HTMLFormElement>("plan-form");
  form.addEventListener("input", (e) => {
    if ((e.target as HTMLInputElement).type === "file") return;
    notices = [];
    recompute();
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  $<HTMLInputElement>("f-fittedLaws").addEventListener("change", (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) void lawsFromFile(f);
  });
  for (const el of document.querySelectorAll<HTMLInputElement>("input[data-file-field]")) {
    el.addEventListener("change", () => {
      const f = el.files?.[0];
      if (f && el.dataset.fileField) void jsonFieldFromFile(el.dataset.fileField, f);
    });
  }
  $<HTMLInputElement>("f-dataSourcesTable").addEventListener("change", (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) void sourcesFromFile(f);
  });
  $("sources-clear").addEventListener("click", () => {
    sourcesTable = undefined;
    $<HTMLInputElement>("f-dataSourcesTable").value = "";
    $("sources-status").textContent = "none (a preset's sources)";
    $("sources-clear").hidden = true;
    recompute();
  });
  $("laws-clear").addEventListener("click", () => {
    state.fittedLaws = undefined;
    $<HTMLInputElement>("f-fittedLaws").value = "";
    lawsStatus();
    recompute();
  });
  $("reset-form").addEventListener("click", () => {
    setForm(DEFAULT_VALUES);
    state.fittedLaws = undefined;
    lawsStatus();
    recompute();
  });
  $("copy-link").addEventListener("click", () => {
    void navigator.clipboard?.writeText(location.href).then(() => ($("copy-link").textContent = "link copied"));
    setTimeout(() => ($("copy-link").textContent = "copy link"), 1500);
  });
  $("plan-tables").addEventListener("click", (e) => {
    const td = (e.target as HTMLElement).closest<HTMLElement>("td.num");
    if (td) toggleDerivation(td);
  });
  $("plan-tables").addEventListener("keydown", (e) => {
    const td = (e.target as HTMLElement).closest<HTMLElement>("td.num");
    if (td && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      toggleDerivation(td);
    }
  });
  initFit({
    useLaws: (laws) => {
      state.fittedLaws = { ...(state.fittedLaws ?? {}), ...laws };
      lawsStatus();
      location.hash = "#planner";
      recompute();
    },
  });
  initEmit({ request, fieldIssues: (issues) => void showIssues(issues) });
  window.addEventListener("hashchange", showTab);
  let resizeTimer: number | undefined;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => state.plan && scheduleCharts(state.plan), 150);
  });
  showTab();
  recompute();
  // the trainers' list is not needed for the first plan: it loads afterwards
  void loadFormats();
}

init();
