/**
 * Issue 4, test 2: events produced with v1 of the wide-event schema and with v2 (a new optional field with a
 * default) are both processed by a topology compiled against v2; v1 records read the default.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as avro from 'avsc';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroSchema } from '../../schemas/avro-schemas';
import type { WideEvent } from '../../schemas/wide-event';
import { avroSerde } from '../../avro/avro-serde';
import { createAvroProducer } from '../../avro/avro-producer';
import { stringSerde } from '../../serdes/string-serde';
import { startSchemaRegistry } from '../../registry/registry-server';
import { MemorySchemaStore } from '../../registry/schema-store';
import { StreamsBuilder } from '../../topology/streams-builder';
import { mapValues } from '../../operators/map-values';
import { to } from '../../operators/to';
import { StreamsApp } from '../../runtime/streams-app';
import { EmbeddedLog } from '../../runtime/embedded';
import { silentLogger } from '../../runtime/logger';

type WideEventV2 = WideEvent & { deployment_version: string | null };
const v1 = avroSchema('wide-event') as { fields: unknown[] };
const v2 = { ...v1, fields: [...v1.fields, { name: 'deployment_version', type: ['null', 'string'], default: null }] } as unknown as avro.Schema;

function wideEvent(i: number): WideEvent {
  return {
    timestamp: 1_764_331_200_000 + i * 100, service: `svc-${i % 5}`, operation: 'GET /', method: 'GET', status_code: 200, duration_ms: i,
    trace_id: `trace-${i}`, span_id: `span-${i}`, parent_span_id: null, user_id: null, region: 'us', customer_tier: 'free', attributes: {},
  };
}

test('v1 and v2 producers on one topic, a topology compiled against v2 processes both (v1 records get the default)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-evolution-'));
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const log = new EmbeddedLog();
  try {
    const registry = () => new SchemaRegistry({ host: server.url });
    await log.admin().createTopics([{ name: 'wide-events', partitions: 2 }, { name: 'enriched', partitions: 2 }]);
    const producerV1 = await createAvroProducer<WideEvent>({ log, registry: registry(), topic: 'wide-events', schema: v1 as avro.Schema, key: (e) => e.trace_id });
    const producerV2 = await createAvroProducer<WideEventV2>({ log, registry: registry(), topic: 'wide-events', schema: v2, key: (e) => e.trace_id });
    assert.deepEqual([producerV1.schemaId, producerV2.schemaId], [1, 2], 'v2 registered as a BACKWARD-compatible second version');
    for (let batch = 0; batch < 10; batch++) {
      const ids = Array.from({ length: 100 }, (_, i) => batch * 100 + i);
      await producerV1.send(ids.filter((i) => i % 2 === 0).map(wideEvent));
      await producerV2.send(ids.filter((i) => i % 2 === 1).map((i) => ({ ...wideEvent(i), deployment_version: `1.${i}` })));
    }
    await producerV1.close();
    await producerV2.close();

    // The sink serde registers its schema under enriched-value when the app initializes its serdes.
    const output = avroSerde<WideEventV2>({ registry: registry(), schema: v2, topic: 'enriched' });
    const builder = new StreamsBuilder();
    builder
      .stream('wide-events', { keySerde: stringSerde, valueSerde: avroSerde<WideEventV2>({ registry: registry(), schema: v2 }) })
      .pipe(
        mapValues((e: WideEventV2) => ({ ...e, deployment_version: e.deployment_version ?? 'unknown' })),
        to('enriched', { keySerde: stringSerde, valueSerde: output }),
      );
    const app = new StreamsApp(builder.build(), { applicationId: 'evolution-app', stateDir: dir }, log, { logger: silentLogger });
    await app.start();
    await app.waitUntilCaughtUp();
    await app.close();
    assert.equal(app.state, 'closed');
    assert.equal(output.schemaId, 2, 'the same v2 schema, registered under enriched-value, keeps its global id');

    assert.equal(log.records('evolution-app-dlq').length, 0);
    const reader = registry();
    const seen = new Map<string, string>();
    for (const r of log.records('enriched')) {
      assert.equal(r.value!.readInt32BE(1), 2, 'written with the v2 schema id');
      const e = (await reader.decode(r.value!)) as WideEventV2;
      assert.equal(seen.has(e.trace_id), false, `${e.trace_id} processed once`);
      seen.set(e.trace_id, e.deployment_version!);
    }
    assert.equal(seen.size, 1000);
    for (let i = 0; i < 1000; i++) assert.equal(seen.get(`trace-${i}`), i % 2 === 0 ? 'unknown' : `1.${i}`);
  } finally {
    await log.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
