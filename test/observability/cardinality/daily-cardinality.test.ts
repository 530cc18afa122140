import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DailyCardinality, dayStartOf, DAY_MS } from '../../../observability/cardinality/daily-cardinality';
import type { WideEvent } from '../../../schemas/wide-event';

const DAY = Date.UTC(2026, 0, 5);

function event(i: number): WideEvent {
  return {
    timestamp: DAY + i,
    service: `svc-${i % 50}`,
    operation: 'op',
    method: i % 3 === 0 ? 'POST' : 'GET',
    status_code: [200, 404, 500, 503][i % 4],
    duration_ms: 10,
    trace_id: `trace-${Math.floor(i / 3)}`,
    span_id: `s${i}`,
    parent_span_id: null,
    user_id: i % 10 === 0 ? null : `user-${i % 40_000}`,
    region: 'eu',
    customer_tier: 'free',
    attributes: {},
  };
}

test('per-day distinct counts from sketches merged across four tasks are within 2% of exact counts', () => {
  const tasks = [0, 1, 2, 3].map(() => new DailyCardinality(DAY));
  const users = new Set<string>();
  const traces = new Set<string>();
  const tuples = new Set<string>();
  const n = 300_000;
  for (let i = 0; i < n; i++) {
    const e = event(i);
    tasks[i % 4].add(e);
    if (e.user_id) users.add(e.user_id);
    traces.add(e.trace_id);
    tuples.add(`${e.service}|${e.method}|${e.status_code}`);
  }
  const merged = new DailyCardinality(DAY);
  for (const t of tasks) merged.merge(JSON.parse(JSON.stringify(t.toData())));
  const reports = Object.fromEntries(merged.reports().map((r) => [r.dimension, r]));
  const exact: Record<string, number> = { user_id: users.size, trace_id: traces.size, service_method_status: tuples.size };
  for (const [dimension, count] of Object.entries(exact)) {
    const r = reports[dimension];
    assert.equal(r.event_count, n);
    assert.equal(r.window_start, DAY);
    assert.equal(r.window_end, DAY + DAY_MS);
    assert.ok(Math.abs(r.distinct_estimate - count) / count <= 0.02, `${dimension}: ${r.distinct_estimate} vs ${count}`);
  }
  assert.equal(dayStartOf(DAY + DAY_MS - 1), DAY);
  assert.equal(DailyCardinality.fromData(merged.toData()).reports()[0].distinct_estimate, reports.user_id.distinct_estimate);
});
