import { chinchillaLaw, type ChinchillaParams } from "./chinchilla-form.js";

/**
 * Chinchilla's parametric loss as refitted by Epoch AI on data extracted from Hoffmann Fig. 4.
 * lmplan's default loss law: Hoffmann's rounded approach-3 values are biased (Epoch §3).
 *
 * @see Besiroglu, Erdil, Barnett, You, "Chinchilla Scaling: A replication attempt", arXiv 2404.10102,
 *      Table 1 (Huber-likelihood fit) [P]; epoch-research/analyzing-chinchilla.
 *      95% CIs: A (285, 744), B (1042, 5810), E (1.769, 1.871), α (0.317, 0.373), β (0.331, 0.415).
 * @example C = 5.76e23 → N_opt 7.235e10, D_opt 1.327e12 (TPP 18.34); L(70B, 1.4T) = 1.9735
 */
// Epoch AI Table 1, Huber-likelihood fit [P]
export const EPOCH_PARAMS: ChinchillaParams = { A: 482.01, B: 2085.43, E: 1.8169, alpha: 0.34781, beta: 0.36585 };

const hand = "docs/science.md (Hoffmann Eq. 4 with Epoch's Table 1 parameters, evaluated by hand)";
// Chinchilla's own budget: 70B parameters × 1.4T tokens × 6 (Hoffmann §4)
const CHINCHILLA = { N: 70e9, D: 1.4e12 };
const C = 5.76e23;

export const chinchillaEpoch = chinchillaLaw({
  id: "chinchilla-epoch",
  title: "Chinchilla loss, Epoch AI refit",
  citation: { short: "Besiroglu et al. 2024 (Epoch AI)", arxiv: "2404.10102", locator: "Table 1; frontier from Hoffmann Eq. 4" },
  verified: true,
  params: EPOCH_PARAMS,
  notes: [
    "N counts all parameters including embeddings (Chinchilla's convention).",
    "C = 6·N·D; the compute-optimal frontier is Hoffmann Eq. 4 with these parameters.",
    "Loss is on MassiveText with Chinchilla's tokenizer; compare shapes across plans, not absolute values across datasets.",
  ],
  fitRange: { N: [7e7, 1.6e10], D: [5e9, 5e11] },
  fitRangeNote: "Hoffmann's approach-3 runs: 70M to 16B parameters, 5B to 500B tokens (arXiv 2203.15556 abstract/§3.3).",
  examples: [
    // The frontier at C = 5.76e23 is read through any (N, D) with 6·N·D = C: Chinchilla's own run.
    { id: "epoch-frontier-n", what: "Epoch refit N_opt at C 5.76e23", input: { N: C / 6 / 1.4e12, D: 1.4e12 }, output: "NoptAtC", expected: 7.235e10, relTol: 1e-3, kind: "law", source: hand },
    { id: "epoch-frontier-d", what: "Epoch refit D_opt at C 5.76e23", input: { N: C / 6 / 1.4e12, D: 1.4e12 }, output: "DoptAtC", expected: 1.327e12, relTol: 1e-3, kind: "law", source: hand },
    { id: "epoch-loss-chinchilla", what: "Epoch refit loss at 70B params, 1.4T tokens", input: CHINCHILLA, output: "L", expected: 1.9735, relTol: 1e-4, kind: "law", source: "docs/science.md (Epoch Table 1 parameters, evaluated by hand)" },
  ],
});
