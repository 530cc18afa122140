/**
 * Estimates what a query will read before it runs, from `system.parts`: the day partitions the
 * range touches (the others are pruned), their parts, and their rows prorated by how much of each
 * day the range covers. A service filter is credited with the share of those services in the
 * hourly rollup, read from that small table.
 */
import type { ClickHouseConnection } from '../sinks/clickhouse/connection';
import { quote } from '../sinks/clickhouse/dialect';
import { BUCKET_COLUMN } from '../sinks/clickhouse/ddl';
import { DAY_MS, SOURCES, type AggregationQuery, type QuerySource } from './aggregation-query';

export interface QueryCost {
  readonly table: string;
  /** Day partitions the range touches, and those the table holds in all. */
  readonly partitionsRead: number;
  readonly partitionsTotal: number;
  readonly partsRead: number;
  /** Rows of the touched partitions prorated to the range (and to the service share, when filtered). */
  readonly estimatedRows: number;
  /** Share of rows of the selected services over the range (1 without a filter). */
  readonly serviceShare: number;
}

interface PartitionStats {
  readonly partition_id: string;
  readonly parts: string;
  readonly rows: string;
}

/** `20231114` → epoch ms of that UTC day; undefined for a partition id that is not a day. */
function dayStart(partitionId: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(partitionId);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
}

export async function estimateCost(
  connection: ClickHouseConnection,
  query: AggregationQuery,
  source: QuerySource,
  range: { from: number; to: number },
): Promise<QueryCost> {
  const stats = await connection.rows<PartitionStats>(
    `SELECT partition_id, toString(count()) AS parts, toString(sum(rows)) AS rows
     FROM system.parts
     WHERE database = ${quote(connection.database)} AND table = ${quote(source.table)} AND active
     GROUP BY partition_id`,
  );
  let partitionsRead = 0;
  let partsRead = 0;
  let rows = 0;
  for (const p of stats) {
    const start = dayStart(p.partition_id);
    // A partition that is not a day cannot be pruned by time: count all of it.
    const overlap = start === undefined ? DAY_MS : Math.max(0, Math.min(range.to, start + DAY_MS) - Math.max(range.from, start));
    if (overlap <= 0) continue;
    partitionsRead++;
    partsRead += Number(p.parts);
    rows += (Number(p.rows) * overlap) / DAY_MS;
  }
  const serviceShare = query.services && query.services.length > 0 ? await servicesShare(connection, query.services, range) : 1;
  return {
    table: connection.table(source.table),
    partitionsRead,
    partitionsTotal: stats.length,
    partsRead,
    estimatedRows: Math.ceil(rows * serviceShare),
    serviceShare,
  };
}

async function servicesShare(connection: ClickHouseConnection, services: readonly string[], range: { from: number; to: number }): Promise<number> {
  const hourly = connection.table(SOURCES.rollup_1h.table);
  const [row] = await connection.rows<{ selected: string; total: string }>(
    `SELECT toString(sumIf(n, service IN (${services.map(quote).join(', ')}))) AS selected, toString(sum(n)) AS total
     FROM (SELECT service, countMerge(event_count) AS n FROM ${hourly}
           WHERE ${BUCKET_COLUMN} >= toDateTime(${Math.floor(range.from / 3_600_000) * 3_600})
             AND ${BUCKET_COLUMN} < toDateTime(${Math.ceil(range.to / 3_600_000) * 3_600})
           GROUP BY service)`,
  );
  const total = Number(row?.total ?? 0);
  return total > 0 ? Number(row!.selected) / total : 1;
}
