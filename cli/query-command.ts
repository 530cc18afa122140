/**
 * `weir query`: count, error rate and p50/p95/p99 per service over a time range, answered from
 * raw events, the 1-minute or the 1-hour rollup depending on the range, after a cost estimate.
 *
 *   weir query --last 10m
 *   weir query --from 2026-11-01T00:00:00Z --to 2026-11-08T00:00:00Z --service checkout --json
 *   weir query --last 2h --source raw --max-rows 1000000 --explain
 */
import { parseArgs } from 'node:util';
import { ClickHouseConnection } from '../sinks/clickhouse/connection';
import { QueryRouter, formatSpan, type QueryAnswer } from '../query/query-router';
import type { AggregationQuery, QuerySourceName } from '../query/aggregation-query';
import { isWeirError } from '../errors/weir-error';

export const summary = 'count, error rate and p50/p95/p99 per service over a time range, from the cheapest ClickHouse table';

const USAGE = `usage: weir query (--last 10m|6h|7d | --from TIME --to TIME) [--service NAME]... [--source raw|rollup_1m|rollup_1h]
                  [--max-rows N] [--explain] [--json] [--url URL] [--database weir]
TIME is ISO-8601 or epoch milliseconds; --to defaults to now. URL defaults to $CLICKHOUSE_URL.`;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseSpan(text: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

function parseTime(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      database: { type: 'string', default: 'weir' },
      last: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      service: { type: 'string', multiple: true },
      source: { type: 'string' },
      'max-rows': { type: 'string' },
      explain: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = values.url ?? process.env.CLICKHOUSE_URL;
  const to = values.to !== undefined ? parseTime(values.to) : Date.now();
  const span = values.last !== undefined ? parseSpan(values.last) : undefined;
  const from = values.from !== undefined ? parseTime(values.from) : span !== undefined && to !== undefined ? to - span : undefined;
  const source = values.source as QuerySourceName | undefined;
  const maxRows = values['max-rows'] !== undefined ? Number(values['max-rows']) : undefined;
  const problem =
    !url ? 'give --url or set CLICKHOUSE_URL'
    : from === undefined || to === undefined ? 'give --last SPAN (e.g. 10m, 7d) or --from/--to as ISO-8601 or epoch ms'
    : source !== undefined && !['raw', 'rollup_1m', 'rollup_1h'].includes(source) ? '--source must be raw, rollup_1m or rollup_1h'
    : maxRows !== undefined && !(maxRows > 0) ? '--max-rows must be a positive number'
    : undefined;
  if (problem) {
    console.error(`weir query: ${problem}\n${USAGE}`);
    return 2;
  }
  const services = (values.service ?? []).flatMap((s) => s.split(',')).filter((s) => s.length > 0);
  const query: AggregationQuery = { from: from!, to: to!, services, source };
  let connection: ClickHouseConnection;
  try {
    connection = await ClickHouseConnection.open({ url: url!, database: values.database });
  } catch (error) {
    if (isWeirError(error, 'INVALID_CONFIG')) {
      console.error(`weir query: --database: ${error.message}`);
      return 2;
    }
    if (!isWeirError(error, 'SINK_UNAVAILABLE')) throw error;
    console.error(`weir query: ${error.message}`);
    return 1;
  }
  try {
    const router = new QueryRouter(connection, { maxRows });
    if (values.explain) {
      const plan = await router.explain(query);
      print(values.json, { ...plan, rows: [], cached: false }, true);
      return 0;
    }
    print(values.json, await router.run(query), false);
    return 0;
  } catch (error) {
    if (isWeirError(error, 'QUERY_OVER_BUDGET')) {
      if (values.json) console.log(JSON.stringify({ refused: true, reason: error.message, ...error.context }));
      else console.error(`weir query: refused: ${error.message}`);
      return 3;
    }
    throw error;
  } finally {
    await connection.close();
  }
}

function print(json: boolean | undefined, answer: QueryAnswer, explainOnly: boolean): void {
  const { source, range, cost } = answer;
  if (json) {
    console.log(JSON.stringify({ source: source.name, table: cost.table, from: range.from, to: range.to, cost, cached: answer.cached, rows: answer.rows, ...(explainOnly ? { sql: answer.sql } : {}) }));
    return;
  }
  console.log(`source ${source.name} (${cost.table}), ${new Date(range.from).toISOString()} .. ${new Date(range.to).toISOString()} (${formatSpan(range.to - range.from)})`);
  console.log(`estimate: ~${cost.estimatedRows} rows, ${cost.partsRead} parts in ${cost.partitionsRead}/${cost.partitionsTotal} partitions${answer.cached ? ', answered from cache' : ''}`);
  if (explainOnly) {
    console.log(answer.sql);
    return;
  }
  console.log(['service'.padEnd(24), 'count'.padStart(10), 'err%'.padStart(7), 'p50'.padStart(9), 'p95'.padStart(9), 'p99'.padStart(9)].join(' '));
  for (const r of answer.rows) {
    // The weighted count: the requests the stored (possibly sampled) events stand for.
    console.log([r.service.padEnd(24), String(Math.round(r.weightedCount)).padStart(10), (r.errorRate * 100).toFixed(2).padStart(7),
      r.p50.toFixed(1).padStart(9), r.p95.toFixed(1).padStart(9), r.p99.toFixed(1).padStart(9)].join(' '));
  }
}
