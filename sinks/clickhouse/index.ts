/**
 * `weir/clickhouse`: the ClickHouse sink (batched, retried inserts that are part of the commit),
 * the tables of the observability records with DDL chosen by server version, and the query router
 * that answers from the cheapest table for a time range.
 */
export { ClickHouseConnection, type ConnectionOptions } from './connection';
export { toClickHouse, ToClickHouseProcessor, type ToClickHouseOptions } from './to-clickhouse';
export { ClickHouseBatchingSink, type BatchingSinkOptions, type SinkLogger, type SinkCounters } from './batching-sink';
export { migrate, type MigrateOptions, type MigrationReport } from './migrate';
export { renderDdl, type DdlOptions, type DdlStatement } from './ddl';
export { capabilitiesFor, type ServerCapabilities } from './server-capabilities';
export { TABLES, ROLLUP_VIEWS, wideEvents, rollups1m, rollups5m, rollups1h, baselines, driftReports, alerts, cardinality, investigations } from './schema';
export type { TableSpec, ColumnSpec } from './table-spec';
export { QueryRouter, type QueryRouterOptions, type QueryAnswer, type ServiceAggregate } from '../../query/query-router';
export type { AggregationQuery } from '../../query/aggregation-query';
