/**
 * A seasonal-naive baseline for the NAB detector: the value at the same time one day earlier is
 * the expected value, and the band is the root mean square of past day-over-day differences. It
 * catches what a rolling band cannot: a daily shape that changes (a missing jump, a flat middle).
 * Gives no band until it has seen `minDifferences` day-over-day pairs.
 */
import type { BaselineBand } from '../alerts/anomaly-signal';

const DAY = 86_400_000;

/** A DailyDifference's state, for stores: the last day's (timestamp, value) pairs in arrival order. */
export interface DailyDifferenceData {
  readonly times: readonly number[];
  /** null where the map no longer holds the timestamp (only possible when timestamps went back). */
  readonly values: readonly (number | null)[];
  readonly sumSquares: number;
  readonly count: number;
}

export class DailyDifference {
  private readonly byTime = new Map<number, number>();
  private readonly times: number[] = [];
  private head = 0;
  private sumSquares = 0;
  private count = 0;

  constructor(private readonly minDifferences = 50) {}

  /** Band for `timestamp`, when the series has a value exactly one day earlier. */
  predict(timestamp: number): BaselineBand | undefined {
    const previous = this.byTime.get(timestamp - DAY);
    if (previous === undefined || this.count <= this.minDifferences) return undefined;
    const sigma = Math.sqrt(this.sumSquares / this.count) || 1e-6;
    return { expected: previous, lower: previous - sigma, upper: previous + sigma };
  }

  toData(): DailyDifferenceData {
    const times = this.times.slice(this.head);
    // A timestamp seen twice keeps its last value, as the map does.
    return { times, values: times.map((t) => this.byTime.get(t) ?? null), sumSquares: this.sumSquares, count: this.count };
  }

  static fromData(data: DailyDifferenceData, minDifferences?: number): DailyDifference {
    const daily = new DailyDifference(minDifferences);
    for (let i = 0; i < data.times.length; i++) {
      daily.times.push(data.times[i]!);
      const value = data.values[i];
      if (value !== null && value !== undefined) daily.byTime.set(data.times[i]!, value);
    }
    daily.sumSquares = data.sumSquares;
    daily.count = data.count;
    return daily;
  }

  learn(timestamp: number, value: number): void {
    const previous = this.byTime.get(timestamp - DAY);
    if (previous !== undefined) {
      const d = value - previous;
      this.sumSquares += d * d;
      this.count++;
    }
    this.byTime.set(timestamp, value);
    this.times.push(timestamp);
    // Timestamps arrive in order: forget what is more than a day old.
    while (this.times[this.head]! < timestamp - DAY) this.byTime.delete(this.times[this.head++]!);
    if (this.head > 4096) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}
