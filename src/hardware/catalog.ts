/**
 * Accelerator catalog. Peak figures are dense (no 2:4 sparsity). bf16 peaks are TorchTitan's
 * (pytorch/torchtitan torchtitan/tools/utils.py get_peak_flops; SCIENCE.md §8); fp8 peaks are the
 * vendors' datasheet "with sparsity" figures halved. Memory is the marketed capacity in GB (1e9 bytes),
 * which is conservative against what a framework can allocate.
 */
export interface Accelerator {
  id: string;
  aliases: readonly string[];
  title: string;
  /** Dense bf16 peak, FLOP/s. */
  peakBf16: number;
  /** Dense fp8 peak, FLOP/s; undefined where the chip has no fp8. */
  peakFp8?: number;
  /** HBM capacity in bytes. */
  memoryBytes: number;
  /** Default price in USD per GPU-hour where a source gives one; otherwise the user must set --price. */
  pricePerHour?: { usd: number; source: string };
  source: string;
}

export const ACCELERATORS: readonly Accelerator[] = [
  {
    id: "a100",
    aliases: ["a100-80gb", "a100-sxm"],
    title: "NVIDIA A100 SXM 80GB",
    peakBf16: 312e12,
    memoryBytes: 80e9,
    source: "TorchTitan tools/utils.py (bf16); NVIDIA A100 datasheet (memory)",
  },
  {
    id: "h100",
    aliases: ["h100-sxm", "h100sxm"],
    title: "NVIDIA H100 SXM 80GB",
    peakBf16: 989e12,
    peakFp8: 1979e12,
    memoryBytes: 80e9,
    pricePerHour: {
      usd: 148e3 / 59.4e3,
      source: "Trillion-7B (arXiv 2504.15431): $148K for 59.4K H100 GPU-hours = $2.49/GPU-h",
    },
    source: "TorchTitan tools/utils.py (bf16); NVIDIA H100 datasheet (fp8, memory)",
  },
  {
    id: "h100-pcie",
    aliases: ["h100pcie"],
    title: "NVIDIA H100 PCIe 80GB",
    peakBf16: 756e12,
    peakFp8: 1513e12,
    memoryBytes: 80e9,
    source: "TorchTitan tools/utils.py (bf16); NVIDIA H100 datasheet (fp8, memory)",
  },
  {
    id: "h200",
    aliases: ["h200-sxm"],
    title: "NVIDIA H200 SXM 141GB",
    peakBf16: 989e12,
    peakFp8: 1979e12,
    memoryBytes: 141e9,
    source: "TorchTitan tools/utils.py (bf16); NVIDIA H200 datasheet (fp8, memory)",
  },
  {
    id: "b200",
    aliases: [],
    title: "NVIDIA B200 180GB",
    peakBf16: 2.25e15,
    peakFp8: 4.5e15,
    memoryBytes: 180e9,
    source: "TorchTitan tools/utils.py (bf16); NVIDIA DGX B200 datasheet (fp8; 1,440 GB per 8 GPUs)",
  },
  {
    id: "mi300x",
    aliases: [],
    title: "AMD Instinct MI300X 192GB",
    peakBf16: 1300e12,
    peakFp8: 2615e12,
    memoryBytes: 192e9,
    source: "TorchTitan tools/utils.py (bf16); AMD MI300X datasheet (fp8, memory)",
  },
];

export function findAccelerator(name: string): Accelerator | undefined {
  const key = name.toLowerCase();
  return ACCELERATORS.find((a) => a.id === key || a.aliases.includes(key));
}

export function acceleratorNames(): string[] {
  return ACCELERATORS.map((a) => a.id);
}
