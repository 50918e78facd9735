/**
 * ALiBi head slopes.
 *
 * @see Press, Smith, Lewis, "Train Short, Test Long", arXiv 2108.12409, §3 and the authors' code
 *      (ofirpress/attention_with_linear_biases, get_slopes): for n heads a power of 2, m_i = 2^(−8i/n),
 *      i = 1…n; otherwise the slopes for the largest power of 2 below n, followed by every other slope
 *      of the set for twice that power, until there are n. The bias added to score (i, j) is −m_h·|i − j|.
 * @example 8 heads → 1/2, 1/4, …, 1/256
 */
function powerOfTwoSlopes(n: number): number[] {
  // m_i = 2^(−8i/n)
  return Array.from({ length: n }, (_, i) => 2 ** ((-8 * (i + 1)) / n));
}

export function alibiSlopes(numHeads: number): number[] {
  const p = 2 ** Math.floor(Math.log2(numHeads));
  if (p === numHeads) return powerOfTwoSlopes(numHeads);
  const extra = powerOfTwoSlopes(2 * p).filter((_, i) => i % 2 === 0);
  return [...powerOfTwoSlopes(p), ...extra.slice(0, numHeads - p)];
}
