/**
 * Reproductions of published numbers (SCIENCE.md golden values): computed / published / tolerance /
 * source. `lmplan verify` prints this table; test/golden.test.ts asserts every row.
 */
import { mfuFromThroughput } from "./hardware/time.js";
import { EPOCH_PARAMS, chinchillaEpoch } from "./laws/chinchilla-epoch.js";
import { computeOptimal } from "./laws/chinchilla-form.js";
import { dataConstrained, effectiveData } from "./laws/data-constrained.js";
import { deepseek, deepseekFlopsPerToken } from "./laws/deepseek.js";
import { kaplanBcrit } from "./laws/kaplan-bcrit.js";
import { mccandlish } from "./laws/mccandlish.js";
import { powerLinesBatch } from "./laws/power-lines-batch.js";
import { powerLinesTau } from "./laws/power-lines-tau.js";
import { POWER_SCHEDULER_CHOSEN, POWER_SCHEDULER_EQ5, powerScheduler } from "./laws/power-scheduler.js";
import { stepLaw } from "./laws/step-law.js";
import { flopsPerToken } from "./model/flops.js";
import { findPreset } from "./model/presets.js";
import { findMupBase } from "./parameterization/bases.js";
import { completeP, mup } from "./parameterization/mup.js";
import { adamwTimescale, weightDecayForTimescale } from "./schedules/ema.js";

