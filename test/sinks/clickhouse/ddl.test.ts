import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDdl } from '../../../sinks/clickhouse/ddl';
import { capabilitiesFor } from '../../../sinks/clickhouse/server-capabilities';

const legacy = renderDdl(capabilitiesFor('18.16.1'), { database: 'weir' });
const modern = renderDdl(capabilitiesFor('24.8.4.13'), { database: 'weir', rawEventsTtlDays: 30 });

function sql(statements: ReturnType<typeof renderDdl>, name: string): string {
  const found = statements.find((s) => s.name === name);
  assert.ok(found, `no statement for ${name}`);
  return found.sql;
}

test('both variants create the same objects in the same order', () => {
  const names = ['weir', 'wide_events', 'rollups_1m', 'rollups_5m', 'rollups_1h', 'baselines', 'drift_reports', 'alerts',
    'cardinality', 'investigations', 'events_1m', 'events_1h', 'events_1m_mv', 'events_1h_mv'];
  assert.deepEqual(legacy.map((s) => s.name), names);
  assert.deepEqual(modern.map((s) => s.name), names);
});

test('raw events on 18.16: epoch-ms UInt64, key/value arrays, no index, codec or TTL', () => {
  assert.equal(sql(legacy, 'wide_events'), `CREATE TABLE IF NOT EXISTS weir.wide_events
(
    timestamp UInt64,
    service LowCardinality(String),
    operation LowCardinality(String),
    method LowCardinality(String),
    status_code UInt16,
    duration_ms Float64,
    trace_id String,
    span_id String,
    parent_span_id Nullable(String),
    region LowCardinality(String),
    customer_tier LowCardinality(String),
    attributes_keys Array(String),
    attributes_values Array(String),
    user_id String MATERIALIZED attributes_values[indexOf(attributes_keys, 'user.id')],
    sample_weight Float64,
    source_topic LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64
)
ENGINE = ReplacingMergeTree()
PARTITION BY toDate(toDateTime(intDiv(timestamp, 1000)))
ORDER BY (service, toStartOfHour(toDateTime(intDiv(timestamp, 1000))), operation, source_topic, source_partition, source_offset)
SETTINGS index_granularity = 8192`);
});

test('raw events on 24.x: DateTime64, Map, bloom filter, codecs, TTL, insert deduplication', () => {
  assert.equal(sql(modern, 'wide_events'), `CREATE TABLE IF NOT EXISTS weir.wide_events
(
    timestamp DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
    service LowCardinality(String),
    operation LowCardinality(String),
    method LowCardinality(String),
    status_code UInt16,
    duration_ms Float64,
    trace_id String,
    span_id String,
    parent_span_id Nullable(String),
    region LowCardinality(String),
    customer_tier LowCardinality(String),
    attributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    user_id String MATERIALIZED attributes['user.id'],
    sample_weight Float64,
    source_topic LowCardinality(String),
    source_partition UInt32,
    source_offset UInt64,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree()
PARTITION BY toDate(toDateTime(timestamp))
ORDER BY (service, toStartOfHour(toDateTime(timestamp)), operation, source_topic, source_partition, source_offset)
TTL toDateTime(timestamp) + INTERVAL 30 DAY
SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 1000`);
});

test('results are ReplacingMergeTree keyed by (key, window); a version column where a later row supersedes', () => {
  assert.equal(sql(legacy, 'rollups_1m'), `CREATE TABLE IF NOT EXISTS weir.rollups_1m
(
    service LowCardinality(String),
    operation LowCardinality(String),
    window_start UInt64,
    window_end UInt64,
    resolution LowCardinality(String),
    count UInt64,
    error_count UInt64,
    duration_sum Float64,
    duration_min Float64,
    duration_max Float64,
    duration_mean Float64,
    p50 Float64,
    p95 Float64,
    p99 Float64,
    digest Array(Float64)
)
ENGINE = ReplacingMergeTree()
PARTITION BY toDate(toDateTime(intDiv(window_start, 1000)))
ORDER BY (service, operation, window_start)
SETTINGS index_granularity = 8192`);
  assert.equal(sql(modern, 'baselines'), `CREATE TABLE IF NOT EXISTS weir.baselines
(
    model_id String,
    service LowCardinality(String),
    metric LowCardinality(String),
    version String,
    status LowCardinality(String),
    trained_at DateTime64(3, 'UTC'),
    updated_at DateTime64(3, 'UTC'),
    training_samples UInt64,
    error_mape Nullable(Float64),
    parameters Map(LowCardinality(String), Float64),
    note Nullable(String)
)
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toDate(toDateTime(trained_at))
ORDER BY (service, metric, model_id, version)
SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 1000`);
  assert.match(sql(legacy, 'baselines'), /parameters_keys Array\(String\),\n    parameters_values Array\(Float64\),/);
});

test('the per-minute view rolls raw events into weighted sums and weighted t-digest states on both variants', () => {
  const target = `CREATE TABLE IF NOT EXISTS weir.events_1m
(
    service LowCardinality(String),
    operation LowCardinality(String),
    bucket_start DateTime,
    event_count AggregateFunction(count),
    error_count AggregateFunction(sum, UInt64),
    weight_sum AggregateFunction(sum, Float64),
    weighted_error_sum AggregateFunction(sum, Float64),
    weighted_duration_sum AggregateFunction(sum, Float64),
    weighted_duration_quantiles AggregateFunction(quantilesTDigestWeighted(0.5, 0.95, 0.99), Float64, UInt64)
)
ENGINE = AggregatingMergeTree()
PARTITION BY toDate(bucket_start)
ORDER BY (service, operation, bucket_start)
SETTINGS index_granularity = 8192`;
  assert.equal(sql(legacy, 'events_1m'), target);
  assert.equal(sql(modern, 'events_1m'), target);
  const view = (bucket: string) => `CREATE MATERIALIZED VIEW IF NOT EXISTS weir.events_1m_mv TO weir.events_1m
AS SELECT
    service,
    operation,
    toStartOfMinute(${bucket}) AS bucket_start,
    countState() AS event_count,
    sumState(toUInt64(status_code >= 500)) AS error_count,
    sumState(sample_weight) AS weight_sum,
    sumState(sample_weight * (status_code >= 500)) AS weighted_error_sum,
    sumState(duration_ms * sample_weight) AS weighted_duration_sum,
    quantilesTDigestWeightedState(0.5, 0.95, 0.99)(duration_ms, toUInt64(round(sample_weight * 1000))) AS weighted_duration_quantiles
FROM weir.wide_events
GROUP BY service, operation, bucket_start`;
  assert.equal(sql(legacy, 'events_1m_mv'), view('toDateTime(intDiv(timestamp, 1000))'));
  assert.equal(sql(modern, 'events_1m_mv'), view('toDateTime(timestamp)'));
  assert.match(sql(modern, 'events_1h_mv'), /toStartOfHour\(toDateTime\(timestamp\)\) AS bucket_start/);
});

test('capabilities follow the version', () => {
  const old = capabilitiesFor('18.16.1');
  assert.deepEqual([old.lowCardinality, old.lowCardinalityNeedsSetting, old.map, old.dateTime64, old.skipIndexes], [true, true, false, false, false]);
  const current = capabilitiesFor('24.8.4.13');
  assert.deepEqual([current.lowCardinalityNeedsSetting, current.map, current.dateTime64, current.skipIndexes, current.ttl], [false, true, true, true, true]);
  assert.throws(() => capabilitiesFor('unknown'), /cannot read the ClickHouse server version/);
});
