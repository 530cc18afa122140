import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAggregation, type RenderTarget } from '../../query/render-query';
import { Dialect } from '../../sinks/clickhouse/dialect';
import { capabilitiesFor } from '../../sinks/clickhouse/server-capabilities';
import { SOURCES } from '../../query/aggregation-query';

const target = (version: string): RenderTarget => ({ dialect: new Dialect(capabilitiesFor(version)), table: (name: string) => `weir.${name}` });
const range = { from: 1_767_571_200_000, to: 1_767_571_800_000 };

test('raw events: weighted counts, errors and exact weighted quantiles under FINAL, the range on the key column in each dialect', () => {
  const sql = (version: string) => renderAggregation(target(version), { ...range, services: ["checkout", "o'brien"] }, SOURCES.raw, range);
  const expected = (bound: (ms: number) => string) => `SELECT
  toString(service) AS service,
  toString(count()) AS count,
  sum(sample_weight) AS weighted_count,
  sum(sample_weight * (status_code >= 500)) AS weighted_errors,
  quantilesExactWeighted(0.5, 0.95, 0.99)(duration_ms, toUInt64(round(sample_weight * 1000))) AS quantiles
FROM weir.wide_events FINAL
WHERE timestamp >= ${bound(range.from)} AND timestamp < ${bound(range.to)}
  AND service IN ('checkout', 'o\\'brien')
GROUP BY service
ORDER BY service`;
  assert.equal(sql('18.16.1'), expected((ms) => `toUInt64(${ms})`));
  assert.equal(sql('24.8.4'), expected((ms) => `fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')`));
});

test('rollups: merged weighted t-digest states over whole buckets, the same SQL on both servers', () => {
  const sql = (version: string) => renderAggregation(target(version), range, SOURCES.rollup_1h, range);
  const expected = `SELECT
  toString(service) AS service,
  toString(countMerge(event_count)) AS count,
  sumMerge(weight_sum) AS weighted_count,
  sumMerge(weighted_error_sum) AS weighted_errors,
  quantilesTDigestWeightedMerge(0.5, 0.95, 0.99)(weighted_duration_quantiles) AS quantiles
FROM weir.events_1h
WHERE bucket_start >= toDateTime(1767571200) AND bucket_start < toDateTime(1767571800)
GROUP BY service
ORDER BY service`;
  assert.equal(sql('18.16.1'), expected);
  assert.equal(sql('24.8.4'), expected);
});
