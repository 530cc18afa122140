import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { isWeirError } from '../../errors/weir-error';
import { avroSchema } from '../../schemas/avro-schemas';
import type { WideEvent } from '../../schemas/wide-event';
import { createAvroProducer } from '../../avro/avro-producer';
import { startSchemaRegistry } from '../../registry/registry-server';
import { MemorySchemaStore } from '../../registry/schema-store';
import { EmbeddedLog, partitionForKey } from '../../runtime/embedded';

function wideEvent(i: number): WideEvent {
  return {
    timestamp: 1_764_331_200_000 + i * 1000, service: `svc-${i % 7}`, operation: 'GET /items', method: 'GET', status_code: i % 10 === 0 ? 500 : 200,
    duration_ms: 5 + i / 4, trace_id: `t${i}`, span_id: `s${i}`, parent_span_id: null, user_id: i % 3 === 0 ? null : `u${i % 50}`,
    region: 'eu', customer_tier: 'free', attributes: { i: String(i) },
  };
}

test('createAvroProducer publishes Confluent wire-format records keyed and timestamped from the value', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const log = new EmbeddedLog();
  try {
    await log.admin().createTopics([{ name: 'wide-events', partitions: 4 }]);
    const producer = await createAvroProducer<WideEvent>({
      log, registry: new SchemaRegistry({ host: server.url }), topic: 'wide-events', schema: avroSchema('wide-event'), key: (e) => e.service,
    });
    assert.equal(producer.schemaId, 1);
    const events = Array.from({ length: 300 }, (_, i) => wideEvent(i));
    await producer.send(events.slice(0, 100));
    await producer.send(events.slice(100));
    await assert.rejects(producer.send([wideEvent(300), { ...wideEvent(301), duration_ms: 'slow' } as unknown as WideEvent]), (e: unknown) => {
      assert.ok(isWeirError(e, 'SERIALIZATION_FAILED'));
      assert.equal(e.context.index, 1);
      assert.deepEqual(e.context.invalidFields, ['duration_ms']);
      return true;
    });
    await producer.close();

    const records = log.records('wide-events');
    assert.equal(records.length, 300, 'the failed batch sent nothing');
    const consumer = new SchemaRegistry({ host: server.url });
    const seen = new Map<string, WideEvent>();
    for (const r of records) {
      const decoded = JSON.parse(JSON.stringify(await consumer.decode(r.value!))) as WideEvent;
      assert.equal(r.key!.toString(), decoded.service);
      assert.equal(r.partition, partitionForKey(r.key!, 4));
      assert.equal(r.timestamp, decoded.timestamp);
      seen.set(decoded.trace_id, decoded);
    }
    assert.equal(seen.size, 300);
    for (const e of events) assert.deepEqual(seen.get(e.trace_id), { ...e, sample_weight: 1 });
  } finally {
    await log.close();
    await server.close();
  }
});

test('sendAll sends an iterable in batches, in order, and returns the count', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const log = new EmbeddedLog();
  try {
    await log.admin().createTopics([{ name: 'wide-events', partitions: 1 }]);
    const producer = await createAvroProducer<WideEvent>({ log, registry: new SchemaRegistry({ host: server.url }), topic: 'wide-events', schema: avroSchema('wide-event') });
    function* events() {
      for (let i = 0; i < 25; i++) yield wideEvent(i);
    }
    assert.equal(await producer.sendAll(events(), 10), 25);
    await producer.close();
    assert.deepEqual(log.records('wide-events').map((r) => r.timestamp), Array.from({ length: 25 }, (_, i) => wideEvent(i).timestamp));
  } finally {
    await server.close();
  }
});
