import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KnownEventsView, MapKnownEventsSource } from '../../../observability/baseline/known-events-view';

const H = 3_600_000;

function view() {
  const source = new MapKnownEventsSource();
  source.knownEvents.set('inc', { id: 'inc', kind: 'incident', services: ['api'], start: 10 * H, end: null, expected_multiplier: null, description: 'open incident' });
  source.knownEvents.set('sale', { id: 'sale', kind: 'sale', services: [], start: 20 * H, end: 22 * H, expected_multiplier: 4, description: null });
  source.knownEvents.set('xmas', { id: 'xmas', kind: 'holiday', services: ['shop'], start: 21 * H, end: 30 * H, expected_multiplier: 0.5, description: null });
  source.knownEvents.set('mnt', { id: 'mnt', kind: 'maintenance', services: ['db'], start: 5 * H, end: 6 * H, expected_multiplier: null, description: null });
  source.addDeployment({ id: 'd1', service: 'shop', version: '2', previous_version: '1', deployed_at: 40 * H, description: null });
  return new KnownEventsView(source, H / 2);
}

test('learning gates: an open incident blocks its service until it ends, maintenance its service, a deployment its stabilization window', () => {
  const v = view();
  assert.equal(v.learningBlock('api', 9 * H, 10 * H), null, 'a window ending at the incident start is before it');
  assert.equal(v.learningBlock('api', 100 * H, 101 * H), 'incident');
  assert.equal(v.learningBlock('web', 100 * H, 101 * H), null);
  assert.equal(v.learningBlock('db', 5.5 * H, 5.6 * H), 'maintenance');
  assert.equal(v.learningBlock('shop', 40 * H, 40.1 * H), 'stabilization');
  assert.equal(v.learningBlock('shop', 40.45 * H, 40.55 * H), 'stabilization');
  assert.equal(v.learningBlock('shop', 40.5 * H, 40.6 * H), null, 'stabilization ends deployed_at + 30 min');
  assert.equal(v.learningBlock('shop', 39.9 * H, 40 * H), null);
});

test('deployments announced ahead each gate their own stabilization window, not only the latest', () => {
  const source = new MapKnownEventsSource();
  for (const day of [3, 1, 2]) source.addDeployment({ id: `d${day}`, service: 'cart', version: `${day}`, previous_version: null, deployed_at: day * 24 * H, description: null });
  const v = new KnownEventsView(source, H);
  for (const day of [1, 2, 3]) {
    assert.equal(v.learningBlock('cart', day * 24 * H, day * 24 * H + 300_000), 'stabilization', `day ${day}`);
    assert.equal(v.learningBlock('cart', day * 24 * H + 2 * H, day * 24 * H + 2 * H + 300_000), null);
  }
  assert.deepEqual([...source.deployments('cart')].map((d) => d.id), ['d1', 'd2', 'd3']);
});

test('multipliers of overlapping sales and holidays multiply, for request rate only; maintenance suppresses', () => {
  const v = view();
  assert.deepEqual(v.adjustment('shop', 'request_rate', 21 * H, 21.1 * H), { suppressed: false, multiplier: 2, events: ['sale', 'xmas'] });
  assert.deepEqual(v.adjustment('web', 'request_rate', 21 * H, 21.1 * H), { suppressed: false, multiplier: 4, events: ['sale'] });
  assert.deepEqual(v.adjustment('shop', 'p99_latency', 21 * H, 21.1 * H), { suppressed: false, multiplier: 1, events: [] });
  assert.equal(v.adjustment('db', 'p99_latency', 5 * H, 5.1 * H).suppressed, true);
});
