import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BaselineManager, type WindowOutcome } from '../../../observability/baseline/baseline-manager';
import { KnownEventsView, MapKnownEventsSource } from '../../../observability/baseline/known-events-view';
import { SeededRandom } from '../../../stats/random';
import { START, WINDOW_MS, WINDOWS_PER_DAY, noisy, seasonalTruth } from './series';

const STABILIZATION_MS = 30 * 60_000;

function setup(seed: number) {
  const source = new MapKnownEventsSource();
  const view = new KnownEventsView(source, STABILIZATION_MS);
  const [manager, first] = BaselineManager.create('checkout', 'request_rate', START);
  return { source, view, manager, first, random: new SeededRandom(seed) };
}

/** Feeds windows [from, to) (window indexes from START) of `truth` with 5% noise. */
function feed(ctx: ReturnType<typeof setup>, from: number, to: number, truth: (t: number) => number = seasonalTruth): WindowOutcome[] {
  const out: WindowOutcome[] = [];
  for (let i = from; i < to; i++) {
    const t = START + i * WINDOW_MS;
    out.push(ctx.manager.observe(noisy(ctx.random, truth(t)), t, t + WINDOW_MS, ctx.view));
  }
  return out;
}

const WEEK = 7 * WINDOWS_PER_DAY;

test('the first model is announced as checkout/request_rate v1.0, active', () => {
  const { first } = setup(1);
  assert.deepEqual([first.model_id, first.version, first.status], ['checkout/request_rate', 'v1.0', 'active']);
});

test('after a deployment level shift the baseline does not learn during stabilization, then adapts; the retrained shadow is promoted', () => {
  const ctx = setup(2);
  feed(ctx, 0, WEEK + WINDOWS_PER_DAY);
  const deployIndex = WEEK + WINDOWS_PER_DAY + 10 * 12; // 10:00 on day 9
  feed(ctx, WEEK + WINDOWS_PER_DAY, deployIndex);
  const deployedAt = START + deployIndex * WINDOW_MS;
  ctx.source.addDeployment({ id: 'd1', service: 'checkout', version: '2.0', previous_version: '1.9', deployed_at: deployedAt, description: 'slower serializer' });
  const shifted = (t: number) => seasonalTruth(t) * (t >= deployedAt ? 1.6 : 1);

  const samplesBefore = ctx.manager.activeModel.samples;
  const levelBefore = ctx.manager.activeModel.level;
  const stabilizationWindows = STABILIZATION_MS / WINDOW_MS;
  const during = feed(ctx, deployIndex, deployIndex + stabilizationWindows, shifted);
  assert.equal(ctx.manager.activeModel.samples, samplesBefore, 'nothing learned during stabilization');
  assert.equal(ctx.manager.activeModel.level, levelBefore);
  for (const o of during) assert.equal(o.evaluated.learning_blocked_by, 'stabilization');

  const activeBefore = ctx.manager.activeVersion.version;
  const after = feed(ctx, deployIndex + stabilizationWindows, deployIndex + stabilizationWindows + 12 * 8, shifted);
  assert.equal(after[0].evaluated.learning_blocked_by, null);
  const changes = after.flatMap((o) => o.changes);
  const drift = after.flatMap((o) => (o.drift ? [o.drift] : []));
  assert.ok(drift[0].needs_retrain && drift[0].ks_p_value < 0.01, 'the first drift report after the shift flags it');
  const shadow = changes[0];
  assert.equal(shadow.status, 'shadow');
  assert.deepEqual(
    changes.slice(0, 3).map((c) => [c.version, c.status]),
    [
      [shadow.version, 'shadow'],
      [activeBefore, 'retired'],
      [shadow.version, 'active'],
    ],
  );
  assert.equal(ctx.manager.activeVersion.version, shadow.version);
  assert.match(shadow.version, /^v1\.\d+$/);
  // Adapted: the last two hours are forecast within 10% of the shifted truth on average.
  const tail = after.slice(-24).map((o) => Math.abs(o.evaluated.expected! - shifted(o.evaluated.window_start)) / shifted(o.evaluated.window_start));
  const meanError = tail.reduce((a, b) => a + b, 0) / tail.length;
  assert.ok(meanError < 0.1, `mean error after adapting ${meanError}`);
});

test('during maintenance nothing is learned and predictions are null', () => {
  const ctx = setup(3);
  feed(ctx, 0, WEEK);
  const start = START + WEEK * WINDOW_MS;
  ctx.source.knownEvents.set('m1', { id: 'm1', kind: 'maintenance', services: ['checkout'], start, end: start + 2 * 3_600_000, expected_multiplier: null, description: 'db upgrade' });
  const state = JSON.stringify(ctx.manager.state().registry.active.model);
  const during = feed(ctx, WEEK, WEEK + 24, (t) => seasonalTruth(t) * 0.1);
  assert.equal(JSON.stringify(ctx.manager.state().registry.active.model), state, 'model state unchanged');
  for (const o of during) {
    assert.equal(o.evaluated.expected, null);
    assert.equal(o.evaluated.suppressed, true);
    assert.equal(o.evaluated.learning_blocked_by, 'maintenance');
  }
  // The window right before the end still forecasts null for nothing but maintenance; after it, forecasts resume.
  const after = feed(ctx, WEEK + 24, WEEK + 25);
  assert.notEqual(after[0].evaluated.expected, null);
});

