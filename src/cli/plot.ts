/**
 * SVG figures for `lmplan fit … --plot`, drawn with Observable Plot on a linkedom document (no browser).
 * Both libraries load only when a plot is asked for, so the CLI's start-up does not pay for them.
 * Each figure stacks two panels: the fit against the data, and the residuals.
 */
export type Row = Record<string, number | string>;

export interface Panel {
  title: string;
  x: { label: string; log?: boolean; format?: string };
  y: { label: string; log?: boolean };
  dots?: { data: Row[]; x: string; y: string; stroke?: string; r?: number };
  /** Extra small dots (e.g. the fit at each run), drawn in the accent colour. */
  marks?: { data: Row[]; x: string; y: string };
  lines?: { data: Row[]; x: string; y: string; z?: string; stroke?: string; dash?: boolean }[];
  rule?: number;
  /** Category names coloured by a field (dots.stroke / lines.z): same colour in every panel, with a legend. */
  series?: string[];
}

// Tableau 10, the default categorical scheme of Observable Plot (d3-scale-chromatic schemeTableau10)
const PALETTE = ["#4e79a7", "#f28e2c", "#e15759", "#76b7b2", "#59a14f", "#edc949", "#af7aa1", "#ff9da7", "#9c755f", "#bab0ab"];

export async function renderFigure(panels: Panel[]): Promise<string> {
  const Plot = await import("@observablehq/plot");
  const { parseHTML } = await import("linkedom");
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const width = 720;
  const height = 340;
  const legendHeight = (p: Panel) => (p.series ? 16 * Math.ceil(p.series.length / 3) : 0);
  let top = 0;
  const parts = panels.map((p) => {
    const marks: unknown[] = [];
    if (p.rule !== undefined) marks.push(Plot.ruleY([p.rule], { stroke: "#999" }));
    for (const l of p.lines ?? []) {
      marks.push(Plot.line(l.data, { x: l.x, y: l.y, ...(l.z ? { z: l.z, stroke: l.z } : { stroke: l.stroke ?? "#d62728" }), strokeWidth: 1.5, ...(l.dash ? { strokeDasharray: "4,3" } : {}) }));
    }
    if (p.dots) marks.push(Plot.dot(p.dots.data, { x: p.dots.x, y: p.dots.y, r: p.dots.r ?? 2, ...(p.dots.stroke ? { stroke: p.dots.stroke } : {}) }));
    if (p.marks) marks.push(Plot.dot(p.marks.data, { x: p.marks.x, y: p.marks.y, r: 1.2, fill: "#d62728", stroke: "none" }));
    const svg = Plot.plot({
      document: document as unknown as Document,
      width,
      height,
      marginLeft: 60,
      color: p.series ? { domain: p.series, range: PALETTE } : { legend: false },
      x: { type: p.x.log ? "log" : "linear", label: p.x.label, grid: true, ...(p.x.format ? { tickFormat: p.x.format } : {}) },
      y: { type: p.y.log ? "log" : "linear", label: p.y.label, grid: true },
      marks: marks as never,
    }) as unknown as { outerHTML: string };
    const y0 = top;
    const legend = (p.series ?? [])
      .map((name, k) => `<text x="${10 + (k % 3) * 235}" y="${y0 + 34 + 16 * Math.floor(k / 3)}" font-family="system-ui, sans-serif" font-size="11" fill="${PALETTE[k % PALETTE.length]}">● ${escapeXml(name)}</text>`)
      .join("");
    const inner = svg.outerHTML.replace(/^<svg/, `<svg x="0" y="${y0 + 24 + legendHeight(p)}"`);
    top += height + 30 + legendHeight(p);
    return `<text x="10" y="${y0 + 16}" font-family="system-ui, sans-serif" font-size="13" font-weight="bold">${escapeXml(p.title)}</text>${legend}${inner}`;
  });
  const total = top + 10;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" style="background:white">${parts.join("")}</svg>\n`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c] as string);
}
