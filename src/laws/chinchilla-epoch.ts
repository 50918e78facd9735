import { chinchillaLoss, computeOptimal, type ChinchillaParams } from "./chinchilla-form.js";
import { defineLaw } from "./types.js";

/**
 * Chinchilla's parametric loss as refitted by Epoch AI on data extracted from Hoffmann Fig. 4.
 * lmplan's default loss law: Hoffmann's rounded approach-3 values are biased (Epoch §3).
 *
 * @see Besiroglu, Erdil, Barnett, You, "Chinchilla Scaling: A replication attempt", arXiv 2404.10102,
 *      Table 1 (Huber-likelihood fit) [P]; epoch-research/analyzing-chinchilla.
 *      95% CIs: A (285, 744), B (1042, 5810), E (1.769, 1.871), α (0.317, 0.373), β (0.331, 0.415).
 * @example C = 5.76e23 → N_opt 7.235e10, D_opt 1.327e12 (TPP 18.34); L(70B, 1.4T) = 1.9735
 */
export const EPOCH_PARAMS: ChinchillaParams = { A: 482.01, B: 2085.43, E: 1.8169, alpha: 0.34781, beta: 0.36585 };

export const chinchillaEpoch = defineLaw<
  { N: number; D: number },
  { L: number; C: number; NoptAtC: number; DoptAtC: number }
>({
  id: "chinchilla-epoch",
  title: "Chinchilla loss, Epoch AI refit",
  citation: { short: "Besiroglu et al. 2024 (Epoch AI)", arxiv: "2404.10102", locator: "Table 1; frontier from Hoffmann Eq. 4" },
  verified: true,
  formula: "L = 1.8169 + 482.01/N^0.34781 + 2085.43/D^0.36585;  N_opt = G(C/6)^(β/(α+β))",
  notes: [
    "N counts all parameters including embeddings (Chinchilla's convention).",
    "C = 6·N·D; the compute-optimal frontier is Hoffmann Eq. 4 with these parameters.",
    "Loss is on MassiveText with Chinchilla's tokenizer; compare shapes across plans, not absolute values across datasets.",
  ],
  inputs: {
    N: { unit: "params", description: "total parameters" },
    D: { unit: "tokens", description: "training tokens" },
  },
  outputs: {
    L: { unit: "nats/token", description: "predicted final loss" },
    C: { unit: "FLOPs", description: "6·N·D" },
    NoptAtC: { unit: "params", description: "compute-optimal N at the same C" },
    DoptAtC: { unit: "tokens", description: "compute-optimal D at the same C" },
  },
  fitRange: { N: [7e7, 1.6e10], D: [5e9, 5e11] },
  fitRangeNote: "Hoffmann's approach-3 runs: 70M to 16B parameters, 5B to 500B tokens (arXiv 2203.15556 abstract/§3.3).",
  compute: ({ N, D }) => {
    const C = 6 * N * D;
    const opt = computeOptimal(EPOCH_PARAMS, C);
    return { L: chinchillaLoss(EPOCH_PARAMS, N, D), C, NoptAtC: opt.N, DoptAtC: opt.D };
  },
});
