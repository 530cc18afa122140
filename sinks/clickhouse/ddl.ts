/**
 * Renders `schema.ts` as DDL for one server. Statements are `IF NOT EXISTS` so applying them
 * twice changes nothing; `migrate.ts` adds the columns an older deployment lacks.
 */
import { Dialect, ident } from './dialect';
import type { ServerCapabilities } from './server-capabilities';
import { ROLLUP_VIEWS, TABLES } from './schema';
import type { ColumnSpec, RollupViewSpec, TableSpec } from './table-spec';

export interface DdlOptions {
  readonly database: string;
  /** Days raw events are kept, where the server has TTL; absent keeps them forever. */
  readonly rawEventsTtlDays?: number;
  /** Recent insert blocks remembered to drop a retried identical block (servers >= 21.1). */
  readonly deduplicationWindow?: number;
}

export interface DdlStatement {
  /** `database`, `table`, `view`: what it creates. */
  readonly kind: 'database' | 'table' | 'view';
  readonly name: string;
  readonly sql: string;
}

/** The bucket column of the rollup views, a `DateTime` on every server. */
export const BUCKET_COLUMN = 'bucket_start';

export function columnDefinitions(dialect: Dialect, column: ColumnSpec<never>): string[] {
  const codec = column.codec && dialect.capabilities.codecs ? ` CODEC(${column.codec})` : '';
  const materialized = column.materialized ? ` MATERIALIZED ${dialect.expr(column.materialized)}` : '';
  return dialect.physicalColumns(column).map((c) => `${ident(c.name)} ${c.type}${materialized}${codec}`);
}

export function createTable(dialect: Dialect, table: TableSpec<never>, options: DdlOptions): string {
  const lines = table.columns.flatMap((c) => columnDefinitions(dialect, c));
  if (dialect.capabilities.skipIndexes) {
    for (const index of table.indexes ?? []) {
      lines.push(`INDEX ${ident(index.name)} ${dialect.expr(index.expr)} TYPE ${index.type} GRANULARITY ${index.granularity}`);
    }
  }
  const engine =
    table.engine.kind === 'ReplacingMergeTree'
      ? `ReplacingMergeTree(${table.engine.version ? ident(table.engine.version) : ''})`
      : 'MergeTree()';
  const clauses = [
    `ENGINE = ${engine}`,
    `PARTITION BY ${dialect.expr(table.partitionBy)}`,
    `ORDER BY (${table.orderBy.map((e) => dialect.expr(e)).join(', ')})`,
  ];
  const timeColumn = table.partitionBy.kind === 'day' ? table.partitionBy.column : undefined;
  if (table.name === 'wide_events' && options.rawEventsTtlDays !== undefined && dialect.capabilities.ttl && timeColumn) {
    clauses.push(`TTL ${dialect.dateTimeOf(timeColumn)} + INTERVAL ${Math.floor(options.rawEventsTtlDays)} DAY`);
  }
  const settings = ['index_granularity = 8192'];
  if (dialect.capabilities.nonReplicatedDeduplication) {
    settings.push(`non_replicated_deduplication_window = ${Math.floor(options.deduplicationWindow ?? 1000)}`);
  }
  clauses.push(`SETTINGS ${settings.join(', ')}`);
  return `CREATE TABLE IF NOT EXISTS ${ident(options.database)}.${ident(table.name)}\n(\n    ${lines.join(',\n    ')}\n)\n${clauses.join('\n')}`;
}

function stateType(aggregate: RollupViewSpec['aggregates'][number]): string {
  return `AggregateFunction(${[aggregate.fn, ...(aggregate.args ?? []).map((a) => a.type)].join(', ')})`;
}

/** `count` has no argument; a parametric function keeps its parameters before the state combinator's argument. */
function stateCall(aggregate: RollupViewSpec['aggregates'][number]): string {
  const paren = aggregate.fn.indexOf('(');
  const name = paren < 0 ? aggregate.fn : aggregate.fn.slice(0, paren);
  const params = paren < 0 ? '' : aggregate.fn.slice(paren);
  return `${name}State${params}(${(aggregate.args ?? []).map((a) => a.sql).join(', ')})`;
}

/** The columns of a rollup view's target table, with their definitions (for CREATE and for `migrate`'s ADD COLUMN). */
export function rollupTargetColumns(dialect: Dialect, view: RollupViewSpec): Array<{ name: string; definition: string }> {
  return [
    ...view.groupBy.map((g) => ({ name: g, definition: `${ident(g)} ${dialect.dimType()}` })),
    { name: BUCKET_COLUMN, definition: `${BUCKET_COLUMN} DateTime` },
    ...view.aggregates.map((a) => ({ name: a.column, definition: `${ident(a.column)} ${stateType(a)}` })),
  ];
}

export function createRollupTarget(dialect: Dialect, view: RollupViewSpec, options: DdlOptions): string {
  const lines = rollupTargetColumns(dialect, view).map((c) => c.definition);
  return [
    `CREATE TABLE IF NOT EXISTS ${ident(options.database)}.${ident(view.target)}`,
    `(\n    ${lines.join(',\n    ')}\n)`,
    'ENGINE = AggregatingMergeTree()',
    `PARTITION BY toDate(${BUCKET_COLUMN})`,
    `ORDER BY (${[...view.groupBy, BUCKET_COLUMN].map(ident).join(', ')})`,
    'SETTINGS index_granularity = 8192',
  ].join('\n');
}

export function createRollupView(dialect: Dialect, view: RollupViewSpec, options: DdlOptions): string {
  const db = ident(options.database);
  const bucket = dialect.expr({ kind: view.bucket, column: view.timeColumn });
  const select = [
    ...view.groupBy.map(ident),
    `${bucket} AS ${BUCKET_COLUMN}`,
    ...view.aggregates.map((a) => `${stateCall(a)} AS ${ident(a.column)}`),
  ];
  return [
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${ident(view.target)}_mv TO ${db}.${ident(view.target)}`,
    `AS SELECT\n    ${select.join(',\n    ')}`,
    `FROM ${db}.${ident(view.source)}`,
    `GROUP BY ${[...view.groupBy.map(ident), BUCKET_COLUMN].join(', ')}`,
  ].join('\n');
}

/** Every statement, in the order they must run (targets before the views that write to them). */
export function renderDdl(capabilities: ServerCapabilities, options: DdlOptions): DdlStatement[] {
  const dialect = new Dialect(capabilities);
  return [
    { kind: 'database', name: options.database, sql: `CREATE DATABASE IF NOT EXISTS ${ident(options.database)}` },
    ...TABLES.map((t): DdlStatement => ({ kind: 'table', name: t.name, sql: createTable(dialect, t, options) })),
    ...ROLLUP_VIEWS.map((v): DdlStatement => ({ kind: 'table', name: v.target, sql: createRollupTarget(dialect, v, options) })),
    ...ROLLUP_VIEWS.map((v): DdlStatement => ({ kind: 'view', name: `${v.target}_mv`, sql: createRollupView(dialect, v, options) })),
  ];
}
