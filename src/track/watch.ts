/**
 * `track --watch`: re-read the logs as they grow and report again. The loop owns nothing: the caller
 * passes how to fingerprint the sources (sizes and times), how to make a report, where to send it, how
 * to wait and when to stop — so a test drives it with a fake reader and clock, and the CLI with the
 * file system and setTimeout. The interval is bounded (WATCH_SECONDS).
 */

export const WATCH_SECONDS = { min: 1, max: 3600, default: 60 } as const;

export interface WatchDeps<R> {
  /** A string that changes when the sources change (sizes, modification times). */
  fingerprint: () => string;
  /** Read the sources and make a report (errors are reported, not thrown, by the caller's choice). */
  report: () => R;
  emit: (r: R) => void;
  sleep: (ms: number) => Promise<void>;
  /** Checked before each poll: true stops the loop (a signal, a poll count). */
  stop: () => boolean;
}

/**
 * Poll every `seconds`; report whenever the fingerprint changes (and at the first poll, unless `last`
 * — the fingerprint of a report already made — is given, in which case the loop waits first). Returns
 * the number of reports made.
 */
export async function watchLoop<R>(deps: WatchDeps<R>, seconds: number, opts: { maxPolls?: number; last?: string } = {}): Promise<number> {
  const maxPolls = opts.maxPolls ?? Infinity;
  let last = opts.last;
  let reports = 0;
  for (let poll = 0; poll < maxPolls && !deps.stop(); poll++) {
    if (poll > 0 || opts.last !== undefined) {
      await deps.sleep(seconds * 1000);
      if (deps.stop()) break;
    }
    const fp = deps.fingerprint();
    if (fp !== last) {
      last = fp;
      deps.emit(deps.report());
      reports++;
    }
  }
  return reports;
}
