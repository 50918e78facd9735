/** Parallel layouts: memory per GPU, time per step, the search, and the deadline's whole nodes (issue 14). */
export { LayoutSchema, type Layout } from "./types.js";
export { layoutMemory, layersOnStage, inFlightMicroBatches, type LayoutMemoryOptions, type MemoryByComponent } from "./memory.js";
export { megatronMemory, megatronPaddedVocab } from "./megatron.js";
export { layerActivationSplit, type LayerActivationSplit } from "./activations.js";
export { tableTwoBytesPerLayer, type TableTwoRow } from "./korthikanti.js";
export { layoutTime, peakFor, type LayoutTimeOptions, type TimeBreakdown } from "./time.js";
export { calibrate, measuredLayout, selectEfficiency, type Efficiency } from "./calibrate.js";
export { searchLayouts, describe as describeLayout, type LayoutPins, type LayoutSearch, type RankedLayout, type SearchInput, type SearchOptions } from "./search.js";
export { nodesForDeadline, type DeadlineNodes } from "./deadline.js";
export { paramGroups, type ParamGroups } from "./params.js";
export { layoutPinsAndOptions, type LayoutRequestFields } from "./request.js";
