/**
 * Every ClickHouse table weir writes, described once. `ddl.ts` renders this for a server's
 * capabilities and `row-encoder.ts` turns records into rows from the same columns.
 *
 * Raw events are ordered for the per-service time-range scans of the deep-dive (service, hour,
 * operation) and end with the insert id (topic, partition, offset), so a replayed or retried
 * event has the same sorting key and collapses under `FINAL`. Results are ReplacingMergeTree
 * tables keyed by (key, window): a replay rewrites the same rows.
 */
import type { WideEvent } from '../../schemas/wide-event';
import type { Rollup } from '../../schemas/rollup';
import type { BaselineModelVersion } from '../../schemas/baseline-model-version';
import type { DriftReport } from '../../schemas/drift-report';
import type { Alert } from '../../schemas/alert';
import type { CardinalityReport } from '../../schemas/cardinality-report';
import type { InvestigationResult } from '../../schemas/investigation-result';
import type { RecordOrigin } from '../../topology/record';
import { col, day, hour, mapValue, type ColumnSpec, type RollupViewSpec, type TableSpec } from './table-spec';

/** Status codes from here on count as errors, in the views and in queries. */
export const ERROR_STATUS_FROM = 500;

/**
 * The sample weight as the integer weight that `quantile*Weighted` takes. On 18.16 and on 24.x
 * those functions read the weight as an unsigned integer occurrence count, so a weight of 2.5
 * would silently count 2 (and 0.5 would count 0); scaled by 1000 and rounded, every weight keeps
 * its share within 0.05 %. A weighted quantile does not change when all weights scale together.
 */
export const QUANTILE_WEIGHT_SQL = 'toUInt64(round(sample_weight * 1000))';

/** The sample weight of an error event, 0 for the others: the Horvitz-Thompson count of errors. */
export const WEIGHTED_ERROR_SQL = `sample_weight * (status_code >= ${ERROR_STATUS_FROM})`;

/** Attribute key that `user_id` is materialized from; the encoder writes `WideEvent.user_id` there. */
export const USER_ID_ATTRIBUTE = 'user.id';

const origin = (o: RecordOrigin | undefined) => o;

export const wideEvents: TableSpec<WideEvent> = {
  name: 'wide_events',
  doc: 'one raw wide event per request or span, with its insert id (source topic, partition, offset)',
  columns: [
    { name: 'timestamp', kind: 'time_ms', codec: 'Delta, ZSTD(1)' },
    { name: 'service', kind: 'dim' },
    { name: 'operation', kind: 'dim' },
    { name: 'method', kind: 'dim' },
    { name: 'status_code', kind: 'uint16' },
    { name: 'duration_ms', kind: 'float64' },
    { name: 'trace_id', kind: 'string' },
    { name: 'span_id', kind: 'string' },
    { name: 'parent_span_id', kind: 'nullable_string' },
    { name: 'region', kind: 'dim' },
    { name: 'customer_tier', kind: 'dim' },
    {
      name: 'attributes',
      kind: 'string_map',
      codec: 'ZSTD(1)',
      value: (e) => (e.user_id !== null && e.attributes[USER_ID_ATTRIBUTE] === undefined ? { ...e.attributes, [USER_ID_ATTRIBUTE]: e.user_id } : e.attributes),
    },
    { name: 'user_id', kind: 'string', materialized: mapValue('attributes', USER_ID_ATTRIBUTE) },
    { name: 'sample_weight', kind: 'float64', value: (e) => e.sample_weight ?? 1 },
    { name: 'source_topic', kind: 'dim', value: (_, o) => origin(o)?.topic ?? '' },
    { name: 'source_partition', kind: 'uint32', value: (_, o) => origin(o)?.partition ?? 0 },
    { name: 'source_offset', kind: 'uint64', value: (_, o) => origin(o)?.offset ?? 0 },
  ],
  engine: { kind: 'ReplacingMergeTree' },
  partitionBy: day('timestamp'),
  orderBy: [col('service'), hour('timestamp'), col('operation'), col('source_topic'), col('source_partition'), col('source_offset')],
  indexes: [{ name: 'idx_trace_id', expr: col('trace_id'), type: 'bloom_filter(0.01)', granularity: 1 }],
};

