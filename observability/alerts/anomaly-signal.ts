/** How far an actual value sits from its baseline band: the two measures every anomaly signal carries. */

/** A baseline's prediction for one point or window: the expected value and the band of normal values around it. */
export interface BaselineBand {
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * Distance outside the band in units of the band's half-width on that side; 0 inside the band
 * (the `deviation` field of `schemas/anomaly.avsc`). A zero-width side counts any excess as 1e6.
 */
export function deviationRatio(actual: number, band: BaselineBand): number {
  if (actual > band.upper) {
    const half = band.upper - band.expected;
    return half > 0 ? (actual - band.upper) / half : 1e6;
  }
  if (actual < band.lower) {
    const half = band.expected - band.lower;
    return half > 0 ? (band.lower - actual) / half : 1e6;
  }
  return 0;
}

/** |actual - expected| in units of the half-width on that side: continuous, also inside the band (a z-score for a 1-sigma band). */
export function standardizedDistance(actual: number, band: BaselineBand, floor = 1e-9): number {
  const half = actual >= band.expected ? band.upper - band.expected : band.expected - band.lower;
  return Math.abs(actual - band.expected) / Math.max(half, floor);
}
