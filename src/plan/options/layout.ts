/**
 * Parallel-layout, memory and time options (issue 14). Each degree left out is searched
 * (src/layout/search.ts); each one given pins the search to it. Flags are the keys in kebab-case.
 */
import { invalid, type Result } from "../../errors.js";
import { field, fromParser, numberIn, oneOf, yesNo } from "./field.js";

const degree = (what: string, max = 1_000_000) => numberIn({ min: 1, max, integer: true, what });

export const LAYOUT_OPTIONS = {
  tp: field(degree("tensor-parallel degree", 1024), {
    flag: "--tp <n>",
    description: "tensor-parallel degree (Megatron-LM, Shoeybi et al. arXiv 1909.08053); must divide the query and KV heads",
    unit: "GPUs",
    defaultNote: "searched: divisors of the GPUs per node",
  }),
  pp: field(degree("pipeline-parallel stages", 1024), {
    flag: "--pp <n>",
    description: "pipeline-parallel stages (Narayanan et al. arXiv 2104.04473); uneven splits of the layers are noted",
    unit: "stages",
    defaultNote: "searched: divisors of the layer count and powers of two",
  }),
  vpp: field(degree("virtual pipeline stages per rank", 128), {
    flag: "--vpp <n>",
    description: "virtual pipeline stages (model chunks) per pipeline rank: the interleaved 1F1B schedule, bubble (pp−1)/(m·v) (arXiv 2104.04473 §2.2.2)",
    unit: "chunks",
    defaultNote: "searched: divisors ≤ 8 of the layers per stage",
  }),
  cp: field(degree("context-parallel degree", 1024), {
    flag: "--cp <n>",
    description: "context-parallel degree: the sequence split over ranks (ring attention)",
    unit: "GPUs",
    defaultNote: "searched: powers of two keeping ≥ 4096 tokens per rank",
  }),
  ep: field(degree("expert-parallel degree", 65536), {
    flag: "--ep <n>",
    description: "expert-parallel degree (MoE only): the experts of each layer split over ranks taken from dp·cp",
    unit: "GPUs",
    defaultNote: "searched: powers of two dividing the experts",
  }),
  dpShard: field(degree("ranks the model states are sharded over"), {
    flag: "--dp-shard <n>",
    description: "data-parallel ranks the model states are sharded over (FSDP/ZeRO group); < dp is HSDP (dp/dpShard replicas)",
    unit: "GPUs",
    defaultNote: "all data-parallel ranks, or one node's (HSDP), searched",
  }),
  sequenceParallel: field(yesNo("sequence parallelism over the tensor-parallel group"), {
    flag: "--sequence-parallel <true|false>",
    description: "sequence parallelism over the TP group: norms and dropout split too (Korthikanti et al. arXiv 2205.05198 §4.2.2)",
    unit: "",
    defaultNote: "true when tp > 1",
  }),
  microBatch: field(numberIn({ min: 1, max: 1e6, integer: true, what: "sequences per GPU per forward pass" }), {
    flag: "--micro-batch <n>",
    description: "sequences per data-parallel rank per forward/backward (must divide the per-rank batch)",
    unit: "sequences",
    defaultNote: "the largest that fits in memory",
  }),
  zeroStage: field(numberIn({ min: 0, max: 3, integer: true, what: "ZeRO/FSDP sharding stage" }), {
    flag: "--zero-stage <0-3>",
    description: "0 none, 1 optimizer states (Megatron's distributed optimizer), 2 + gradients, 3 + weights (FSDP full shard) — Rajbhandari et al. arXiv 1910.02054",
    unit: "",
    defaultNote: "3 (the layout search also tries 1)",
  }),
  recompute: field(oneOf(["auto", "none", "selective", "full"] as const), {
    flag: "--recompute <mode>",
    description: "activation recomputation: auto (the fastest that fits), none, selective (the attention core, Korthikanti §5), full (each layer's input kept)",
    unit: "",
    defaultNote: "auto",
  }),
  mainGrads: field(oneOf(["fp32", "bf16"] as const), {
    flag: "--main-grads <dtype>",
    description: "dtype of the gradients the optimizer reads: fp32 (Megatron's main grads, TorchTitan's fp32 reduce) or bf16",
    unit: "",
    defaultNote: "fp32",
  }),
  optimizerStates: field(oneOf(["fp32", "bf16"] as const), {
    flag: "--optimizer-states <dtype>",
    description: "dtype of AdamW's two moment estimates (8 or 4 bytes per parameter)",
    unit: "",
    defaultNote: "fp32",
  }),
  lossImpl: field(oneOf(["fused", "unfused-fp32"] as const), {
    flag: "--loss-impl <impl>",
    description: "cross-entropy implementation: fused (keeps the bf16 logits, 2 B per vocabulary entry) or unfused-fp32 (TorchTitan's cross_entropy(pred.float()): 10 B)",
    unit: "",
    defaultNote: "fused",
  }),
  memoryConvention: field(oneOf(["lmplan", "megatron"] as const), {
    flag: "--memory-convention <c>",
    description: "memory model: lmplan's components, or Megatron-LM's theoretical_memory_usage.py reproduced (padded vocabulary, no reserve)",
    unit: "",
    defaultNote: "lmplan",
  }),
  memoryReserve: field(numberIn({ min: 0, max: 1e4, what: "GiB kept free per GPU" }), {
    flag: "--memory-reserve <GiB>",
    description: "memory kept free per GPU for the CUDA context, workspaces and fragmentation, in GiB (replaces the default)",
    unit: "GiB",
    defaultNote: "1 GiB + 5% of the rest (lmplan's assumption)",
  }),
  wholeNodes: field(yesNo("GPU counts in whole nodes"), {
    flag: "--whole-nodes <true|false>",
    description: "GPU counts beyond one node are whole nodes (8 GPUs on the catalog's platforms); --days picks whole nodes",
    unit: "",
    defaultNote: "true",
  }),
  compile: field(yesNo("torch.compile in the measured throughput"), {
    flag: "--compile <true|false>",
    description: "take the compute efficiency from measurements with torch.compile (TorchTitan's tables)",
    unit: "",
    defaultNote: "false",
  }),
};
