/**
 * Data-source presets: token counts by source, with a domain tag each so mixes can name domains.
 *
 * SlimPajama-627B (Soboleva et al. 2023, cerebras/SlimPajama-627B dataset card; docs/science.md §10 [P]):
 * RedPajama-1.2T deduplicated with MinHashLSH (13-grams, Jaccard 0.8), 49.6% of bytes removed;
 * shares CC 52.2%, C4 26.7%, GitHub 5.2%, Books 4.2%, ArXiv 4.6%, Wikipedia 3.8%, StackExchange 3.3%.
 * RedPajama-1T (togethercomputer/RedPajama-Data-1T dataset card; docs/science.md §10 [P]): tokens
 * CC 878B, C4 175B, GitHub 59B, Books 26B, ArXiv 28B, Wikipedia 24B, StackExchange 20B.
 */
import type { Citation } from "../laws/types.js";

export interface DataSource {
  name: string;
  /** Unique tokens available. */
  tokens: number;
  /** Domain tag used by mixes and end-of-training upsampling: web, code, books, papers, wiki, qa, … */
  domain: string;
}

export interface SourcePreset {
  id: string;
  title: string;
  citation: Citation;
  sources: DataSource[];
}

const SLIMPAJAMA_TOKENS = 627e9;
// SlimPajama shares (percent of tokens), docs/science.md §10
const SLIMPAJAMA_SHARES: [string, number, string][] = [
  ["commoncrawl", 52.2, "web"],
  ["c4", 26.7, "web"],
  ["github", 5.2, "code"],
  ["books", 4.2, "books"],
  ["arxiv", 4.6, "papers"],
  ["wikipedia", 3.8, "wiki"],
  ["stackexchange", 3.3, "qa"],
];

export const SOURCE_PRESETS: readonly SourcePreset[] = [
  {
    id: "slimpajama-627b",
    title: "SlimPajama-627B",
    citation: { short: "Soboleva et al. 2023 (SlimPajama)", repo: "huggingface.co/datasets/cerebras/SlimPajama-627B", locator: "dataset card, data-source shares" },
    sources: SLIMPAJAMA_SHARES.map(([name, pct, domain]) => ({ name, tokens: (pct / 100) * SLIMPAJAMA_TOKENS, domain })),
  },
  {
    id: "redpajama-1t",
    title: "RedPajama-Data-1T",
    citation: { short: "Together Computer 2023 (RedPajama)", repo: "huggingface.co/datasets/togethercomputer/RedPajama-Data-1T", locator: "dataset card, token counts" },
    sources: [
      { name: "commoncrawl", tokens: 878e9, domain: "web" },
      { name: "c4", tokens: 175e9, domain: "web" },
      { name: "github", tokens: 59e9, domain: "code" },
      { name: "books", tokens: 26e9, domain: "books" },
      { name: "arxiv", tokens: 28e9, domain: "papers" },
      { name: "wikipedia", tokens: 24e9, domain: "wiki" },
      { name: "stackexchange", tokens: 20e9, domain: "qa" },
    ],
  },
];

export function findSourcePreset(id: string): SourcePreset | undefined {
  return SOURCE_PRESETS.find((p) => p.id === id.toLowerCase());
}
