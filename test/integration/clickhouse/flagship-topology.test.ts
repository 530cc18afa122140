/**
 * The flagship observability topology with its ClickHouse sinks on (the option `weir run` turns on
 * from CLICKHOUSE_URL): every result it writes to a topic lands in its ClickHouse table, exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickhouseUrl, freshDatabase } from './clickhouse-server';
import { migrate } from '../../../sinks/clickhouse/migrate';
import { EmbeddedLog } from '../../../runtime/embedded';
import { StreamsApp } from '../../../runtime/streams-app';
import { silentLogger } from '../../../runtime/logger';
import { TrafficGenerator } from '../../../generator';
import { buildObservabilityTopology, OBSERVABILITY_TOPICS as T } from '../../../observability/observability-topology';
import type { Rollup } from '../../../schemas/rollup';

const EVENTS = 40_000;
const HOUR = 3_600_000;

test('flagship topology into ClickHouse: raw sampled events, rollups, baselines, cardinality and alerts equal what it wrote to its topics', async (t) => {
  const url = clickhouseUrl(t);
  if (!url) return;
  const connection = await freshDatabase(url, 'flagship');
  await migrate(connection);
  const dir = await mkdtemp(join(tmpdir(), 'weir-flagship-ch-'));
  const log = new EmbeddedLog();
  await log.admin().createTopics([T.events, T.deployments, T.knownEvents, T.alertFeedback].map((name) => ({ name, partitions: 1 })));
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'producer' });
  const events = [...new TrafficGenerator({ seed: 11, events: EVENTS, durationMs: 6 * HOUR, services: 8 }).events()];
  await producer.send(events.map((e) => ({ topic: T.events, key: Buffer.from(`${e.service}|${e.operation}`), value: Buffer.from(JSON.stringify(e)), timestamp: e.timestamp, headers: {} })));
  const app = new StreamsApp(buildObservabilityTopology({ clickhouse: { connection }, persistent: false }), { applicationId: 'flagship-ch', stateDir: dir }, log, { logger: silentLogger });
  try {
    await app.start();
    await app.waitUntilCaughtUp();
    await app.endOfInput();
    await app.close();
    const db = connection.database;
    const count = async (table: string, distinct = 'count()') => Number((await connection.rows<{ n: string }>(`SELECT toString(${distinct}) AS n FROM ${db}.${table} FINAL`))[0].n);
    const values = <V>(topic: string) => log.records(topic).map((r) => JSON.parse(r.value!.toString()) as V);

    const sampled = values<{ sample_weight?: number }>(T.sampledEvents);
    assert.equal(await count('wide_events'), sampled.length);
    const rollups1m = values<Rollup>(T.rollups1m);
    assert.equal(rollups1m.reduce((n, r) => n + r.count, 0), EVENTS);
    assert.equal(await count('rollups_1m'), rollups1m.length);
    assert.equal(await count('rollups_1m', 'sum(count)'), EVENTS);
    assert.equal(await count('rollups_5m'), values(T.rollups5m).length);
    assert.equal(await count('rollups_1h'), values(T.rollups1h).length);
    const models = values<{ service: string; metric: string; model_id: string; version: string }>(T.baselines);
    assert.ok(models.length > 0);
    assert.equal(await count('baselines'), new Set(models.map((m) => `${m.service}|${m.metric}|${m.model_id}|${m.version}`)).size);
    const days = values<{ dimension: string; window_start: number }>(T.cardinality);
    assert.equal(await count('cardinality'), new Set(days.map((d) => `${d.dimension}|${d.window_start}`)).size);
    const alerts = values<{ service: string; window_start: number; id: string }>(T.alerts);
    assert.equal(await count('alerts'), new Set(alerts.map((a) => `${a.service}|${a.window_start}|${a.id}`)).size);
    t.diagnostic(`${EVENTS} events: ${sampled.length} raw rows, ${rollups1m.length} 1m rollups, ${models.length} model versions, ${alerts.length} alert records`);
  } finally {
    await connection.close();
    await rm(dir, { recursive: true, force: true });
  }
});
