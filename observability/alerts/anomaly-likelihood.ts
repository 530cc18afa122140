/**
 * Turns a stream of raw deviations into a confidence in [0, 1] that the latest one is anomalous,
 * after Numenta's anomaly likelihood: how unlikely the short-term mean deviation is under the
 * distribution of deviations over a long history, on a log scale so that 0.5 means a tail
 * probability of 1e-5 and 1 means 1e-10. The history keeps learning, so a level that persists
 * stops being surprising.
 */
import { WeirError } from '../../errors/weir-error';

export interface AnomalyLikelihoodOptions {
  /** Deviations kept to estimate their distribution (default 3000). */
  readonly historyLength?: number;
  /** Deviations averaged for the short-term value (default 2). */
  readonly shortLength?: number;
  /** Deviations seen before any confidence above 0 is given (default 20). */
  readonly warmup?: number;
}

/** Upper tail of the standard normal, Q(z) = erfc(z / sqrt 2) / 2 (Numerical Recipes' erfc, relative error < 1.2e-7). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const r = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? r / 2 : 1 - r / 2;
}

/** Log-scaled confidence from a tail probability: ln(p + 1e-10) / ln(1e-10), clamped to [0, 1]. */
export function tailConfidence(tail: number): number {
  const c = Math.log(tail + 1e-10) / Math.log(1e-10);
  return c < 0 ? 0 : c > 1 ? 1 : c;
}

/** An AnomalyLikelihood's state, for stores: the deviations seen (oldest kept first in slot order) and the exact running sums. */
export interface AnomalyLikelihoodData {
  readonly count: number;
  readonly sum: number;
  readonly sumSquares: number;
  /** The first min(count, historyLength) slots of the ring buffer. */
  readonly history: readonly number[];
}

export class AnomalyLikelihood {
  private readonly history: Float64Array;
  private readonly shortLength: number;
  private readonly warmup: number;
  private count = 0;
  private sum = 0;
  private sumSquares = 0;

  constructor(options: AnomalyLikelihoodOptions = {}) {
    const historyLength = options.historyLength ?? 3000;
    this.shortLength = options.shortLength ?? 2;
    this.warmup = options.warmup ?? 20;
    if (!(historyLength >= 2) || !(this.shortLength >= 1) || this.shortLength > historyLength) {
      throw new WeirError('INVALID_CONFIG', 'anomaly likelihood needs historyLength >= 2 and 1 <= shortLength <= historyLength', { option: 'historyLength', historyLength, shortLength: this.shortLength });
    }
    this.history = new Float64Array(historyLength);
  }

  /** Adds one raw deviation (>= 0) and returns the confidence that it is anomalous. */
  update(deviation: number): number {
    const n = this.history.length;
    const slot = this.count % n;
    if (this.count >= n) {
      const old = this.history[slot]!;
      this.sum -= old;
      this.sumSquares -= old * old;
    }
    this.history[slot] = deviation;
    this.sum += deviation;
    this.sumSquares += deviation * deviation;
    this.count++;
    // Running sums drift after many subtractions; rebuild them once per pass over the buffer.
    if (this.count % n === 0) this.rebuildSums();
    if (this.count <= this.warmup) return 0;

    const size = Math.min(this.count, n);
    const mean = this.sum / size;
    const variance = Math.max(0, this.sumSquares / size - mean * mean);
    const std = Math.sqrt(variance) || 1e-6;
    let short = 0;
    const k = Math.min(this.shortLength, size);
    for (let i = 0; i < k; i++) short += this.history[(this.count - 1 - i + n) % n]!;
    short /= k;
    return tailConfidence(normalTail((short - mean) / std));
  }

  /** Its state; `fromData` with the same options continues exactly where this one stands. */
  toData(): AnomalyLikelihoodData {
    const filled = Math.min(this.count, this.history.length);
    return { count: this.count, sum: this.sum, sumSquares: this.sumSquares, history: Array.from(this.history.subarray(0, filled)) };
  }

  static fromData(data: AnomalyLikelihoodData, options: AnomalyLikelihoodOptions = {}): AnomalyLikelihood {
    const likelihood = new AnomalyLikelihood(options);
    if (data.history.length > likelihood.history.length) {
      throw new WeirError('INVALID_CONFIG', 'anomaly likelihood state holds more deviations than historyLength', { historyLength: likelihood.history.length, stored: data.history.length });
    }
    likelihood.history.set(data.history);
    likelihood.count = data.count;
    // The running sums are restored as they were, not rebuilt: rebuilding would round differently.
    likelihood.sum = data.sum;
    likelihood.sumSquares = data.sumSquares;
    return likelihood;
  }

  private rebuildSums(): void {
    let s = 0;
    let q = 0;
    for (const v of this.history) { s += v; q += v * v; }
    this.sum = s;
    this.sumSquares = q;
  }
}
