import { formatSig } from "../units/format.js";
import { POWER_LINES_BCRIT } from "./power-lines-bcrit.js";
import { coef, defineLaw } from "./types.js";

/**
 * The critical batch as a power law in data, B_crit = k · D^b, calibrated by lmplan on Zhang et al.'s
 * steps-to-target table — lmplan's default B_crit for `lmplan pareto` until you fit your own.
 *
 * What was fitted (`lmplan fit bcrit data/critical_batch/zhang2024_steps_to_target.csv`; test/bcrit.test.ts
 * re-fits the table and checks these numbers): per model size, McCandlish's S(B) = S_min(1 + B_crit/B)
 * by least squares of log S (arXiv 1812.06162 §2); D = E_min = S_min·B_crit, McCandlish's tokens at a
 * vanishing batch; then log B_crit = log k + b·log D by least squares over the five sizes (R² 0.991).
 * These are not coefficients any paper published: Zhang et al. report a different critical batch
 * (see the notes), and Power Lines' coefficient is not published [NF].
 *
 * @see Zhang et al., "How Does Critical Batch Size Scale in Pre-training?", arXiv 2410.21676; data from hlzhang109/critical-batch-size @ c5b509d8,
 *      plots/chinchilla.ipynb (the `results` table) [P]. Method: McCandlish et al., arXiv 1812.06162 §2.
 * @param D tokens to the target at a vanishing batch (E_min), the calibration's D
 * @returns Bcrit in tokens
 * @example D = 1.451e9 → 1.132e6 tokens (the 85M model's own fit: 1.1216e6)
 */
export const ZHANG_BCRIT = {
  /** k in B_crit = k·D^b (tokens, tokens). */
  coefficient: 2.497756,
  exponent: 0.6173993,
  /** E_min of the smallest (85M) and largest (1.2B) model's fit, tokens. */
  fitRangeD: [1.451e9, 2.2211e10] as const,
} as const;

export const zhangBcrit = defineLaw<{ D: number }, { Bcrit: number }>({
  id: "zhang-bcrit",
  title: "Critical batch B_crit(D), lmplan's fit of Zhang et al.'s runs",
  citation: {
    short: "Zhang et al. 2024 (data); McCandlish et al. 2018 (form)",
    arxiv: "2410.21676",
    repo: "hlzhang109/critical-batch-size @ c5b509d8, plots/chinchilla.ipynb",
    locator: "steps-to-target table (results); fitted by lmplan, not a published coefficient",
  },
  verified: false,
  formula: `B_crit = ${coef(ZHANG_BCRIT.coefficient)} · D^${coef(ZHANG_BCRIT.exponent)}   (B_crit and D = E_min = S_min·B_crit in tokens)`,
  coefficients: { coefficient: ZHANG_BCRIT.coefficient, exponent: ZHANG_BCRIT.exponent },
  notes: [
    "Calibration runs: 85M–1.2B models, 512-token sequences, targets on the C4 validation loss, constant LR after warmup with weight averaging, each size trained to its Chinchilla-optimal loss (3.42 … 2.736). B_crit in tokens is assumed to carry over to other sequence lengths and data; Zhang et al. also vary context length, not used here.",
    "N and D are collinear across these five sizes (r = 0.998): the table alone cannot tell B_crit(D) from B_crit(N); lmplan takes D following Zhang et al.'s fixed-size runs and Power Lines (arXiv 2505.13738), which find B_crit depends on D, not N.",
    `Zhang et al.'s notebook fits the same log(a + b/B) per size (a = S_min, b = S_min·B_crit in sequences) but reports cbs = b/(5a) + 1.2·256 sequences and fits cbs = 93.197 · N_M^0.46828 (N in millions) — a different critical batch, hence a smaller exponent than this law's ${formatSig(ZHANG_BCRIT.exponent, 3)}.`,
    `Power Lines' B_crit ∝ D^${coef(POWER_LINES_BCRIT.exponent)} [S] is another definition's exponent; fit your own runs with lmplan fit bcrit and pass --laws.`,
  ],
  inputs: { D: { unit: "tokens", description: "tokens to the target at a vanishing batch (McCandlish's E_min)" } },
  outputs: { Bcrit: { unit: "tokens", description: "critical batch" } },
  fitRange: { D: ZHANG_BCRIT.fitRangeD },
  fitRangeNote: "E_min of the five model sizes' fits (85M: 1.45e9 … 1.2B: 2.22e10 tokens).",
  examples: [
    // test/bcrit.test.ts re-fits the table itself; this row guards the stored coefficients.
    { id: "zhang-bcrit-85m", what: "lmplan's Zhang et al. B_crit at D = 1.451e9 (the 85M model's E_min)", input: { D: 1.451e9 }, output: "Bcrit", expected: 1.132e6, relTol: 1e-3, kind: "law", source: "2.497756 · 1.451e9^0.6173993 by hand" },
  ],
  compute: ({ D }) => ({
    // lmplan's least-squares fit of the Zhang et al. table (test/bcrit.test.ts reproduces it)
    Bcrit: ZHANG_BCRIT.coefficient * D ** ZHANG_BCRIT.exponent,
  }),
});
