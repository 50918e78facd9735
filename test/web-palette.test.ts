// The UI's law colours stay apart for the common colour-vision deficiencies: each pair of laws drawn in
// one panel, simulated for protanopia, deuteranopia and tritanopia at full severity (Machado, Oliveira
// & Fernandes, "A physiologically-based model for simulation of color vision deficiency", IEEE TVCG
// 15(6), 2009, Table 1 at severity 1.0, applied to linear sRGB), differs by ΔE*ab ≥ 15 in CIELAB (D65).
// Okabe–Ito's palette (web/src/palette.ts) gives 16.1 at the closest (tritan: bluish green vs sky blue).
import { describe, expect, it } from "vitest";
import { lawStyle, OKABE_ITO } from "../web/src/palette.js";

const MACHADO: Record<string, number[][]> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
  "normal vision": [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
};

const toLinear = (c: number) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};

/** sRGB hex → CIELAB (D65) after the simulation matrix. */
function lab(hex: string, m: number[][]): [number, number, number] {
  const rgb = [1, 3, 5].map((i) => toLinear(parseInt(hex.slice(i, i + 2), 16)));
  const [r, g, b] = m.map((row) => Math.min(1, Math.max(0, (row[0] as number) * (rgb[0] as number) + (row[1] as number) * (rgb[1] as number) + (row[2] as number) * (rgb[2] as number)))) as [number, number, number];
  const X = 0.4124 * r + 0.3576 * g + 0.1805 * b;
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const Z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const [fx, fy, fz] = [f(X / 0.95047), f(Y), f(Z / 1.08883)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

// the laws the η/B/λ panels draw together (plan.alternatives, with a fitted lr-batch law)
const PANEL_LAWS = ["lmplan", "power-lines-batch", "step-law", "deepseek", "porian", "power-scheduler", "fitted:lr-batch"];

describe("law colours (web/src/palette.ts)", () => {
  it("are Okabe–Ito colours, one per law in a panel", () => {
    const colours = PANEL_LAWS.map((l) => lawStyle(l).colour);
    for (const c of colours) expect(Object.values(OKABE_ITO)).toContain(c);
    expect(new Set(colours).size).toBe(PANEL_LAWS.length);
  });
  it.each(Object.keys(MACHADO))("stay ΔE*ab ≥ 15 apart under %s", (kind) => {
    const m = MACHADO[kind] as number[][];
    let closest = { d: Infinity, pair: "" };
    for (let i = 0; i < PANEL_LAWS.length; i++) {
      for (let j = i + 1; j < PANEL_LAWS.length; j++) {
        const a = lab(lawStyle(PANEL_LAWS[i] as string).colour, m);
        const b = lab(lawStyle(PANEL_LAWS[j] as string).colour, m);
        const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        if (d < closest.d) closest = { d, pair: `${PANEL_LAWS[i]} / ${PANEL_LAWS[j]}` };
      }
    }
    console.log(`${kind}: closest pair ${closest.pair}, ΔE*ab ${closest.d.toFixed(1)}`);
    expect(closest.d).toBeGreaterThanOrEqual(15);
  });
});
