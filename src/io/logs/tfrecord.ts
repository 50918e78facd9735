/**
 * TFRecord framing, as TensorFlow writes event files (tensorflow/tensorflow
 * tensorflow/core/lib/io/record_writer.cc; docs/science.md §16):
 *   uint64 length (little-endian) · uint32 masked CRC-32C of those 8 bytes · data · uint32 masked CRC-32C of data.
 * Every record is checked. A corrupt record is reported with its byte offset — never skipped silently:
 * - a data CRC that does not match: that record is reported and the next one read (its length was
 *   checked, so the framing holds);
 * - a length whose CRC does not match, or a record cut short by the end of the file: the framing is
 *   lost, so the rest of the file is reported as not read.
 * Pure over bytes; the caller reads the file.
 */
import { invalid, type Issue } from "../../errors.js";
import { crc32c, maskCrc } from "./crc32c.js";
import { formatBytes, LOG_LIMITS } from "./limits.js";

export interface TfRecord {
  /** Byte offset of the record's length field in the file. */
  offset: number;
  data: Uint8Array;
}

export interface TfRecordProblem {
  issue: Issue;
  /** True when the record was cut off by the end of the file (a file still being written looks like this). */
  truncated: boolean;
}

const u32 = (b: Uint8Array, o: number) => ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0;

const hex = (x: number) => `0x${x.toString(16).padStart(8, "0")}`;

/** The records of a TFRecord file, and the problems found (each naming its byte offset). */
export function readTfRecords(bytes: Uint8Array, file: string, onRecord: (r: TfRecord) => boolean | void): TfRecordProblem[] {
  const problems: TfRecordProblem[] = [];
  const at = (o: number) => [file, `byte ${o}`];
  let o = 0;
  const n = bytes.length;
  while (o < n) {
    if (n - o < 12) {
      problems.push({ truncated: true, issue: invalid(at(o), "a complete TFRecord header, 8-byte length and 4-byte CRC (the record is cut short; a file still being written ends like this)", `${n - o} bytes before the end of the file`) });
      break;
    }
    const lo = u32(bytes, o);
    const hi = u32(bytes, o + 4);
    const lenCrc = u32(bytes, o + 8);
    const want = maskCrc(crc32c(bytes, o, o + 8));
    if (lenCrc !== want) {
      problems.push({ truncated: false, issue: invalid(at(o), `a record length whose masked CRC-32C matches (computed ${hex(want)}); the framing is lost, so bytes ${o}–${n} are not read`, `CRC ${hex(lenCrc)}`) });
      break;
    }
    const len = hi * 2 ** 32 + lo;
    if (len > LOG_LIMITS.recordBytes) {
      problems.push({ truncated: false, issue: invalid(at(o), `a record of at most ${formatBytes(LOG_LIMITS.recordBytes)} (lmplan's limit on one event); bytes ${o}–${n} are not read`, `a length of ${len} bytes`) });
      break;
    }
    if (n - o - 12 < len + 4) {
      problems.push({ truncated: true, issue: invalid(at(o), `a complete record of ${len} data bytes and its CRC (the record is cut short; a file still being written ends like this)`, `${Math.max(n - o - 12, 0)} of its ${len + 4} bytes before the end of the file`) });
      break;
    }
    const d0 = o + 12;
    const dataCrc = u32(bytes, d0 + len);
    const wantData = maskCrc(crc32c(bytes, d0, d0 + len));
    if (dataCrc !== wantData) {
      problems.push({ truncated: false, issue: invalid(at(o), `a record whose data matches its masked CRC-32C (computed ${hex(wantData)}); this record (${len} bytes) is not read`, `CRC ${hex(dataCrc)}`) });
    } else if (onRecord({ offset: o, data: bytes.subarray(d0, d0 + len) }) === false) break;
    o = d0 + len + 4;
  }
  return problems;
}
