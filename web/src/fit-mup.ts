/**
 * The Fit tab's μP fitter: a sweep manifest (what `lmplan sweep` writes, losses filled in) → each swept
 * base hyperparameter's curve through the best run, with its parabola, optimum and 95% interval, the
 * transfer verdict across widths, and "Plan with this base". The fit is the core's own (src/fit/mup.ts,
 * the same code `lmplan fit mup` runs), done here in the browser: it is a few parabolas and a bootstrap,
 * bounded by the sweep's own caps, so no server round trip is needed.
 */
import { invalid } from "../../src/errors.js";
import { MUP_COLUMNS, MUP_META_COLUMNS, mupBaseFromFit, mupRunsFromTable, type MupMeta } from "../../src/fit/mup-base.js";
import { fitMup, type AxisOptimum, type MupFitReport } from "../../src/fit/mup.js";
import { MAX_BOOTSTRAP } from "../../src/fit/random.js";
import { detectFormat, readTable } from "../../src/io/table.js";
import { findMupBase, type MupBaseInput } from "../../src/parameterization/bases.js";
import { formatCount, formatSig } from "../../src/units/format.js";
import { lineChart, type Rule } from "./chart.js";
import { $, esc } from "./dom.js";
import { INK, OKABE_ITO } from "./palette.js";

const sig3 = (v: number) => formatSig(v, 3);
const sig4 = (v: number) => formatSig(v, 4);

/** Add the μP fitter to the Fit tab's controls (the page's HTML lists the other three). */
export function installMupFitter(): void {
  const kind = $<HTMLSelectElement>("fit-kind");
  if (!kind.querySelector('option[value="mup"]')) {
    const o = document.createElement("option");
    o.value = "mup";
    o.textContent = "mup: the μP base from a proxy sweep (lmplan fit mup)";
    kind.append(o);
  }
  if (!document.querySelector('[data-fitter="mup"].explain')) {
    const p = document.createElement("p");
    p.className = "explain";
    p.dataset.fitter = "mup";
    p.hidden = true;
    p.innerHTML =
      "A μP proxy sweep — the <code>manifest.csv</code> <code>lmplan sweep</code> writes, with its loss column filled in. Each swept base hyperparameter (η_base, σ_base, m_emb, α_out, λ) gets a parabola in log space through the best run and its neighbours, jointly where the grid allows (Power Lines' procedure, arXiv 2505.13738), a 95% residual-bootstrap interval, and a flag when the best run sits at the edge of the sweep. Over several widths, the fit asks whether the optimum moves with width — under μP it should not. Runs in your browser.";
    const errors = $("fit-errors");
    errors.parentElement?.insertBefore(p, errors);
  }
}

export interface MupFitShown {
  /** The fitted-laws object "Plan with this base" hands to the planner: { mup: base }. */
  laws: Record<string, unknown>;
  seconds: number;
}

/** Fit the manifest's text and draw the result; errors go to the tab's error box (one per line). */
export function runMupFit(name: string, text: string, bootstrapText: string): MupFitShown | undefined {
  const t0 = performance.now();
  const bootstrap = bootstrapText.trim() === "" ? 400 : Number(bootstrapText);
  if (!Number.isInteger(bootstrap) || bootstrap < 0 || bootstrap > MAX_BOOTSTRAP) {
    show([invalid("bootstrap", `a whole number of resamples 0 … ${MAX_BOOTSTRAP}`, bootstrapText).expected]);
    return undefined;
  }
  const format = detectFormat(name, text);
  const table = readTable(text, format, MUP_COLUMNS);
  if (!table.ok) {
    show(table.issues.map((i) => `${i.path.join(".")}: ${i.expected}${i.received ? `, received ${i.received}` : ""}`));
    return undefined;
  }
  if (table.value.rejected.length > 0) {
    show(table.value.rejected.slice(0, 20).map((r) => `line ${r.line}: expected ${r.issue.expected}, received ${r.issue.received} (fill in the loss column from your runs)`));
    return undefined;
  }
  const metaT = readTable(text, format, MUP_META_COLUMNS);
  const byLine = new Map<number, Record<string, number>>();
  if (metaT.ok) metaT.value.rows.forEach((r, i) => byLine.set(metaT.value.lines[i] as number, r));
  const meta: MupMeta = table.value.lines.map((l) => byLine.get(l) ?? {});
  const { runs, notes } = mupRunsFromTable(table.value, meta);
  const res = fitMup(runs, { bootstrap, seed: 1 });
  if (!res.ok) {
    show(res.issues.map((i) => `${i.path.join(".")}: expected ${i.expected}, received ${i.received}`));
    return undefined;
  }
  res.value.notes.unshift(...notes);
  const b = mupBaseFromFit(res.value, runs, meta, findMupBase("btlm") as NonNullable<ReturnType<typeof findMupBase>>, name);
  if (!b.ok) {
    show(b.issues.map((i) => `${i.path.join(".")}: expected ${i.expected}, received ${i.received}`));
    return undefined;
  }
  show([]);
  draw(res.value, b.value.base, [...b.value.notes, ...b.value.issues.map((i) => `${i.path.join(".")}: ${i.expected}`)]);
  return { laws: { mup: b.value.base }, seconds: (performance.now() - t0) / 1000 };
}

