import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveSampler, statusClass } from '../../../observability/sampling/adaptive-sampler';
import { SeededRandom } from '../../../stats/random';
import type { WideEvent } from '../../../schemas/wide-event';

function event(service: string, status: number, duration: number, timestamp: number): WideEvent {
  return { timestamp, service, operation: 'op', method: 'GET', status_code: status, duration_ms: duration, trace_id: 't', span_id: 's', parent_span_id: null, user_id: null, region: 'eu', customer_tier: 'free', attributes: {} };
}

test('weighted counts of 1M sampled events are within 1% of the true counts per (service, status class); errors and slow requests are all kept', () => {
  const random = new SeededRandom(12);
  const sampler = new AdaptiveSampler({ budget: 300, intervalMs: 1000, slowMs: 2000, seed: 5 });
  const truth = new Map<string, number>();
  const weighted = new Map<string, number>();
  let kept = 0;
  let errorsSeen = 0;
  let errorsKept = 0;
  let slowSeen = 0;
  let slowKept = 0;
  const services = ['checkout', 'search'];
  for (let i = 0; i < 1_000_000; i++) {
    // 10,000 events per second of event time: a spike far over the budget of 300 per key and second.
    const t = Math.floor(i / 10_000) * 1000 + Math.floor((i % 10_000) / 10);
    const r = random.next();
    const status = r < 0.02 ? 503 : r < 0.3 ? 404 : 200;
    const duration = random.next() < 0.01 ? 2500 : 20 + random.next() * 200;
    const e = event(services[i % 2], status, duration, t);
    const key = `${e.service}|${statusClass(status)}`;
    truth.set(key, (truth.get(key) ?? 0) + 1);
    const w = sampler.weigh(e);
    if (status >= 500) errorsSeen++;
    if (duration >= 2000) slowSeen++;
    if (w > 0) {
      kept++;
      weighted.set(key, (weighted.get(key) ?? 0) + w);
      if (status >= 500) errorsKept++;
      if (duration >= 2000) slowKept++;
    }
  }
  assert.equal(errorsKept, errorsSeen);
  assert.equal(slowKept, slowSeen);
  assert.ok(kept < 450_000, `sampling kept ${kept} of 1,000,000`);
  assert.equal(truth.size, 6);
  for (const [key, n] of truth) {
    const error = Math.abs((weighted.get(key) ?? 0) - n) / n;
    assert.ok(error <= 0.01, `${key}: true ${n}, weighted ${weighted.get(key)}, error ${error}`);
  }
});

test('below the budget every event is kept with weight 1', () => {
  const sampler = new AdaptiveSampler({ budget: 100 });
  for (let i = 0; i < 10_000; i++) assert.equal(sampler.weigh(event('a', 200, 10, i * 20)), 1);
  assert.throws(() => new AdaptiveSampler({ budget: 0 }), { code: 'INVALID_CONFIG' });
});
