// TensorBoard event files: TFRecord framing with masked CRC-32C (RFC 3720 App. B.4 vectors), the
// real TensorFlow 2 file in data/tfevents (orktes/go-tensorboard @ a25fcd01 testdata, written by
// tf.summary.scalar("my_metric", 0.5*step, step=step) for steps 0–99; see data/README.md), and
// PyTorch-style v1 files (Summary.Value.simple_value) written here by a hand-rolled protobuf encoder
// (field numbers of tensorflow/core/util/event.proto and tensorboard/compat/proto/summary.proto), so
// that the decoder is checked against bytes it did not produce.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { roleSeries } from "../src/io/logs/align.js";
import { crc32c, maskCrc } from "../src/io/logs/crc32c.js";
import { curveFromRun } from "../src/io/logs/curve.js";
import { readSource } from "../src/io/logs/files.js";
import { readRunFiles } from "../src/io/logs/read.js";
import { scalarOfTensor } from "../src/io/logs/tensorboard.js";

const TF2 = new URL("../data/tfevents/events.out.tfevents.1585499054.tf2-scalars.v2", import.meta.url).pathname;

// ---- a minimal protobuf writer (wire types 0, 1, 2, 5) ------------------------------------------
const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
};
const key = (field: number, wire: number) => varint((field << 3) | wire);
const lenDelim = (field: number, body: number[]) => [...key(field, 2), ...varint(body.length), ...body];
const f64 = (field: number, x: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, true);
  return [...key(field, 1), ...b];
};
const f32 = (field: number, x: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, x, true);
  return [...key(field, 5), ...b];
};
const str = (field: number, s: string) => lenDelim(field, [...new TextEncoder().encode(s)]);

/** Event{wall_time, step, summary{value{tag, simple_value}…}} as PyTorch's SummaryWriter writes it. */
function scalarEvent(wall: number, step: number, values: [string, number][]): Uint8Array {
  const summary = values.flatMap(([tag, v]) => lenDelim(1, [...str(1, tag), ...f32(2, v)]));
  return new Uint8Array([...f64(1, wall), ...key(2, 0), ...varint(step), ...lenDelim(5, summary)]);
}
const versionEvent = (wall: number) => new Uint8Array([...f64(1, wall), ...str(3, "brain.Event:2")]);

/** TFRecord framing: length, masked CRC of the length, data, masked CRC of the data. */
function frame(records: Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  for (const d of records) {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(d.length), true);
    const c1 = new Uint8Array(4);
    new DataView(c1.buffer).setUint32(0, maskCrc(crc32c(len)), true);
    const c2 = new Uint8Array(4);
    new DataView(c2.buffer).setUint32(0, maskCrc(crc32c(d)), true);
    parts.push(...len, ...c1, ...d, ...c2);
  }
  return new Uint8Array(parts);
}

/** A v1 file: steps from..to, loss and lr, wall times from t0. Returns the bytes and each record's offset. */
function v1File(from: number, to: number, t0: number, lossAt: (s: number) => number) {
  const recs: Uint8Array[] = [versionEvent(t0)];
  for (let s = from; s <= to; s++) recs.push(scalarEvent(t0 + s, s, [["train/loss", lossAt(s)], ["train/lr", Math.min(1, s / 10) * 3e-4]]));
  const offsets: number[] = [];
  let o = 0;
  for (const r of recs) {
    offsets.push(o);
    o += r.length + 16;
  }
  return { bytes: frame(recs), offsets };
}

const tmp = () => mkdtempSync(join(tmpdir(), "lmplan-tb-"));
async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => void (out += s), err: (s) => void (err += s), readStdin: () => "", isTTY: false });
  return { code, out, err };
}

