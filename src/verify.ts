/**
 * What `lmplan verify` checks: computed / expected / tolerance / source, in two kinds.
 *
 * - "published": the expected number is printed by the source itself (a worked example, a released
 *   run's setting, the authors' own output). A pass says lmplan agrees with the source.
 * - "law": the expected number is an independent evaluation of the same formula (by hand, or in a
 *   secondary source). A pass says the coefficients and arithmetic were typed in right — not that the
 *   law is right.
 *
 * Each law's rows live in its own file (`examples`); this file adds the rows that are not one law's:
 * μP and CompleteP multipliers, the AdamW timescale identity, FLOPs and MFU. test/golden.test.ts
 * asserts every row; docs/science.md lists the sources.
 */
import { mfuFromThroughput } from "./hardware/time.js";
import { EPOCH_PARAMS } from "./laws/chinchilla-epoch.js";
import { computeOptimal } from "./laws/chinchilla-form.js";
import { LAWS } from "./laws/index.js";
import type { AnyLaw, LawExample } from "./laws/types.js";
import { flopsPerToken } from "./model/flops.js";
import { findPreset } from "./model/presets.js";
import { findMupBase } from "./parameterization/bases.js";
import { completeP, mup } from "./parameterization/mup.js";
import { adamwTimescale, weightDecayForTimescale } from "./schedules/ema.js";

export interface Golden {
  id: string;
  what: string;
  computed: () => number;
  /** The number compared with: printed by the source ("published") or an independent evaluation ("law"). */
  published: number;
  /** Relative tolerance |computed/published − 1|. */
  relTol: number;
  kind: "published" | "law";
  source: string;
  /** Why the tolerance is this wide, where it is wider than the expected value's printed digits. */
  tolerance?: string;
  /** The law whose example this row is, if any. */
  law?: string;
}

/** A law's example as a verify row. */
export function exampleRow(law: AnyLaw, ex: LawExample): Golden {
  return {
    id: ex.id,
    what: ex.what,
    computed: () => law.evaluate(ex.input).value[ex.output] as number,
    published: ex.expected,
    relTol: ex.relTol,
    kind: ex.kind,
    source: ex.source,
    ...(ex.tolerance !== undefined ? { tolerance: ex.tolerance } : {}),
    law: law.id,
  };
}

const preset = (id: string) => {
  const p = findPreset(id);
  if (!p) throw new Error(`missing preset ${id}`);
  return p;
};
const base = (id: string) => {
  const b = findMupBase(id);
  if (!b) throw new Error(`missing μP base ${id}`);
  return b;
};
const cgpt111 = () => mup(base("cerebras-gpt"), { dModel: 768, numLayers: 10, numHeads: 12 });
const btlm = () => mup(base("btlm"), { dModel: 2560, numLayers: 32, numHeads: 32 });
// CompleteP golden: m_N = 4, m_L = 8 from a 256-wide, 24-deep base → 1024 wide, 192 deep.
const cp = () => completeP({ ...base("cerebras-gpt"), numLayersBase: 24 }, { dModel: 1024, numLayers: 192, numHeads: 8 });
const cgptSource = "Cerebras/modelzoo @ 244523ac convert_config_to_mup.py, the rule at Cerebras-GPT 111M's shape";
const btlmSource = "BTLM arXiv 2309.11568; modelzoo btlm configs, the rule at BTLM-3B's shape";
const completePSource = "CompleteP arXiv 2505.01618 Table 1, the rules at m_N 4, m_L 8";
const llama8b = () => flopsPerToken(preset("llama-3.1-8b").model, 8192).total;