test('a sale multiplies request-rate predictions and is divided out of learning', () => {
  const ctx = setup(4);
  feed(ctx, 0, WEEK);
  const start = START + WEEK * WINDOW_MS;
  const plain = ctx.manager.activeModel.predict(start)!.expected;
  ctx.source.knownEvents.set('s1', { id: 's1', kind: 'sale', services: [], start, end: start + 3_600_000, expected_multiplier: 3, description: 'flash sale' });
  const during = feed(ctx, WEEK, WEEK + 12, (t) => seasonalTruth(t) * 3);
  assert.ok(Math.abs(during[0].evaluated.expected! - 3 * plain) < 1e-9 * plain);
  assert.equal(during[0].evaluated.multiplier, 3);
  // Learning divided the sale out: the model equals a twin that saw the same week without the sale.
  const twin = setup(4);
  feed(twin, 0, WEEK + 12);
  const after = ctx.manager.activeModel.predict(start + 3_600_000)!.expected;
  const twinAfter = twin.manager.activeModel.predict(start + 3_600_000)!.expected;
  assert.ok(Math.abs(after / twinAfter - 1) < 1e-9, `${after} vs ${twinAfter}`);
});

test('drift flags a level shift with p < 0.01, and over 100 seeds of a stationary series flags at most 2%', () => {
  // Each seed: two weeks to warm up (the first fills the model, the second the training reference),
  // then three days of week 3 in which every hourly drift report counts.
  let finalFlagged = 0;
  let reports = 0;
  let flagged = 0;
  for (let seed = 1; seed <= 100; seed++) {
    const ctx = setup(1000 + seed);
    const outcomes = feed(ctx, 0, 17 * WINDOWS_PER_DAY);
    const week3 = outcomes.slice(2 * WEEK).flatMap((o) => (o.drift ? [o.drift] : []));
    reports += week3.length;
    flagged += week3.filter((r) => r.needs_retrain).length;
    if (week3[week3.length - 1].needs_retrain) finalFlagged++;
  }
  assert.ok(finalFlagged <= 2, `${finalFlagged} of 100 stationary series flagged at their last report`);
  assert.ok(flagged / reports <= 0.02, `${flagged} of ${reports} drift reports flagged`);

  // A deployment that shifts the level: learning pauses for stabilization, so the shift reaches the report undiluted.
  const ctx = setup(7);
  feed(ctx, 0, 9 * WINDOWS_PER_DAY);
  const shiftAt = START + 9 * WINDOWS_PER_DAY * WINDOW_MS;
  ctx.source.addDeployment({ id: 'd7', service: 'checkout', version: '3.1', previous_version: '3.0', deployed_at: shiftAt, description: null });
  const shifted = feed(ctx, 9 * WINDOWS_PER_DAY, 9 * WINDOWS_PER_DAY + 24, (t) => seasonalTruth(t) * (t >= shiftAt ? 1.5 : 1));
  const first = shifted.flatMap((o) => (o.drift && o.drift.window_end > shiftAt + 3 * WINDOW_MS ? [o.drift] : []))[0];
  assert.ok(first.ks_p_value < 0.01, `p = ${first.ks_p_value}`);
  assert.ok(first.needs_retrain);
  assert.ok(first.reasons.some((r) => r.startsWith('ks_p_value')));
});

test('state round-trips through JSON and continues identically', () => {
  const a = setup(9);
  feed(a, 0, WINDOWS_PER_DAY * 2);
  const restored = BaselineManager.restore('checkout', 'request_rate', JSON.parse(JSON.stringify(a.manager.state())));
  const t = START + 2 * WINDOWS_PER_DAY * WINDOW_MS;
  const x = seasonalTruth(t);
  assert.deepEqual(restored.observe(x, t, t + WINDOW_MS, a.view), a.manager.observe(x, t, t + WINDOW_MS, a.view));
});

test('with learnDelayWindows, an incident declared after its windows closed still keeps them out of the model', () => {
  const run = (learnDelayWindows: number) => {
    const source = new MapKnownEventsSource();
    const view = new KnownEventsView(source, STABILIZATION_MS);
    const [manager] = BaselineManager.create('checkout', 'p50_latency', START, { learnDelayWindows });
    const random = new SeededRandom(7);
    const at = WINDOWS_PER_DAY; // an incident from 00:00 on day 2, latency x4 for 6 windows
    for (let i = 0; i < at + 6 + 12; i++) {
      const t = START + i * WINDOW_MS;
      const inIncident = i >= at && i < at + 6;
      manager.observe(noisy(random, 100) * (inIncident ? 4 : 1), t, t + WINDOW_MS, view);
      // Alerting declares the incident two windows after its first window closed (and closes it two windows after its end).
      if (i === at + 2) source.knownEvents.set('inc', { id: 'inc', kind: 'incident', services: ['checkout'], start: START + at * WINDOW_MS, end: null, expected_multiplier: null, description: null });
      if (i === at + 8) source.knownEvents.set('inc', { id: 'inc', kind: 'incident', services: ['checkout'], start: START + at * WINDOW_MS, end: START + (at + 6) * WINDOW_MS, expected_multiplier: null, description: null });
    }
    return { samples: manager.activeModel.samples, level: manager.activeModel.level, windows: at + 6 + 12 };
  };
  // At once: the incident's first three windows were learned before it was declared (and three
  // after its end were held back while it was still open).
  const immediate = run(0);
  assert.equal(immediate.samples, immediate.windows - 3 - 3);
  assert.ok(immediate.level > 115, `level ${immediate.level}`);
  // Three windows late: every incident window is kept out; the last three windows wait.
  const delayed = run(3);
  assert.equal(delayed.samples, delayed.windows - 6 - 3);
  assert.ok(Math.abs(delayed.level - 100) < 5, `level ${delayed.level}`);
  assert.throws(() => BaselineManager.create('checkout', 'p50_latency', START, { learnDelayWindows: -1 }), /learnDelayWindows/);
});
