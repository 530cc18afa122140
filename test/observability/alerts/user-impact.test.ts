import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserImpact } from '../../../observability/alerts/user-impact';
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
