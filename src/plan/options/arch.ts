/**
 * Architecture options: the shape of the model planned (issue 13 adds the rest of the block here).
 */
import { field, numberIn, oneOf } from "./field.js";

export const ARCH_OPTIONS = {
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
};
