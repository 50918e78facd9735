/**
 * AdamW as an exponential moving average of updates.
 *
 * With decoupled weight decay, θ_t = (1 − α_t)·θ_{t−1} + α_t·x_t with α_t = η_t·λ, so
 * θ_T = Π(1−α_j)·θ_0 + Σ_i c_{T,i}·x_i,  c_{T,i} = α_i · Π_{j=i+1..T}(1 − α_j).
 * c_{T,i} shows how much update i contributes to the final weights — D2Z spreads it over the late run.
 * @see Bergsma et al., "Straight to Zero", arXiv 2502.15938 (EMA view) [S]; "Power Lines",
 *      arXiv 2505.13738 abstract (τ = B/(ηλD)) [P].
 */
import { lrArray, type ScheduleSpec } from "./schedule.js";

/** c_{T,i} for every update i = 0 … T−1, and the weight Π(1−α) left on the initialisation. */
export function emaCoefficients(spec: ScheduleSpec, weightDecay: number): { coefficients: Float64Array; initWeight: number } {
  const lr = lrArray(spec);
  const c = new Float64Array(lr.length);
  let tail = 1; // Π_{j>i}(1 − α_j), accumulated from the end
  for (let i = lr.length - 1; i >= 0; i--) {
    const alpha = (lr[i] ?? 0) * weightDecay;
    c[i] = alpha * tail;
    tail *= 1 - alpha;
  }
  return { coefficients: c, initWeight: tail };
}

// Power Lines: τ = B / (η·λ·D), B and D in the same unit (tokens)
export function adamwTimescale(batchTokens: number, peakLr: number, weightDecay: number, datasetTokens: number): number {
  return batchTokens / (peakLr * weightDecay * datasetTokens);
}

// Power Lines: λ = B / (η·τ·D), the inverse of the timescale
export function weightDecayForTimescale(batchTokens: number, peakLr: number, tau: number, datasetTokens: number): number {
  return batchTokens / (peakLr * tau * datasetTokens);
}