/** Rows that are not one law's: parameterization rules, the timescale identity, FLOPs and MFU. */
const OTHER_ROWS: readonly Golden[] = [
  { id: "tau-610m", what: "τ for 610M, TPP 20, B 252×2048, λ 0.1, η 0.016/8", computed: () => adamwTimescale(252 * 2048, 0.016 / 8, 0.1, 12.2e9), published: 0.2115, relTol: 5e-4, kind: "law", source: "τ = B/(ηλD), Power Lines abstract; evaluated by hand (docs/science.md)" },
  { id: "lambda-610m", what: "λ that gives τ = 0.2115 for the same run (the inverse)", computed: () => weightDecayForTimescale(252 * 2048, 0.002, 0.2115, 12.2e9), published: 0.1, relTol: 5e-4, kind: "law", source: "λ = B/(η·τ·D), Power Lines" },
  { id: "mup-111m-hidden-std", what: "Cerebras-GPT 111M μP hidden init std", computed: () => cgpt111().hidden.initStd ?? NaN, published: 0.046188021535170064, relTol: 1e-15, kind: "law", source: cgptSource },
  { id: "mup-111m-out-std", what: "Cerebras-GPT 111M μP output-projection init std", computed: () => cgpt111().outProjection.initStd ?? NaN, published: 0.010327955589886445, relTol: 1e-15, kind: "law", source: cgptSource },
  { id: "mup-111m-logits", what: "Cerebras-GPT 111M μP output logits scale", computed: () => cgpt111().outputLogitsScale, published: 1 / 3, relTol: 1e-15, kind: "law", source: cgptSource },
  { id: "mup-111m-lr", what: "Cerebras-GPT 111M μP hidden LR", computed: () => cgpt111().hidden.lr, published: 2e-3, relTol: 1e-15, kind: "law", source: cgptSource },
  { id: "mup-btlm-hidden-std", what: "BTLM μP hidden init std", computed: () => btlm().hidden.initStd ?? NaN, published: 0.023084626919229165, relTol: 1e-15, kind: "law", source: btlmSource },
  { id: "mup-btlm-out-std", what: "BTLM μP output-projection init std", computed: () => btlm().outProjection.initStd ?? NaN, published: 0.0028855783649036457, relTol: 1e-15, kind: "law", source: btlmSource },
  { id: "mup-btlm-logits", what: "BTLM μP output logits scale", computed: () => btlm().outputLogitsScale, published: 0.222, relTol: 1e-12, kind: "law", source: btlmSource },
  { id: "mup-btlm-lr", what: "BTLM μP hidden LR", computed: () => btlm().hidden.lr, published: 1.2e-3, relTol: 1e-12, kind: "law", source: btlmSource },
  { id: "completep-residual", what: "CompleteP residual multiplier, m_N 4, m_L 8", computed: () => cp().residualMultiplier, published: 1 / 8, relTol: 1e-15, kind: "law", source: completePSource },
  { id: "completep-lr", what: "CompleteP hidden LR / η, m_N 4, m_L 8", computed: () => cp().hidden.lr / base("cerebras-gpt").lrBase, published: 0.25, relTol: 1e-15, kind: "law", source: completePSource },
  { id: "completep-wd", what: "CompleteP hidden weight decay / λ, m_N 4, m_L 8", computed: () => cp().hiddenWeightDecayMultiplier, published: 4, relTol: 1e-15, kind: "law", source: completePSource },
  { id: "completep-eps", what: "CompleteP AdamW ε / ε_base, m_N 4, m_L 8", computed: () => cp().adamEpsMultiplier, published: 1 / 32, relTol: 1e-15, kind: "law", source: completePSource },
  { id: "epoch-frontier-tpp", what: "Epoch refit TPP at C 5.76e23", computed: () => { const o = computeOptimal(EPOCH_PARAMS, 5.76e23); return o.D / o.N; }, published: 18.34, relTol: 1e-3, kind: "law", source: "Hoffmann Eq. 4 with Epoch's Table 1 parameters, evaluated by hand (docs/science.md)" },
  { id: "llama31-8b-flops", what: "Llama 3.1 8B FLOPs/token at seq 8192", computed: llama8b, published: 6 * 7.505e9 + 12 * 32 * 32 * 128 * 8192, relTol: 1e-3, kind: "law", source: "6N + 12·L·H·Q·T, PaLM App. B; TorchTitan models/utils.py" },
  { id: "llama31-8b-mfu", what: "Llama 3.1 8B MFU at 5,762 tokens/s/GPU on H100", computed: () => mfuFromThroughput(5762, llama8b(), 989e12), published: 0.337, relTol: 2e-3, kind: "law", source: "arithmetic on pytorch/torchtitan @ 820504e2 benchmarks/llama3_h100_202412_torchtitan.md Table 1 (5,762 tokens/s/GPU; the file itself says 33% to 39% MFU, in whole percents, for its 8- and 128-GPU runs)" },
];

/** Every row `lmplan verify` prints: each law's examples, then the rows above. */
export const GOLDENS: readonly Golden[] = [...LAWS.flatMap((law) => law.examples.map((ex) => exampleRow(law, ex))), ...OTHER_ROWS];

/** One checked row: the computed value, its relative error and whether it passes. */
export interface VerifyRow {
  golden: Golden;
  computed: number;
  relErr: number;
  pass: boolean;
}

/**
 * Run every row and group them: published numbers first, then law re-evaluations. `lmplan verify`
 * prints the two groups under their own headings.
 *
 * @returns the rows of each kind and whether all pass
 * @example runGoldens().published.every((r) => r.pass)
 */
export function runGoldens(rows: readonly Golden[] = GOLDENS): { published: VerifyRow[]; law: VerifyRow[]; allPass: boolean } {
  const checked = rows.map((golden) => {
    const computed = golden.computed();
    const relErr = Math.abs(computed / golden.published - 1);
    return { golden, computed, relErr, pass: Number.isFinite(computed) && relErr <= golden.relTol };
  });
  return {
    published: checked.filter((r) => r.golden.kind === "published"),
    law: checked.filter((r) => r.golden.kind === "law"),
    allPass: checked.every((r) => r.pass),
  };
}
