import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedLog } from '../../../runtime/embedded/embedded-log';
import { partitionForKey } from '../../../runtime/embedded/partitioner';
import type { CommitLog, ConsumedRecord, GroupConsumer, ProducedRecord, TopicPartition } from '../../../runtime/log';
import { isWeirError } from '../../../errors/weir-error';

const rec = (topic: string, key: string | null, value: string, partition?: number): ProducedRecord => ({
  topic,
  partition,
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  timestamp: 1_000,
  headers: {},
});

async function newLog(topics: Array<{ name: string; partitions: number; compacted?: boolean }>): Promise<EmbeddedLog> {
  const log = new EmbeddedLog();
  await log.admin().createTopics(topics);
  return log;
}

test('keyed records land on the murmur2 partition, with dense offsets per partition', async () => {
  const log = await newLog([{ name: 'in', partitions: 6 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  const keys = Array.from({ length: 100 }, (_, i) => `key-${i}`);
  await producer.send(keys.map((k) => rec('in', k, k)));
  for (let p = 0; p < 6; p++) {
    const records = log.records('in', p);
    assert.deepEqual(records.map((r) => r.key!.toString()), keys.filter((k) => partitionForKey(Buffer.from(k), 6) === p));
    assert.deepEqual(records.map((r) => r.offset), records.map((_, i) => i));
    assert.equal(await log.admin().endOffset({ topic: 'in', partition: p }), records.length);
  }
});

test('null keys go round-robin and an explicit partition wins', async () => {
  const log = await newLog([{ name: 't', partitions: 3 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  await producer.send([rec('t', null, 'a'), rec('t', null, 'b'), rec('t', null, 'c'), rec('t', 'k', 'd', 0)]);
  assert.deepEqual([0, 1, 2].map((p) => log.records('t', p).map((r) => r.value!.toString())), [['a', 'd'], ['b'], ['c']]);
});

test('a send to a missing topic fails whole with TOPIC_NOT_FOUND', async () => {
  const log = await newLog([{ name: 't', partitions: 1 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  await assert.rejects(producer.send([rec('t', 'a', '1'), rec('nope', 'b', '2')]), (e) => isWeirError(e, 'TOPIC_NOT_FOUND'));
  assert.equal(log.records('t').length, 0);
});

test('compaction keeps the last record per key at its offset and the log start offset', async () => {
  const log = await newLog([{ name: 'cl', partitions: 1, compacted: true }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  await producer.send([rec('cl', 'a', '1'), rec('cl', 'b', '1'), rec('cl', 'a', '2'), rec('cl', 'c', '1'), rec('cl', 'b', '2')]);
  log.compact('cl');
  const records = log.records('cl');
  assert.deepEqual(records.map((r) => [r.key!.toString(), r.value!.toString(), r.offset]), [['a', '2', 2], ['c', '1', 3], ['b', '2', 4]]);
  assert.equal(await log.admin().beginningOffset({ topic: 'cl', partition: 0 }), 0);
  assert.equal(await log.admin().endOffset({ topic: 'cl', partition: 0 }), 5);
  const restored: ConsumedRecord[] = [];
  for await (const batch of log.partitionReader({ readCommitted: true }).read({ topic: 'cl', partition: 0 }, 0)) restored.push(...batch);
  assert.deepEqual(restored.map((r) => r.offset), [2, 3, 4]);
});

test('compaction is lazy: it runs by itself once most of a partition is shadowed', async () => {
  const log = await newLog([{ name: 'cl', partitions: 1, compacted: true }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  await producer.send(Array.from({ length: 3000 }, (_, i) => rec('cl', `k${i % 10}`, String(i))));
  const records = log.records('cl');
  assert.ok(records.length < 3000, `expected compaction, still ${records.length} records`);
  const last = new Map(records.map((r) => [r.key!.toString(), r.value!.toString()]));
  for (let k = 0; k < 10; k++) assert.equal(last.get(`k${k}`), String(2990 + k));
});

test('partition reader yields the range [from, to) in batches', async () => {
  const log = await newLog([{ name: 't', partitions: 1 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  await producer.send(Array.from({ length: 2500 }, (_, i) => rec('t', 'k', String(i))));
  const offsets: number[] = [];
  let batches = 0;
  for await (const batch of log.partitionReader({ readCommitted: false }).read({ topic: 't', partition: 0 }, 100, 2200)) {
    batches++;
    offsets.push(...batch.map((r) => r.offset));
  }
  assert.equal(batches, 3);
  assert.deepEqual(offsets, Array.from({ length: 2100 }, (_, i) => i + 100));
});

test('exactly_once commits write a marker per partition (an offset gap) and consumers skip it', async () => {
  const log = await newLog([{ name: 'out', partitions: 1 }]);
  const commitLog = await log.commitLog({ guarantee: 'exactly_once', transactionalId: 'app-0_0', clientId: 'c' });
  await commitLog.commit({ groupId: 'g', records: [rec('out', 'a', '1'), rec('out', 'b', '2')], offsets: [] });
  await commitLog.commit({ groupId: 'g', records: [rec('out', 'c', '3')], offsets: [] });
  assert.deepEqual(log.records('out').map((r) => r.offset), [0, 1, 3]);
  assert.equal(await log.admin().endOffset({ topic: 'out', partition: 0 }), 5);
  const seen = await consumeAll(log, { groupId: 'reader', topics: ['out'], expect: 3 });
  assert.deepEqual(seen.map((r) => r.value!.toString()), ['1', '2', '3']);
});

test('a newer commit log with the same transactional id fences the older one; nothing of the refused commit is visible', async () => {
  const log = await newLog([{ name: 'out', partitions: 2 }]);
  const zombie = await log.commitLog({ guarantee: 'exactly_once', transactionalId: 'app-0_1', clientId: 'old' });
  await log.commitLog({ guarantee: 'exactly_once', transactionalId: 'app-0_1', clientId: 'new' });
  await assert.rejects(
    zombie.commit({ groupId: 'g', records: [rec('out', 'a', '1')], offsets: [{ topic: 'out', partition: 0, offset: 1 }] }),
    (e) => isWeirError(e, 'TASK_MIGRATED'),
  );
  assert.equal(log.records('out').length, 0);
  assert.deepEqual(await log.admin().committedOffsets('g', 'out'), []);
});

interface Member {
  consumer: GroupConsumer;
  commitLog: CommitLog;
  done: Promise<void>;
}

/** A member that records every callback in `events` and commits (at_least_once) after each batch and on revoke. */
async function startMember(
  log: EmbeddedLog,
  name: string,
  events: string[],
  seen: ConsumedRecord[],
  options: { groupId?: string; topics?: string[] } = {},
): Promise<Member> {
  const groupId = options.groupId ?? 'g';
  const consumer = log.groupConsumer({ groupId, topics: options.topics ?? ['in'], readCommitted: true, fromBeginning: true, maxBatchRecords: 7 });
  const commitLog = await log.commitLog({ guarantee: 'at_least_once', clientId: name, groupConsumer: consumer });
  const pending = new Map<string, TopicPartition & { offset: number }>();
  const flush = async (): Promise<void> => {
    await commitLog.commit({ groupId, records: [], offsets: [...pending.values()] });
    pending.clear();
  };
  const list = (ps: readonly TopicPartition[]): string => ps.map((p) => p.partition).join(',');
  const done = consumer.run({
    onAssigned: async (ps) => { events.push(`${name} assigned ${list(ps)}`); },
    onRevoked: async (ps) => { await flush(); events.push(`${name} revoked ${list(ps)}`); },
    onBatch: async (batch) => {
      seen.push(...batch.records);
      const last = batch.records[batch.records.length - 1];
      pending.set(`${batch.topic}:${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: last.offset + 1 });
      await flush();
    },
  });
  return { consumer, commitLog, done };
}

async function consumeAll(log: EmbeddedLog, options: { groupId: string; topics: string[]; expect: number }): Promise<ConsumedRecord[]> {
  const seen: ConsumedRecord[] = [];
  const member = await startMember(log, 'reader', [], seen, options);
  await log.whenStable(options.groupId);
  while (seen.length < options.expect) await new Promise((r) => setImmediate(r));
  await member.consumer.stop();
  await member.done;
  return seen;
}

/** Yields to the event loop until the predicate holds: the embedded log has no timers, so this is deterministic progress, not a wait on time. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setImmediate(r));
}

test('a member that joins gets partitions only after the owner revoked and committed them; nothing is lost or read twice', async () => {
  const log = await newLog([{ name: 'in', partitions: 6 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  await producer.send(Array.from({ length: 600 }, (_, i) => rec('in', `k${i}`, String(i))));
  const events: string[] = [];
  const seen: ConsumedRecord[] = [];
  const a = await startMember(log, 'A', events, seen);
  await log.whenStable('g');
  await until(() => seen.length >= 100);
  const b = await startMember(log.connect(), 'B', events, seen);
  await log.whenStable('g');
  await producer.send(Array.from({ length: 600 }, (_, i) => rec('in', `k${i}`, String(600 + i))));
  await until(() => seen.length >= 1200);
  assert.deepEqual(events, ['A assigned 0,1,2,3,4,5', 'A revoked 0,1,2,3,4,5', 'A assigned 0,1,2', 'B assigned 3,4,5']);
  assert.equal(seen.length, 1200);
  assert.equal(new Set(seen.map((r) => `${r.partition}:${r.offset}`)).size, 1200);
  await Promise.all([a.consumer.stop(), b.consumer.stop()]);
  await Promise.all([a.done, b.done]);
  const committed = await log.admin().committedOffsets('g', 'in');
  assert.equal(committed.reduce((sum, o) => sum + o.offset, 0), 1200);
});

test('cooperative rebalancing revokes only the partitions that move', async () => {
  const log = new EmbeddedLog({ rebalanceProtocol: 'cooperative' });
  await log.admin().createTopics([{ name: 'in', partitions: 4 }]);
  const events: string[] = [];
  const a = await startMember(log, 'A', events, []);
  await log.whenStable('g');
  const b = await startMember(log.connect(), 'B', events, []);
  await log.whenStable('g');
  assert.deepEqual(events, ['A assigned 0,1,2,3', 'A revoked 2,3', 'A assigned ', 'B assigned 2,3']);
  await b.consumer.stop();
  await log.whenStable('g');
  assert.deepEqual(events.slice(4), ['B revoked 2,3', 'A assigned 2,3']);
  await a.consumer.stop();
  await Promise.all([a.done, b.done]);
});

test('a crashed member revokes nothing; its partitions resume from the last committed offsets and its late commits are refused', async () => {
  const log = await newLog([{ name: 'in', partitions: 2 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  await producer.send(Array.from({ length: 40 }, (_, i) => rec('in', null, String(i))));
  const events: string[] = [];
  const seenA: ConsumedRecord[] = [];
  const a = await startMember(log, 'A', events, seenA);
  await log.whenStable('g');
  // B is killed while its first batch is in flight: it never commits.
  const processB = log.connect();
  const b = processB.groupConsumer({ groupId: 'g', topics: ['in'], readCommitted: true, fromBeginning: true });
  const commitLogB = await processB.commitLog({ guarantee: 'at_least_once', clientId: 'B', groupConsumer: b });
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => { release = r; });
  let inFlight = false;
  let lateCommit: Promise<void> | undefined;
  const runB = b.run({
    onAssigned: async (ps) => { events.push(`B assigned ${ps.map((p) => p.partition).join(',')}`); },
    onRevoked: async () => { events.push('B revoked'); },
    onBatch: async (batch) => {
      inFlight = true;
      await gate;
      lateCommit = commitLogB.commit({ groupId: 'g', records: [], offsets: [{ topic: 'in', partition: batch.partition, offset: 20 }] });
      await lateCommit.catch(() => {});
    },
  });
  await until(() => inFlight);
  processB.crash();
  await log.whenStable('g');
  release();
  await runB;
  await assert.rejects(lateCommit!, (e) => isWeirError(e, 'COMMIT_FAILED'));
  await until(() => seenA.length === 40);
  assert.deepEqual(events, ['A assigned 0,1', 'A revoked 0,1', 'A assigned 0', 'B assigned 1', 'A revoked 0', 'A assigned 0,1']);
  assert.deepEqual(seenA.filter((r) => r.partition === 1).map((r) => r.value!.toString()), Array.from({ length: 20 }, (_, i) => String(2 * i + 1)));
  await a.consumer.stop();
  await a.done;
});

test('a member that lost a partition cannot commit offsets for it', async () => {
  const log = await newLog([{ name: 'in', partitions: 2 }]);
  const a = await startMember(log, 'A', [], []);
  await log.whenStable('g');
  const b = await startMember(log.connect(), 'B', [], []);
  await log.whenStable('g');
  await assert.rejects(a.commitLog.commit({ groupId: 'g', records: [], offsets: [{ topic: 'in', partition: 1, offset: 3 }] }), (e) => isWeirError(e, 'TASK_MIGRATED'));
  await Promise.all([a.consumer.stop(), b.consumer.stop()]);
});

test('paused partitions are not fetched until resumed', async () => {
  const log = await newLog([{ name: 'in', partitions: 2 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  const seen: ConsumedRecord[] = [];
  const a = await startMember(log, 'A', [], seen);
  await log.whenStable('g');
  a.consumer.pause([{ topic: 'in', partition: 0 }]);
  await producer.send([rec('in', null, 'p0', 0), rec('in', null, 'p1', 1)]);
  await until(() => seen.length === 1);
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen.map((r) => r.value!.toString()), ['p1']);
  a.consumer.resume([{ topic: 'in', partition: 0 }]);
  await until(() => seen.length === 2);
  assert.deepEqual(seen.map((r) => r.value!.toString()), ['p1', 'p0']);
  await a.consumer.stop();
});

test('a group subscribed before its topic exists is assigned when the topic is created', async () => {
  const log = new EmbeddedLog();
  const events: string[] = [];
  const a = await startMember(log, 'A', events, []);
  await log.whenStable('g');
  await log.admin().createTopics([{ name: 'in', partitions: 2 }]);
  await log.whenStable('g');
  assert.deepEqual(events, ['A assigned ', 'A assigned 0,1']);
  await a.consumer.stop();
});

test('a failing handler rejects run() and the member leaves as crashed', async () => {
  const log = await newLog([{ name: 'in', partitions: 1 }]);
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'p' });
  await producer.send([rec('in', null, 'x')]);
  const consumer = log.groupConsumer({ groupId: 'g', topics: ['in'], readCommitted: true, fromBeginning: true });
  const run = consumer.run({
    onAssigned: async () => {},
    onRevoked: async () => { throw new Error('must not be called'); },
    onBatch: async () => { throw new Error('poison'); },
  });
  await assert.rejects(run, /poison/);
  await log.whenStable('g');
  assert.equal(log.groupAssignment('g').size, 0);
});
