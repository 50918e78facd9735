import { defineLaw } from "./types.js";

/**
 * Critical batch size scaling with data, used relatively: its coefficient was not published [NF],
 * so lmplan scales a B_crit the user calibrated on their own runs (D_ref, B_crit,ref) — it never
 * invents one.
 *
 * @see Bergsma et al., "Power Lines", arXiv 2505.13738: B_crit ∝ D^0.462 [S] (0.47 is probably
 *      Zhang et al.'s exponent, arXiv 2410.21676). Definition: McCandlish et al. (arXiv 1812.06162),
 *      B_crit = D_min/S_min.
 * @param D tokens; Dref tokens of the calibration run; BcritRef its critical batch in tokens
 * @returns Bcrit tokens
 */
export const powerLinesBcrit = defineLaw<{ D: number; Dref: number; BcritRef: number }, { Bcrit: number }>({
  id: "power-lines-bcrit",
  title: "Power Lines critical batch scaling B_crit ∝ D^0.462 (relative)",
  citation: { short: "Bergsma et al. 2025, Power Lines", arxiv: "2505.13738", locator: "B_crit exponent [S]; coefficient not found" },
  verified: false,
  formula: "B_crit(D) = B_crit(D_ref) · (D / D_ref)^0.462",
  notes: [
    "Coefficient not published [NF]: calibrate B_crit on your own runs, or state it as an assumption.",
    "B_crit = D_min / S_min (McCandlish): the batch at which 2·D_min tokens and 2·S_min steps are needed.",
  ],
  inputs: {
    D: { unit: "tokens", description: "training tokens of the planned run" },
    Dref: { unit: "tokens", description: "training tokens of the calibration run" },
    BcritRef: { unit: "tokens", description: "critical batch measured on the calibration run" },
  },
  outputs: { Bcrit: { unit: "tokens", description: "critical batch of the planned run" } },
  fitRange: {},
  fitRangeNote: "Same runs as Power Lines B_opt (N 111M–3.3B) [S].",
  compute: ({ D, Dref, BcritRef }) => ({
    // Power Lines B_crit exponent [S]
    Bcrit: BcritRef * (D / Dref) ** 0.462,
  }),
});
