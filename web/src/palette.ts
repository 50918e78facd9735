/**
 * One style per law, the same in every panel and chart, from a palette that stays distinguishable under
 * the common colour-vision deficiencies: Okabe & Ito, "Color Universal Design (CUD): how to make figures
 * and presentations that are friendly to colorblind people" (2002/2008, jfly.uni-koeln.de/color), the
 * 8-colour set also recommended by Wong, "Points of view: Color blindness", Nature Methods 8:441 (2011).
 * Okabe–Ito's yellow (#F0E442) is left out: on white it is too light for thin lines (contrast 1.2:1).
 * With more laws than colours, a dash pattern tells apart two laws of one colour (they never share a panel).
 */
export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

export interface LawStyle {
  colour: string;
  /** SVG stroke-dasharray; absent for a solid line. */
  dash?: string;
}

const O = OKABE_ITO;
/** Laws the UI draws. lmplan's own recommendation is black: it is the plan. */
const LAW_STYLES: Record<string, LawStyle> = {
  lmplan: { colour: O.black },
  "power-lines-batch": { colour: O.blue },
  "step-law": { colour: O.orange },
  deepseek: { colour: O.bluishGreen },
  porian: { colour: O.vermillion },
  "power-scheduler": { colour: O.reddishPurple },
  "fitted:lr-batch": { colour: O.skyBlue },
  // loss laws (the loss chart): never drawn beside the η/B/λ laws above
  "chinchilla-epoch": { colour: O.blue, dash: "7 3" },
  "chinchilla-hoffmann": { colour: O.vermillion, dash: "7 3" },
  "fitted:loss": { colour: O.black, dash: "2 2" },
  "data-constrained": { colour: O.bluishGreen, dash: "7 3" },
  // timescale laws (the Fit tab's τ_opt chart)
  "power-lines-tau": { colour: O.blue, dash: "2 3" },
  "fitted:timescale": { colour: O.reddishPurple, dash: "7 3" },
};

const CYCLE = [O.blue, O.orange, O.bluishGreen, O.vermillion, O.reddishPurple, O.skyBlue];

/** The style of a law id, fixed for the session: unknown ids get the next colour with a dotted line. */
export function lawStyle(id: string): LawStyle {
  let s = LAW_STYLES[id];
  if (!s) {
    const n = Object.keys(LAW_STYLES).length;
    s = { colour: CYCLE[n % CYCLE.length] as string, dash: "1 3" };
    LAW_STYLES[id] = s;
  }
  return s;
}

/** Neutral ink for marks that are not laws (schedule shapes, memory parts, reference lines). */
export const INK = { text: "#1a1a1a", muted: "#555555", grid: "#e5e7eb", axis: "#6b7280", bar: "#7a8699", reference: O.vermillion } as const;

/** Schedule shapes in the EMA chart: greys told apart by dash pattern and labelled at the line. */
export const SHAPE_STYLES: LawStyle[] = [
  { colour: "#000000" },
  { colour: "#666666", dash: "6 3" },
  { colour: "#666666", dash: "2 2" },
  { colour: "#999999", dash: "9 3 2 3" },
];
