// Shared by the trainer tests: the plans every trainer is checked on, an emit helper, and PyYAML's
// implicit resolvers (what a YAML 1.1 reader makes of a plain scalar).
import { isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";
import { findEmitter } from "../../src/emit/index.js";
import type { EmitResult } from "../../src/emit/types.js";
import { plan } from "../../src/plan/plan.js";
import type { Plan } from "../../src/plan/types.js";

export const PLANS: [string, Plan][] = [
  ["BTLM-3B-8K preset (μP, 2 context stages, SlimPajama)", plan({ preset: "btlm-3b-8k", gpu: "h100", gpus: 64 })],
  ["BTLM-3B-8K with end-of-training upsampling", plan({ preset: "btlm-3b-8k", gpu: "h100", gpus: 64, upsampleFinal: "0.15:github,arxiv" })],
  ["1.3B at 20 TPP, D2Z (μP)", plan({ params: "1.3B", tpp: 20, gpus: 64 })],
  ["350M cosine to 10%", plan({ params: "350M", tpp: 40, gpus: 16, schedule: "cosine" })],
  ["1B WSD 20% linear", plan({ params: "1B", tpp: 50, gpus: 32, schedule: "wsd", decayFraction: 0.2 })],
  ["350M constant", plan({ params: "350M", tpp: 20, gpus: 16, schedule: "constant" })],
  ["Llama 2 7B, SP", plan({ preset: "llama-2-7b", tokens: "2T", gpus: 256, parameterization: "sp" })],
  ["125M, SlimPajama, upsampling", plan({ params: "125M", tpp: 20, gpus: 8, dataSources: "slimpajama-627b", upsampleFinal: "0.15:code" })],
];

export function emit(id: string, p: Plan): EmitResult {
  const r = findEmitter(id)?.emit(p);
  if (!r) throw new Error(`no emitter ${id}`);
  return r;
}

export const YAML_FORMATS = ["litgpt", "cerebras", "llmfoundry", "nanotron", "megatron-yaml"];

// yaml/pyyaml 6.0 lib/yaml/resolver.py: Resolver.add_implicit_resolver (the YAML 1.1 types SafeLoader gives a plain scalar)
const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const PY_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_NULL = /^(?:~|null|Null|NULL|)$/;
const PY_TIMESTAMP = /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

export type PyType = "bool" | "float" | "int" | "null" | "timestamp" | "merge" | "value" | "str";

/** The type PyYAML's SafeLoader resolves a plain scalar's text to (first matching resolver, as resolver.py orders them). */
export function pyYamlType(text: string): PyType {
  if (PY_BOOL.test(text)) return "bool";
  if (PY_FLOAT.test(text)) return "float";
  if (PY_INT.test(text)) return "int";
  if (text === "<<") return "merge";
  if (PY_NULL.test(text)) return "null";
  if (PY_TIMESTAMP.test(text)) return "timestamp";
  if (text === "=") return "value";
  return "str";
}

export interface ScalarSite {
  path: string;
  /** The value a YAML 1.2 reader (the yaml package) gives. */
  value: unknown;
  /** The scalar as written, and whether it is plain (unquoted, not a block scalar). */
  source: string;
  plain: boolean;
}

/** Every scalar of a YAML document with its path, written text and 1.2 value. */
export function scalars(text: string): ScalarSite[] {
  const doc = parseDocument(text);
  const out: ScalarSite[] = [];
  const walk = (n: Node | null | undefined, path: string) => {
    if (!n) return;
    if (isMap(n)) for (const it of n.items) walk(it.value as Node, `${path}.${String(isScalar(it.key) ? it.key.value : it.key)}`);
    else if (isSeq(n)) n.items.forEach((it, i) => walk(it as Node, `${path}[${i}]`));
    else if (isScalar(n)) out.push({ path, value: n.value, source: n.source ?? String(n.value), plain: n.type === "PLAIN" });
  };
  walk(doc.contents as Node, "");
  return out;
}

import type { Layout } from "../../src/layout/types.js";

/** A layout with every degree 1 (pure data parallel over `dp`), then the overrides. */
export function layoutOf(over: Partial<Layout> & { dp: number }): Layout {
  return { dpShard: over.dp, zeroStage: 3, tp: 1, sequenceParallel: false, pp: 1, vpp: 1, cp: 1, ep: 1, microBatch: 1, gradAccum: 1, recompute: "none", precision: "bf16", mainGrads: "fp32", ...over };
}

/**
 * A planned run carried onto a layout, as the planner will (the lead fills plan.layout): the plan's
 * batch becomes micro-batch × accumulation × dp of the layout, its GPU count dp·tp·pp·cp, and its
 * memory section's ZeRO stage and recompute the layout's. The spec may be replaced (GQA, RoPE, MoE specs).
 */
export function withLayout(p: Plan, layout: Layout, spec?: Plan["model"]["spec"]): Plan {
  const q = structuredClone(p);
  q.layout = layout;
  if (spec) q.model.spec = spec;
  const seqs = layout.microBatch * layout.gradAccum * layout.dp;
  q.batch.globalBatchSeqs.value = seqs;
  q.batch.globalBatchTokens.value = seqs * q.batch.seqLen.value;
  q.batch.microBatchSeqs.value = layout.microBatch;
  q.batch.gradAccumSteps.value = layout.gradAccum;
  q.batch.dataParallel.value = layout.dp;
  q.batch.tokensTrained.value = q.batch.steps.value * seqs * q.batch.seqLen.value;
  q.hardware.numGpus.value = layout.dp * layout.tp * layout.pp * layout.cp;
  q.memory.zeroStage = layout.zeroStage;
  q.memory.recompute = layout.recompute === "full" ? "full" : "none";
  return q;
}
