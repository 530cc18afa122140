import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, HOUR_MS, effectiveRange, routeQuery, validateQuery } from '../../query/aggregation-query';

const T0 = Date.UTC(2026, 10, 20, 12, 34, 56, 789);

test('routes by range: raw below an hour, 1-minute rollup up to a day, 1-hour rollup beyond', () => {
  assert.equal(routeQuery({ from: T0, to: T0 + 10 * 60_000 }).name, 'raw');
  assert.equal(routeQuery({ from: T0, to: T0 + HOUR_MS - 1 }).name, 'raw');
  assert.equal(routeQuery({ from: T0, to: T0 + HOUR_MS }).name, 'rollup_1m');
  assert.equal(routeQuery({ from: T0, to: T0 + DAY_MS }).name, 'rollup_1m');
  assert.equal(routeQuery({ from: T0, to: T0 + DAY_MS + 1 }).name, 'rollup_1h');
  assert.equal(routeQuery({ from: T0, to: T0 + 7 * DAY_MS }).name, 'rollup_1h');
  assert.equal(routeQuery({ from: T0, to: T0 + 7 * DAY_MS, source: 'raw' }).name, 'raw');
});

test('a rollup reads whole buckets around the range; raw events read it exactly', () => {
  const q = { from: T0, to: T0 + 2 * HOUR_MS };
  assert.deepEqual(effectiveRange(q, routeQuery({ ...q, source: 'raw' })), { from: T0, to: T0 + 2 * HOUR_MS });
  assert.deepEqual(effectiveRange(q, routeQuery(q)), { from: Date.UTC(2026, 10, 20, 12, 34), to: Date.UTC(2026, 10, 20, 14, 35) });
  assert.deepEqual(effectiveRange(q, routeQuery({ ...q, source: 'rollup_1h' })), { from: Date.UTC(2026, 10, 20, 12), to: Date.UTC(2026, 10, 20, 15) });
});

test('rejects empty or inverted ranges and empty service names', () => {
  assert.throws(() => validateQuery({ from: T0, to: T0 }), /from < to/);
  assert.throws(() => validateQuery({ from: T0, to: T0 - 1 }), /from < to/);
  assert.throws(() => validateQuery({ from: 1.5, to: T0 }), /epoch-ms integers/);
  assert.throws(() => validateQuery({ from: T0, to: T0 + 1, services: [''] }), /must not be empty/);
});