describe("CRC-32C and TFRecord masking", () => {
  it("matches RFC 3720 App. B.4 and the check value of '123456789'", () => {
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });
  it("masking is TensorFlow's rotate-and-add, and undoes", () => {
    const unmask = (m: number) => {
      const rot = (m - 0xa282ead8) >>> 0;
      return ((rot >>> 17) | (rot << 15)) >>> 0;
    };
    for (const c of [0, 1, 0xe3069283, 0xffffffff]) {
      expect(unmask(maskCrc(c))).toBe(c);
      expect(maskCrc(c)).not.toBe(c);
    }
  });
});

describe("the TensorFlow 2 event file (v2 scalar tensors)", () => {
  it("decodes to its 100 scalars, my_metric = 0.5·step", () => {
    const r = readRunFiles([{ name: "tf2.v2", bytes: new Uint8Array(readFileSync(TF2)) }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.formats).toEqual(["tensorboard"]);
    expect(r.value.problems).toEqual([]);
    const s = r.value.series.get("my_metric");
    expect(s?.step).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(s?.value).toEqual(Array.from({ length: 100 }, (_, i) => 0.5 * i));
    expect(s?.wall.every((w) => w > 1585499054 && w < 1585499056)).toBe(true);
    expect(s?.pos[0]).toBe(40); // the second record (the first is the file version) starts at byte 40
    expect(r.value.notes[0]).toMatch(/brain\.Event:2\), 101 events, 100 scalar-tensor scalars/);
  });

  it("reads the other scalar tensor encodings (double, int64, half, repeated float_val)", () => {
    const dbl = new Uint8Array(8);
    new DataView(dbl.buffer).setFloat64(0, 1.25, true);
    expect(scalarOfTensor({ dtype: 2, tensorContent: dbl })).toBe(1.25);
    expect(scalarOfTensor({ dtype: 1, floatVal: [0.5] })).toBe(0.5);
    expect(scalarOfTensor({ dtype: 19, halfVal: [0x3c00] })).toBe(1);
    expect(scalarOfTensor({ dtype: 9, int64Val: [7] })).toBe(7);
    expect(scalarOfTensor({ dtype: 1, floatVal: [1, 2], tensorShape: { dim: [{ size: 2 }] } })).toBeUndefined();
  });
});

