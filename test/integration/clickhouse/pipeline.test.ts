/**
 * 200k generated wide events through the topology into ClickHouse (18.16 here): exact row and
 * per-minute counts, p99 per service per hour from the rollups within 1% rank error of the exact
 * p99, query routing and refusal, and a replay that leaves the result tables unchanged under FINAL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickhouseUrl, freshDatabase } from './clickhouse-server';
import { createInput, produce, PipelineRun } from '../../../workloads/clickhouse-pipeline-run';
import { nearestRank } from '../../../workloads/clickhouse-topology';
import { migrate } from '../../../sinks/clickhouse/migrate';
import { EmbeddedLog } from '../../../runtime/embedded';
import { TrafficGenerator } from '../../../generator';
import { QueryRouter } from '../../../query/query-router';
import { isWeirError } from '../../../errors/weir-error';
import { run as weirQuery } from '../../../cli/query-command';
import type { WideEvent } from '../../../schemas/wide-event';

const EVENTS = 200_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

function generate(): WideEvent[] {
  return [...new TrafficGenerator({ seed: 2026, events: EVENTS, durationMs: 24 * HOUR, services: 10 }).events()];
}

/** Distance from q to the rank interval an estimate occupies among the sorted values. */
function rankError(sorted: readonly number[], estimate: number, q: number): number {
  let below = 0;
  let atOrBelow = 0;
  for (const v of sorted) {
    if (v < estimate) below++;
    if (v <= estimate) atOrBelow++;
  }
  const lo = below / sorted.length;
  const hi = atOrBelow / sorted.length;
  return q < lo ? lo - q : q > hi ? q - hi : 0;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const item of items) m.set(key(item), (m.get(key(item)) ?? 0) + 1);
  return m;
}

