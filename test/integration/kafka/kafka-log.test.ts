import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaLog } from '../../../runtime/kafka/kafka-log';
import { partitionForKey } from '../../../runtime/embedded/partitioner';
import { silentLogger } from '../../../runtime/logger';
import type { CommitLog, ConsumedRecord, GroupConsumer, ProducedRecord, TopicPartition } from '../../../runtime/log';
import { isWeirError } from '../../../errors/weir-error';
import { eventually, kafkaBrokers, uniqueName } from './kafka-broker';

const rec = (topic: string, key: string, value: string): ProducedRecord => ({ topic, key: Buffer.from(key), value: Buffer.from(value), timestamp: 1_700_000_000_000, headers: { h: Buffer.from('x') } });

function newLog(brokers: string[], clientId: string): KafkaLog {
  return new KafkaLog({ brokers, clientId, logger: silentLogger, sessionTimeoutMs: 10_000 });
}

test('keys land on the same partitions as on the embedded log (murmur2), and offsets are read back', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const log = newLog(brokers, 'it-partitioning');
  t.after(() => log.close());
  const topic = uniqueName('it-keys');
  await log.admin().createTopics([{ name: topic, partitions: 6 }]);
  assert.equal(await log.admin().partitionCount(topic), 6);
  assert.equal(await log.admin().partitionCount(uniqueName('missing')), undefined);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'it-producer' });
  const keys = Array.from({ length: 300 }, (_, i) => `key-${i}`);
  await producer.send(keys.map((k) => rec(topic, k, k)));
  for (let p = 0; p < 6; p++) {
    const expected = keys.filter((k) => partitionForKey(Buffer.from(k), 6) === p);
    assert.equal(await log.admin().endOffset({ topic, partition: p }), expected.length);
    const read: ConsumedRecord[] = [];
    for await (const batch of log.partitionReader({ readCommitted: false }).read({ topic, partition: p }, 0)) read.push(...batch);
    assert.deepEqual(read.map((r) => r.key!.toString()), expected);
    assert.deepEqual(read.map((r) => r.offset), expected.map((_, i) => i));
    assert.equal(read[0]?.headers.h.toString(), 'x');
  }
});

test('exactly_once: a transaction makes records and offsets visible together; a newer producer fences the old one', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const log = newLog(brokers, 'it-eos');
  t.after(() => log.close());
  const topic = uniqueName('it-eos-out');
  const changelog = uniqueName('it-eos-changelog');
  const groupId = uniqueName('it-eos-group');
  await log.admin().createTopics([{ name: topic, partitions: 1 }, { name: changelog, partitions: 1, compacted: true }]);
  const zombie = await log.commitLog({ guarantee: 'exactly_once', transactionalId: `${groupId}-0_0`, clientId: 'zombie' });
  await zombie.commit({ groupId, records: [rec(topic, 'a', '1'), rec(changelog, 'a', '1')], offsets: [{ topic, partition: 0, offset: 7 }] });
  // Transactional offsets materialize when the coordinator has written the commit markers, just after commit returns.
  const committedOffset = async () => (await log.admin().committedOffsets(groupId, topic))[0]?.offset;
  await eventually(async () => (await committedOffset()) === 7, 'the transaction offsets to materialize');
  const owner = await log.commitLog({ guarantee: 'exactly_once', transactionalId: `${groupId}-0_0`, clientId: 'owner' });
  await assert.rejects(zombie.commit({ groupId, records: [rec(topic, 'b', '2')], offsets: [{ topic, partition: 0, offset: 9 }] }), (e) => isWeirError(e, 'TASK_MIGRATED'));
  await owner.commit({ groupId, records: [rec(topic, 'c', '3')], offsets: [{ topic, partition: 0, offset: 8 }] });
  await eventually(async () => (await committedOffset()) === 8, 'the second transaction offsets to materialize');
  // An aborted transaction (kafkajs directly, as a failed commit would leave one) between two commits.
  const raw = log.kafka.producer({ transactionalId: `${groupId}-raw`, idempotent: true, maxInFlightRequests: 1 });
  await raw.connect();
  const aborted = await raw.transaction();
  await aborted.send({ topic, messages: [{ key: 'd', value: '2' }] });
  await aborted.abort();
  await raw.disconnect();
  await owner.commit({ groupId, records: [rec(topic, 'e', '4')], offsets: [{ topic, partition: 0, offset: 9 }] });
  // The fenced producer wrote nothing; the aborted record is in the log: read_committed skips it, and the
  // reader ends at the end offset even though the last offsets are commit markers.
  // A commit returns once the coordinator has decided it; the markers that move the last stable
  // offset are written just after, so read_committed sees the last transaction a moment later.
  let committed: ConsumedRecord[] = [];
  await eventually(async () => {
    committed = [];
    for await (const batch of log.partitionReader({ readCommitted: true }).read({ topic, partition: 0 }, 0)) committed.push(...batch);
    return committed.length >= 3;
  }, 'the last transaction to become stable');
  assert.deepEqual(committed.map((r) => r.value!.toString()), ['1', '3', '4']);
  const all: ConsumedRecord[] = [];
  for await (const batch of log.partitionReader({ readCommitted: false }).read({ topic, partition: 0 }, 0)) all.push(...batch);
  assert.deepEqual(all.map((r) => r.value!.toString()), ['1', '3', '2', '4']);
});

interface Member {
  consumer: GroupConsumer;
  commitLog: CommitLog;
  done: Promise<void>;
}