function show(messages: string[]): void {
  $("fit-errors").textContent = messages.join("\n");
}

function axisRow(width: number, a: AxisOptimum): string[] {
  return [
    width === 1 ? "—" : String(width),
    a.label,
    `${sig3(a.values[0] as number)} … ${sig3(a.values[a.values.length - 1] as number)} (${a.values.length})`,
    sig4(a.best),
    sig4(a.optimum),
    a.interval ? `${sig4(a.interval[0])} … ${sig4(a.interval[1])}${a.intervalOpen ? ` (open ${a.intervalOpen})` : ""}` : "—",
    a.method,
    a.atEdge ? `at the ${a.atEdge} edge of the sweep` : (a.note ?? ""),
  ];
}

function table(title: string, head: string[], rows: string[][]): string {
  return `<table class="grid"><caption>${esc(title)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

const COLOURS = [OKABE_ITO.blue, OKABE_ITO.vermillion, OKABE_ITO.bluishGreen, OKABE_ITO.orange, OKABE_ITO.reddishPurple];

/** One chart per axis: each width's slice (dots), its parabola (line), the optimum and interval (rules). */
function axisChart(r: MupFitReport, axisIndex: number, width: number): string {
  const series = [];
  const rules: Rule[] = [];
  for (const [gi, g] of r.groups.entries()) {
    const a = g.axes[axisIndex];
    if (!a) continue;
    const colour = COLOURS[gi % COLOURS.length] as string;
    const tag = g.width === 1 ? "" : `d=${g.width} `;
    series.push({ key: `slice-${g.width}`, label: `${tag}runs`, colour, line: false, dots: 3.2, points: a.slice.map((s) => ({ x: s.x, y: s.loss })) });
    if (a.parabola) {
      const p = a.parabola;
      const xs = a.slice.map((s) => s.x);
      const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
      const pts = Array.from({ length: 41 }, (_, i) => {
        const x = lo * (hi / lo) ** (i / 40);
        const u = Math.log(x / p.center) / p.scale;
        return { x, y: p.c + p.g * u + 0.5 * p.h * u * u };
      });
      series.push({ key: `parabola-${g.width}`, label: `${tag}parabola`, colour, width: 1.5, points: pts });
    }
    rules.push({ axis: "x", value: a.optimum, label: `${tag}optimum ${sig3(a.optimum)}`, colour });
    if (a.interval) for (const v of a.interval) rules.push({ axis: "x", value: v, label: "", colour, dash: "3 3" });
  }
  const label = r.groups[0]?.axes[axisIndex]?.label ?? "";
  return `<figure data-testid="mup-axis-${esc(r.axes[axisIndex] ?? "")}"><figcaption><h2>${esc(label)} through the best run: runs, parabola, optimum and 95% interval</h2></figcaption>${lineChart({
    title: label,
    width,
    height: 240,
    x: { label, type: "log", format: sig3, unit: "" },
    y: { label: "loss (nats/token)", format: (v) => formatSig(v, 4), unit: "nats/token" },
    series,
    rules,
  })}</figure>`;
}

function draw(r: MupFitReport, base: MupBaseInput, baseNotes: string[]): void {
  const rows = r.groups.flatMap((g) => g.axes.map((a) => axisRow(g.width, a)));
  const t = base.tunedAt;
  const html = [
    `<p class="lead">Parabolas in log space around the best runs, jointly where the grid allows · <strong data-testid="fit-used">${r.numRuns} runs at ${r.groups.length} width(s)</strong>; swept ${esc(r.axes.join(", "))}</p>`,
    table("Optimum of each swept base hyperparameter", ["width", "axis", "swept", "best run", "optimum", "95% interval", "method", ""], rows),
    r.transfer && r.transfer.length > 0 ? `<ul class="transfer" data-testid="mup-transfer">${r.transfer.map((x) => `<li><strong data-verdict="${esc(x.verdict)}">${esc(x.label)}: ${esc(x.verdict)}</strong> — ${esc(x.evidence)}</li>`).join("")}</ul>` : "",
    `<p class="note" data-testid="mup-base">μP base: d_base ${base.dModelBase}${base.numLayersBase !== undefined ? `, depth ${base.numLayersBase}` : ""} · η_base ${sig4(base.lrBase)} · σ_base ${sig4(base.initStdBase)} · m_emb ${sig4(base.embeddingMultiplier)} · α_out ${sig4(base.outputLogitsAlpha)}${t?.tpp !== undefined ? ` · tuned at ${sig4(t.tpp)} tokens/param` : ""}${t?.batchTokens !== undefined ? `, batch ${formatCount(t.batchTokens, 3)} tokens` : ""}</p>`,
    [...r.notes, ...baseNotes].length > 0 ? `<ul class="notes">${[...r.notes, ...baseNotes].map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "",
    r.warnings.length > 0 ? `<ul class="warnings">${r.warnings.map((w) => `<li>${esc(w.message)}</li>`).join("")}</ul>` : "",
  ];
  $("fit-result").innerHTML = html.join("");
  const w = Math.max(300, Math.min($("plot-fit").clientWidth || 560, 720));
  $("plot-fit").innerHTML = r.axes.map((_, i) => axisChart(r, i, w)).join("");
  $("plot-fit-residuals").innerHTML = "";
  void INK;
}
