/**
 * Provenance: where a number comes from and what the plan says about it. Every law, preset, reference
 * and plan stage speaks in these two types; they live apart from the laws so that the planner, the
 * emitters and the edges can use them without importing the law machinery (issue 11).
 */

export interface Citation {
  /** Short reference: "Bergsma et al. 2025, Power Lines". */
  short: string;
  /** arXiv identifier without prefix, e.g. "2505.13738". */
  arxiv?: string;
  /** Repository and path (and commit) where a value is read from code or config. */
  repo?: string;
  /** Section / equation / table within the source. */
  locator: string;
}

export interface Warning {
  code:
    | "extrapolation"
    | "unverified"
    | "range-unknown"
    | "schedule"
    | "batch"
    | "memory"
    | "deadline"
    | "rounding"
    | "cost"
    | "shape"
    | "assumption";
  message: string;
  /** Law or reference id the warning is about. */
  source: string;
}
