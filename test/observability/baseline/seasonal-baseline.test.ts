import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeasonalBaseline, hourOfWeek } from '../../../observability/baseline/seasonal-baseline';
import { mape } from '../../../stats/mape';
import { SeededRandom } from '../../../stats/random';
import { START, WINDOW_MS, WINDOWS_PER_DAY, noisy, seasonalTruth } from './series';

test('a seasonal series is tracked with MAPE under 10% after one simulated week', () => {
  const random = new SeededRandom(42);
  const model = new SeasonalBaseline();
  const actual: number[] = [];
  const predicted: number[] = [];
  for (let i = 0; i < 14 * WINDOWS_PER_DAY; i++) {
    const t = START + i * WINDOW_MS;
    const x = noisy(random, seasonalTruth(t));
    const forecast = model.predict(t);
    if (i >= 7 * WINDOWS_PER_DAY) {
      assert.ok(forecast);
      assert.equal(forecast.level, 'hour_of_week');
      actual.push(x);
      predicted.push(forecast.expected);
    }
    model.learn(x, t);
  }
  const result = mape(actual, predicted);
  assert.equal(result.pairs, 7 * WINDOWS_PER_DAY);
  assert.ok(result.mape < 0.1, `week-2 MAPE ${result.mape}`);
});

test('unlearned slots fall back to hour of day, then to no season', () => {
  const model = new SeasonalBaseline({ minSlotSamples: 3 });
  assert.equal(model.predict(START), null);
  // One day of windows: each hour-of-day slot gets 12 samples, each hour-of-week slot of that day too.
  for (let i = 0; i < WINDOWS_PER_DAY; i++) model.learn(seasonalTruth(START + i * WINDOW_MS), START + i * WINDOW_MS);
  assert.equal(model.predict(START)!.level, 'hour_of_week');
  // The next day's hour-of-week slots have no samples yet: the hour-of-day profile answers.
  assert.equal(model.predict(START + 86_400_000)!.level, 'hour_of_day');
  const fresh = new SeasonalBaseline();
  fresh.learn(100, START);
  assert.equal(fresh.predict(START + 3_600_000)!.level, 'global');
  assert.equal(hourOfWeek(START), 0);
  assert.equal(hourOfWeek(START + 86_400_000 + 3_600_000), 25);
});

test('the band holds about 99% of noisy windows and one outlier does not blow it open', () => {
  const random = new SeededRandom(8);
  const model = new SeasonalBaseline();
  let inside = 0;
  let scored = 0;
  for (let i = 0; i < 14 * WINDOWS_PER_DAY; i++) {
    const t = START + i * WINDOW_MS;
    const x = noisy(random, seasonalTruth(t));
    const f = model.predict(t);
    if (i >= 7 * WINDOWS_PER_DAY && f) {
      scored++;
      if (x >= f.lower && x <= f.upper) inside++;
    }
    model.learn(x, t);
  }
  assert.ok(inside / scored > 0.97, `coverage ${inside / scored}`);
  const t = START + 14 * WINDOWS_PER_DAY * WINDOW_MS;
  const before = model.predict(t)!;
  model.learn(before.expected * 20, t);
  const after = model.predict(t + WINDOW_MS)!;
  assert.ok((after.upper - after.expected) / after.expected < 3 * ((before.upper - before.expected) / before.expected), 'band stays within 3x after one 20x outlier');
});