async function startMember(log: KafkaLog, name: string, groupId: string, topic: string, events: string[], seen: ConsumedRecord[]): Promise<Member> {
  const consumer = log.groupConsumer({ groupId, topics: [topic], readCommitted: true, fromBeginning: true });
  const commitLog = await log.commitLog({ guarantee: 'at_least_once', clientId: name, groupConsumer: consumer });
  const list = (ps: readonly TopicPartition[]) => ps.map((p) => p.partition).join(',');
  const done = consumer.run({
    onAssigned: async (ps) => { events.push(`${name} assigned ${list(ps)}`); },
    onRevoked: async (ps) => { events.push(`${name} revoked ${list(ps)}`); },
    onBatch: async (batch) => {
      seen.push(...batch.records);
      await commitLog.commit({ groupId, records: [], offsets: [{ topic, partition: batch.partition, offset: batch.records[batch.records.length - 1].offset + 1 }] });
    },
  });
  return { consumer, commitLog, done };
}

test('group members: a joining member gets partitions after the owner revoked them; a leaving one hands them back; nothing is lost or read twice', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const logA = newLog(brokers, 'it-member-a');
  const logB = newLog(brokers, 'it-member-b');
  t.after(() => Promise.all([logA.close(), logB.close()]));
  const topic = uniqueName('it-group-in');
  const groupId = uniqueName('it-group');
  await logA.admin().createTopics([{ name: topic, partitions: 6 }]);
  const producer = await logA.commitLog({ guarantee: 'at_least_once', clientId: 'it-producer' });
  await producer.send(Array.from({ length: 600 }, (_, i) => rec(topic, `k${i}`, String(i))));
  const events: string[] = [];
  const seen: ConsumedRecord[] = [];
  const a = await startMember(logA, 'A', groupId, topic, events, seen);
  await eventually(() => seen.length === 600, 'A to read the first 600');
  const b = await startMember(logB, 'B', groupId, topic, events, seen);
  await eventually(() => events.some((e) => e.startsWith('B assigned')), 'B to be assigned');
  await producer.send(Array.from({ length: 600 }, (_, i) => rec(topic, `k${i}`, String(600 + i))));
  await eventually(() => seen.length >= 1200, 'both to read the second 600');
  await b.consumer.stop();
  await b.done;
  await eventually(() => events[events.length - 1] === 'A assigned 0,1,2,3,4,5', 'A to get every partition back');
  await producer.send(Array.from({ length: 60 }, (_, i) => rec(topic, `k${i}`, String(1200 + i))));
  await eventually(() => seen.length >= 1260, 'A to read the last 60');
  await a.consumer.stop();
  await a.done;
  // The join and the leave are each one rebalance: every owner revokes before anyone is assigned.
  assert.deepEqual(events.slice(0, 2), ['A assigned 0,1,2,3,4,5', 'A revoked 0,1,2,3,4,5']);
  assert.deepEqual(events.slice(2, 4).sort(), ['A assigned 0,1,2', 'B assigned 3,4,5']);
  assert.deepEqual(events.slice(4, 6).sort(), ['A revoked 0,1,2', 'B revoked 3,4,5']);
  assert.deepEqual(events.slice(6), ['A assigned 0,1,2,3,4,5', 'A revoked 0,1,2,3,4,5']);
  assert.equal(seen.length, 1260);
  assert.equal(new Set(seen.map((r) => `${r.partition}:${r.offset}`)).size, 1260);
  const committed = await logA.admin().committedOffsets(groupId, topic);
  assert.equal(committed.reduce((s, o) => s + o.offset, 0), 1260);
});

test('a member whose task producer is fenced while it owns the partition rejoins, gets it back and loses nothing', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const log = newLog(brokers, 'it-refence');
  t.after(() => log.close());
  const topic = uniqueName('it-refence-in');
  const groupId = uniqueName('it-refence');
  const transactionalId = `${groupId}-0_0`;
  await log.admin().createTopics([{ name: topic, partitions: 1 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'it-producer' });
  await producer.send(Array.from({ length: 10 }, (_, i) => rec(topic, 'k', String(i))));
  const consumer = log.groupConsumer({ groupId, topics: [topic], readCommitted: true, fromBeginning: true });
  const events: string[] = [];
  const processed: number[] = [];
  // As the engine does: one task per partition with its own transactional producer, dropped when fenced.
  let task: CommitLog | undefined;
  const done = consumer.run({
    onAssigned: async (ps) => {
      events.push(`assigned ${ps.map((p) => p.partition).join(',')}`);
      if (ps.length > 0) task = await log.commitLog({ guarantee: 'exactly_once', transactionalId, clientId: 'task', groupConsumer: consumer });
    },
    onRevoked: async () => { events.push('revoked'); await task?.close(); task = undefined; },
    onBatch: async (batch) => {
      if (!task) return;
      const last = batch.records[batch.records.length - 1].offset;
      try {
        await task.commit({ groupId, records: [], offsets: [{ topic, partition: 0, offset: last + 1 }] });
        processed.push(...batch.records.map((r) => r.offset));
      } catch (error) {
        if (!isWeirError(error, 'TASK_MIGRATED')) throw error;
        events.push('fenced');
        await task.close();
        task = undefined;
      }
    },
  });
  await eventually(() => processed.length === 10, 'the first 10 records');
  // A zombie of an old membership re-initializes the task's transactional id.
  const zombie = await log.commitLog({ guarantee: 'exactly_once', transactionalId, clientId: 'zombie' });
  await zombie.close();
  await producer.send(Array.from({ length: 10 }, (_, i) => rec(topic, 'k', String(10 + i))));
  await eventually(() => processed.length >= 20, 'the next 10 records after the rejoin');
  await consumer.stop();
  await done;
  assert.deepEqual(events, ['assigned 0', 'fenced', 'revoked', 'assigned 0', 'revoked']);
  assert.deepEqual(processed, Array.from({ length: 20 }, (_, i) => i));
});