export interface Golden {
  id: string;
  what: string;
  computed: () => number;
  published: number;
  /** Relative tolerance |computed/published − 1|. */
  relTol: number;
  source: string;
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
const tpp20Tau = powerLinesTau.evaluate({ TPP: 20, N: 610e6 }).value.tauOpt;
const deepseek7bC = () => deepseekFlopsPerToken(30, 4096, 4096) * 2e12;

export const GOLDENS: readonly Golden[] = [
  { id: "tau-tpp1", what: "τ_opt at TPP 1", computed: () => powerLinesTau.evaluate({ TPP: 1, N: 610e6 }).value.tauOpt, published: 1.084, relTol: 1e-9, source: "Power Lines arXiv 2505.13738 [S]" },
  { id: "tau-tpp20", what: "τ_opt at TPP 20", computed: () => tpp20Tau, published: 0.2236, relTol: 5e-4, source: "Power Lines arXiv 2505.13738 [S]" },
  { id: "tau-tpp200", what: "τ_opt at TPP 200", computed: () => powerLinesTau.evaluate({ TPP: 200, N: 610e6 }).value.tauOpt, published: 0.0664, relTol: 1e-3, source: "Power Lines arXiv 2505.13738 [S]" },
  { id: "tau-610m", what: "τ for 610M, TPP 20, B 252×2048, λ 0.1, η 0.016/8", computed: () => adamwTimescale(252 * 2048, 0.016 / 8, 0.1, 12.2e9), published: 0.2115, relTol: 5e-4, source: "Power Lines abstract; SCIENCE.md §0 check" },
  { id: "lambda-610m", what: "λ that gives τ = 0.2115 for the same run (the inverse)", computed: () => weightDecayForTimescale(252 * 2048, 0.002, 0.2115, 12.2e9), published: 0.1, relTol: 5e-4, source: "Power Lines λ = B/(η·τ·D)" },
  { id: "bopt-3e9", what: "B_opt at D = 3e9, sequences of 2048", computed: () => powerLinesBatch.evaluate({ D: 3e9, N: 150e6 }).value.BoptSeqs, published: 130.45, relTol: 1e-4, source: "Power Lines arXiv 2505.13738 [S]" },
  { id: "bopt-3e9-tokens", what: "B_opt at D = 3e9, tokens", computed: () => powerLinesBatch.evaluate({ D: 3e9, N: 150e6 }).value.BoptTokens, published: 267171, relTol: 1e-5, source: "Power Lines arXiv 2505.13738 [S]" },
  { id: "mccandlish", what: "S/S_min at B = B_crit", computed: () => mccandlish.evaluate({ B: 1e6, Bcrit: 1e6, Smin: 1000 }).value.S / 1000, published: 2, relTol: 1e-12, source: "McCandlish arXiv 1812.06162; Kaplan §5.1" },
  { id: "mccandlish-e", what: "E/E_min at B = B_crit", computed: () => { const r = mccandlish.evaluate({ B: 1e6, Bcrit: 1e6, Smin: 1000 }).value; return r.E / r.Emin; }, published: 2, relTol: 1e-12, source: "McCandlish arXiv 1812.06162; Kaplan §5.1" },
  { id: "kaplan-bcrit", what: "Kaplan B_crit at L = 3 (tokens)", computed: () => kaplanBcrit.evaluate({ L: 3 }).value.Bcrit, published: 1.07e6, relTol: 5e-3, source: "Kaplan arXiv 2001.08361 §5.1" },
  { id: "mup-111m-hidden-std", what: "Cerebras-GPT 111M μP hidden init std", computed: () => cgpt111().hidden.initStd ?? NaN, published: 0.046188021535170064, relTol: 1e-15, source: "Cerebras/modelzoo convert_config_to_mup.py" },
  { id: "mup-111m-out-std", what: "Cerebras-GPT 111M μP output-projection init std", computed: () => cgpt111().outProjection.initStd ?? NaN, published: 0.010327955589886445, relTol: 1e-15, source: "Cerebras/modelzoo convert_config_to_mup.py" },
  { id: "mup-111m-logits", what: "Cerebras-GPT 111M μP output logits scale", computed: () => cgpt111().outputLogitsScale, published: 1 / 3, relTol: 1e-15, source: "Cerebras/modelzoo convert_config_to_mup.py" },
  { id: "mup-111m-lr", what: "Cerebras-GPT 111M μP hidden LR", computed: () => cgpt111().hidden.lr, published: 2e-3, relTol: 1e-15, source: "Cerebras/modelzoo convert_config_to_mup.py" },
  { id: "mup-btlm-hidden-std", what: "BTLM μP hidden init std", computed: () => btlm().hidden.initStd ?? NaN, published: 0.023084626919229165, relTol: 1e-15, source: "BTLM arXiv 2309.11568; modelzoo btlm configs" },
  { id: "mup-btlm-out-std", what: "BTLM μP output-projection init std", computed: () => btlm().outProjection.initStd ?? NaN, published: 0.0028855783649036457, relTol: 1e-15, source: "BTLM arXiv 2309.11568; modelzoo btlm configs" },
  { id: "mup-btlm-logits", what: "BTLM μP output logits scale", computed: () => btlm().outputLogitsScale, published: 0.222, relTol: 1e-12, source: "BTLM arXiv 2309.11568; modelzoo btlm configs" },
  { id: "mup-btlm-lr", what: "BTLM μP hidden LR", computed: () => btlm().hidden.lr, published: 1.2e-3, relTol: 1e-12, source: "BTLM arXiv 2309.11568; modelzoo btlm configs" },
  { id: "completep-residual", what: "CompleteP residual multiplier, m_N 4, m_L 8", computed: () => cp().residualMultiplier, published: 0.125, relTol: 1e-15, source: "CompleteP arXiv 2505.01618 Table 1" },
  { id: "completep-lr", what: "CompleteP hidden LR / η, m_N 4, m_L 8", computed: () => cp().hidden.lr / base("cerebras-gpt").lrBase, published: 0.25, relTol: 1e-15, source: "CompleteP arXiv 2505.01618 Table 1" },
  { id: "completep-wd", what: "CompleteP hidden weight decay / λ, m_N 4, m_L 8", computed: () => cp().hiddenWeightDecayMultiplier, published: 4, relTol: 1e-15, source: "CompleteP arXiv 2505.01618 Table 1" },
  { id: "completep-eps", what: "CompleteP AdamW ε / ε_base, m_N 4, m_L 8", computed: () => cp().adamEpsMultiplier, published: 1 / 32, relTol: 1e-15, source: "CompleteP arXiv 2505.01618 Table 1" },
  { id: "power-scheduler-eq5", what: "Power Scheduler η_opt, β 1024, T 1e13, a 4.6 (Eq. 5)", computed: () => powerScheduler.evaluate({ batchSeqs: 1024, T: 1e13, a: POWER_SCHEDULER_EQ5.a }).value.eta, published: 0.0011, relTol: 5e-3, source: "Power Scheduler arXiv 2408.13359 worked example" },
  { id: "power-scheduler-a4", what: "Power Scheduler η, β 1024, T 1e13, a 4 (chosen)", computed: () => powerScheduler.evaluate({ batchSeqs: 1024, T: 1e13, a: POWER_SCHEDULER_CHOSEN.a }).value.eta, published: 9.6e-4, relTol: 5e-4, source: "Power Scheduler arXiv 2408.13359 §4" },
  { id: "step-law-lr", what: "Step Law η_opt at N 7e9, D 1.4e12", computed: () => stepLaw.evaluate({ N: 7e9, D: 1.4e12 }).value.eta, published: 9.1656e-4, relTol: 1e-4, source: "Step Law arXiv 2503.04715 Table 2 form" },
  { id: "step-law-batch", what: "Step Law B_opt (tokens) at D 1.4e12", computed: () => stepLaw.evaluate({ N: 7e9, D: 1.4e12 }).value.Btokens, published: 4.9988e6, relTol: 1e-4, source: "Step Law arXiv 2503.04715 Table 2 form" },
  { id: "deepseek-7b-lr", what: "DeepSeek η_opt, 7B (L 30, d 4096, seq 4096, D 2e12)", computed: () => deepseek.evaluate({ C: deepseek7bC() }).value.eta, published: 4.25e-4, relTol: 2e-3, source: "DeepSeek LLM arXiv 2401.02954 [S]; run used 4.2e-4" },
  { id: "muennighoff-1", what: "Data-constrained loss, N 6.34e9, D 242e9, U 25e9", computed: () => dataConstrained.evaluate({ N: 6.34e9, D: 242e9, U: 25e9 }).value.L, published: 2.22564, relTol: 1e-5, source: "Muennighoff arXiv 2305.16264; datablations README" },
  { id: "muennighoff-2", what: "Data-constrained loss, N 8.67e9, D 178e9, U 25e9", computed: () => dataConstrained.evaluate({ N: 8.67e9, D: 178e9, U: 25e9 }).value.L, published: 2.22696, relTol: 1e-5, source: "Muennighoff arXiv 2305.16264; datablations README" },
  { id: "muennighoff-4-epochs", what: "D'/U_D at 4 epochs", computed: () => effectiveData(4, 1), published: 3.726, relTol: 1e-4, source: "Muennighoff arXiv 2305.16264" },
  { id: "epoch-frontier-n", what: "Epoch refit N_opt at C 5.76e23", computed: () => computeOptimal(EPOCH_PARAMS, 5.76e23).N, published: 7.235e10, relTol: 1e-3, source: "Besiroglu et al. arXiv 2404.10102 + Hoffmann Eq. 4" },
  { id: "epoch-frontier-d", what: "Epoch refit D_opt at C 5.76e23", computed: () => computeOptimal(EPOCH_PARAMS, 5.76e23).D, published: 1.327e12, relTol: 1e-3, source: "Besiroglu et al. arXiv 2404.10102 + Hoffmann Eq. 4" },
  { id: "epoch-frontier-tpp", what: "Epoch refit TPP at C 5.76e23", computed: () => { const o = computeOptimal(EPOCH_PARAMS, 5.76e23); return o.D / o.N; }, published: 18.34, relTol: 1e-3, source: "Besiroglu et al. arXiv 2404.10102 + Hoffmann Eq. 4" },
  { id: "epoch-loss-chinchilla", what: "Epoch refit loss at 70B params, 1.4T tokens", computed: () => chinchillaEpoch.evaluate({ N: 70e9, D: 1.4e12 }).value.L, published: 1.9735, relTol: 1e-4, source: "Besiroglu et al. arXiv 2404.10102" },
  { id: "llama31-8b-flops", what: "Llama 3.1 8B FLOPs/token at seq 8192", computed: () => flopsPerToken(preset("llama-3.1-8b").model, 8192).total, published: 6 * 7.505e9 + 12 * 32 * 32 * 128 * 8192, relTol: 1e-3, source: "PaLM App. B; TorchTitan models/utils.py" },
  { id: "llama31-8b-mfu", what: "Llama 3.1 8B MFU at 5,762 tokens/s/GPU on H100", computed: () => mfuFromThroughput(5762, flopsPerToken(preset("llama-3.1-8b").model, 8192).total, 989e12), published: 0.337, relTol: 2e-3, source: "TorchTitan benchmarks/llama3_h100_202412_torchtitan.md" },
];
