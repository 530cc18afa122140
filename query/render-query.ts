/**
 * SQL for an aggregation query on one source and one server. Raw events are a weighted sample
 * during spikes, so counts, errors and quantiles are all weighted by `sample_weight` (a
 * Horvitz-Thompson estimate of what all events would give); the stored row count is returned too.
 * Only functions that 18.16 and 24.x both have are used (`quantilesExactWeighted`,
 * `quantilesTDigestWeighted` and their `-Merge`, both with integer weights on both servers); time
 * literals come from the dialect so filters stay on the key column.
 */
import type { ClickHouseConnection } from '../sinks/clickhouse/connection';
import { quote } from '../sinks/clickhouse/dialect';
import { BUCKET_COLUMN } from '../sinks/clickhouse/ddl';
import { QUANTILE_WEIGHT_SQL, WEIGHTED_ERROR_SQL } from '../sinks/clickhouse/schema';
import type { AggregationQuery, QuerySource } from './aggregation-query';

/** One row of the answer, as the SQL returns it (numbers as strings for 64-bit safety). */
export interface ServiceAggregateRow {
  readonly service: string;
  /** Stored (kept) events. */
  readonly count: string;
  readonly weighted_count: number;
  readonly weighted_errors: number;
  /** Weighted p50, p95, p99. */
  readonly quantiles: number[];
}

/** What rendering needs of a connection: the server's dialect and table names. */
export type RenderTarget = Pick<ClickHouseConnection, 'dialect' | 'table'>;

export function renderAggregation(
  connection: RenderTarget,
  query: AggregationQuery,
  source: QuerySource,
  range: { from: number; to: number },
): string {
  const dialect = connection.dialect;
  const table = connection.table(source.table);
  const services = query.services && query.services.length > 0 ? `\n  AND service IN (${query.services.map(quote).join(', ')})` : '';
  if (source.name === 'raw') {
    // FINAL collapses events a replay wrote twice (same insert id); raw ranges are under an hour.
    return `SELECT
  toString(service) AS service,
  toString(count()) AS count,
  sum(sample_weight) AS weighted_count,
  sum(${WEIGHTED_ERROR_SQL}) AS weighted_errors,
  quantilesExactWeighted(0.5, 0.95, 0.99)(duration_ms, ${QUANTILE_WEIGHT_SQL}) AS quantiles
FROM ${table} FINAL
WHERE timestamp >= ${dialect.millisLiteral(range.from)} AND timestamp < ${dialect.millisLiteral(range.to)}${services}
GROUP BY service
ORDER BY service`;
  }
  return `SELECT
  toString(service) AS service,
  toString(countMerge(event_count)) AS count,
  sumMerge(weight_sum) AS weighted_count,
  sumMerge(weighted_error_sum) AS weighted_errors,
  quantilesTDigestWeightedMerge(0.5, 0.95, 0.99)(weighted_duration_quantiles) AS quantiles
FROM ${table}
WHERE ${BUCKET_COLUMN} >= toDateTime(${Math.floor(range.from / 1000)}) AND ${BUCKET_COLUMN} < toDateTime(${Math.floor(range.to / 1000)})${services}
GROUP BY service
ORDER BY service`;
}