describe("PyTorch-style (simple_value) files, run directories and restarts", () => {
  it("a v1 file decodes to its scalars, with byte offsets", () => {
    const { bytes, offsets } = v1File(1, 50, 1.7e9, (s) => 4 - s / 100);
    const r = readRunFiles([{ name: "events.out.tfevents.1700000000.host", bytes }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = r.value.series.get("train/loss");
    expect(s?.step).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(s?.value[9]).toBe(Math.fround(4 - 10 / 100));
    expect(s?.pos.slice(0, 2)).toEqual([offsets[1], offsets[2]]);
    expect(r.value.notes[0]).toMatch(/50 events|51 events/);
  });

  it("a bad data CRC is reported at its record's byte offset and that record alone is not read", () => {
    const { bytes, offsets } = v1File(1, 20, 1.7e9, (s) => 4 - s / 100);
    const bad = bytes.slice();
    const o = offsets[5] as number;
    bad[o + 12 + 3] = (bad[o + 12 + 3] as number) ^ 0xff; // a data byte of the record of step 5
    const r = readRunFiles([{ name: "ev.tfevents", bytes: bad }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.problems).toHaveLength(1);
    expect(r.value.problems[0]?.path).toEqual(["ev.tfevents", `byte ${o}`]);
    expect(r.value.problems[0]?.expected).toMatch(/record whose data matches its masked CRC-32C .* this record .* is not read/);
    expect(r.value.series.get("train/loss")?.step).toEqual([1, 2, 3, 4, ...Array.from({ length: 15 }, (_, i) => i + 6)]);
  });

  it("a bad length CRC stops the framing (the rest is reported as not read); a truncated record is reported at its offset", () => {
    const { bytes, offsets } = v1File(1, 20, 1.7e9, (s) => 4 - s / 100);
    const bad = bytes.slice();
    const o = offsets[8] as number;
    bad[o + 9] = (bad[o + 9] as number) ^ 0x01;
    const r = readRunFiles([{ name: "ev.tfevents", bytes: bad }]);
    expect(r.ok && r.value.problems.map((p) => [p.path[1], /framing is lost, so bytes \d+–\d+ are not read/.test(p.expected)])).toEqual([[`byte ${o}`, true]]);
    expect(r.ok && r.value.series.get("train/loss")?.step.length).toBe(7);
    const cut = bytes.slice(0, (offsets[12] as number) + 20);
    const t = readRunFiles([{ name: "ev.tfevents", bytes: cut }]);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.value.problems).toEqual([]);
    expect(t.value.truncatedTail.map((p) => p.path)).toEqual([["ev.tfevents", `byte ${offsets[12]}`]]);
    expect(t.value.truncatedTail[0]?.expected).toMatch(/cut short; a file still being written ends like this/);
    expect(t.value.truncatedTail[0]?.received).toMatch(/^"8 of its \d+ bytes before the end of the file"$/);
  });

  it("fit curves on a corrupt event file exits 2 naming the byte offset, and fits with --skip-bad-rows listing it", async () => {
    const dir = tmp();
    const { bytes, offsets } = v1File(1, 400, 1.7e9, (s) => 2.5 + 3 / Math.sqrt(s));
    const bad = bytes.slice();
    bad[(offsets[100] as number) + 14] = (bad[(offsets[100] as number) + 14] as number) ^ 0x55;
    const f = join(dir, "events.out.tfevents.1.h");
    writeFileSync(f, bad);
    const stop = await cli(["fit", "curves", f]);
    expect(stop.code).toBe(2);
    expect(stop.err).toContain(`lmplan: ${f}.byte ${offsets[100]}: expected a record whose data matches its masked CRC-32C`);
    const skip = await cli(["fit", "curves", f, "--skip-bad-rows", "--json"]);
    expect(skip.code, skip.err).toBe(0);
    const j = JSON.parse(skip.out);
    expect(j.train[0].points).toBe(399);
    expect(j.skippedRows[0]).toContain(`byte ${offsets[100]}`);
  });

  it("a run directory: event files of a restart (the later file wins from its first step) and a validation writer's subdirectory", async () => {
    const dir = tmp();
    const a = v1File(1, 100, 1.7e9, (s) => 4 - s / 1000);
    const b = v1File(51, 150, 1.7e9 + 500, (s) => 5 - s / 1000);
    writeFileSync(join(dir, "events.out.tfevents.1700000000.host.1.0"), a.bytes);
    writeFileSync(join(dir, "events.out.tfevents.1700000500.host.2.0"), b.bytes);
    mkdirSync(join(dir, "validation"));
    writeFileSync(join(dir, "validation", "events.out.tfevents.1700000100.host.1.1"), frame([versionEvent(1.7e9), scalarEvent(1.7e9 + 50, 50, [["loss", 3.9]]), scalarEvent(1.7e9 + 100, 100, [["loss", 3.8]])]));
    const src = readSource(dir);
    expect(src.ok).toBe(true);
    if (!src.ok) return;
    const r = readRunFiles(src.value);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const loss = roleSeries(r.value, "loss");
    expect(loss?.step).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(loss?.value[60]).toBe(Math.fround(5 - 61 / 1000));
    expect(loss?.restarts).toEqual([expect.objectContaining({ step: 51, replaced: 50, from: 51, to: 100 })]);
    expect(roleSeries(r.value, "evalLoss")?.choice.tag).toBe("validation/loss");
    const c = curveFromRun(dir, r.value);
    expect(c.ok).toBe(true);
    if (c.ok) expect(c.value.notes.join("\n")).toMatch(/restart at step 51 \(.*events\.out\.tfevents\.1700000500\.host\.2\.0 byte \d+\): the later run's values replace 50 earlier points of "train\/loss" at steps 51–100/);
    const fit = await cli(["fit", "curves", dir, "--json"]);
    expect(fit.code, fit.err).toBe(0);
  });
});
