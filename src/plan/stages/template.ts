/**
 * The block lmplan shapes a model with when none is named: BTLM-3B-8K's (arXiv 2309.11568 §2), the one
 * the default μP base and the Power Lines fits were made on.
 */
import type { ShapeTemplate } from "../../model/shape.js";

export const DEFAULT_TEMPLATE: ShapeTemplate = {
  ffnType: "swiglu",
  vocabSize: 50257,
  seqLen: 2048,
  tiedEmbeddings: true,
  position: "alibi",
  norm: "layernorm",
  bias: true,
};
