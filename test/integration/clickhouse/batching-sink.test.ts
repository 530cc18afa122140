import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickhouseUrl, freshDatabase } from './clickhouse-server';
import { TcpGate } from './tcp-gate';
import { migrate } from '../../../sinks/clickhouse/migrate';
import { ClickHouseConnection } from '../../../sinks/clickhouse/connection';
import { ClickHouseBatchingSink, type SinkLogger } from '../../../sinks/clickhouse/batching-sink';
import { cardinality, wideEvents } from '../../../sinks/clickhouse/schema';
import type { CardinalityReport } from '../../../schemas/cardinality-report';
import type { WideEvent } from '../../../schemas/wide-event';
import { isWeirError } from '../../../errors/weir-error';

function report(i: number): CardinalityReport {
  return { window_start: 1_700_000_000_000 + i * 60_000, window_end: 1_700_000_060_000 + i * 60_000, dimension: 'user_id', distinct_estimate: i, relative_standard_error: 0.01, event_count: i * 2 };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('batches by rows, flushes the rest, and keeps every row through an outage while backpressured', async (t) => {
  const url = clickhouseUrl(t);
  if (!url) return;
  const admin = await freshDatabase(url, 'sink');
  await migrate(admin);
  const gate = TcpGate.forUrl(url);
  await gate.open();
  const connection = await ClickHouseConnection.open({ url: gate.url, database: admin.database, requestTimeoutMs: 5_000 });
  const logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const log: SinkLogger = (level, message, fields) => logs.push({ level, message, fields });
  const sink = new ClickHouseBatchingSink(connection, cardinality, log, { batchRows: 100, maxBufferedRows: 250, maxBatchDelayMs: 60_000, initialBackoffMs: 20, maxBackoffMs: 100 });
  try {
    for (let i = 0; i < 250; i++) sink.add(report(i), undefined);
    await sink.flush();
    assert.deepEqual(sink.counters, { rowsWritten: 250, batchesWritten: 3, failedAttempts: 0 });
    assert.equal(sink.isBackpressured(), false);

    // Outage: inserts fail, the sink reports backpressure (the task pauses), logs why, and waits.
    await gate.shut();
    for (let i = 250; i < 400; i++) sink.add(report(i), undefined);
    const flushed = sink.flush();
    await until(() => sink.counters.failedAttempts > 0);
    assert.equal(sink.isBackpressured(), true);
    assert.equal(sink.bufferedRows(), 150);
    assert.equal(logs[0]?.level, 'warn');
    assert.match(logs[0]!.message, /input paused/);
    assert.equal(logs[0]!.fields?.table, `${admin.database}.cardinality`);
    assert.match(String(logs[0]!.fields?.reason), /ECONNREFUSED|ECONNRESET|socket hang up/);

    await gate.open();
    await flushed;
    assert.equal(sink.isBackpressured(), false);
    assert.equal(sink.counters.rowsWritten, 400);
    assert.ok(logs.some((l) => l.level === 'info' && /resuming input/.test(l.message)));
    const rows = await admin.rows<{ n: string; sum: string }>(
      `SELECT toString(count()) AS n, toString(sum(distinct_estimate)) AS sum FROM ${admin.table('cardinality')} FINAL`,
    );
    assert.deepEqual(rows, [{ n: '400', sum: String((399 * 400) / 2) }]);
  } finally {
    await gate.shut();
    await connection.close();
    await admin.command(`DROP DATABASE IF EXISTS ${admin.database}`);
    await admin.close();
  }
});

test('a buffer at its bound is backpressure; a permanent error fails flush with the table named', async (t) => {
  const url = clickhouseUrl(t);
  if (!url) return;
  const connection = await freshDatabase(url, 'sink_missing');
  const sink = new ClickHouseBatchingSink(connection, wideEvents, () => {}, { batchRows: 1_000, maxBufferedRows: 3, maxBatchDelayMs: 60_000 });
  try {
    const event: WideEvent = { timestamp: 1_700_000_000_000, service: 's', operation: 'o', method: 'GET', status_code: 200, duration_ms: 1,
      trace_id: 't', span_id: 'p', parent_span_id: null, user_id: null, region: 'eu', customer_tier: 'free', attributes: {} };
    sink.add(event, { topic: 'events', partition: 0, offset: 0 });
    sink.add(event, { topic: 'events', partition: 0, offset: 1 });
    assert.equal(sink.isBackpressured(), false);
    sink.add(event, { topic: 'events', partition: 0, offset: 2 });
    assert.equal(sink.isBackpressured(), true);
    // The database does not exist (never migrated): not worth retrying.
    await assert.rejects(sink.flush(), (error: unknown) => {
      assert.ok(isWeirError(error, 'SINK_UNAVAILABLE'));
      assert.equal(error.context.table, 'weir_it_sink_missing.wide_events');
      assert.match(error.message, /Code: 81/);
      return true;
    });
    assert.throws(() => sink.add(event, undefined), /ClickHouse rejected an insert/);
  } finally {
    await connection.close();
  }
});
