/**
 * A small SVG chart writer for the UI: line/dot series, horizontal bars, labelled reference lines and
 * direct labels, on linear or log axes with readable ticks. Charts are built as strings from a bounded
 * number of points (the callers sample), so a redraw costs well under a millisecond per chart; nothing
 * here depends on the run's length.
 *
 * Every mark carries data attributes the browser test reads: a series is <g class="series" data-law=…>
 * holding its path and dots, so its colour can be compared with the legend's.
 */
import { INK, type LawStyle } from "./palette.js";

export interface Pt {
  x: number;
  y: number;
}

export interface Axis {
  /** Axis title with its unit, e.g. "tokens trained" + unit "tokens". */
  label: string;
  type?: "linear" | "log";
  /** Tick text: the shared formatter (formatCount, formatSig, formatUsd…), never toExponential. */
  format: (v: number) => string;
  /** Extend the domain to include 0 (linear axes). */
  zero?: boolean;
  /** Fixed domain; otherwise the data's extent, padded. */
  domain?: readonly [number, number];
  /** Unit of the tick values, written as data-unit on the axis for the test. */
  unit?: string;
}

export interface Series extends LawStyle {
  /** Law id (data-law) or another key (data-series). */
  law?: string;
  key?: string;
  label: string;
  points: readonly Pt[];
  width?: number;
  /** Draw dots of this radius at every point (no line when line is false). */
  dots?: number;
  line?: boolean;
  /** Hollow dots. */
  hollow?: boolean;
  /** Write the label at the line's end (few lines: direct labels instead of a legend). */
  endLabel?: boolean;
}

export interface Rule {
  axis: "x" | "y";
  value: number;
  label: string;
  colour?: string;
  dash?: string;
}

export interface Callout {
  x: number;
  y: number;
  label: string;
  colour?: string;
  r?: number;
  /** data-mark for the test. */
  mark?: string;
  above?: boolean;
}