const rollupColumns: ColumnSpec<Rollup>[] = [
  { name: 'service', kind: 'dim' },
  { name: 'operation', kind: 'dim' },
  { name: 'window_start', kind: 'time_ms' },
  { name: 'window_end', kind: 'time_ms' },
  { name: 'resolution', kind: 'dim' },
  { name: 'count', kind: 'uint64' },
  { name: 'error_count', kind: 'uint64' },
  { name: 'duration_sum', kind: 'float64' },
  { name: 'duration_min', kind: 'float64' },
  { name: 'duration_max', kind: 'float64' },
  { name: 'duration_mean', kind: 'float64' },
  { name: 'p50', kind: 'float64' },
  { name: 'p95', kind: 'float64' },
  { name: 'p99', kind: 'float64' },
  { name: 'digest', kind: 'float64_array', codec: 'ZSTD(1)' },
];

function rollupTable(resolution: '1m' | '5m' | '1h'): TableSpec<Rollup> {
  return {
    name: `rollups_${resolution}`,
    doc: `weir's ${resolution} rollup of one (service, operation) window`,
    columns: rollupColumns,
    engine: { kind: 'ReplacingMergeTree' },
    partitionBy: day('window_start'),
    orderBy: [col('service'), col('operation'), col('window_start')],
  };
}

export const rollups1m = rollupTable('1m');
export const rollups5m = rollupTable('5m');
export const rollups1h = rollupTable('1h');

export const baselines: TableSpec<BaselineModelVersion> = {
  name: 'baselines',
  doc: 'one baseline model version; the latest status change (updated_at) wins',
  columns: [
    { name: 'model_id', kind: 'string' },
    { name: 'service', kind: 'dim' },
    { name: 'metric', kind: 'dim' },
    { name: 'version', kind: 'string' },
    { name: 'status', kind: 'dim' },
    { name: 'trained_at', kind: 'time_ms' },
    { name: 'updated_at', kind: 'time_ms' },
    { name: 'training_samples', kind: 'uint64' },
    { name: 'error_mape', kind: 'nullable_float64' },
    { name: 'parameters', kind: 'float64_map' },
    { name: 'note', kind: 'nullable_string' },
  ],
  engine: { kind: 'ReplacingMergeTree', version: 'updated_at' },
  partitionBy: day('trained_at'),
  orderBy: [col('service'), col('metric'), col('model_id'), col('version')],
};

export const driftReports: TableSpec<DriftReport> = {
  name: 'drift_reports',
  doc: 'one drift check of a baseline model over a window',
  columns: [
    { name: 'model_id', kind: 'string' },
    { name: 'service', kind: 'dim' },
    { name: 'metric', kind: 'dim' },
    { name: 'model_version', kind: 'string' },
    { name: 'window_start', kind: 'time_ms' },
    { name: 'window_end', kind: 'time_ms' },
    { name: 'reference_size', kind: 'uint64' },
    { name: 'recent_size', kind: 'uint64' },
    { name: 'ks_statistic', kind: 'float64' },
    { name: 'ks_p_value', kind: 'float64' },
    { name: 'mape', kind: 'nullable_float64' },
    { name: 'concept_divergence', kind: 'float64' },
    { name: 'needs_retrain', kind: 'bool', value: (d) => (d.needs_retrain ? 1 : 0) },
    { name: 'reasons', kind: 'string_array' },
  ],
  engine: { kind: 'ReplacingMergeTree' },
  partitionBy: day('window_start'),
  orderBy: [col('service'), col('model_id'), col('window_start')],
};

export const alerts: TableSpec<Alert> = {
  name: 'alerts',
  doc: 'one correlated alert decision per service and window',
  columns: [
    { name: 'id', kind: 'string' },
    { name: 'service', kind: 'dim' },
    { name: 'window_start', kind: 'time_ms' },
    { name: 'window_end', kind: 'time_ms' },
    { name: 'signals', kind: 'json', value: (a) => JSON.stringify(a.signals) },
    { name: 'confidence', kind: 'float64' },
    { name: 'severity', kind: 'dim' },
    { name: 'decision', kind: 'dim' },
    { name: 'note', kind: 'nullable_string' },
    { name: 'status', kind: 'dim' },
  ],
  engine: { kind: 'ReplacingMergeTree' },
  partitionBy: day('window_start'),
  orderBy: [col('service'), col('window_start'), col('id')],
};

