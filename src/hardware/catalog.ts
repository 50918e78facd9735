/**
 * Accelerator catalog. Peak figures are dense (no 2:4 sparsity). bf16 peaks are TorchTitan's
 * (pytorch/torchtitan torchtitan/tools/utils.py get_peak_flops; docs/science.md §8); fp8 peaks are the
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
  /** How the chip talks to its peers: the bandwidths the layout's time model uses for collectives. */
  interconnect: Interconnect;
}

/**
 * Interconnect of one GPU in a typical node of its platform. Bandwidths are datasheet peaks per GPU per
 * direction (bytes/s); NCCL's achieved bus bandwidth is lower, so collective times from these are a
 * lower bound (the layout's time model says so in its output).
 */
export interface Interconnect {
  /** GPUs sharing the fast intra-node fabric (NVLink/NVSwitch, Infinity Fabric). */
  gpusPerNode: number;
  /** Intra-node bandwidth per GPU per direction, bytes/s (datasheet bidirectional figure ÷ 2). */
  intraNodeBytesPerSecond: number;
  /** Scale-out (InfiniBand/RoCE) bandwidth per GPU per direction, bytes/s (one NIC per GPU). */
  interNodeBytesPerSecond: number;
  source: string;
}

// 400 Gb/s NDR InfiniBand / RoCE per GPU = 50e9 bytes/s per direction (one ConnectX-7 per GPU in DGX H100/H200/B200)
const NDR_400G = 400e9 / 8;

export const ACCELERATORS: readonly Accelerator[] = [
  {
    id: "a100",
    aliases: ["a100-80gb", "a100-sxm"],
    title: "NVIDIA A100 SXM 80GB",
    peakBf16: 312e12,
    memoryBytes: 80e9,
    source: "TorchTitan tools/utils.py (bf16); NVIDIA A100 datasheet (memory)",
    interconnect: {
      gpusPerNode: 8,
      intraNodeBytesPerSecond: 600e9 / 2,
      interNodeBytesPerSecond: 200e9 / 8,
      source: "NVIDIA A100 datasheet: NVLink 600 GB/s (bidirectional); DGX A100: 8× 200 Gb/s HDR InfiniBand, one per GPU",
    },
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
    interconnect: {
      gpusPerNode: 8,
      intraNodeBytesPerSecond: 900e9 / 2,
      interNodeBytesPerSecond: NDR_400G,
      source: "NVIDIA H100 datasheet: NVLink 900 GB/s (SXM, bidirectional); DGX H100: 8× ConnectX-7 400 Gb/s NDR, one per GPU",
    },
  },
  {
    id: "h100-pcie",
    aliases: ["h100pcie"],
    title: "NVIDIA H100 PCIe 80GB",
    peakBf16: 756e12,
    peakFp8: 1513e12,
    memoryBytes: 80e9,
    source: "TorchTitan tools/utils.py (bf16); NVIDIA H100 datasheet (fp8, memory)",
    interconnect: {
      gpusPerNode: 8,
      intraNodeBytesPerSecond: 128e9 / 2,
      interNodeBytesPerSecond: NDR_400G,
      source: "NVIDIA H100 datasheet: PCIe Gen5 128 GB/s (the NVLink bridge joins only pairs, 600 GB/s; lmplan takes PCIe for the node); 400 Gb/s NIC per GPU assumed",
    },
  },
  {
    id: "h200",
    aliases: ["h200-sxm"],
    title: "NVIDIA H200 SXM 141GB",
    peakBf16: 989e12,
    peakFp8: 1979e12,
    memoryBytes: 141e9,
    source: "TorchTitan tools/utils.py (bf16); NVIDIA H200 datasheet (fp8, memory)",
    interconnect: {
      gpusPerNode: 8,
      intraNodeBytesPerSecond: 900e9 / 2,
      interNodeBytesPerSecond: NDR_400G,
      source: "NVIDIA H200 datasheet: NVLink 900 GB/s (bidirectional); HGX H200 with 400 Gb/s NDR per GPU (typical)",
    },
  },
  {
    id: "b200",
    aliases: [],
    title: "NVIDIA B200 180GB",
    peakBf16: 2.25e15,
    peakFp8: 4.5e15,
    memoryBytes: 180e9,
    source: "TorchTitan tools/utils.py (bf16); NVIDIA DGX B200 datasheet (fp8; 1,440 GB per 8 GPUs)",
    interconnect: {
      gpusPerNode: 8,
      intraNodeBytesPerSecond: 1.8e12 / 2,
      interNodeBytesPerSecond: NDR_400G,
      source: "NVIDIA DGX B200 datasheet: NVLink 5 1.8 TB/s per GPU (bidirectional); 8× ConnectX-7 400 Gb/s",
    },
  },
  {
    id: "mi300x",
    aliases: [],
    title: "AMD Instinct MI300X 192GB",
    peakBf16: 1300e12,
    peakFp8: 2615e12,
    memoryBytes: 192e9,
    source: "TorchTitan tools/utils.py (bf16); AMD MI300X datasheet (fp8, memory)",
    interconnect: {
      gpusPerNode: 8,
      intraNodeBytesPerSecond: 896e9 / 2,
      interNodeBytesPerSecond: NDR_400G,
      source: "AMD MI300X datasheet: Infinity Fabric 896 GB/s aggregate peer bandwidth (7 links × 128 GB/s, bidirectional); 400 Gb/s NIC per GPU assumed",
    },
  },
];

export function findAccelerator(name: string): Accelerator | undefined {
  const key = name.toLowerCase();
  return ACCELERATORS.find((a) => a.id === key || a.aliases.includes(key));
}

export function acceleratorNames(): string[] {
  return ACCELERATORS.map((a) => a.id);
}
