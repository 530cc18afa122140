import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickhouseUrl, freshDatabase } from './clickhouse-server';
import { migrate } from '../../../sinks/clickhouse/migrate';
import { compileRowEncoder } from '../../../sinks/clickhouse/row-encoder';
import { wideEvents } from '../../../sinks/clickhouse/schema';
import type { WideEvent } from '../../../schemas/wide-event';

test('migrate creates the schema for the server version, is idempotent and adds missing columns', async (t) => {
  const url = clickhouseUrl(t);
  if (!url) return;
  const connection = await freshDatabase(url, 'migrate');
  try {
    const first = await migrate(connection);
    assert.deepEqual(first.created, ['wide_events', 'rollups_1m', 'rollups_5m', 'rollups_1h', 'baselines', 'drift_reports',
      'alerts', 'cardinality', 'investigations', 'events_1m', 'events_1h', 'events_1m_mv', 'events_1h_mv']);
    const second = await migrate(connection);
    assert.deepEqual(second.created, []);
    assert.deepEqual(second.addedColumns, []);
    assert.equal(second.unchanged.length, 13);

    // An older deployment without a column gets it back, and nothing else changes.
    await connection.command(`ALTER TABLE ${connection.table('alerts')} DROP COLUMN note`);
    const third = await migrate(connection);
    assert.deepEqual(third.addedColumns, ['alerts.note']);
    assert.deepEqual(third.staleViews, []);

    // A rollup view from before weighting: its target gets the weighted columns, and the view is reported stale, not dropped.
    await connection.command(`ALTER TABLE ${connection.table('events_1h')} DROP COLUMN weighted_duration_quantiles`);
    const fourth = await migrate(connection);
    assert.deepEqual(fourth.addedColumns, ['events_1h.weighted_duration_quantiles']);
    assert.deepEqual(fourth.staleViews, ['events_1h_mv']);

    // A row written with the encoder compiled from the same description reads back, user_id materialized.
    const event: WideEvent = {
      timestamp: 1_700_000_000_123, service: 'checkout', operation: 'pay', method: 'POST', status_code: 503, duration_ms: 12.5,
      trace_id: 't1', span_id: 's1', parent_span_id: null, user_id: 'u42', region: 'eu', customer_tier: 'pro', attributes: { cart: '3' },
    };
    const encode = compileRowEncoder(connection.dialect, wideEvents);
    await connection.client.insert({
      table: connection.table('wide_events'),
      values: [encode(event, { topic: 'events', partition: 2, offset: 7 })],
      format: 'JSONEachRow',
      clickhouse_settings: connection.settings(),
    });
    const rows = await connection.rows<{ user_id: string; ms: string; source_offset: string; errors: string }>(
      `SELECT user_id, toString(${connection.dialect.millisOf('timestamp')}) AS ms, toString(source_offset) AS source_offset
       FROM ${connection.table('wide_events')}`,
    );
    assert.deepEqual(rows, [{ user_id: 'u42', ms: '1700000000123', source_offset: '7' }]);
    const minute = await connection.rows<{ bucket: string; n: string; errors: string }>(
      `SELECT toString(bucket_start) AS bucket, toString(countMerge(event_count)) AS n, toString(sumMerge(error_count)) AS errors,
              toString(sumMerge(weighted_error_sum)) AS weighted_errors, toString(quantilesTDigestWeightedMerge(0.5, 0.95, 0.99)(weighted_duration_quantiles)) AS q
       FROM ${connection.table('events_1m')} GROUP BY bucket_start`,
    );
    assert.deepEqual(minute, [{ bucket: '2023-11-14 22:13:00', n: '1', errors: '1', weighted_errors: '1', q: '[12.5,12.5,12.5]' }]);
  } finally {
    await connection.command(`DROP DATABASE IF EXISTS ${connection.database}`);
    await connection.close();
  }
});
