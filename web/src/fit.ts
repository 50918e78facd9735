/**
 * The Fit tab: the fitters of `lmplan fit` over the HTTP API (POST /api/fit, /api/fit/lr-batch,
 * /api/fit/timescale), each with its options, 95% bootstrap intervals, plots and "plan with these laws".
 * A fit runs on the server's worker threads; the tab shows the time it has taken and can cancel it (the
 * request is aborted, and the server stops the worker). The μP fitter (a sweep manifest → the base)
 * runs in the browser: web/src/fit-mup.ts.
 */
import { EPOCH_PARAMS } from "../../src/laws/chinchilla-epoch.js";
import { formatCount, formatFlops, formatSig } from "../../src/units/format.js";
import { lineChart, legend } from "./chart.js";
import { $, esc } from "./dom.js";
import { INK, lawStyle, OKABE_ITO } from "./palette.js";
import { installMupFitter, runMupFit } from "./fit-mup.js";
import { POWER_LINES_TAU, STEP_LAW, STEP_LAW_TERMS } from "../../src/laws/index.js";
import { coef } from "../../src/laws/types.js";

type Kind = "loss" | "lr-batch" | "timescale" | "mup";

interface ApiError {
  path?: string;
  message: string;
}

// mup runs in the browser (fit-mup.ts): it has no route
const ROUTES: Record<Exclude<Kind, "mup">, string> = { loss: "/api/fit", "lr-batch": "/api/fit/lr-batch", timescale: "/api/fit/timescale" };
const DEFAULT_BOOTSTRAP: Record<Kind, number> = { loss: 100, "lr-batch": 200, timescale: 200, mup: 400 };

export interface FitHooks {
  /** Merge fitted laws into the planner's and show the planner. */
  useLaws: (laws: Record<string, unknown>) => void;
}

let controller: AbortController | undefined;
let lastLaws: Record<string, unknown> | undefined;
let timer: number | undefined;

const kindNow = (): Kind => ($<HTMLSelectElement>("fit-kind").value as Kind) || "loss";
const sig6 = (v: number) => formatSig(v, 6);
const sig3 = (v: number) => formatSig(v, 3);
const sig4 = (v: number) => formatSig(v, 4);
const ci = (x: [number, number] | undefined, f = sig4) => (x ? `${f(x[0])} … ${f(x[1])}` : "—");

function showKind(): void {
  const k = kindNow();
  for (const el of document.querySelectorAll<HTMLElement>("[data-fitter]")) el.hidden = !el.dataset.fitter?.split(" ").includes(k);
  const b = $<HTMLInputElement>("fit-bootstrap");
  b.placeholder = String(DEFAULT_BOOTSTRAP[k]);
}

function query(k: Kind): string {
  const q = new URLSearchParams();
  const val = (id: string) => $<HTMLInputElement>(id).value.trim();
  q.set("bootstrap", val("fit-bootstrap") || String(DEFAULT_BOOTSTRAP[k]));
  if (k === "loss") q.set("dropHighest", val("fit-drop") || "0");
  if (k !== "loss" && k !== "mup" && val("fit-seqlen")) q.set("seqLen", val("fit-seqlen"));
  if (k === "lr-batch" && val("fit-threshold")) q.set("threshold", val("fit-threshold"));
  if (k === "lr-batch" && val("fit-loss-col")) q.set("map", `loss="${val("fit-loss-col")}"`);
  return q.toString();
}

function setBusy(busy: boolean, text = ""): void {
  $("fit-cancel").hidden = !busy;
  $("fit-progress").hidden = !busy;
  ($("fit-go") as HTMLButtonElement).disabled = busy;
  $("fit-status").textContent = text;
  if (timer !== undefined) clearInterval(timer);
  timer = undefined;
}

