/**
 * TensorBoard event files → scalar series. Each file is TFRecord-framed (tfrecord.ts) and each record
 * an `Event` protobuf, decoded with protobufjs from the message definitions in tensorboard-proto.ts.
 * Scalars come in two forms:
 * - v1, `Summary.Value.simple_value` (a float): what PyTorch's torch.utils.tensorboard.SummaryWriter
 *   and tensorboardX write (Megatron-LM, TorchTitan, Composer/llm-foundry log through these);
 * - v2, `Summary.Value.tensor`, a rank-0 tensor under the "scalars" plugin: what TensorFlow 2's
 *   tf.summary.scalar writes. The plugin is named in the value's metadata, which a writer may put only
 *   on the first value of each tag (summary.proto), so it is remembered per tag.
 * Images, histograms, audio and non-scalar tensors are counted in a note, not read.
 */
import protobuf from "protobufjs/light.js";
import { invalid } from "../../errors.js";
import { DT, SESSION_START, TENSORBOARD_PROTO } from "./tensorboard-proto.js";
import { readTfRecords } from "./tfrecord.js";
import type { RunBuilder } from "./run.js";

let eventType: protobuf.Type | undefined;
function Event(): protobuf.Type {
  eventType ??= protobuf.Root.fromJSON(TENSORBOARD_PROTO as unknown as protobuf.INamespace).lookupType("tensorboard.Event");
  return eventType;
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const num = (x: unknown): number => (typeof x === "number" ? x : typeof x === "object" && x !== null && "toNumber" in x ? (x as { toNumber(): number }).toNumber() : Number.NaN);

interface DecodedTensor {
  dtype?: number;
  tensorShape?: { dim?: { size?: unknown }[] };
  tensorContent?: Uint8Array;
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  int64Val?: unknown[];
  halfVal?: number[];
}

/** IEEE half (binary16) bits → number. */
function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** A rank-0 (or one-element) numeric tensor's value; undefined for anything else. */
export function scalarOfTensor(t: DecodedTensor): number | undefined {
  const dims = t.tensorShape?.dim ?? [];
  let count = 1;
  for (const d of dims) count *= num(d.size);
  if (count !== 1) return undefined;
  const c = t.tensorContent;
  const dv = c && c.length > 0 ? new DataView(c.buffer, c.byteOffset, c.byteLength) : undefined;
  switch (t.dtype) {
    case DT.FLOAT:
      return dv ? (c!.length === 4 ? dv.getFloat32(0, true) : undefined) : t.floatVal?.[0];
    case DT.DOUBLE:
      return dv ? (c!.length === 8 ? dv.getFloat64(0, true) : undefined) : t.doubleVal?.[0];
    case DT.INT32:
      return dv ? (c!.length === 4 ? dv.getInt32(0, true) : undefined) : t.intVal?.[0];
    case DT.INT64:
      return dv ? (c!.length === 8 ? Number(dv.getBigInt64(0, true)) : undefined) : t.int64Val?.[0] !== undefined ? num(t.int64Val[0]) : undefined;
    case DT.HALF:
      return dv ? (c!.length === 2 ? half(dv.getUint16(0, true)) : undefined) : t.halfVal?.[0] !== undefined ? half(t.halfVal[0]) : undefined;
    case DT.BFLOAT16:
      // bfloat16 is the top half of a float32 (half_val holds it for the repeated form)
      if (dv) return c!.length === 2 ? new DataView(new Uint8Array([0, 0, c![0] as number, c![1] as number]).buffer).getFloat32(0, true) : undefined;
      return t.halfVal?.[0] !== undefined ? new DataView(new Uint32Array([(t.halfVal[0] & 0xffff) << 16]).buffer).getFloat32(0, true) : undefined;
    default:
      return undefined;
  }
}

export interface EventFileSummary {
  events: number;
  scalars: { v1: number; v2: number };
  skipped: number;
  fileVersion?: string;
  /** Steps at which a SessionLog START (a writer restart) was recorded. */
  restarts: number[];
  firstWallTime: number;
}

/**
 * Read one event file into `b` (file index `fi`); problems (corrupt records, undecodable events) go to
 * b.run.problems with their byte offsets. `plugins` remembers each tag's plugin across files.
 */
export function readEventFile(bytes: Uint8Array, name: string, b: RunBuilder, fi: number, plugins: Map<string, string>): EventFileSummary {
  const E = Event();
  const out: EventFileSummary = { events: 0, scalars: { v1: 0, v2: 0 }, skipped: 0, restarts: [], firstWallTime: Number.NaN };
  const problems = readTfRecords(bytes, name, (rec) => {
    let ev: Record<string, unknown>;
    try {
      ev = E.decode(rec.data) as unknown as Record<string, unknown>;
    } catch (e) {
      b.run.problems.push(invalid([name, `byte ${rec.offset}`], "a TensorBoard Event protobuf", `a record that does not decode (${(e as Error).message.slice(0, 80)})`));
      return;
    }
    out.events++;
    const wall = has(ev, "wallTime") ? (ev.wallTime as number) : Number.NaN;
    if (Number.isNaN(out.firstWallTime) && Number.isFinite(wall)) out.firstWallTime = wall;
    const step = has(ev, "step") ? num(ev.step) : 0;
    if (has(ev, "fileVersion")) out.fileVersion = ev.fileVersion as string;
    if (has(ev, "sessionLog") && (ev.sessionLog as { status?: number }).status === SESSION_START) out.restarts.push(step);
    if (!has(ev, "summary")) return;
    for (const v of ((ev.summary as { value?: Record<string, unknown>[] }).value ?? [])) {
      const tag = typeof v.tag === "string" && v.tag !== "" ? v.tag : typeof v.nodeName === "string" ? v.nodeName : "";
      const md = v.metadata as { pluginData?: { pluginName?: string }; dataClass?: number } | undefined;
      const plugin = md?.pluginData?.pluginName;
      if (plugin) plugins.set(tag, plugin);
      let value: number | undefined;
      if (has(v, "simpleValue")) {
        value = v.simpleValue as number;
        out.scalars.v1++;
      } else if (has(v, "tensor")) {
        const p = plugins.get(tag);
        const scalarClass = md?.dataClass === 1;
        if (p === "scalars" || scalarClass || p === undefined) value = scalarOfTensor(v.tensor as DecodedTensor);
        if (value !== undefined && p !== undefined && p !== "scalars" && !scalarClass) value = undefined;
        if (value !== undefined) out.scalars.v2++;
      }
      if (value === undefined) {
        out.skipped++;
        continue;
      }
      b.add(tag, step, value, wall, fi, rec.offset);
    }
  });
  for (const p of problems) (p.truncated && p === problems[problems.length - 1] ? b.run.truncatedTail : b.run.problems).push(p.issue);
  return out;
}
