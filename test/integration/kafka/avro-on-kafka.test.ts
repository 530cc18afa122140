/**
 * Issue 4 on a real broker: the registry's `_schemas` topic through the Kafka LogClient, and Avro sources on Kafka
 * (v1 and v2 producers, undecodable records to the dead-letter topic).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as avro from 'avsc';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { KafkaLog } from '../../../runtime/kafka/kafka-log';
import { silentLogger } from '../../../runtime/logger';
import type { ConsumedRecord, LogClient } from '../../../runtime/log';
import { DLQ_HEADERS } from '../../../runtime/dead-letter';
import { StreamsApp } from '../../../runtime/streams-app';
import { startSchemaRegistry } from '../../../registry/registry-server';
import { TopicSchemaStore } from '../../../registry/topic-schema-store';
import { avroSchema } from '../../../schemas/avro-schemas';
import type { WideEvent } from '../../../schemas/wide-event';
import { avroSerde } from '../../../avro/avro-serde';
import { createAvroProducer } from '../../../avro/avro-producer';
import { jsonSerde } from '../../../serdes/json-serde';
import { stringSerde } from '../../../serdes/string-serde';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { mapValues } from '../../../operators/map-values';
import { to } from '../../../operators/to';
import { eventually, kafkaBrokers, uniqueName } from './kafka-broker';

type WideEventV2 = WideEvent & { deployment_version: string | null };
const v1 = avroSchema('wide-event') as { fields: unknown[] };
const v2 = { ...v1, fields: [...v1.fields, { name: 'deployment_version', type: ['null', 'string'], default: null }] } as unknown as avro.Schema;

function wideEvent(i: number): WideEvent {
  return {
    timestamp: 1_764_331_200_000 + i * 100, service: `svc-${i % 5}`, operation: 'GET /', method: 'GET', status_code: 200, duration_ms: i,
    trace_id: `trace-${i}`, span_id: `span-${i}`, parent_span_id: null, user_id: null, region: 'us', customer_tier: 'free', attributes: {},
  };
}

const newLog = (brokers: string[], clientId: string) => new KafkaLog({ brokers, clientId, logger: silentLogger, sessionTimeoutMs: 10_000 });

async function readAll(log: LogClient, topic: string, partitions: number): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const reader = log.partitionReader({ readCommitted: false });
    for await (const batch of reader.read({ topic, partition }, 0)) out.push(...batch);
    await reader.close();
  }
  return out;
}

test('registries on Kafka share ids through a _schemas topic; a new one replays it', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const topic = uniqueName('_schemas-it');
  const logs = [newLog(brokers, 'it-registry-a'), newLog(brokers, 'it-registry-b'), newLog(brokers, 'it-registry-c')];
  t.after(() => Promise.all(logs.map((l) => l.close())));
  const a = await startSchemaRegistry({ store: new TopicSchemaStore(logs[0], topic), port: 0 });
  const b = await startSchemaRegistry({ store: new TopicSchemaStore(logs[1], topic), port: 0 });
  try {
    assert.deepEqual(await new SchemaRegistry({ host: a.url }).register(v1 as never, { subject: 'x-value' }), { id: 1 });
    const fromB = new SchemaRegistry({ host: b.url });
    assert.equal(((await fromB.getSchema(1)) as unknown as avro.Type).name, 'dev.weir.WideEvent');
    assert.deepEqual(await fromB.register(v2 as never, { subject: 'x-value' }), { id: 2 });
  } finally {
    await a.close();
    await b.close();
  }
  const c = await startSchemaRegistry({ store: new TopicSchemaStore(logs[2], topic), port: 0 });
  try {
    const client = new SchemaRegistry({ host: c.url });
    assert.equal(await client.getLatestSchemaId('x-value'), 2);
    assert.equal(await client.getRegistryId('x-value', 1), 1);
  } finally {
    await c.close();
  }
  const keys = (await readAll(logs[2], topic, 1)).map((r) => JSON.parse(r.key!.toString()));
  assert.deepEqual(keys.filter((k) => k.keytype === 'SCHEMA').map((k) => k.version), [1, 2]);
});

test('Avro source on Kafka: v1 and v2 records processed once by a v2 topology, undecodable ones in the DLQ with their origin', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const applicationId = uniqueName('it-avro');
  const input = `${applicationId}-events`;
  const output = `${applicationId}-out`;
  const log = newLog(brokers, 'it-avro');
  const dir = await mkdtemp(join(tmpdir(), 'weir-it-avro-'));
  const registryServer = await startSchemaRegistry({ store: new TopicSchemaStore(log, `${applicationId}-_schemas`), port: 0 });
  t.after(async () => {
    await registryServer.close();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });
  const registry = () => new SchemaRegistry({ host: registryServer.url });
  await log.admin().createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);

  const p1 = await createAvroProducer<WideEvent>({ log, registry: registry(), topic: input, schema: v1 as avro.Schema, key: (e) => e.trace_id });
  const p2 = await createAvroProducer<WideEventV2>({ log, registry: registry(), topic: input, schema: v2, key: (e) => e.trace_id });
  await p1.send(Array.from({ length: 150 }, (_, i) => wideEvent(2 * i)));
  await p2.send(Array.from({ length: 150 }, (_, i) => ({ ...wideEvent(2 * i + 1), deployment_version: `1.${i}` })));
  await p1.close();
  await p2.close();
  const raw = await log.commitLog({ guarantee: 'at_least_once', clientId: 'it-avro-garbage' });
  const bad = [Buffer.from('not avro'), Buffer.from([0, 0, 0, 0x7f, 0x7f, 1]), Buffer.from([0, 0, 0, 0, 1, 2, 3]), Buffer.from([0])];
  await raw.send(bad.map((value, i) => ({ topic: input, key: Buffer.from(`bad-${i}`), value, timestamp: 1_764_331_200_000, headers: {} })));
  await raw.close();

  const builder = new StreamsBuilder();
  builder
    .stream(input, { keySerde: stringSerde, valueSerde: avroSerde<WideEventV2>({ registry: registry(), schema: v2 }) })
    .pipe(mapValues((e: WideEventV2) => e.deployment_version ?? 'v1'), to(output, { keySerde: stringSerde, valueSerde: jsonSerde<string>() }));
  const appLog = newLog(brokers, 'it-avro-app');
  t.after(() => appLog.close());
  const app = new StreamsApp(builder.build(), { applicationId, stateDir: dir, commitIntervalMs: 100 }, appLog, { logger: silentLogger });
  await app.start();
  const total = 300 + bad.length;
  await eventually(async () => (await log.admin().committedOffsets(applicationId, input)).reduce((n, c) => n + c.offset, 0) >= total, 'the input to be committed');
  await app.close();

  const processed = await readAll(log, output, 2);
  const byKey = new Map<string, string[]>();
  for (const r of processed) byKey.set(r.key!.toString(), [...(byKey.get(r.key!.toString()) ?? []), JSON.parse(r.value!.toString())]);
  assert.equal(byKey.size, 300);
  for (let i = 0; i < 300; i++) assert.deepEqual(byKey.get(`trace-${i}`), [i % 2 === 0 ? 'v1' : `1.${(i - 1) / 2}`]);

  const dlq = await readAll(log, `${applicationId}-dlq`, 1);
  assert.deepEqual(dlq.map((d) => d.key!.toString()).sort(), bad.map((_, i) => `bad-${i}`));
  for (const d of dlq) {
    assert.equal(d.headers[DLQ_HEADERS.topic].toString(), input);
    assert.match(d.headers[DLQ_HEADERS.error].toString(), /bad magic byte|unknown schema id|corrupt Avro body|truncated/);
    assert.ok(Number(d.headers[DLQ_HEADERS.offset].toString()) >= 0);
  }
});