async function runFit(): Promise<void> {
  const file = $<HTMLInputElement>("fit-file").files?.[0];
  if (!file) {
    $("fit-errors").textContent = "choose a CSV or JSONL file of runs first";
    return;
  }
  controller?.abort();
  const ctrl = new AbortController();
  controller = ctrl;
  const k = kindNow();
  $("fit-errors").textContent = "";
  $("fit-result").innerHTML = "";
  for (const id of ["plot-fit", "plot-fit-residuals"]) $(id).innerHTML = "";
  $("fit-use").hidden = true;
  if (k === "mup") {
    const shown = runMupFit(file.name, await file.text(), $<HTMLInputElement>("fit-bootstrap").value);
    lastLaws = shown?.laws;
    $("fit-status").textContent = shown ? `fitted in ${shown.seconds.toFixed(1)} s (in the browser)` : "";
    $("fit-use").textContent = "Plan with this base";
    $("fit-use").hidden = lastLaws === undefined;
    return;
  }
  $("fit-use").textContent = "Plan with these laws";
  const t0 = performance.now();
  setBusy(true, "fitting…");
  timer = window.setInterval(() => {
    $("fit-status").textContent = `fitting ${file.name} (${k}) on the server… ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  }, 100);
  let res: Response;
  let body: Record<string, unknown> & { errors?: ApiError[] };
  try {
    res = await fetch(`${ROUTES[k as Exclude<Kind, "mup">]}?${query(k)}`, { method: "POST", signal: ctrl.signal, headers: { "Content-Type": /\.(jsonl|ndjson|json)$/i.test(file.name) ? "application/x-ndjson" : "text/csv" }, body: await file.text() });
    body = (await res.json()) as typeof body;
  } catch (e) {
    if (controller !== ctrl) return;
    setBusy(false, ctrl.signal.aborted ? "cancelled" : "");
    if (!ctrl.signal.aborted) $("fit-errors").textContent = `the server did not answer (${String(e)})`;
    return;
  }
  if (controller !== ctrl) return;
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  setBusy(false, res.ok ? `fitted in ${secs} s` : "");
  if (!res.ok) {
    showErrors(body.errors ?? [{ message: `HTTP ${res.status}` }]);
    return;
  }
  lastLaws = body.fittedLaws as Record<string, unknown> | undefined;
  if (k === "loss") showLoss(body as unknown as LossBody);
  else if (k === "lr-batch") showLrBatch(body as unknown as LrBatchBody);
  else showTimescale(body as unknown as TimescaleBody);
  $("fit-use").hidden = lastLaws === undefined;
}

/** Errors from the API, each attached to the control its path names (bootstrap, dropHighest, …). */
function showErrors(errors: ApiError[]): void {
  const ids: Record<string, string> = { bootstrap: "fit-bootstrap", dropHighest: "fit-drop", seqLen: "fit-seqlen", threshold: "fit-threshold", map: "fit-loss-col" };
  for (const id of Object.values(ids)) $(id).removeAttribute("aria-invalid");
  for (const e of errors) {
    const id = e.path ? ids[e.path.split(".")[0] as string] : undefined;
    if (id) $(id).setAttribute("aria-invalid", "true");
  }
  $("fit-errors").textContent = errors.map((e) => e.message).join("\n");
}

function table(title: string, head: string[], rows: string[][], attrs: (string | undefined)[] = []): string {
  return `<table class="grid"><caption>${esc(title)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r, i) => `<tr${attrs[i] ? ` ${attrs[i]}` : ""}>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

const width = (id: string) => Math.max(300, Math.min($(id).clientWidth || 560, 720));

// ---- loss ----------------------------------------------------------------------------------------

interface LossBody {
  numPoints: number;
  dropped: { reason: string; points: { N: number; D: number; L: number }[] };
  fit: { params: Record<string, number>; objective: number; diagnostics: { starts: number; gradNorm: number; iterations: number; reason: string; converged: number; reachedBest: number } };
  intervals?: Record<string, [number, number]>;
  bootstrap?: { resamples: number; failed: number };
  /** 40 points over the runs' compute, for the plot. */
  frontier: { C: number; L: number; N: number; D: number }[];
  /** The compute-optimal (N, D) at C = 1e19 … 1e25, as lmplan fit loss prints them. */
  frontierTable: { C: number; N: number; D: number; TPP: number }[];
  warnings: { message: string }[];
  residuals: { N: number; D: number; L: number; C: number; pred: number }[];
}

function showLoss(b: LossBody): void {
  const p = b.fit.params;
  const ref: Record<string, number> = { A: EPOCH_PARAMS.A, B: EPOCH_PARAMS.B, E: EPOCH_PARAMS.E, alpha: EPOCH_PARAMS.alpha, beta: EPOCH_PARAMS.beta };
  const keys = ["A", "B", "E", "alpha", "beta"];
  const d = b.fit.diagnostics;
  const rows = keys.map((k) => [k === "alpha" ? "α" : k === "beta" ? "β" : k, sig6(p[k] as number), ci(b.intervals?.[k]), sig6(ref[k] as number)]);
  const html = [
    `<p class="lead">L = E + A/N<sup>α</sup> + B/D<sup>β</sup> (Hoffmann App. D.2: Huber δ = 10⁻³ on log loss, L-BFGS from ${d.starts} starts) · <strong data-testid="fit-used">${b.numPoints} runs used</strong>; dropped: ${esc(b.dropped.reason)}</p>`,
    `<table class="grid" data-testid="fit-params"><caption>Fitted parameters</caption><thead><tr><th scope="col">param</th><th scope="col">fit</th><th scope="col">95% bootstrap CI${b.bootstrap ? ` (${b.bootstrap.resamples} resamples)` : ""}</th><th scope="col">Epoch AI (arXiv 2404.10102)</th></tr></thead><tbody>${rows
      .map((r, i) => `<tr><td>${esc(r[0] as string)}</td><td class="num" data-param="${keys[i]}">${esc(r[1] as string)}</td><td>${esc(r[2] as string)}</td><td>${esc(r[3] as string)}</td></tr>`)
      .join("")}</tbody></table>`,
    `<p class="note">objective ${b.fit.objective.toPrecision(8)} · gradient ∞-norm ${formatSig(d.gradNorm, 3)} · ${d.iterations} iterations (${esc(d.reason)}) · ${d.converged}/${d.starts} starts converged · ${d.reachedBest} reached the best${b.bootstrap && b.bootstrap.failed > 0 ? ` · ${b.bootstrap.failed} bootstrap refits failed` : ""}</p>`,
    b.dropped.points.length > 0 ? table(`The ${b.dropped.points.length} dropped runs (highest loss first)`, ["N", "D", "loss"], b.dropped.points.map((q) => [formatCount(q.N, 4), formatCount(q.D, 4), sig4(q.L)])) : "",
    table("Compute-optimal frontier of this fit (Hoffmann Eq. 4, C = 6ND)", ["C (FLOPs)", "N", "D", "tokens/param"], b.frontierTable.map((f) => [formatFlops(f.C), formatCount(f.N, 4), formatCount(f.D, 4), sig4(f.TPP)])),
    b.warnings.length > 0 ? `<ul class="warnings">${b.warnings.map((w) => `<li>${esc(w.message)}</li>`).join("")}</ul>` : "",
  ];
  $("fit-result").innerHTML = html.join("");
  const runs = b.residuals;
  const w = width("plot-fit");
  const fitStyle = lawStyle("fitted:loss");
  const series = [
    { key: "runs", label: "runs used", colour: OKABE_ITO.black, line: false, dots: 2.2, points: runs.map((q) => ({ x: q.C, y: q.L })) },
    { key: "predicted", label: "fit at each run", colour: OKABE_ITO.skyBlue, line: false, dots: 3, hollow: true, points: runs.map((q) => ({ x: q.C, y: q.pred })) },
    ...(b.dropped.points.length > 0 ? [{ key: "dropped", label: "dropped", colour: OKABE_ITO.vermillion, line: false, dots: 3.2, hollow: true, points: b.dropped.points.map((q) => ({ x: 6 * q.N * q.D, y: q.L })) }] : []),
  ];
  const frontier = { key: "frontier", label: "compute-optimal frontier", colour: fitStyle.colour, dash: fitStyle.dash, width: 2, points: b.frontier.map((q) => ({ x: q.C, y: q.L })) };
  const lg = legend([...series.map((s) => ({ key: s.key, label: s.label, colour: s.colour, dot: s.hollow ? ("hollow" as const) : ("filled" as const) })), { key: frontier.key, label: frontier.label, colour: frontier.colour, dash: frontier.dash }]);
  $("plot-fit").innerHTML = `<figcaption><h2>Loss against compute: runs, fit and the compute-optimal frontier</h2></figcaption>${lg}${lineChart({
    title: "Loss against compute",
    width: w,
    height: 300,
    x: { label: "compute C = 6ND (FLOPs)", type: "log", format: (v) => formatFlops(v, 2), unit: "FLOPs" },
    y: { label: "loss (nats/token)", type: "log", format: sig3, unit: "nats/token" },
    series: [...series, frontier],
  })}`;
  const resid = runs.map((q) => ({ x: q.C, y: Math.log(q.L) - Math.log(q.pred) }));
  $("plot-fit-residuals").innerHTML = `<figcaption><h2>Residuals: log(loss) − log(fit)</h2></figcaption>${lineChart({
    title: "Residuals",
    width: w,
    height: 200,
    x: { label: "compute C = 6ND (FLOPs)", type: "log", format: (v) => formatFlops(v, 2), unit: "FLOPs" },
    y: { label: "log residual", format: sig3, unit: "" },
    series: [{ key: "residuals", label: "residuals", colour: OKABE_ITO.black, line: false, dots: 2.2, points: resid }],
    rules: [{ axis: "y", value: 0, label: "fit", colour: INK.muted }],
  })}`;
}

// ---- lr-batch ------------------------------------------------------------------------------------

interface LrBatchBody {
  law: { lrIntercept: number; lrExpN: number; lrExpD: number; bsIntercept: number; bsExpD: number };
  intervals?: Record<string, [number, number]>;
  groups: { N: number; D: number; runs: number; nearOptimal: number; bestLr: number; predictedLr: number; bestBatchTokens: number; predictedBatchTokens: number; lrRange: [number, number] }[];
  threshold: number;
  numRuns: number;
  numNearOptimal: number;
}

function showLrBatch(b: LrBatchBody): void {
  const L = b.law;
  $("fit-result").innerHTML = [
    `<p class="lead">Step Law's method (arXiv 2503.04715): in each (N, D) group the runs within ${formatSig(b.threshold * 100, 3)}% of its best loss, least squares in logs · <strong data-testid="fit-used">${b.numRuns} runs in ${b.groups.length} groups; ${b.numNearOptimal} near-optimal runs fitted</strong></p>`,
    table("Fitted law (95% bootstrap CI)", ["", "law", "exponent of N", "exponent of D"], [
      ["η_opt", `${sig4(Math.exp(L.lrIntercept))} · N^${sig4(L.lrExpN)} · D^${sig4(L.lrExpD)}`, `${sig4(L.lrExpN)} (${ci(b.intervals?.lrExpN, sig3)})`, `${sig4(L.lrExpD)} (${ci(b.intervals?.lrExpD, sig3)})`],
      ["B_opt (tokens)", `${sig4(Math.exp(L.bsIntercept))} · D^${sig4(L.bsExpD)}`, "—", `${sig4(L.bsExpD)} (${ci(b.intervals?.bsExpD, sig3)})`],
      ["Step Law as published", `${STEP_LAW_TERMS.eta}; ${STEP_LAW_TERMS.Btokens}`, coef(STEP_LAW.alpha), `${coef(STEP_LAW.beta)}; ${coef(STEP_LAW.gamma)}`],
    ]),
    table("Each (N, D) group", ["N", "D", "runs", "near-opt", "best η", "fit η", "fit/best", "best B", "fit B"], b.groups.map((g) => [formatCount(g.N, 3), formatCount(g.D, 3), String(g.runs), String(g.nearOptimal), sig3(g.bestLr), sig3(g.predictedLr), sig3(g.predictedLr / g.bestLr), formatCount(g.bestBatchTokens, 3), formatCount(g.predictedBatchTokens, 3)])),
  ].join("");
  const w = width("plot-fit");
  const diag = (xs: number[]) => {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return [{ x: lo, y: lo }, { x: hi, y: hi }];
  };
  const lr = b.groups.map((g) => ({ x: g.bestLr, y: g.predictedLr }));
  const bs = b.groups.map((g) => ({ x: g.bestBatchTokens, y: g.predictedBatchTokens }));
  const st = lawStyle("fitted:lr-batch");
  $("plot-fit").innerHTML = `<figcaption><h2>Peak LR: each group's best run against the fitted law</h2></figcaption>${lineChart({
    title: "Peak LR",
    width: w,
    height: 260,
    x: { label: "best η in the group", type: "log", format: sig3, unit: "LR" },
    y: { label: "fitted η", type: "log", format: sig3, unit: "LR" },
    series: [
      { key: "y=x", label: "y = x", colour: INK.muted, dash: "4 3", points: diag(lr.flatMap((q) => [q.x, q.y])), endLabel: true },
      { key: "groups", label: "groups", colour: st.colour, line: false, dots: 3.5, points: lr },
    ],
  })}`;
  $("plot-fit-residuals").innerHTML = `<figcaption><h2>Batch: each group's best run against the fitted law (tokens)</h2></figcaption>${lineChart({
    title: "Batch",
    width: w,
    height: 260,
    x: { label: "best batch (tokens)", type: "log", format: (v) => formatCount(v, 3), unit: "tokens" },
    y: { label: "fitted batch (tokens)", type: "log", format: (v) => formatCount(v, 3), unit: "tokens" },
    series: [
      { key: "y=x", label: "y = x", colour: INK.muted, dash: "4 3", points: diag(bs.flatMap((q) => [q.x, q.y])), endLabel: true },
      { key: "groups", label: "groups", colour: st.colour, line: false, dots: 3.5, points: bs },
    ],
  })}`;
}

// ---- timescale -----------------------------------------------------------------------------------

interface TimescaleBody {
  coefficient: number;
  exponent: number;
  intervals?: { coefficient: [number, number]; exponent: [number, number] };
  groups: { N: number; D: number; TPP: number; batchTokens: number; lr: number; lambdaOpt: number; tauOpt: number; atEdge: boolean; runs: number }[];
}

function showTimescale(b: TimescaleBody): void {
  $("fit-result").innerHTML = [
    `<p class="lead">Power Lines' method (arXiv 2505.13738): λ_opt per weight-decay sweep → τ_opt = B/(η·λ_opt·D) → τ_opt = c·TPP<sup>m</sup> · <strong data-testid="fit-used">${b.groups.length} sweeps</strong></p>`,
    table("Fitted law (95% bootstrap CI)", ["", "fit", "95% CI", "Power Lines as published [unverified]"], [
      ["c", sig4(b.coefficient), ci(b.intervals?.coefficient, sig3), coef(POWER_LINES_TAU.c)],
      ["m", sig4(b.exponent), ci(b.intervals?.exponent, sig3), coef(POWER_LINES_TAU.m)],
    ]),
    table("Each sweep", ["N", "D", "TPP", "batch", "η", "λ_opt", "τ_opt", ""], b.groups.map((g) => [formatCount(g.N, 3), formatCount(g.D, 3), sig4(g.TPP), formatCount(g.batchTokens, 3), sig3(g.lr), sig3(g.lambdaOpt), sig3(g.tauOpt), g.atEdge ? "λ_opt at the edge of the sweep" : ""])),
  ].join("");
  const w = width("plot-fit");
  const tpps = b.groups.map((g) => g.TPP);
  const line = (c: number, m: number) => [Math.min(...tpps), Math.max(...tpps)].map((t) => ({ x: t, y: c * t ** m }));
  const st = lawStyle("fitted:timescale");
  const pl = lawStyle("power-lines-tau");
  $("plot-fit").innerHTML = `<figcaption><h2>τ_opt against tokens per parameter</h2></figcaption>${lineChart({
    title: "τ_opt",
    width: w,
    height: 260,
    x: { label: "tokens per parameter", type: "log", format: sig3, unit: "" },
    y: { label: "τ_opt", type: "log", format: sig3, unit: "" },
    series: [
      { key: "sweeps", label: "sweeps", colour: OKABE_ITO.black, line: false, dots: 3.5, points: b.groups.map((g) => ({ x: g.TPP, y: g.tauOpt })) },
      { law: "fitted:timescale", label: "your fit", ...st, points: line(b.coefficient, b.exponent), endLabel: true },
      { law: "power-lines-tau", label: "Power Lines", ...pl, points: line(POWER_LINES_TAU.c, POWER_LINES_TAU.m), endLabel: true },
    ],
  })}`;
  $("plot-fit-residuals").innerHTML = `<figcaption><h2>Residuals: log τ_opt − log fit</h2></figcaption>${lineChart({
    title: "Residuals",
    width: w,
    height: 200,
    x: { label: "tokens per parameter", type: "log", format: sig3, unit: "" },
    y: { label: "log residual", format: sig3, unit: "" },
    series: [{ key: "residuals", label: "residuals", colour: OKABE_ITO.black, line: false, dots: 3, points: b.groups.map((g) => ({ x: g.TPP, y: Math.log(g.tauOpt / (b.coefficient * g.TPP ** b.exponent)) })) }],
    rules: [{ axis: "y", value: 0, label: "fit", colour: INK.muted }],
  })}`;
}

// ---- wiring --------------------------------------------------------------------------------------

export function initFit(hooks: FitHooks): void {
  installMupFitter();
  $("fit-kind").addEventListener("change", () => {
    showKind();
    $("fit-result").innerHTML = "";
    for (const id of ["plot-fit", "plot-fit-residuals"]) $(id).innerHTML = "";
    $("fit-use").hidden = true;
  });
  showKind();
  $("fit-file").addEventListener("change", () => void runFit());
  $("fit-go").addEventListener("click", () => void runFit());
  $("fit-epoch").addEventListener("click", () => {
    $<HTMLInputElement>("fit-drop").value = "5";
    void runFit();
  });
  $("fit-cancel").addEventListener("click", () => {
    controller?.abort();
    setBusy(false, "cancelled");
  });
  $("fit-use").addEventListener("click", () => {
    if (lastLaws) hooks.useLaws(lastLaws);
  });
}
