/**
 * The NAB detector's baseline: the median of the last `window` values as expected value, and a
 * one-sigma band from the larger of the scaled median absolute deviation and an exponentially
 * weighted standard deviation (so a flat stretch does not make every wiggle infinite).
 * Learns after predicting: `predict` never sees the value it is judged on.
 */
import type { BaselineBand } from '../alerts/anomaly-signal';

export interface RollingBandOptions {
  /** Values in the median window (default 200). */
  readonly window?: number;
  /** Weight of the newest value in the exponentially weighted variance (default 0.01). */
  readonly alpha?: number;
  /** Values needed before a band is given (default 10). */
  readonly minValues?: number;
}

/** A RollingBand's state, for stores (`mean` null before the first value). */
export interface RollingBandData {
  readonly values: readonly number[];
  readonly mean: number | null;
  readonly variance: number;
}

export class RollingBand {
  private readonly values: number[] = [];
  private readonly window: number;
  private readonly alpha: number;
  private readonly minValues: number;
  private mean = Number.NaN;
  private variance = 0;

  constructor(options: RollingBandOptions = {}) {
    this.window = options.window ?? 200;
    this.alpha = options.alpha ?? 0.01;
    this.minValues = options.minValues ?? 10;
  }

  predict(): BaselineBand | undefined {
    const n = this.values.length;
    if (n < this.minValues) return undefined;
    const sorted = Float64Array.from(this.values).sort();
    const median = sorted[n >> 1]!;
    const deviations = sorted.map((v) => Math.abs(v - median)).sort();
    const mad = deviations[n >> 1]! * 1.4826;
    const sigma = Math.max(mad, Math.sqrt(this.variance), 1e-6 * Math.max(1, Math.abs(median)));
    return { expected: median, lower: median - sigma, upper: median + sigma };
  }

  toData(): RollingBandData {
    return { values: [...this.values], mean: Number.isNaN(this.mean) ? null : this.mean, variance: this.variance };
  }

  static fromData(data: RollingBandData, options: RollingBandOptions = {}): RollingBand {
    const band = new RollingBand(options);
    band.values.push(...data.values);
    band.mean = data.mean ?? Number.NaN;
    band.variance = data.variance;
    return band;
  }

  learn(value: number): void {
    this.values.push(value);
    if (this.values.length > this.window) this.values.shift();
    if (Number.isNaN(this.mean)) {
      this.mean = value;
      return;
    }
    const d = value - this.mean;
    this.mean += this.alpha * d;
    this.variance = (1 - this.alpha) * (this.variance + this.alpha * d * d);
  }
}
