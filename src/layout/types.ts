/**
 * A parallel layout: how a training step is split over the GPUs. Defined once as a zod schema (the
 * type, the validator of a saved plan's `layout`, and what an emitter writes into a trainer config).
 *
 * Degrees multiply to the GPU count: gpus = dp · tp · pp · cp. Expert parallelism (ep) splits the
 * experts of each MoE layer over ranks taken from dp·cp (Megatron-LM's convention, "expert
 * parallelism folds into data parallelism"), so it does not appear in that product.
 * The global batch in sequences = microBatch · gradAccum · dp.
 */
import * as z from "zod";

const degree = (what: string) => z.number().int().min(1).max(1_000_000).describe(what);

export const LayoutSchema = z.strictObject({
  dp: degree("data-parallel degree: replicas × shards of the model states (gpus / (tp·pp·cp))"),
  dpShard: degree("ranks the model states are sharded over (FSDP/ZeRO group); dp for full sharding, < dp for HSDP (dp/dpShard replicas), 1 with no sharding"),
  zeroStage: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).describe("0 none (DDP), 1 optimizer states (Megatron's distributed optimizer), 2 + gradients, 3 + weights (FSDP full shard)"),
  tp: degree("tensor-parallel degree (Megatron-LM, Shoeybi et al. arXiv 1909.08053)"),
  sequenceParallel: z.boolean().describe("sequence parallelism over the tensor-parallel group (Korthikanti et al. arXiv 2205.05198 §4.2.2)"),
  pp: degree("pipeline-parallel stages"),
  vpp: degree("virtual pipeline stages (model chunks) per pipeline rank; 1 = no interleaving (Narayanan et al. arXiv 2104.04473 §2.2.2)"),
  cp: degree("context-parallel degree (ring attention over the sequence)"),
  ep: degree("expert-parallel degree (MoE only; 1 for dense models)"),
  microBatch: z.number().int().min(1).max(1_000_000).describe("sequences per forward/backward per data-parallel rank"),
  gradAccum: z.number().int().min(1).max(1_000_000_000).describe("micro-batches per optimizer step per data-parallel rank (the pipeline's micro-batch count)"),
  recompute: z.enum(["none", "selective", "full"]).describe("activation recomputation: none, selective (attention core, Korthikanti §5), full (every layer's input kept)"),
  /** Layers per pipeline stage recomputed with full recompute (Megatron's --recompute-num-layers); all when absent. */
  recomputeLayers: z.number().int().min(1).max(100_000).optional(),
  precision: z.enum(["bf16", "fp8"]).describe("matmul precision"),
  /** Gradient dtype kept for the optimizer: Megatron keeps fp32 main gradients, FSDP2 with bf16 reduce keeps bf16. */
  mainGrads: z.enum(["bf16", "fp32"]).describe("dtype of the gradients the optimizer reads"),
});

export type Layout = z.output<typeof LayoutSchema>;
