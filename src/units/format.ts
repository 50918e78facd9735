/**
 * Print quantities the way people read them. Every count format parses back with parseCount
 * (property-tested: parse∘format round-trips within the printed precision).
 */
import { GIB, SECONDS_PER_DAY, SECONDS_PER_HOUR } from "./types.js";

/** Round to `digits` significant figures and drop trailing zeros: 1.30 → "1.3". */
export function formatSig(x: number, digits = 3): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  const s = Number(x.toPrecision(digits));
  const abs = Math.abs(s);
  if (abs >= 1e6 || abs < 1e-4) return trimExp(s.toExponential(digits - 1));
  return String(s);
}

function trimExp(s: string): string {
  // "3.00e+22" → "3e22"; "1.10e-3" → "1.1e-3"
  const [mant = "", exp = ""] = s.split("e");
  const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
  return `${m}e${exp.replace("+", "")}`;
}

/** 1.3e9 → "1.3B", 627e9 → "627B", 2.5e6 → "2.5M"; ≥ 1e15 in e-notation ("3e22"). */
export function formatCount(x: number, digits = 3): string {
  const abs = Math.abs(x);
  const table: [number, string][] = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "K"],
  ];
  if (abs >= 1e15) return formatSig(x, digits);
  // Round first so 999.96e9 prints "1T", not "1000B".
  const rounded = Number(x.toPrecision(digits));
  for (const [scale, suffix] of table) {
    if (Math.abs(rounded) >= scale) return `${formatSig(rounded / scale, digits)}${suffix}`;
  }
  return formatSig(rounded, digits);
}

/** FLOPs in e-notation: 3e22 → "3e22", 1.2345e21 → "1.23e21". */
export function formatFlops(x: number, digits = 3): string {
  return trimExp(Number(x.toPrecision(digits)).toExponential(digits - 1));
}

/** Seconds → "20.1 days", "5.2 h", "42 min", "12 s". */
export function formatDuration(s: number): string {
  if (s >= 2 * SECONDS_PER_DAY) return `${formatSig(s / SECONDS_PER_DAY, 3)} days`;
  if (s >= SECONDS_PER_HOUR) return `${formatSig(s / SECONDS_PER_HOUR, 3)} h`;
  if (s >= 60) return `${formatSig(s / 60, 3)} min`;
  return `${formatSig(s, 3)} s`;
}

/** Bytes → "45.2 GiB" (binary units, as nvidia-smi and PyTorch report memory). */
export function formatBytes(b: number): string {
  if (b >= GIB) return `${formatSig(b / GIB, 3)} GiB`;
  if (b >= 2 ** 20) return `${formatSig(b / 2 ** 20, 3)} MiB`;
  return `${formatSig(b, 3)} B`;
}

/** USD → "$148K", "$2.49". */
export function formatUsd(x: number): string {
  if (Math.abs(x) >= 1e3) return `$${formatCount(x, 3)}`;
  return `$${formatSig(x, 3)}`;
}

/** 0.3374 → "33.7%". */
export function formatPercent(x: number, digits = 3): string {
  return `${formatSig(x * 100, digits)}%`;
}
