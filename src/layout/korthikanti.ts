/**
 * Activation memory per transformer layer, Korthikanti et al., "Reducing Activation Recomputation in
 * Large Transformer Models", arXiv 2205.05198, Table 2 (bytes, 16-bit activations, 1-byte dropout masks,
 * GPT block with a 4h MLP, no flash attention). s sequence length, b micro-batch, h hidden size, a heads,
 * t tensor-parallel size. These are the paper's closed forms, kept verbatim as the golden the component
 * split in activations.ts must reduce to (test/layout.test.ts).
 */
export interface TableTwoInput {
  s: number;
  b: number;
  h: number;
  a: number;
  t: number;
}

export type TableTwoRow = "none" | "tensor" | "tensorSequence" | "tensorSelective" | "tensorSequenceSelective" | "full";

// Table 2, one row each: sbh·(34 + 5as/h); sbh·(10 + 24/t + 5as/(ht)); sbh·(34/t + 5as/(ht));
// sbh·(10 + 24/t); sbh·(34/t); sbh·2
export function tableTwoBytesPerLayer(row: TableTwoRow, { s, b, h, a, t }: TableTwoInput): number {
  const sbh = s * b * h;
  switch (row) {
    case "none":
      return sbh * (34 + (5 * a * s) / h);
    case "tensor":
      return sbh * (10 + 24 / t + (5 * a * s) / (h * t));
    case "tensorSequence":
      return sbh * (34 / t + (5 * a * s) / (h * t));
    case "tensorSelective":
      return sbh * (10 + 24 / t);
    case "tensorSequenceSelective":
      return sbh * (34 / t);
    case "full":
      return sbh * 2;
  }
}
