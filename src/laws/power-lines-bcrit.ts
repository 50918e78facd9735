import { coef, defineLaw } from "./types.js";

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
// Power Lines B_crit exponent [S]; its coefficient is not published [NF]
export const POWER_LINES_BCRIT = { exponent: 0.462 } as const;

/** "D^0.462": the scaling as messages name it. */
export const POWER_LINES_BCRIT_TERM = `D^${coef(POWER_LINES_BCRIT.exponent)}`;

export const powerLinesBcrit = defineLaw<{ D: number; Dref: number; BcritRef: number }, { Bcrit: number }>({
  id: "power-lines-bcrit",
  title: `Power Lines critical batch scaling B_crit ∝ ${POWER_LINES_BCRIT_TERM} (relative)`,
  citation: { short: "Bergsma et al. 2025, Power Lines", arxiv: "2505.13738", locator: "B_crit exponent [S]; coefficient not found" },
  verified: false,
  formula: `B_crit(D) = B_crit(D_ref) · (D / D_ref)^${coef(POWER_LINES_BCRIT.exponent)}`,
  coefficients: POWER_LINES_BCRIT,
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
  examples: [
    // The law is relative: at D = D_ref it returns the calibration; 10× the data gives 10^0.462 = 2.8973 × B_crit,ref.
    { id: "power-lines-bcrit-10x", what: "Power Lines B_crit at 10× the calibration run's tokens", input: { D: 1e11, Dref: 1e10, BcritRef: 1e6 }, output: "Bcrit", expected: 2.8973e6, relTol: 1e-4, kind: "law", source: "10^0.462 = 2.8973 by hand" },
  ],
  compute: ({ D, Dref, BcritRef }) => ({ Bcrit: BcritRef * (D / Dref) ** POWER_LINES_BCRIT.exponent }),
});
