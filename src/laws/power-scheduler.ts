import { coef, defineLaw } from "./types.js";

/**
 * IBM's Power Scheduler: the optimal LR falls as a power of tokens seen, proportional to batch size,
 * so one schedule serves any token budget.
 *
 * @see Shen et al., "Power Scheduler: A Batch Size and Token Number Agnostic Learning Rate Scheduler",
 *      arXiv 2408.13359, Eq. 5 (γ = 4.6·T^−0.51) and §4 (chosen a = 4, b = −0.51, η_max = 0.02) [P].
 * @param batchSeqs β, batch in sequences of 4096; T tokens
 * @returns eta = min(η_max, β·a·T^b)
 * @example β 1024, T 1e13, a 4.6 (Eq. 5) → 1.104e-3 (the paper's worked example: 0.0011); a 4 → 9.60e-4
 */
// Power Scheduler §4: the amplitude, exponent and cap the paper trains with (β in sequences of 4096)
export const POWER_SCHEDULER_CHOSEN = { a: 4, b: -0.51, etaMax: 0.02, seqLen: 4096 } as const;
// Power Scheduler Eq. 5: the fitted amplitude before the paper rounds it to 4
export const POWER_SCHEDULER_EQ5 = { a: 4.6, b: -0.51 } as const;

/** "min(0.02, β·4·n^−0.51)": the chosen schedule as the planner prints it. */
export const POWER_SCHEDULER_TERM = `min(${coef(POWER_SCHEDULER_CHOSEN.etaMax)}, β·${coef(POWER_SCHEDULER_CHOSEN.a)}·n^${coef(POWER_SCHEDULER_CHOSEN.b)})`;

export const powerScheduler = defineLaw<{ batchSeqs: number; T: number; a: number }, { eta: number; etaUncapped: number }>({
  id: "power-scheduler",
  title: "Power Scheduler η(T) = β·a·T^b",
  citation: { short: "Shen et al. 2024 (IBM Power Scheduler)", arxiv: "2408.13359", locator: "Eq. 5; §4 chosen a = 4, b = −0.51, η_max = 0.02" },
  verified: true,
  formula: `η_power(n) = min(η_max, β · a · n^b),  β = batch in sequences of ${POWER_SCHEDULER_CHOSEN.seqLen}, n = tokens seen; chosen a = ${coef(POWER_SCHEDULER_CHOSEN.a)}, b = ${coef(POWER_SCHEDULER_CHOSEN.b)}, η_max = ${coef(POWER_SCHEDULER_CHOSEN.etaMax)}`,
  coefficients: { a: POWER_SCHEDULER_CHOSEN.a, b: POWER_SCHEDULER_CHOSEN.b, etaMax: POWER_SCHEDULER_CHOSEN.etaMax, aEq5: POWER_SCHEDULER_EQ5.a },
  notes: [`Eq. 5 fit gives a = ${coef(POWER_SCHEDULER_EQ5.a)}; the paper then chooses a = ${coef(POWER_SCHEDULER_CHOSEN.a)} for training. η_max = ${coef(POWER_SCHEDULER_CHOSEN.etaMax)}.`],
  inputs: {
    batchSeqs: { unit: "sequences of 4096", description: "global batch β" },
    T: { unit: "tokens", description: "tokens seen (or the total budget for η_opt)" },
    a: { unit: "", description: "amplitude: 4.6 (Eq. 5 fit) or 4 (chosen)" },
  },
  outputs: {
    eta: { unit: "learning rate", description: "min(η_max, β·a·T^b)" },
    etaUncapped: { unit: "learning rate", description: "β·a·T^b" },
  },
  fitRange: {},
  fitRangeNote: "Fit range not recorded in the sources lmplan read (docs/science.md); lmplan cannot check extrapolation.",
  examples: [
    {
      id: "power-scheduler-eq5",
      what: "Power Scheduler η_opt, β 1024, T 1e13, a 4.6 (Eq. 5)",
      input: { batchSeqs: 1024, T: 1e13, a: POWER_SCHEDULER_EQ5.a },
      output: "eta",
      expected: 0.0011,
      relTol: 5e-3,
      kind: "published",
      source: "Power Scheduler arXiv 2408.13359, the paper's worked example",
      tolerance: "the paper prints 0.0011 (two figures); the formula gives 1.104e-3, 0.4% above",
    },
    { id: "power-scheduler-a4", what: "Power Scheduler η, β 1024, T 1e13, a 4 (chosen)", input: { batchSeqs: 1024, T: 1e13, a: POWER_SCHEDULER_CHOSEN.a }, output: "eta", expected: 9.6e-4, relTol: 5e-4, kind: "law", source: "docs/science.md (§4's chosen a = 4, evaluated by hand)" },
  ],
  compute: ({ batchSeqs, T, a }) => {
    // Power Scheduler Eq. 5 form: η = β·a·T^b, b = −0.51, capped at η_max = 0.02
    const etaUncapped = batchSeqs * a * T ** POWER_SCHEDULER_CHOSEN.b;
    return { eta: Math.min(POWER_SCHEDULER_CHOSEN.etaMax, etaUncapped), etaUncapped };
  },
});
