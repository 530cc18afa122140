import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BaselineManager } from '../../../observability/baseline/baseline-manager';
import { KnownEventsView, MapKnownEventsSource } from '../../../observability/baseline/known-events-view';
import { SeededRandom } from '../../../stats/random';
import { runStationaryBaselines, WEEK_WINDOWS } from '../../../workloads/stationary-baselines';
import { START, WINDOW_MS, WINDOWS_PER_DAY, noisy, seasonalTruth } from './series';

// 50 seeds are in bench/baseline-calibration.bench.ts (BENCHMARKS.md); 6 here keep the suite fast.
const SEEDS = [1, 2, 3, 4, 5, 6];
const NOMINAL = 0.0026998;

test('uncalibrated bands (the default) report their under-coverage: outside rate above 2x nominal, matching band_coverage', () => {
  const r = runStationaryBaselines({ seeds: [1, 2], manager: { model: { calibratedBands: false } } });
  assert.ok(r.later.outside / r.later.windows > 2 * NOMINAL, `${r.later.outside} of ${r.later.windows}`);
});

test('calibrated bands at the flagship delay (6 windows), weeks 2-5 of stationary seasonal noise: windows outside the band within 2x of 0.27%, KS p < 0.01 in at most 2% of drift reports', () => {
  const r = runStationaryBaselines({ seeds: SEEDS });
  assert.equal(r.later.windows, SEEDS.length * 4 * WEEK_WINDOWS);
  const rate = r.later.outside / r.later.windows;
  assert.ok(rate >= NOMINAL / 2 && rate <= NOMINAL * 2, `outside ${r.later.outside} of ${r.later.windows} = ${(100 * rate).toFixed(3)}%`);
  assert.ok(r.reports > 100 * SEEDS.length, `${r.reports} reports`);
  assert.ok(r.lowP / r.reports <= 0.02, `${r.lowP} of ${r.reports} reports with p < 0.01`);
});

test('each forecast reports its band multiplier and the coverage measured on its own learned windows', () => {
  const view = new KnownEventsView(new MapKnownEventsSource(), 30 * 60_000);
  const [manager] = BaselineManager.create('checkout', 'request_rate', START, { learnDelayWindows: 6, model: { calibratedBands: true } });
  const random = new SeededRandom(3);
  let inside = 0;
  let scored = 0;
  let last = null;
  const decay = Math.pow(0.5, 1 / 576);
  for (let i = 0; i < 2 * WEEK_WINDOWS; i++) {
    const t = START + i * WINDOW_MS;
    const actual = noisy(random, seasonalTruth(t), 0.05);
    const o = manager.observe(actual, t, t + WINDOW_MS, view);
    // Exact: the decayed share of learned windows inside the band issued for them (each is learned 6 windows later).
    if (o.evaluated.lower !== null) {
      inside = inside * decay + (actual >= o.evaluated.lower && actual <= o.evaluated.upper! ? 1 : 0);
      scored = scored * decay + 1;
    }
    last = o.evaluated;
  }
  assert.ok(last && last.band_sigmas !== null && last.band_sigmas > 2 && last.band_sigmas < 8, JSON.stringify(last));
  // The model has scored all but the last 6 windows: its coverage is the exact share of those.
  assert.ok(last.band_coverage !== null && Math.abs(last.band_coverage - inside / scored) < 0.003, `${last.band_coverage} vs ${inside / scored}`);
});

test('with calibrated bands at the flagship delay, a level shift is flagged by drift within a day', () => {
  const view = new KnownEventsView(new MapKnownEventsSource(), 30 * 60_000);
  const [manager] = BaselineManager.create('checkout', 'request_rate', START, { learnDelayWindows: 6, model: { calibratedBands: true } });
  const random = new SeededRandom(11);
  const shiftAt = 10 * WINDOWS_PER_DAY + 10 * 12; // 10:00 on day 11
  let flaggedAfter: number | null = null;
  for (let i = 0; i < shiftAt + WINDOWS_PER_DAY && flaggedAfter === null; i++) {
    const t = START + i * WINDOW_MS;
    const o = manager.observe(noisy(random, seasonalTruth(t) * (i >= shiftAt ? 1.3 : 1)), t, t + WINDOW_MS, view);
    if (o.drift?.needs_retrain && i < shiftAt) assert.fail(`flagged before the shift at window ${i}: ${o.drift.reasons.join('; ')}`);
    if (o.drift?.needs_retrain && i >= shiftAt) flaggedAfter = i - shiftAt;
  }
  assert.ok(flaggedAfter !== null && flaggedAfter < WINDOWS_PER_DAY, `flagged ${flaggedAfter} windows after the shift`);
});
