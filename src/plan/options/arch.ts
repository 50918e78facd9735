/**
 * Architecture options (issue 13): the shape of the model planned and its block — heads, GQA/MQA,
 * head dim, FFN kind and size, vocabulary, tying, position and RoPE θ, norm, biases, mixture of experts,
 * multi-head latent attention, multi-token prediction — an --arch template naming a family's defaults
 * that each option overrides, the FLOPs convention, and the parallelism rules of the shape chooser.
 * src/model/arch.ts resolveArch turns these into the template and rules the planner uses.
 */
import { invalid, type Result } from "../../errors.js";
import { ARCH_TEMPLATE_IDS } from "../../model/arch.js";
import { FLOPS_CONVENTIONS } from "../../model/flops.js";
import { field, fromParser, numberIn, oneOf, withJson, yesNo } from "./field.js";

const whole = (min: number, max: number, what: string) => numberIn({ min, max, integer: true, what });
// Widths and sizes far beyond any model (Llama 3.1 405B: d_model 16384, d_ff 53248, vocab 128256).
const MAX_DIM = 1e6;

export const ARCH_OPTIONS = {
  arch: field(oneOf(ARCH_TEMPLATE_IDS), {
    flag: "--arch <family>",
    description: `a family's block defaults, each overridable by the options below: ${ARCH_TEMPLATE_IDS.join(", ")}`,
    unit: "",
    defaultNote: "btlm (BTLM-3B-8K's block, the one the μP base and the Power Lines fits were made on)",
  }),
  width: field(numberIn({ min: 64, max: 1e6, integer: true, what: "d_model, a multiple of 64" }), {
    flag: "--width <d_model>",
    description: "plan this exact width (e.g. a μP proxy at the base width) instead of choosing a shape for --params",
    unit: "",
  }),
  layers: field(numberIn({ min: 1, max: 10000, integer: true, what: "transformer blocks" }), {
    flag: "--layers <n>",
    description: "depth for --width",
    unit: "",
    defaultNote: "width / aspect ratio",
  }),
  aspectRatio: field(numberIn({ min: 1, max: 10000, what: "d_model / n_layers" }), {
    flag: "--aspect-ratio <ratio>",
    description: "d_model / n_layers for the shape chooser",
    unit: "",
    defaultNote: "80 (BTLM-3B-8K)",
  }),
  heads: field(whole(1, 65536, "attention (query) heads"), {
    flag: "--heads <n>",
    description: "query heads of the --width shape",
    unit: "",
    defaultNote: "d_model / head dim",
  }),
  kvHeads: field(whole(1, 65536, "key/value heads"), {
    flag: "--kv-heads <n>",
    description: "key/value heads: GQA (Ainslie et al., arXiv 2305.13245) below --heads, MQA at 1; must divide the heads",
    unit: "",
    defaultNote: "the family's (llama3, qwen2, mixtral: 8), else as many as heads",
  }),
  headDim: field(whole(1, 4096, "per-head dimension"), {
    flag: "--head-dim <n>",
    description: "per-head width; d_model = heads · head dim for the chooser",
    unit: "",
    defaultNote: "128 (64 below d_model 1024)",
  }),
  ffnSize: field(whole(1, MAX_DIM, "feed-forward inner size d_ff"), {
    flag: "--ffn-size <d_ff>",
    description: "d_ff of the --width shape's dense FFN",
    unit: "",
    defaultNote: "4·d (gelu, relu), ⌈8d/3⌉ rounded up to 256 (swiglu, geglu)",
  }),
  ffn: field(oneOf(["gelu", "swiglu", "geglu", "relu"] as const), {
    flag: "--ffn <kind>",
    description: "feed-forward block: gelu or relu (2 matrices), swiglu or geglu (gated, 3 matrices; Shazeer 2020, arXiv 2002.05202)",
    unit: "",
    defaultNote: "the family's (swiglu for all but gpt2)",
  }),
  vocab: field(whole(1, 1e7, "vocabulary size"), {
    flag: "--vocab <n>",
    description: "vocabulary size V (the chooser pads it when --make-vocab-size-divisible-by is set)",
    unit: "tokens",
    defaultNote: "the family's (btlm, gpt2: 50257; llama3: 128256)",
  }),
  tiedEmbeddings: field(yesNo("the output head shares the token-embedding matrix"), {
    flag: "--tied-embeddings <true|false>",
    description: "the output head shares the token-embedding matrix",
    unit: "",
    defaultNote: "the family's (btlm, gpt2: true; the others: false)",
  }),
  position: field(oneOf(["alibi", "rope", "learned", "none"] as const), {
    flag: "--position <scheme>",
    description: "position scheme: alibi, rope, learned (a seq_len × d_model table), none (NoPE)",
    unit: "",
    defaultNote: "the family's (btlm: alibi; gpt2: learned; the others: rope)",
  }),
  ropeTheta: field(numberIn({ min: 1, max: 1e12, what: "RoPE base θ" }), {
    flag: "--rope-theta <theta>",
    description: "RoPE base θ (Su et al., arXiv 2104.09864); needs --position rope",
    unit: "",
    defaultNote: "the family's (llama3, olmo2: 5e5; qwen2, mixtral: 1e6; deepseek-v3, olmoe: 1e4)",
  }),
  norm: field(oneOf(["layernorm", "rmsnorm"] as const), {
    flag: "--norm <kind>",
    description: "normalisation: layernorm (scale and bias) or rmsnorm (scale)",
    unit: "",
    defaultNote: "the family's (btlm, gpt2: layernorm; the others: rmsnorm)",
  }),
  bias: field(yesNo("biases on every linear layer"), {
    flag: "--bias <true|false>",
    description: "biases on every linear layer (GPT-2, Cerebras-GPT, BTLM)",
    unit: "",
    defaultNote: "the family's",
  }),
  qkvBias: field(yesNo("biases on Q, K and V only"), {
    flag: "--qkv-bias <true|false>",
    description: "biases on the Q, K and V projections only (Qwen2, arXiv 2407.10671 §2.2.1)",
    unit: "",
    defaultNote: "the family's (qwen2: true)",
  }),
  qkNorm: field(yesNo("a norm on queries and keys"), {
    flag: "--qk-norm <true|false>",
    description: "a norm on the query and key projections (OLMo 2, arXiv 2501.00656 §3.1; OLMoE)",
    unit: "",
    defaultNote: "the family's (olmo2, olmoe: true)",
  }),
  experts: field(whole(1, 65536, "routed experts per MoE layer"), {
    flag: "--experts <n>",
    description: "routed experts per MoE layer (turns the FFN into a mixture of experts; needs --top-k unless the family has one)",
    unit: "",
    defaultNote: "the family's (mixtral: 8, olmoe: 64, deepseek-v3: 256), else dense",
  }),
  topK: field(whole(1, 65536, "routed experts per token"), {
    flag: "--top-k <k>",
    description: "routed experts each token is sent to",
    unit: "",
    defaultNote: "the family's (mixtral: 2, olmoe and deepseek-v3: 8)",
  }),
  sharedExperts: field(whole(0, 1024, "shared experts per MoE layer"), {
    flag: "--shared-experts <n>",
    description: "experts every token passes through besides its top-k (DeepSeekMoE, arXiv 2401.06066 §3.2)",
    unit: "",
    defaultNote: "the family's (deepseek-v3: 1), else 0",
  }),
  expertFfnSize: field(whole(1, MAX_DIM, "d_ff of one expert"), {
    flag: "--expert-ffn-size <d_ff>",
    description: "d_ff of one routed or shared expert; smaller than the dense d_ff for fine-grained experts (DeepSeekMoE §3.1)",
    unit: "",
    defaultNote: "the family's (olmoe: 1024, deepseek-v3: 2048), else the dense d_ff",
  }),
  denseLayers: field(whole(0, 10000, "leading dense blocks"), {
    flag: "--dense-layers <n>",
    description: "leading blocks with a dense FFN instead of experts (DeepSeek-V3 first_k_dense_replace)",
    unit: "",
    defaultNote: "the family's (deepseek-v3: 3), else 0",
  }),
  capacityFactor: field(numberIn({ min: 0, max: 1024, minExclusive: true, what: "expert capacity as a multiple of an even share" }), {
    flag: "--capacity-factor <c>",
    description: "tokens an expert may take, as a multiple of an even share (Switch Transformer, arXiv 2101.03961 §2.2); memory only",
    unit: "",
    defaultNote: "none (dropless)",
  }),
  mlaKvRank: field(whole(1, MAX_DIM, "MLA key/value latent rank d_c"), {
    flag: "--mla-kv-rank <d_c>",
    description: "multi-head latent attention: the joint key/value compression rank (DeepSeek-V2, arXiv 2405.04434 §2.1.2)",
    unit: "",
    defaultNote: "the family's (deepseek-v3: 512), else no MLA",
  }),
  mlaQRank: field(whole(1, MAX_DIM, "MLA query latent rank d_c'"), {
    flag: "--mla-q-rank <d_c'>",
    description: "MLA query compression rank (absent: queries projected directly, as DeepSeek-V2-Lite)",
    unit: "",
    defaultNote: "the family's (deepseek-v3: 1536)",
  }),
  mlaRopeHeadDim: field(whole(1, 4096, "MLA decoupled RoPE head dim d_h^R"), {
    flag: "--mla-rope-head-dim <n>",
    description: "MLA per-head decoupled RoPE width (DeepSeek-V2 §2.1.3)",
    unit: "",
    defaultNote: "64 (DeepSeek-V2/V3)",
  }),
  mlaNopeHeadDim: field(whole(1, 4096, "MLA query/key head dim d_h"), {
    flag: "--mla-nope-head-dim <n>",
    description: "MLA per-head query/key width without RoPE",
    unit: "",
    defaultNote: "128 (DeepSeek-V2/V3)",
  }),
  mlaVHeadDim: field(whole(1, 4096, "MLA value head dim"), {
    flag: "--mla-v-head-dim <n>",
    description: "MLA per-head value width",
    unit: "",
    defaultNote: "128 (DeepSeek-V2/V3)",
  }),
  mtpModules: field(whole(0, 64, "multi-token-prediction modules"), {
    flag: "--mtp-modules <n>",
    description: "multi-token-prediction modules (DeepSeek-V3 §2.2): counted apart from the model's parameters, their FLOPs in the total",
    unit: "",
    defaultNote: "the family's (deepseek-v3: 1), else 0",
  }),
  flopsConvention: field(oneOf(FLOPS_CONVENTIONS as unknown as readonly ["palm", "megatron"]), {
    flag: "--flops-convention <c>",
    description: "FLOPs per token: palm (6N + 12·L·H·Q·T, PaLM App. B and TorchTitan) or megatron (Megatron-LM's num_floating_point_operations: causal attention at half, no router or norms)",
    unit: "",
    default: "palm",
    defaultNote: "palm (so plans made before issue 13 keep their FLOPs)",
  }),
  tpDivisor: field(whole(1, 1024, "tensor-parallel degree"), {
    flag: "--tp-divisor <n>",
    description: "the shape chooser keeps query heads (and KV heads) a multiple of this tensor-parallel degree",
    unit: "",
    defaultNote: "none today; 8 once the parallel shape rules are the default",
  }),
  layersMultipleOf: field(whole(1, 1024, "pipeline split"), {
    flag: "--layers-multiple-of <n>",
    description: "the shape chooser keeps the depth a multiple of this (even pipeline stages)",
    unit: "",
    defaultNote: "1",
  }),
  makeVocabSizeDivisibleBy: field(whole(1, 1e6, "vocabulary padding multiple"), {
    flag: "--make-vocab-size-divisible-by <n>",
    description: "the shape chooser pads the vocabulary to a multiple of this × --tp-divisor, as Megatron-LM does",
    unit: "",
    defaultNote: "none today; 128 (Megatron-LM's) once the parallel shape rules are the default",
  }),
};
