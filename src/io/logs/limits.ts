/**
 * Declared bounds on what lmplan reads from a run's logs (issue 17: "everything bounded"). Past any of
 * them the read stops with an error naming the file, the field, the value and the limit (exit 2), never
 * a silent truncation and never an out-of-memory crash. The bounds are far past the logs of any
 * published run: a 1e7-step run logged at every step with ten scalars is 1e8 events; the step limit is
 * the curve limit of the multi-power law (src/laws/multi-power-law.ts MAX_CURVE_STEPS).
 */
import { MAX_CURVE_STEPS } from "../../laws/multi-power-law.js";

export const LOG_LIMITS = {
  /** One log file, in bytes (read whole). */
  fileBytes: 1024 * 1024 * 1024,
  /** One text log (stdout, CSV, JSON), decoded whole as UTF-8: below V8's longest string (2^29 − 24 characters). */
  textBytes: 256 * 1024 * 1024,
  /** All files of one run (a run directory). */
  runBytes: 2 * 1024 * 1024 * 1024,
  /** Files in one run directory (TensorBoard writes one per process start). */
  runFiles: 1000,
  /** One TFRecord record (an Event): larger is a corrupt length field or an image lmplan does not read. */
  recordBytes: 64 * 1024 * 1024,
  /** Scalar points in one run, all tags together (40 bytes each while read: 0.8 GB at the limit). */
  points: 2e7,
  /** Distinct tags (series) in one run. */
  tags: 10_000,
  /** Points of one tag: a curve's steps are bounded by MAX_CURVE_STEPS. */
  pointsPerTag: MAX_CURVE_STEPS,
  /** Longest text line parsed (longer lines are reported by number, not parsed). */
  lineChars: 1024 * 1024,
  /** Problems listed per file before the rest are counted. */
  problemsListed: 20,
} as const;

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toPrecision(3)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toPrecision(3)} MiB`;
  if (n >= 1024) return `${(n / 1024).toPrecision(3)} KiB`;
  return `${n} bytes`;
}