export const cardinality: TableSpec<CardinalityReport> = {
  name: 'cardinality',
  doc: 'HyperLogLog distinct count of one dimension over one window',
  columns: [
    { name: 'window_start', kind: 'time_ms' },
    { name: 'window_end', kind: 'time_ms' },
    { name: 'dimension', kind: 'dim' },
    { name: 'distinct_estimate', kind: 'uint64', value: (c) => Math.round(c.distinct_estimate) },
    { name: 'relative_standard_error', kind: 'float64' },
    { name: 'event_count', kind: 'uint64' },
  ],
  engine: { kind: 'ReplacingMergeTree' },
  partitionBy: day('window_start'),
  orderBy: [col('dimension'), col('window_start')],
};

export const investigations: TableSpec<InvestigationResult> = {
  name: 'investigations',
  doc: 'the outcome of investigating one alert',
  columns: [
    { name: 'investigation_id', kind: 'string' },
    { name: 'alert_id', kind: 'string' },
    { name: 'service', kind: 'dim' },
    { name: 'started_at', kind: 'time_ms' },
    { name: 'completed_at', kind: 'time_ms' },
    { name: 'status', kind: 'dim' },
    { name: 'root_cause', kind: 'nullable_string' },
    { name: 'root_cause_service', kind: 'nullable_string' },
    { name: 'confidence', kind: 'float64' },
    { name: 'hypotheses', kind: 'json', value: (i) => JSON.stringify(i.hypotheses) },
    { name: 'proposed_actions', kind: 'string_array' },
  ],
  engine: { kind: 'ReplacingMergeTree', version: 'completed_at' },
  partitionBy: day('started_at'),
  orderBy: [col('service'), col('started_at'), col('investigation_id')],
};

/**
 * The views rolling raw events up inside ClickHouse; the query router reads them for long ranges.
 * Raw events are sampled during spikes (`adaptiveSample`), so everything a reader takes as a
 * request count, an error rate or a latency percentile is weighted by `sample_weight`;
 * `event_count` and `error_count` count stored rows only.
 */
function eventsRollupView(bucket: 'minute' | 'hour', target: string): RollupViewSpec {
  return {
    target,
    doc: `raw wide events rolled up per ${bucket} and (service, operation) by a materialized view`,
    source: wideEvents.name,
    timeColumn: 'timestamp',
    bucket,
    groupBy: ['service', 'operation'],
    aggregates: [
      { column: 'event_count', fn: 'count' },
      { column: 'error_count', fn: 'sum', args: [{ sql: `toUInt64(status_code >= ${ERROR_STATUS_FROM})`, type: 'UInt64' }] },
      { column: 'weight_sum', fn: 'sum', args: [{ sql: 'sample_weight', type: 'Float64' }] },
      { column: 'weighted_error_sum', fn: 'sum', args: [{ sql: WEIGHTED_ERROR_SQL, type: 'Float64' }] },
      { column: 'weighted_duration_sum', fn: 'sum', args: [{ sql: 'duration_ms * sample_weight', type: 'Float64' }] },
      {
        column: 'weighted_duration_quantiles',
        fn: 'quantilesTDigestWeighted(0.5, 0.95, 0.99)',
        args: [{ sql: 'duration_ms', type: 'Float64' }, { sql: QUANTILE_WEIGHT_SQL, type: 'UInt64' }],
      },
    ],
  };
}

export const events1m = eventsRollupView('minute', 'events_1m');
export const events1h = eventsRollupView('hour', 'events_1h');

export const TABLES: readonly TableSpec<never>[] = [
  wideEvents,
  rollups1m,
  rollups5m,
  rollups1h,
  baselines,
  driftReports,
  alerts,
  cardinality,
  investigations,
];

export const ROLLUP_VIEWS: readonly RollupViewSpec[] = [events1m, events1h];
