/**
 * Baselines on stationary seasonal noise, as the flagship runs them (learnDelayWindows 6): the
 * share of windows outside the band issued for them, drift reports with KS p < 0.01, needs_retrain
 * and shadow promotions, counted exactly. Shared by the calibration test (a few seeds) and
 * `bench/baseline-calibration.bench.ts` (50 seeds).
 */
import { BaselineManager, type BaselineManagerOptions } from '../observability/baseline/baseline-manager';
import { KnownEventsView, MapKnownEventsSource } from '../observability/baseline/known-events-view';
import { SeededRandom } from '../stats/random';
import { START, WINDOW_MS, WINDOWS_PER_DAY, noisy, seasonalTruth } from '../test/observability/baseline/series';

export const WEEK_WINDOWS = 7 * WINDOWS_PER_DAY;

export interface StationaryRunOptions {
  readonly seeds: readonly number[];
  /** Weeks simulated; weeks 2.. are counted (week 1 apart). Default 5. */
  readonly weeks?: number;
  /** Relative standard deviation of the noise. Default 0.05. */
  readonly relativeSd?: number;
  readonly manager?: BaselineManagerOptions;
}

export interface StationaryRunResult {
  readonly week1: { readonly windows: number; readonly outside: number };
  readonly later: { readonly windows: number; readonly outside: number };
  readonly reports: number;
  readonly lowP: number;
  readonly retrain: number;
  readonly promotions: number;
  /** Model-weeks counted (seeds x (weeks - 1)). */
  readonly modelWeeks: number;
}

export function runStationaryBaselines(options: StationaryRunOptions): StationaryRunResult {
  const weeks = options.weeks ?? 5;
  const sd = options.relativeSd ?? 0.05;
  const week1 = { windows: 0, outside: 0 };
  const later = { windows: 0, outside: 0 };
  let reports = 0;
  let lowP = 0;
  let retrain = 0;
  let promotions = 0;
  for (const seed of options.seeds) {
    const view = new KnownEventsView(new MapKnownEventsSource(), 30 * 60_000);
    const [manager] = BaselineManager.create('checkout', 'request_rate', START, { learnDelayWindows: 6, ...options.manager, model: { calibratedBands: true, ...options.manager?.model } });
    const random = new SeededRandom(seed);
    for (let i = 0; i < weeks * WEEK_WINDOWS; i++) {
      const t = START + i * WINDOW_MS;
      const actual = noisy(random, seasonalTruth(t), sd);
      const o = manager.observe(actual, t, t + WINDOW_MS, view);
      const e = o.evaluated;
      const counted = i < WEEK_WINDOWS ? week1 : later;
      if (e.lower !== null && e.upper !== null) {
        counted.windows++;
        if (actual < e.lower || actual > e.upper) counted.outside++;
      }
      if (i < WEEK_WINDOWS) continue;
      if (o.drift) {
        reports++;
        if (o.drift.ks_p_value < 0.01) lowP++;
        if (o.drift.needs_retrain) retrain++;
      }
      promotions += o.changes.filter((c) => c.status === 'active').length;
    }
  }
  return { week1, later, reports, lowP, retrain, promotions, modelWeeks: options.seeds.length * (weeks - 1) };
}
