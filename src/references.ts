/**
 * Sources behind numbers that are not fitted laws: arithmetic conventions, parameterizations,
 * schedules, hardware figures. Each plan number's `source` is a law id (src/laws) or one of these.
 */
import type { Citation } from "./laws/types.js";

export interface Reference {
  id: string;
  title: string;
  citation: Citation;
  verified: boolean;
  notes: string[];
}

export const REFERENCES: readonly Reference[] = [
  {
    id: "palm-flops",
    title: "Training FLOPs per token 6N + 12·L·H·Q·T and MFU",
    citation: { short: "Chowdhery et al. 2022 (PaLM)", arxiv: "2204.02311", repo: "pytorch/torchtitan torchtitan/models/utils.py", locator: "App. B" },
    verified: true,
    notes: ["N excludes the input embedding table (TorchTitan); attention term counts the full T×T product."],
  },
  {
    id: "zero",
    title: "Model-state memory of mixed-precision AdamW, sharded by ZeRO stage",
    citation: { short: "Rajbhandari et al. 2019 (ZeRO)", arxiv: "1910.02054", locator: "§3.1, Fig. 1" },
    verified: true,
    notes: ["16 bytes per parameter: bf16 weights and gradients, fp32 master weights, momentum and variance."],
  },
  {
    id: "activations",
    title: "Activation memory per layer",
    citation: { short: "Korthikanti et al. 2022", arxiv: "2205.05198", locator: "§4.1 (34·s·b·h + 5·a·s²·b), §4 recomputation" },
    verified: true,
    notes: ["Split into components so SwiGLU, GQA and flash attention supply their own terms; no dropout masks."],
  },
  {
    id: "mup-cerebras",
    title: "μP as Cerebras practises it",
    citation: {
      short: "Dey, Anthony, Hestness 2024 (Practitioner's Guide to μP)",
      repo: "Cerebras/modelzoo@244523ac src/cerebras/modelzoo/tools/convert_config_to_mup.py; EleutherAI/nanoGPT-mup",
      locator: "per-group LR and init rules",
    },
    verified: true,
    notes: ["Hidden LR η_base/m_d, hidden init σ_base/√m_d, output projections σ_base/√(2·m_d·L), logits × α_out/m_d, attention QᵀK/d_head."],
  },
  {
    id: "completep",
    title: "CompleteP depth-and-width transfer (α = 1)",
    citation: { short: "Dey et al. 2025 (CompleteP)", arxiv: "2505.01618", repo: "EleutherAI/nanoGPT-mup branch completep", locator: "Table 1" },
    verified: true,
    notes: ["Residual × m_L^−α; hidden LR η/m_N · m_L^(α−1); hidden WD λ·m_N; ε × m_N^−1·m_L^−α."],
  },
  {
    id: "sp",
    title: "Standard parameterization (GPT-2 initialisation, one LR)",
    citation: { short: "Radford et al. 2019 (GPT-2)", repo: "Cerebras/modelzoo@f1fd1e09 gpt3/configs/Cerebras_GPT/111m.yaml (std 0.02)", locator: "§2.3" },
    verified: true,
    notes: ["Under SP lmplan takes the peak LR from Step Law, a law fitted on SP runs."],
  },
  {
    id: "straight-to-zero",
    title: "Linear decay to zero (D2Z) after warmup",
    citation: { short: "Bergsma et al. 2025 (Straight to Zero)", arxiv: "2502.15938", locator: "main results [P]; warmup 10% and the ≈4 TPP crossover [S]" },
    verified: true,
    notes: [
      "D2Z beats cosine-to-10% at compute-optimal TPP, and the gap grows with TPP [P].",
      "Warmup 10% of steps in their experiments; below ≈4 TPP, cosine-to-10% beats D2Z [S].",
    ],
  },
  {
    id: "wsd-minicpm",
    title: "Warmup–stable–decay schedule",
    citation: { short: "Hu et al. 2024 (MiniCPM)", arxiv: "2404.06395", locator: "Eq. 1; 10% decay is sufficient" },
    verified: true,
    notes: ["WSD was 0.84% worse than D2Z at 80 TPP in Bergsma et al. [S]."],
  },
  {
    id: "shape-rule",
    title: "lmplan's shape rule: d_model ≈ 80·n_layers, multiples of 128",
    citation: { short: "Kaplan et al. 2020; BTLM-3B-8K aspect ratio", arxiv: "2001.08361", locator: "§3.1, Fig. 5 (loss flat across aspect ratios)" },
    verified: true,
    notes: ["A hardware-friendly choice, not a loss optimum; pick a preset or --aspect-ratio to change it."],
  },
  {
    id: "torchtitan-mfu",
    title: "Default MFU 33.7% (TorchTitan, Llama 3.1 8B on H100)",
    citation: { short: "TorchTitan benchmarks", repo: "pytorch/torchtitan benchmarks/llama3_h100_202412_torchtitan.md", locator: "5,762 tokens/s/GPU at seq 8192" },
    verified: true,
    notes: ["Your MFU depends on the model size, parallelism and kernels; measure it and pass --mfu."],
  },
  {
    id: "megatron-mfu",
    title: "Measured end-to-end MFU 41–47% (Megatron-LM's weak-scaling runs on H100)",
    citation: { short: "Megatron-LM README", repo: "NVIDIA/Megatron-LM@d98e8a64ddf34856e74b24714e3bedb2f5a39553 README.md", locator: "\"MFU increases from 41% for the smallest model considered to 47–48% for the largest\" (weak scaling)" },
    verified: true,
    notes: ["The layouts of these runs are only in an image; the MFU is used as the time model's efficiency u as published.", "Your MFU depends on the model size, parallelism and kernels; measure it and pass --mfu."],
  },
  {
    id: "hardware-catalog",
    title: "Accelerator peak FLOP/s and memory",
    citation: { short: "TorchTitan tools/utils.py; vendor datasheets", repo: "pytorch/torchtitan torchtitan/tools/utils.py", locator: "get_peak_flops" },
    verified: true,
    notes: ["Dense peaks (no sparsity)."],
  },
  {
    id: "alibi",
    title: "ALiBi attention biases and head slopes",
    citation: { short: "Press et al. 2022 (ALiBi)", arxiv: "2108.12409", repo: "ofirpress/attention_with_linear_biases (get_slopes)", locator: "§3" },
    verified: true,
    notes: ["Slopes 2^(−8i/n) for n a power of 2; otherwise the power-of-2 set below n plus every other slope of the 2× set."],
  },
  {
    id: "alibi-pi",
    title: "Position interpolation for ALiBi",
    citation: { short: "Al-Khateeb, Dey, Soboleva, Hestness 2023", arxiv: "2310.13017", locator: "introduction [P]" },
    verified: true,
    notes: ["Divide slopes by s = L_target/L_train: ~2× the trained length with LM quality kept; plain ALiBi ~12% beyond."],
  },
  {
    id: "slimpajama",
    title: "SlimPajama-627B and RedPajama-1T source token counts",
    citation: { short: "Soboleva et al. 2023; Together Computer 2023", repo: "cerebras/SlimPajama-627B and togethercomputer/RedPajama-Data-1T dataset cards", locator: "data-source tables" },
    verified: true,
    notes: ["SlimPajama: RedPajama deduplicated (MinHashLSH, 13-grams, Jaccard 0.8), 49.6% of bytes removed."],
  },
  {
    id: "slimpajama-dc",
    title: "SlimPajama-DC data combinations DC-1…DC-6",
    citation: { short: "Shen et al. 2023 (SlimPajama-DC)", arxiv: "2309.10818", locator: "configurations [S]" },
    verified: false,
    notes: ["Proportions via a later paper; the DC-k ↔ proportions mapping is unverified."],
  },
  {
    id: "domain-upsampling",
    title: "Domain upsampling at the end of training",
    citation: { short: "Blakeney et al. 2024", arxiv: "2406.03476", locator: "abstract [P]" },
    verified: true,
    notes: [
      "Upsample domain-specific sets relative to web text in the final 10–20% of training (5–30% ablated).",
      "Their exact mixes are not published [NF]; lmplan's default factor (2×) is its own assumption — set it.",
    ],
  },
  {
    id: "user",
    title: "Given by you",
    citation: { short: "your input", locator: "" },
    verified: true,
    notes: [],
  },
  {
    id: "arithmetic",
    title: "Arithmetic on other numbers of the plan",
    citation: { short: "lmplan", locator: "" },
    verified: true,
    notes: [],
  },
];

export function findReference(id: string): Reference | undefined {
  return REFERENCES.find((r) => r.id === id);
}