export interface LineChart {
  title: string;
  width: number;
  height: number;
  x: Axis;
  y: Axis;
  series: readonly Series[];
  rules?: readonly Rule[];
  callouts?: readonly Callout[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const r1 = (v: number) => Math.round(v * 10) / 10;
const CHAR_W = 6.1; // px per character at the 11 px tick font, for spacing labels

// ---- ticks ---------------------------------------------------------------------------------------

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

/** Ticks at 1, 2 or 5 × 10^k steps, about `count` of them, inside [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep((hi - lo) / count);
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Ticks on a log axis: decades (thinned to ≤ `max`), or 1–2–5 within a decade or two, or linear steps within a narrow range. */
export function logTicks(lo: number, hi: number, max = 6): number[] {
  if (!(hi > lo && lo > 0)) return [lo];
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let e = e0; e <= e1; e++) if (inside(10 ** e)) decades.push(Number((10 ** e).toPrecision(12)));
  if (decades.length >= 3) {
    const k = Math.ceil(decades.length / max);
    return decades.filter((_, i) => i % k === 0);
  }
  for (const ms of [[1, 2, 5], [1, 2, 3, 5], [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const t: number[] = [];
    for (let e = e0; e <= e1; e++) for (const m of ms) if (inside(m * 10 ** e)) t.push(Number((m * 10 ** e).toPrecision(12)));
    if (t.length >= 3) return t.length > max + 2 ? t.filter((_, i) => i % Math.ceil(t.length / max) === 0) : t;
  }
  return linearTicks(lo, hi, 4).filter((v) => v > 0);
}

function extent(values: number[], axis: Axis): [number, number] {
  if (axis.domain) return [axis.domain[0], axis.domain[1]];
  const log = axis.type === "log";
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi >= lo)) return log ? [1, 10] : [0, 1];
  if (log) {
    if (hi === lo) return [lo / 2, hi * 2];
    const pad = (hi / lo) ** 0.04;
    return [lo / pad, hi * pad];
  }
  if (axis.zero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (hi === lo) return [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
  const step = niceStep((hi - lo) / 5);
  // extend to whole ticks, but never past zero for data that starts at zero
  return [lo === 0 ? 0 : Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

function scale(axis: Axis, [d0, d1]: [number, number], [r0, r1]: [number, number]): (v: number) => number {
  if (axis.type === "log") {
    const l0 = Math.log(d0);
    const k = (r1 - r0) / (Math.log(d1) - l0);
    return (v) => r0 + (Math.log(v) - l0) * k;
  }
  const k = (r1 - r0) / (d1 - d0 || 1);
  return (v) => r0 + (v - d0) * k;
}

function ticksFor(axis: Axis, d: [number, number], pixels: number, horizontal: boolean): { v: number; text: string }[] {
  const max = horizontal ? Math.max(2, Math.floor(pixels / 70)) : Math.max(2, Math.floor(pixels / 38));
  let vs = axis.type === "log" ? logTicks(d[0], d[1], max) : linearTicks(d[0], d[1], Math.min(5, max));
  let out = vs.map((v) => ({ v, text: axis.format(v) }));
  // thin horizontal ticks until their texts do not collide, and drop repeated texts
  if (horizontal) {
    for (let k = 1; k < 6; k++) {
      const widest = Math.max(...out.map((t) => t.text.length)) * CHAR_W + 8;
      if ((out.length - 1) * widest <= pixels) break;
      vs = vs.filter((_, i) => i % 2 === 0);
      out = vs.map((v) => ({ v, text: axis.format(v) }));
    }
  }
  const seen = new Set<string>();
  return out.filter((t) => (seen.has(t.text) ? false : (seen.add(t.text), true)));
}

// ---- drawing -------------------------------------------------------------------------------------

function pathOf(pts: readonly Pt[], sx: (v: number) => number, sy: (v: number) => number, logX: boolean, logY: boolean): string {
  let d = "";
  let pen = false;
  for (const p of pts) {
    const ok = Number.isFinite(p.x) && Number.isFinite(p.y) && (!logX || p.x > 0) && (!logY || p.y > 0);
    if (!ok) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${r1(sx(p.x))},${r1(sy(p.y))}`;
    pen = true;
  }
  return d;
}

/** Spread labels that would overlap vertically (≥ gap px apart), keeping them inside [top, bottom]. */
function spread(items: { y: number }[], gap: number, top: number, bottom: number): void {
  items.sort((a, b) => a.y - b.y);
  for (let i = 1; i < items.length; i++) {
    const prev = items[i - 1] as { y: number };
    const cur = items[i] as { y: number };
    if (cur.y - prev.y < gap) cur.y = prev.y + gap;
  }
  const last = items[items.length - 1];
  if (last && last.y > bottom) {
    last.y = bottom;
    for (let i = items.length - 2; i >= 0; i--) {
      const next = items[i + 1] as { y: number };
      const cur = items[i] as { y: number };
      if (next.y - cur.y < gap) cur.y = next.y - gap;
    }
  }
  for (const it of items) it.y = Math.max(top, it.y);
}

function axisBlock(o: { axis: Axis; ticks: { v: number; text: string }[]; s: (v: number) => number; horizontal: boolean; left: number; right: number; top: number; bottom: number; width: number }): string {
  const { axis, ticks, s, horizontal, left, right, top, bottom } = o;
  let g = `<g class="axis axis-${horizontal ? "x" : "y"}" data-unit="${esc(axis.unit ?? "")}" font-size="11" fill="${INK.muted}">`;
  for (const t of ticks) {
    const p = r1(s(t.v));
    if (horizontal) {
      g += `<line x1="${p}" x2="${p}" y1="${top}" y2="${bottom}" stroke="${INK.grid}"/><line x1="${p}" x2="${p}" y1="${bottom}" y2="${bottom + 4}" stroke="${INK.axis}"/><text class="tick" x="${p}" y="${bottom + 15}" text-anchor="middle">${esc(t.text)}</text>`;
    } else {
      g += `<line x1="${left}" x2="${right}" y1="${p}" y2="${p}" stroke="${INK.grid}"/><line x1="${left - 4}" x2="${left}" y1="${p}" y2="${p}" stroke="${INK.axis}"/><text class="tick" x="${left - 6}" y="${p + 4}" text-anchor="end">${esc(t.text)}</text>`;
    }
  }
  if (horizontal) {
    g += `<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="${INK.axis}"/>`;
    g += `<text class="axis-label" x="${r1((left + right) / 2)}" y="${bottom + 31}" text-anchor="middle" fill="${INK.text}">${esc(axis.label)}</text>`;
  } else {
    g += `<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="${INK.axis}"/>`;
    g += `<text class="axis-label" x="${left}" y="${top - 8}" text-anchor="start" fill="${INK.text}">${esc(axis.label)}</text>`;
  }
  return `${g}</g>`;
}

/** A line/dot chart as an SVG string. */
export function lineChart(c: LineChart): string {
  const { width, height } = c;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of c.series) for (const p of s.points) (xs.push(p.x), ys.push(p.y));
  for (const r of c.rules ?? []) (r.axis === "x" ? xs : ys).push(r.value);
  for (const m of c.callouts ?? []) (xs.push(m.x), ys.push(m.y));
  const dx = extent(xs, c.x);
  const dy = extent(ys, c.y);
  // the y ticks' width sets the left margin; end labels set the right one
  const yTicksProbe = ticksFor(c.y, dy, height - 60, false);
  const left = Math.max(36, Math.max(...yTicksProbe.map((t) => t.text.length)) * CHAR_W + 12);
  const endLabels = c.series.filter((s) => s.endLabel && s.points.length > 0);
  const labelChars = Math.max(0, ...endLabels.map((s) => s.label.length));
  const right = width - Math.min(Math.max(14, labelChars * CHAR_W + 16), width * 0.36);
  const top = 24;
  const bottom = height - 38;
  const sx = scale(c.x, dx, [left, right]);
  const sy = scale(c.y, dy, [bottom, top]);
  const logX = c.x.type === "log";
  const logY = c.y.type === "log";
  const xt = ticksFor(c.x, dx, right - left, true);
  const yt = ticksFor(c.y, dy, bottom - top, false);
  let body = axisBlock({ axis: c.x, ticks: xt, s: sx, horizontal: true, left, right, top, bottom, width });
  body += axisBlock({ axis: c.y, ticks: yt, s: sy, horizontal: false, left, right, top, bottom, width });
  for (const r of c.rules ?? []) {
    const colour = r.colour ?? INK.reference;
    const dash = r.dash ?? "5 3";
    if (r.axis === "x") {
      const p = r1(sx(r.value));
      body += `<g class="rule" data-rule="${esc(r.label)}"><line x1="${p}" x2="${p}" y1="${top}" y2="${bottom}" stroke="${colour}" stroke-dasharray="${dash}"/><text x="${p + 4}" y="${top + 10}" font-size="11" fill="${colour}">${esc(r.label)}</text></g>`;
    } else {
      const p = r1(sy(r.value));
      body += `<g class="rule" data-rule="${esc(r.label)}"><line x1="${left}" x2="${right}" y1="${p}" y2="${p}" stroke="${colour}" stroke-dasharray="${dash}"/><text x="${right - 4}" y="${p - 4}" font-size="11" text-anchor="end" fill="${colour}">${esc(r.label)}</text></g>`;
    }
  }
  const labels: { y: number; x: number; text: string; colour: string }[] = [];
  for (const s of c.series) {
    const attr = s.law !== undefined ? `data-law="${esc(s.law)}"` : `data-series="${esc(s.key ?? s.label)}"`;
    let g = `<g class="series" ${attr} data-colour="${s.colour}">`;
    if (s.line !== false) g += `<path d="${pathOf(s.points, sx, sy, logX, logY)}" fill="none" stroke="${s.colour}" stroke-width="${s.width ?? 1.75}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""} stroke-linejoin="round"/>`;
    if (s.dots) {
      for (const p of s.points) {
        if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || (logX && p.x <= 0) || (logY && p.y <= 0)) continue;
        g += s.hollow
          ? `<circle cx="${r1(sx(p.x))}" cy="${r1(sy(p.y))}" r="${s.dots}" fill="none" stroke="${s.colour}"/>`
          : `<circle cx="${r1(sx(p.x))}" cy="${r1(sy(p.y))}" r="${s.dots}" fill="${s.colour}"/>`;
      }
    }
    body += `${g}</g>`;
    if (s.endLabel) {
      const last = [...s.points].reverse().find((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!logY || p.y > 0));
      if (last) labels.push({ x: sx(last.x), y: sy(last.y), text: s.label, colour: s.colour });
    }
  }
  if (labels.length > 0) {
    spread(labels, 12, top, bottom);
    const room = Math.max(2, Math.floor((width - right - 8) / CHAR_W));
    for (const l of labels) body += `<text class="end-label" x="${r1(right + 5)}" y="${r1(l.y + 4)}" font-size="11" fill="${l.colour}">${esc(l.text.length > room ? `${l.text.slice(0, room - 1)}…` : l.text)}</text>`;
  }
  for (const m of c.callouts ?? []) {
    const x = r1(sx(m.x));
    const y = r1(sy(m.y));
    const colour = m.colour ?? INK.text;
    const anchor = x > (left + right) / 2 ? "end" : "start";
    const tx = anchor === "end" ? x - 7 : x + 7;
    body += `<g class="callout"${m.mark ? ` data-mark="${esc(m.mark)}"` : ""}><circle cx="${x}" cy="${y}" r="${m.r ?? 4}" fill="${colour}" stroke="#fff"/><text x="${tx}" y="${m.above === false ? y + 14 : y - 7}" font-size="11" text-anchor="${anchor}" fill="${colour}">${esc(m.label)}</text></g>`;
  }
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(c.title)}" font-family="system-ui, sans-serif">${body}</svg>`;
}

export interface BarRow {
  label: string;
  value: number;
  /** The value as the CLI writes it, printed at the bar's end. */
  text: string;
  colour?: string;
}

/** Horizontal bars (memory by component) with labelled reference lines. */
export function barChart(c: { title: string; width: number; x: Axis; rows: readonly BarRow[]; rules?: readonly Rule[] }): string {
  const rowH = 22;
  const top = 24;
  const height = top + c.rows.length * rowH + 44;
  const bottom = top + c.rows.length * rowH;
  const left = Math.min(120, Math.max(...c.rows.map((r) => r.label.length)) * CHAR_W + 12);
  const right = c.width - 64;
  const xs = [...c.rows.map((r) => r.value), ...(c.rules ?? []).map((r) => r.value)];
  const dx = extent(xs, { ...c.x, zero: true });
  const sx = scale(c.x, dx, [left, right]);
  const xt = ticksFor(c.x, dx, right - left, true);
  let body = axisBlock({ axis: c.x, ticks: xt, s: sx, horizontal: true, left, right, top, bottom, width: c.width });
  c.rows.forEach((r, i) => {
    const y = top + i * rowH;
    const w = Math.max(0, sx(r.value) - sx(0));
    body += `<g class="bar" data-bar="${esc(r.label)}"><text x="${left - 6}" y="${y + 15}" font-size="11" text-anchor="end" fill="${INK.text}">${esc(r.label)}</text><rect x="${left}" y="${y + 4}" width="${r1(w)}" height="${rowH - 8}" fill="${r.colour ?? INK.bar}"/><text x="${r1(left + w + 4)}" y="${y + 15}" font-size="11" fill="${INK.text}">${esc(r.text)}</text></g>`;
  });
  for (const r of c.rules ?? []) {
    const p = r1(sx(r.value));
    const colour = r.colour ?? INK.reference;
    const anchor = p > (left + right) / 2 ? "end" : "start";
    body += `<g class="rule" data-rule="${esc(r.label)}"><line x1="${p}" x2="${p}" y1="${top - 6}" y2="${bottom}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="${r.dash ?? "5 3"}"/><text x="${anchor === "end" ? p - 4 : p + 4}" y="${top - 10}" font-size="11" text-anchor="${anchor}" fill="${colour}">${esc(r.label)}</text></g>`;
  }
  return `<svg class="chart" viewBox="0 0 ${c.width} ${height}" width="${c.width}" height="${height}" role="img" aria-label="${esc(c.title)}" font-family="system-ui, sans-serif">${body}</svg>`;
}

/** A legend as HTML: one entry per law or series, its swatch drawn with the same stroke as the marks. */
export function legend(entries: readonly (LawStyle & { law?: string; key?: string; label: string; dot?: "filled" | "hollow" })[]): string {
  return `<ul class="legend">${entries
    .map((e) => {
      const attr = e.law !== undefined ? `data-law="${esc(e.law)}"` : `data-series="${esc(e.key ?? e.label)}"`;
      const mark = e.dot
        ? `<circle cx="11" cy="5" r="3.5" ${e.dot === "hollow" ? `fill="none" stroke="${e.colour}"` : `fill="${e.colour}"`}/>`
        : `<line x1="1" x2="21" y1="5" y2="5" stroke="${e.colour}" stroke-width="2.5"${e.dash ? ` stroke-dasharray="${e.dash}"` : ""}/>`;
      return `<li ${attr}><svg width="22" height="10" aria-hidden="true">${mark}</svg>${esc(e.label)}</li>`;
    })
    .join("")}</ul>`;
}
