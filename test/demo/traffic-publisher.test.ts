import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TrafficGenerator, standardWeek } from '../../generator';
import { EmbeddedLog } from '../../runtime/embedded';
import { startSchemaRegistry } from '../../registry/registry-server';
import { MemorySchemaStore } from '../../registry/schema-store';
import { avroSerde } from '../../avro/avro-serde';
import { avroSchema } from '../../schemas/avro-schemas';
import type { WideEvent } from '../../schemas/wide-event';
import type { Deployment } from '../../schemas/deployment';
import type { KnownEvent } from '../../schemas/known-event';
import { TrafficPublisher, TOPICS, eventKey } from '../../demo/traffic-publisher';
import { TopicTail } from '../../demo/topic-tail';

test('the publisher writes the whole timeline as Avro, and tails read back exactly what the generator made', async () => {
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const log = new EmbeddedLog();
  try {
    const registry = new SchemaRegistry({ host: server.url });
    await log.admin().createTopics([
      { name: TOPICS.events, partitions: 3 },
      { name: TOPICS.deployments, partitions: 1 },
      { name: TOPICS.knownEvents, partitions: 1 },
    ]);
    const options = { seed: 5, events: 12_000 };
    const probe = new TrafficGenerator({ ...options, events: 0 });
    const scenarios = standardWeek(probe.graph, { start: probe.start, durationMs: probe.durationMs }, 5);
    const generator = new TrafficGenerator({ ...options, scenarios });
    const publisher = new TrafficPublisher({ log, registry, generator, speed: 'max', lag: () => 0, batchSize: 1_000 });
    await publisher.run();
    assert.equal(publisher.published, 12_000);

    const events: WideEvent[] = [];
    const deployments: Deployment[] = [];
    const knownEvents: KnownEvent[] = [];
    const tails = [
      new TopicTail(log, TOPICS.events, avroSerde<WideEvent>({ registry, schema: avroSchema('wide-event') }), (e) => events.push(e)),
      new TopicTail(log, TOPICS.deployments, avroSerde<Deployment>({ registry, schema: avroSchema('deployment') }), (d) => deployments.push(d)),
      new TopicTail(log, TOPICS.knownEvents, avroSerde<KnownEvent>({ registry, schema: avroSchema('known-event') }), (k) => knownEvents.push(k)),
    ];
    for (const tail of tails) assert.ok((await tail.poll()) > 0);
    for (const tail of tails) assert.equal(await tail.poll(), 0, 'a second poll reads nothing new');

    const expected = [...new TrafficGenerator({ ...options, scenarios }).events()];
    const byOrder = (a: WideEvent, b: WideEvent) => a.timestamp - b.timestamp || (a.span_id < b.span_id ? -1 : 1);
    assert.deepEqual(events.map((e) => ({ ...e, attributes: { ...e.attributes } })).sort(byOrder), expected.map((e) => ({ ...e, sample_weight: e.sample_weight ?? 1 })).sort(byOrder));
    const last = expected[expected.length - 1].timestamp;
    assert.deepEqual(deployments.map((d) => ({ ...d })), generator.deployments.filter((d) => d.deployed_at <= last));
    assert.deepEqual(knownEvents.map((k) => ({ ...k })), generator.knownEvents);
    // Keyed by service and operation: all records of one key sit in one partition.
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const r of log.records(TOPICS.events)) {
      const key = r.key!.toString();
      if (!partitionsOfKey.has(key)) partitionsOfKey.set(key, new Set());
      partitionsOfKey.get(key)!.add(r.partition);
    }
    assert.ok([...partitionsOfKey.values()].every((p) => p.size === 1));
    assert.deepEqual([...partitionsOfKey.keys()].sort(), [...new Set(expected.map(eventKey))].sort());
    for (const tail of tails) await tail.close();
  } finally {
    await log.close();
    await server.close();
  }
});
