import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionGroup } from '../../runtime/partition-group';
import { StreamsBuilder } from '../../topology/streams-builder';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { Stores } from '../../state/stores';
import { leftJoin } from '../../operators/join';
import { to } from '../../operators/to';
import { StreamsApp } from '../../runtime/streams-app';
import { EmbeddedLog } from '../../runtime/embedded';
import { silentLogger } from '../../runtime/logger';
import type { ConsumedRecord } from '../../runtime/log';

const rec = (topic: string, offset: number, timestamp: number): ConsumedRecord => ({ topic, partition: 0, offset, timestamp, key: null, value: null, headers: {} });

test('records leave in timestamp order across partitions, and wait for a partition known to hold more', () => {
  const group = new PartitionGroup(['a', 'b'], { maxTaskIdleMs: 100, maxBufferedPerPartition: 3, readCommitted: false });
  group.initialize('a', 0, 3);
  group.initialize('b', 0, 2);
  group.add({ topic: 'a', partition: 0, records: [rec('a', 0, 10), rec('a', 1, 30), rec('a', 2, 50)], highWatermark: 3 });
  assert.equal(group.isFull('a'), true);
  assert.equal(group.next(0), undefined, 'b holds records not fetched yet: wait');
  group.add({ topic: 'b', partition: 0, records: [rec('b', 0, 20), rec('b', 1, 40)], highWatermark: 2 });
  const order = [];
  for (let r = group.next(0); r; r = group.next(0)) order.push(`${r.topic}${r.timestamp}`);
  assert.deepEqual(order, ['a10', 'b20', 'a30', 'b40', 'a50']);
  assert.equal(group.enforcedProcessing, 0);
});

test('after max.task.idle.ms without the awaited partition, the task goes on and counts it', () => {
  const group = new PartitionGroup(['a', 'b'], { maxTaskIdleMs: 100, maxBufferedPerPartition: 10, readCommitted: false });
  group.initialize('a', 0, 1);
  group.initialize('b', 0, 5);
  group.add({ topic: 'a', partition: 0, records: [rec('a', 0, 10)], highWatermark: 1 });
  assert.equal(group.next(1_000), undefined);
  assert.equal(group.next(1_099), undefined);
  assert.equal(group.next(1_100)?.timestamp, 10);
  assert.equal(group.enforcedProcessing, 1);
});

test('a caught-up partition (only a transaction marker left under read_committed) is not waited for', () => {
  const group = new PartitionGroup(['a', 'b'], { maxTaskIdleMs: 100_000, maxBufferedPerPartition: 10, readCommitted: true });
  group.initialize('a', 0, 2);
  group.initialize('b', 7, 8);
  group.add({ topic: 'a', partition: 0, records: [rec('a', 0, 10)], highWatermark: 2 });
  assert.equal(group.next(0)?.timestamp, 10);
});

test('a table appended after the stream still joins by event time: the task merges its inputs in timestamp order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-order-'));
  const log = new EmbeddedLog();
  await log.admin().createTopics([{ name: 'events', partitions: 1 }, { name: 'deployments', partitions: 1 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'producer' });
  const events = Array.from({ length: 100 }, (_, i) => ({ topic: 'events', key: Buffer.from('api'), value: Buffer.from(String(i)), timestamp: i * 10, headers: {} }));
  await producer.send(events);
  // Appended after every event, but the deployment happened at event time 500.
  await producer.send([{ topic: 'deployments', key: Buffer.from('api'), value: Buffer.from('"v2"'), timestamp: 500, headers: {} }]);
  const builder = new StreamsBuilder();
  const deployments = builder.table('deployments', {
    keySerde: stringSerde,
    valueSerde: jsonSerde<string>(),
    store: Stores.keyValue('deployments', { keySerde: stringSerde, valueSerde: jsonSerde<string>(), persistent: false, logging: false }),
  });
  builder
    .stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<number>() })
    .pipe(leftJoin(deployments, (i: number, version: string | undefined) => `${i}:${version ?? 'v1'}`), to('joined', { valueSerde: jsonSerde<string>() }));
  const app = new StreamsApp(builder.build(), { applicationId: 'order-app', stateDir: dir }, log, { logger: silentLogger });
  await app.start();
  await app.waitUntilCaughtUp();
  await app.close();
  const joined = log.records('joined').map((r) => JSON.parse(r.value!.toString()) as string);
  assert.deepEqual(joined, Array.from({ length: 100 }, (_, i) => `${i}:${i * 10 >= 500 ? 'v2' : 'v1'}`));
  await rm(dir, { recursive: true, force: true });
});
