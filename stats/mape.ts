/**
 * Mean absolute percentage error, mean(|actual - predicted| / |actual|). Pairs whose actual value is
 * zero have no percentage error and are skipped (counted in `skipped`) rather than dividing by zero.
 */
export interface MapeResult {
  /** NaN when no pair had a non-zero actual value. */
  readonly mape: number;
  readonly pairs: number;
  readonly skipped: number;
}

export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): MapeResult {
  const acc = new MapeAccumulator();
  const n = Math.min(actual.length, predicted.length);
  for (let i = 0; i < n; i++) acc.add(actual[i], predicted[i]);
  return acc.result();
}

/** Running MAPE for a stream of (actual, predicted) pairs; `state` round-trips through a store. */
export class MapeAccumulator {
  private sum = 0;
  private n = 0;
  private zeros = 0;

  constructor(state?: { sum: number; pairs: number; skipped: number }) {
    if (state) {
      this.sum = state.sum;
      this.n = state.pairs;
      this.zeros = state.skipped;
    }
  }

  add(actual: number, predicted: number): void {
    if (actual === 0 || !Number.isFinite(actual) || !Number.isFinite(predicted)) {
      this.zeros++;
      return;
    }
    this.sum += Math.abs(actual - predicted) / Math.abs(actual);
    this.n++;
  }

  result(): MapeResult {
    return { mape: this.n === 0 ? NaN : this.sum / this.n, pairs: this.n, skipped: this.zeros };
  }

  state(): { sum: number; pairs: number; skipped: number } {
    return { sum: this.sum, pairs: this.n, skipped: this.zeros };
  }
}
