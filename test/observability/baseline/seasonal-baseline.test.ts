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

test('a rate that drops to 0 (error rates) keeps finite forecasts and the model returns to the true rate', () => {
  // 200 requests per window at a 1% error rate: about one window in seven has no error at all, and
  // every night from 02:00 to 05:00 the errors stop entirely.
  const random = new SeededRandom(11);
  const model = new SeasonalBaseline();
  const rate = 0.01;
  const lastDay: number[] = [];
  for (let i = 0; i < 4 * WINDOWS_PER_DAY; i++) {
    const t = START + i * WINDOW_MS;
    const hour = (i % WINDOWS_PER_DAY) / 12;
    let errors = 0;
    if (hour < 2 || hour >= 5) for (let r = 0; r < 200; r++) if (random.next() < rate) errors++;
    const f = model.predict(t);
    if (f) {
      assert.ok(Number.isFinite(f.expected) && Number.isFinite(f.lower) && Number.isFinite(f.upper), `window ${i}: ${JSON.stringify(f)}`);
      assert.ok(f.lower <= f.expected && f.expected <= f.upper, `window ${i}: ${JSON.stringify(f)}`);
      if (i >= 3 * WINDOWS_PER_DAY && hour >= 8) lastDay.push(f.expected);
    }
    model.learn(errors / 200, t);
    assert.ok(Number.isFinite(model.level), `level after window ${i}: ${model.level}`);
  }
  // Away from the silent hours the forecast is back at the true rate: its mean within 30%.
  const mean = lastDay.reduce((a, b) => a + b, 0) / lastDay.length;
  assert.ok(Math.abs(mean - rate) / rate < 0.3, `mean forecast ${mean} vs ${rate}`);
});

test('a stored state broken by a zero factor (NaN level) is healed on restore', () => {
  const model = new SeasonalBaseline();
  for (let i = 0; i < 12; i++) model.learn(0.02, START + i * WINDOW_MS);
  const broken = model.state();
  broken.level = Number.NaN;
  broken.week.factor[0] = 0;
  broken.day.factor[0] = 0;
  const restored = new SeasonalBaseline({}, broken);
  assert.equal(restored.predict(START), null, 'a NaN level restarts: no forecast before the next window');
  assert.equal(restored.seasonFactor(START)[0], 0.05);
  restored.learn(0.02, START + 12 * WINDOW_MS);
  const f = restored.predict(START + 13 * WINDOW_MS)!;
  assert.ok(Number.isFinite(f.expected) && f.expected > 0, JSON.stringify(f));
});
