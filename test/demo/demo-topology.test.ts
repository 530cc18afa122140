import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TrafficGenerator } from '../../generator';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import { startSchemaRegistry } from '../../registry/registry-server';
import { MemorySchemaStore } from '../../registry/schema-store';
import { avroSerde } from '../../avro/avro-serde';
import { avroSchema } from '../../schemas/avro-schemas';
import type { WideEvent } from '../../schemas/wide-event';
import type { Rollup } from '../../schemas/rollup';
import type { Serde } from '../../serdes/serde';
import { buildRollupTopology, ROLLUP_TOPIC } from '../../demo/demo-topology';
import { TOPICS, eventKey } from '../../demo/traffic-publisher';

const MINUTE = 60_000;
const bytes: Serde<Buffer | null> = { name: 'bytes', serialize: (_topic, value) => value, deserialize: (_topic, data) => data };

test('the demo rollup topology emits one rollup per (service, operation, minute) with exact counters and p50/p99 within 1% rank error', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  try {
    const registry = new SchemaRegistry({ host: server.url });
    const rollups: Rollup[] = [];
    const { topology } = buildRollupTopology({ registry, onRollup: (r) => rollups.push(r) });
    const driver = await TopologyTestDriver.create(topology);
    const writer = avroSerde<WideEvent>({ registry, schema: avroSchema('wide-event'), topic: TOPICS.events });
    await writer.init();

    const events = [...new TrafficGenerator({ seed: 3, events: 40_000, services: 6, operationsPerService: 1, layers: 3, durationMs: 10 * MINUTE }).events()];
    const exact = new Map<string, { count: number; errors: number; sum: number; min: number; max: number; durations: number[] }>();
    for (const e of events) {
      const k = `${eventKey(e)}@${e.timestamp - (e.timestamp % MINUTE)}`;
      let x = exact.get(k);
      if (!x) exact.set(k, (x = { count: 0, errors: 0, sum: 0, min: Infinity, max: -Infinity, durations: [] }));
      x.count++;
      if (e.status_code >= 500) x.errors++;
      x.sum += e.duration_ms;
      x.min = Math.min(x.min, e.duration_ms);
      x.max = Math.max(x.max, e.duration_ms);
      x.durations.push(e.duration_ms);
    }
    for (let i = 0; i < events.length; i += 5_000) {
      const raw = events.slice(i, i + 5_000).map((e) => ({ key: Buffer.from(eventKey(e)), value: writer.serialize(TOPICS.events, e), timestamp: e.timestamp }));
      await driver.pipeRawBatch(TOPICS.events, raw);
    }
    driver.endOfInput();

    assert.equal(driver.processedRecords(), events.length);
    assert.equal(rollups.length, exact.size, 'one rollup per key and window');
    // The rollups topic holds the same rollups, as Avro a consumer of the registry can read.
    const payloads = driver.createOutputTopic(ROLLUP_TOPIC, bytes, bytes).readValuesToList();
    const reader = avroSerde<Rollup>({ registry, schema: avroSchema('rollup') });
    await reader.prepareBatch(ROLLUP_TOPIC, payloads);
    assert.deepEqual(payloads.map((p) => ({ ...reader.deserialize(ROLLUP_TOPIC, p) })), rollups);
    let checkedPercentiles = 0;
    for (const r of rollups) {
      const x = exact.get(`${r.service}|${r.operation}@${r.window_start}`);
      assert.ok(x, `unexpected window ${r.service}|${r.operation}@${r.window_start}`);
      assert.equal(r.window_end, r.window_start + MINUTE);
      assert.equal(r.count, x.count);
      assert.equal(r.error_count, x.errors);
      assert.equal(r.duration_min, x.min);
      assert.equal(r.duration_max, x.max);
      assert.ok(Math.abs(r.duration_sum - x.sum) < 1e-6 * x.sum);
      if (x.count < 200) continue;
      const sorted = x.durations.sort((a, b) => a - b);
      for (const [q, estimate] of [[0.5, r.p50], [0.99, r.p99]] as const) {
        // Rank of the estimate among the exact values, against the rank the quantile asks for.
        const below = sorted.filter((v) => v < estimate).length;
        const atOrBelow = sorted.filter((v) => v <= estimate).length;
        const target = q * sorted.length;
        const rankError = target < below ? (below - target) / sorted.length : target > atOrBelow ? (target - atOrBelow) / sorted.length : 0;
        assert.ok(rankError <= 0.01, `${r.service}@${r.window_start} p${q * 100} rank error ${rankError}`);
      }
      checkedPercentiles++;
    }
    assert.ok(checkedPercentiles >= 30, `${checkedPercentiles} windows with 200+ events checked`);
    await driver.close();
  } finally {
    await server.close();
  }
});
