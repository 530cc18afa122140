/**
 * ClickHouse stopped for 20 s in the middle of a run and started again: the sink logs why, the
 * tasks pause their input, and once the server is back every row arrives once (under FINAL).
 * Runs its own server (scripts/clickhouse.sh on other ports) so that stopping it does not
 * disturb tests sharing CLICKHOUSE_URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { clickhouseUrl } from './clickhouse-server';
import { createInput, produce, PipelineRun } from '../../../workloads/clickhouse-pipeline-run';
import { ClickHouseConnection } from '../../../sinks/clickhouse/connection';
import { migrate } from '../../../sinks/clickhouse/migrate';
import { EmbeddedLog } from '../../../runtime/embedded';
import { TrafficGenerator } from '../../../generator';

const SCRIPT = join(__dirname, '../../../scripts/clickhouse.sh');
const HTTP_PORT = '18133';
const env = { ...process.env, CLICKHOUSE_HTTP_PORT: HTTP_PORT, CLICKHOUSE_TCP_PORT: '19033', CLICKHOUSE_DIR: `/tmp/weir-clickhouse-outage-${HTTP_PORT}` };
const script = (action: 'up' | 'down', keepData = false) =>
  promisify(execFile)('bash', [SCRIPT, action], { env: { ...env, CLICKHOUSE_KEEP_DATA: keepData ? '1' : '0' }, timeout: 600_000 });

const EVENTS = 60_000;
const OUTAGE_MS = 20_000;

test('ClickHouse stopped for 20 s mid-run: input paused, nothing lost, no duplicate under FINAL', async (t) => {
  if (!clickhouseUrl(t)) return;
  const { stdout } = await script('up');
  const url = /CLICKHOUSE_URL=(\S+)/.exec(stdout)?.[1];
  assert.ok(url, `scripts/clickhouse.sh up printed no URL: ${stdout}`);
  const connection = await ClickHouseConnection.open({ url, database: 'weir_outage', requestTimeoutMs: 10_000 });
  try {
    await migrate(connection);
    const events = [...new TrafficGenerator({ seed: 99, events: EVENTS, durationMs: 6 * 3_600_000, services: 8 }).events()];
    const log = new EmbeddedLog();
    await createInput(log, 4);
    await produce(log, events.slice(0, EVENTS / 2));

    const run = new PipelineRun(log, connection, 'ch-outage', { batchRows: 2_000, maxBufferedRows: 5_000, initialBackoffMs: 200, maxBackoffMs: 2_000 });
    await run.app.start();
    await run.app.waitUntilCaughtUp();

    await script('down', true);
    await produce(log, events.slice(EVENTS / 2));
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    const paused = run.lines.filter((l) => l.message === 'pausing input: a sink is back-pressured').length;
    const sinkWarnings = run.lines.filter((l) => l.message === 'ClickHouse insert failed: input paused, retrying');
    await script('up', true);
    await run.finish();

    assert.ok(paused > 0, 'the tasks paused their input during the outage');
    assert.ok(sinkWarnings.length > 0, 'the sink logged why');
    assert.match(String(sinkWarnings[0]!.reason), /ECONN|socket hang up|EPIPE|Timeout/);
    assert.ok(run.lines.some((l) => l.message === 'ClickHouse accepts inserts again: resuming input'));
    assert.ok(run.lines.some((l) => l.message === 'resuming input'));

    const db = connection.database;
    const [raw] = await connection.rows<{ n: string; ids: string }>(
      `SELECT toString(count()) AS n, toString(uniqExact(source_partition, source_offset)) AS ids FROM ${db}.wide_events FINAL`,
    );
    assert.deepEqual(raw, { n: String(EVENTS), ids: String(EVENTS) });

    const exact = new Map<string, number>();
    for (const e of events) {
      const k = `${e.service}|${e.operation}|${Math.floor(e.timestamp / 60_000) * 60_000}`;
      exact.set(k, (exact.get(k) ?? 0) + 1);
    }
    const rollups = await connection.rows<{ k: string; n: string }>(
      `SELECT concat(toString(service), '|', toString(operation), '|', toString(${connection.dialect.millisOf('window_start')})) AS k, toString(count) AS n
       FROM ${db}.rollups_1m FINAL`,
    );
    assert.equal(rollups.length, exact.size, 'one row per (service, operation, minute) under FINAL');
    assert.deepEqual(new Map(rollups.map((r) => [r.k, Number(r.n)])), exact);
  } finally {
    await connection.close();
    await script('down');
  }
});
