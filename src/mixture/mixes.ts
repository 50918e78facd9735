/**
 * Mixture presets: SlimPajama-DC's six configurations (Shen et al. 2023, arXiv 2309.10818; 330B tokens
 * on a 1.3B Cerebras-GPT-style model). The proportions come through a later paper and the DC-k ↔ mix
 * mapping is unverified (docs/science.md §10 [S]). "CC" is taken to be the CommonCrawl source.
 */
import type { Citation } from "../laws/types.js";

export interface MixPreset {
  id: string;
  title: string;
  citation: Citation;
  verified: boolean;
  /** Weights by source name; "slimpajama" means SlimPajama's own shares. */
  weights: Record<string, number> | "source-shares";
}

const DC: Citation = { short: "Shen et al. 2023 (SlimPajama-DC)", arxiv: "2309.10818", locator: "configurations DC-1…DC-6 [S]; DC-k mapping unverified" };

export const MIX_PRESETS: readonly MixPreset[] = [
  { id: "dc-1", title: "DC-1: the SlimPajama mix", citation: DC, verified: false, weights: "source-shares" },
  { id: "dc-2", title: "DC-2: CommonCrawl only", citation: DC, verified: false, weights: { commoncrawl: 100 } },
  { id: "dc-3", title: "DC-3: CC 90.9 / GitHub 9.1", citation: DC, verified: false, weights: { commoncrawl: 90.9, github: 9.1 } },
  { id: "dc-4", title: "DC-4: CC 75.8 / GitHub 24.2", citation: DC, verified: false, weights: { commoncrawl: 75.8, github: 24.2 } },
  { id: "dc-5", title: "DC-5: CC 75.8 / Wikipedia 24.2", citation: DC, verified: false, weights: { commoncrawl: 75.8, wikipedia: 24.2 } },
  { id: "dc-6", title: "DC-6: CC 75.8 / GitHub 9.1 / Books 7.9 / Wikipedia 7.3", citation: DC, verified: false, weights: { commoncrawl: 75.8, github: 9.1, books: 7.9, wikipedia: 7.3 } },
];

export function findMixPreset(id: string): MixPreset | undefined {
  return MIX_PRESETS.find((m) => m.id === id.toLowerCase());
}
