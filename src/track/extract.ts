/**
 * A run read from its logs (src/io/logs) → the quantities tracking compares with the plan, each from
 * the series its trainer names it by (src/io/logs/roles.ts), in lmplan's units: tokens per second
 * over all GPUs (a per-GPU rate × the plan's GPUs; or the plan's batch ÷ the logged step time), MFU as a
 * fraction, tokens consumed (logged tokens, or logged samples × the plan's sequence length).
 */
import type { Plan } from "../plan/types.js";
import { describeChoice, describeRestart, roleSeries, type RoleSeries } from "../io/logs/align.js";
import type { RunLog } from "../io/logs/run.js";
import { formatIssue } from "../errors.js";
import type { Points, TrackRun } from "./types.js";

const pts = (r: RoleSeries, scale = 1): Points => ({ step: r.step, value: scale === 1 ? r.value : r.value.map((v) => v * scale), wall: r.wall, tag: r.choice.tag });

export function trackRunFromLog(run: RunLog, plan: Plan, map: Record<string, string> = {}): TrackRun | { missing: string } {
  const notes: string[] = [...run.notes];
  const problems: string[] = run.problems.map(formatIssue);
  // a record cut off at the end of a file is what a file being written looks like: read on a later poll
  for (const t of run.truncatedTail) notes.push(`${t.path.join(" ")}: the last record is incomplete (${t.received.replace(/^"|"$/g, "")}), as in a file still being written; it is read once complete`);
  const use = (r: RoleSeries | undefined) => {
    if (!r) return undefined;
    notes.push(describeChoice(r));
    for (const x of r.restarts) notes.push(describeRestart(x));
    for (const x of r.rejected) problems.push(formatIssue(x.issue));
    return r;
  };
  const loss = use(roleSeries(run, "loss", map));
  if (!loss || loss.step.length === 0) return { missing: `a training-loss series among the run's tags (${[...run.series.keys()].slice(0, 20).map((t) => JSON.stringify(t)).join(", ") || "none"}); name one with --map loss="<tag>"` };
  const out: TrackRun = { loss: pts(loss), notes, problems };
  const ev = use(roleSeries(run, "evalLoss", map));
  if (ev && ev.step.length > 0) out.evalLoss = pts(ev);
  const lr = use(roleSeries(run, "lr", map));
  if (lr && lr.step.length > 0) out.lr = pts(lr);
  const gpus = plan.hardware.numGpus.value;
  const tps = use(roleSeries(run, "tokensPerSec", map));
  const perGpu = tps ? undefined : use(roleSeries(run, "tokensPerSecPerGpu", map));
  const iter = tps || perGpu ? undefined : use(roleSeries(run, "iterSeconds", map));
  if (tps && tps.step.length > 0) out.tokensPerSec = pts(tps);
  else if (perGpu && perGpu.step.length > 0) {
    out.tokensPerSec = pts(perGpu, gpus);
    notes.push(`tokens/s over all GPUs = "${perGpu.choice.tag}" (per GPU) × the plan's ${gpus} GPUs`);
  } else if (iter && iter.step.length > 0) {
    const bt = plan.batch.globalBatchTokens.value;
    out.tokensPerSec = { step: iter.step, value: iter.value.map((s) => bt / s), wall: iter.wall, tag: iter.choice.tag };
    notes.push(`tokens/s = the plan's ${bt} tokens per step ÷ "${iter.choice.tag}"`);
  }
  const mfu = use(roleSeries(run, "mfu", map));
  if (mfu && mfu.step.length > 0) out.mfu = pts(mfu);
  const tok = use(roleSeries(run, "tokens", map));
  const sam = tok ? undefined : use(roleSeries(run, "samples", map));
  if (tok && tok.step.length > 0) out.tokens = pts(tok);
  else if (sam && sam.step.length > 0) {
    out.tokens = pts(sam, plan.batch.seqLen.value);
    notes.push(`tokens = "${sam.choice.tag}" × the plan's sequence length ${plan.batch.seqLen.value}`);
  }
  return out;
}
