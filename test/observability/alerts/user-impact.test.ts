import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserImpact } from '../../../observability/alerts/user-impact';
import { AdaptiveSampler } from '../../../observability/sampling/adaptive-sampler';
import { DistinctWeightSketch } from '../../../stats/distinct-weight-sketch';
import { SeededRandom } from '../../../stats/random';
import type { WideEvent } from '../../../schemas/wide-event';

const W = 300_000;

function event(user: string | null, tier: string, status: number, duration: number): WideEvent {
  return { timestamp: 0, service: 'api', operation: 'op', method: 'GET', status_code: status, duration_ms: duration, trace_id: 't', span_id: `${user}-${status}-${duration}`, parent_span_id: null, user_id: user, region: 'eu', customer_tier: tier, attributes: {} };
}

test('affected users by tier, premium over-representation and hourly impact of one window', () => {
  const impact = new UserImpact({ premiumTiers: ['enterprise'], tierValuePerHour: { free: 0.5, enterprise: 50 } });
  // Limit 100 ms: u1 (enterprise) fails twice, u2 (free) is slow, u3 (free) is fine, an anonymous request fails.
  for (const e of [event('u1', 'enterprise', 500, 20), event('u1', 'enterprise', 503, 20), event('u2', 'free', 200, 150), event('u3', 'free', 200, 20), event(null, 'free', 500, 20)]) impact.observe(e, 0, 100);
  const s = impact.take('api', 0, W);
  // 5 requests, 2 premium (share 0.4); 4 affected, 2 premium (share 0.5): 0.5 / 0.4 = 1.25.
  assert.deepEqual([s.requests, s.affectedRequests], [5, 4]);
  assert.equal(s.premiumOverRepresentation, 1.25);
  // HyperLogLog is exact at this size: one enterprise user, one free user (the anonymous request has none).
  assert.deepEqual(s.affectedUsersByTier, { enterprise: 1, free: 1 });
  assert.equal(s.affectedUsers, 2);
  // (1 x 50 + 1 x 0.5) per 5 minutes, 12 windows an hour: 606.
  assert.equal(s.impactPerHour, 606);
  // Taken windows are gone.
  assert.equal(impact.take('api', 0, W).requests, 0);
});

test('under a 10x spike with sampling, affected users are within 2% of the exact count (Horvitz-Thompson over coordinated samples)', (t) => {
  // Per seed: one 5-minute window of 1,000 requests/s against a budget of 100/s, 200,000 users,
  // half the requests affected (latency limit 60 ms, the median), about 105,000 distinct affected
  // users per window. The estimate's standard deviation is sqrt(sum over users (1 - pi) / pi) / users
  // (pi = the user's inclusion probability); measured over the 10 windows it is printed below, and
  // the sum over all windows shows the estimator has no bias left that the 2% could hide.
  const limit = 60;
  let trueTotal = 0;
  let estimatedTotal = 0;
  let worst = 0;
  const errors: number[] = [];
  for (let seed = 1; seed <= 10; seed++) {
    const random = new SeededRandom(seed);
    const sampler = new AdaptiveSampler({ budget: 100, intervalMs: 1000, slowMs: 1000, seed });
    const impact = new UserImpact({ premiumTiers: [], tierValuePerHour: {}, sketchCapacity: 1 << 17 });
    const affected = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < 300_000; i++) {
      const user = `u${random.nextInt(200_000)}`;
      const status = random.next() < 0.01 ? 503 : 200;
      const e = { ...event(user, 'free', status, random.lognormal(Math.log(60), 0.65)), timestamp: Math.floor(i / 1000) * 1000 + (i % 1000) };
      if (status >= 500 || e.duration_ms > limit) affected.add(user);
      const w = sampler.weigh(e);
      if (w === 0) continue;
      impact.observe(w === 1 ? e : { ...e, sample_weight: w }, 0, limit);
      if (status >= 500 || e.duration_ms > limit) seen.add(user);
    }
    const estimate = impact.take('api', 0, W).affectedUsers;
    const error = Math.abs(estimate - affected.size) / affected.size;
    assert.ok(error <= 0.02, `seed ${seed}: ${estimate} estimated vs ${affected.size} affected users (${error})`);
    // Without the weights the kept requests name only part of them.
    assert.ok(seen.size < 0.8 * affected.size, `seed ${seed}: ${seen.size} seen of ${affected.size}`);
    worst = Math.max(worst, error);
    errors.push(estimate / affected.size - 1);
    trueTotal += affected.size;
    estimatedTotal += estimate;
  }
  const pooled = Math.abs(estimatedTotal - trueTotal) / trueTotal;
  assert.ok(pooled <= 0.005, `over all windows: ${estimatedTotal} vs ${trueTotal} (${pooled})`);
  const sd = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
  t.diagnostic(`affected users: per-window standard deviation ${(sd * 100).toFixed(2)} %, worst window ${(worst * 100).toFixed(2)} %, all windows together ${(pooled * 100).toFixed(3)} % of ${trueTotal}`);
});

test('the user sketch is exact up to its capacity and within 3 standard errors beyond it', () => {
  const exact = new DistinctWeightSketch({ capacity: 1000 });
  for (let i = 0; i < 1000; i++) for (const w of [5, 2, 3]) exact.add(`u${i}`, w);
  assert.equal(exact.estimate(), 2000);
  // 200,000 keys with smallest values 1 or 3: the sum is 400,000; k = 4096 gives a 1.6% standard error.
  const big = new DistinctWeightSketch();
  for (let i = 0; i < 200_000; i++) {
    big.add(`k${i}`, 4);
    big.add(`k${i}`, i % 2 ? 1 : 3);
  }
  assert.ok(Math.abs(big.estimate() / 400_000 - 1) < 3 / Math.sqrt(4094), `${big.estimate()}`);
  assert.equal(big.size, 4096);
});