test('200k events through the topology into ClickHouse', async (t) => {
  const url = clickhouseUrl(t);
  if (!url) return;
  const connection = await freshDatabase(url, 'pipeline');
  await migrate(connection);
  const events = generate();
  const log = new EmbeddedLog();
  await createInput(log, 4);
  assert.equal(await produce(log, events), EVENTS);
  const db = connection.database;
  const ms = (column: string) => connection.dialect.millisOf(column);

  try {
    const first = new PipelineRun(log, connection, 'ch-it');
    const started = process.hrtime.bigint();
    await first.runToEnd();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    t.diagnostic(`first run: ${EVENTS} events through the topology into ClickHouse in ${seconds.toFixed(1)} s (${Math.round(EVENTS / seconds)} events/s)`);

    await t.test('raw rows and insert ids are exact', async () => {
      const [raw] = await connection.rows<{ n: string; ids: string }>(
        `SELECT toString(count()) AS n, toString(uniqExact(source_partition, source_offset)) AS ids FROM ${db}.wide_events FINAL`,
      );
      assert.deepEqual(raw, { n: String(EVENTS), ids: String(EVENTS) });
    });

    await t.test('per-minute counts in the rollup tables equal the exact counts', async () => {
      const exactByServiceMinute = countBy(events, (e) => `${e.service}|${Math.floor(e.timestamp / MINUTE) * MINUTE}`);
      const view = await connection.rows<{ service: string; m: string; n: string }>(
        `SELECT toString(service) AS service, toString(toUnixTimestamp(bucket_start) * 1000) AS m, toString(countMerge(event_count)) AS n
         FROM ${db}.events_1m GROUP BY service, bucket_start`,
      );
      assert.deepEqual(new Map(view.map((r) => [`${r.service}|${r.m}`, Number(r.n)])), exactByServiceMinute);

      const exactByKeyMinute = countBy(events, (e) => `${e.service}|${e.operation}|${Math.floor(e.timestamp / MINUTE) * MINUTE}`);
      const rollups = await connection.rows<{ k: string; n: string }>(
        `SELECT concat(toString(service), '|', toString(operation), '|', toString(${ms('window_start')})) AS k, toString(count) AS n
         FROM ${db}.rollups_1m FINAL`,
      );
      assert.equal(rollups.length, exactByKeyMinute.size);
      assert.deepEqual(new Map(rollups.map((r) => [r.k, Number(r.n)])), exactByKeyMinute);
    });

    await t.test('p99 per service per hour from the rollups is within 1% rank error of the exact p99', async () => {
      const exact = new Map<string, number[]>();
      for (const e of events) {
        const k = `${e.service}|${Math.floor(e.timestamp / HOUR) * HOUR}`;
        const list = exact.get(k) ?? [];
        list.push(e.duration_ms);
        exact.set(k, list);
      }
      for (const list of exact.values()) list.sort((a, b) => a - b);
      // weir's rollups keep t-digest centroids as [mean, count, ...]: the hour's p99 is the weighted quantile of its centroids.
      const fromWeirDigests = `SELECT toString(service) AS service, toString(h) AS h,
             quantileExactWeighted(0.99)(tupleElement(c, 1), toUInt64(round(tupleElement(c, 2)))) AS p99
        FROM (SELECT service, intDiv(${ms('window_start')}, ${HOUR}) * ${HOUR} AS h,
                     arrayJoin(arrayMap(i -> (digest[i * 2 + 1], digest[i * 2 + 2]), range(intDiv(length(digest), 2)))) AS c
              FROM ${db}.rollups_1m FINAL)
        GROUP BY service, h`;
      const fromView = (table: string, hourExpr: string) => `SELECT toString(service) AS service, toString(toUnixTimestamp(${hourExpr}) * 1000) AS h,
             quantilesTDigestWeightedMerge(0.5, 0.95, 0.99)(weighted_duration_quantiles)[3] AS p99
        FROM ${db}.${table} GROUP BY service, h`;
      for (const [table, sql] of [
        ['events_1m', fromView('events_1m', 'toStartOfHour(bucket_start)')],
        ['events_1h', fromView('events_1h', 'bucket_start')],
        ['rollups_1m', fromWeirDigests],
      ] as const) {
        const rows = await connection.rows<{ service: string; h: string; p99: number }>(sql);
        assert.equal(rows.length, exact.size, table);
        let worst = 0;
        for (const r of rows) {
          const sorted = exact.get(`${r.service}|${r.h}`);
          assert.ok(sorted, `${table}: no exact values for ${r.service} at ${r.h}`);
          const error = rankError(sorted, Number(r.p99), 0.99);
          worst = Math.max(worst, error);
          assert.ok(error <= 0.01, `${table} ${r.service}@${r.h}: p99 ${r.p99} vs exact ${nearestRank(sorted, 0.99)} over ${sorted.length} values, rank error ${error}`);
        }
        t.diagnostic(`${table}: worst p99 rank error ${worst.toFixed(4)} over ${rows.length} (service, hour) cells`);
      }
    });

    await t.test('weir query routes by range, answers exactly, caches, and refuses over budget', async () => {
      const start = events.reduce((min, e) => Math.min(min, e.timestamp), Infinity);
      const router = new QueryRouter(connection);
      const week = await router.run({ from: start, to: start + 7 * 24 * HOUR });
      assert.equal(week.source.name, 'rollup_1h');
      assert.deepEqual(new Map(week.rows.map((r) => [r.service, r.count])), countBy(events, (e) => e.service));

      const from = start + 3 * HOUR;
      const tenMinutes = { from, to: from + 10 * MINUTE };
      const recent = await router.run(tenMinutes);
      assert.equal(recent.source.name, 'raw');
      const inRange = events.filter((e) => e.timestamp >= tenMinutes.from && e.timestamp < tenMinutes.to);
      assert.deepEqual(new Map(recent.rows.map((r) => [r.service, r.count])), countBy(inRange, (e) => e.service));
      for (const r of recent.rows) {
        const mine = inRange.filter((e) => e.service === r.service);
        assert.equal(r.errorRate, mine.filter((e) => e.status_code >= 500).length / mine.length);
      }
      assert.equal(recent.cached, false);
      assert.equal((await router.run(tenMinutes)).cached, true);

      const tight = new QueryRouter(connection, { maxRows: 1_000 });
      await assert.rejects(tight.run({ from: start, to: start + 2 * HOUR, source: 'raw' }), (error: unknown) => {
        assert.ok(isWeirError(error, 'QUERY_OVER_BUDGET'));
        const suggestions = error.context.suggestions as string[];
        assert.ok(suggestions.some((s) => s.startsWith('narrow the range')));
        assert.ok(suggestions.includes('add a service filter (--service)'));
        assert.ok(suggestions.includes('use the rollup (--source rollup_1m)'));
        return true;
      });

      const cli = ['--url', url, '--database', db, '--json'];
      assert.equal(await weirQuery([...cli, '--from', String(start), '--to', String(start + 7 * 24 * HOUR)]), 0);
      assert.equal(await weirQuery([...cli, '--from', String(start), '--to', String(start + 2 * HOUR), '--source', 'raw', '--max-rows', '1000']), 3);
    });

    await t.test('a replay (offsets reset) leaves the result tables unchanged under FINAL', async () => {
      const snapshot = () => Promise.all([
        connection.rows(`SELECT * FROM ${db}.rollups_1m FINAL ORDER BY service, operation, window_start`),
        connection.rows(`SELECT toString(count()) AS n, toString(sum(duration_ms)) AS s FROM ${db}.wide_events FINAL`),
      ]);
      const before = await snapshot();
      // A new application id has no committed offsets: the same input is processed again from the start.
      const replay = new PipelineRun(log, connection, 'ch-it-replay');
      await replay.runToEnd();
      const [rawWithoutFinal] = await connection.rows<{ n: string }>(`SELECT toString(count()) AS n FROM ${db}.wide_events`);
      t.diagnostic(`raw rows before merges: ${rawWithoutFinal!.n} (duplicates collapse under FINAL or on merge)`);
      assert.deepEqual(await snapshot(), before);
    });
  } finally {
    await connection.command(`DROP DATABASE IF EXISTS ${db}`);
    await connection.close();
  }
});
