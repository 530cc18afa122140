import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitIntoRequests, toTopicMessages, type ProduceRequest } from '../../../runtime/kafka/produce-requests';
import { RECORD_BATCH_OVERHEAD } from '../../../runtime/record-size';
import type { ProducedRecord } from '../../../runtime/log';
import { isWeirError } from '../../../errors/weir-error';

const T = 1_700_000_000_000;

/**
 * Key 'k', a 100-byte value, no headers, all at one timestamp: 110 bytes in a batch while its index
 * is below 64 (1 attributes + 1 offset delta + 2 key + 102 value + 1 header count = 107 body, a
 * 2-byte length prefix, 1 byte of timestamp delta).
 */
const RECORD = 110;
const rec = (topic: string, partition: number | undefined, i: number, extra: Partial<ProducedRecord> = {}): ProducedRecord => ({
  topic,
  partition,
  key: Buffer.from('k'),
  value: Buffer.alloc(100, i % 256),
  timestamp: T,
  headers: {},
  ...extra,
});

const split = (records: ProducedRecord[], limit: number, maxRequestBytes = 1 << 30, partitionOf = (_r: ProducedRecord) => 0) =>
  splitIntoRequests(records, { maxBatchBytes: () => limit, partitionOf, maxRequestBytes });

/** `topic-partition:records` per batch, per request. */
const shape = (requests: ProduceRequest[]) => requests.map((r) => r.batches.map((b) => `${b.topic}-${b.partition}:${b.messages.length}`));

test('a partition is cut into batches at the exact record count that fits the topic limit', () => {
  const records = Array.from({ length: 12 }, (_, i) => rec('out', 0, i));
  // 5 records fill 61 + 5 * 110 = 611 bytes exactly; one byte less leaves room for 4.
  assert.deepEqual(shape(split(records, RECORD_BATCH_OVERHEAD + 5 * RECORD)), [['out-0:5'], ['out-0:5'], ['out-0:2']]);
  assert.deepEqual(shape(split(records, RECORD_BATCH_OVERHEAD + 5 * RECORD - 1)), [['out-0:4'], ['out-0:4'], ['out-0:4']]);
  const requests = split(records, RECORD_BATCH_OVERHEAD + 5 * RECORD);
  assert.deepEqual(requests.map((r) => r.bytes), [611, 611, RECORD_BATCH_OVERHEAD + 2 * RECORD]);
  // Order within the partition survives the cut.
  assert.deepEqual(requests.flatMap((r) => r.batches.flatMap((b) => b.messages.map((m) => (m.value as Buffer)[0]))), records.map((_, i) => i));
});

test('request k holds batch k of every partition, never two batches of one partition', () => {
  const limit = RECORD_BATCH_OVERHEAD + 5 * RECORD;
  const records = [
    ...Array.from({ length: 12 }, (_, i) => rec('out', 0, i)),
    ...Array.from({ length: 3 }, (_, i) => rec('out', 1, i)),
    ...Array.from({ length: 7 }, (_, i) => rec('changelog', 0, i)),
  ];
  assert.deepEqual(shape(split(records, limit)), [['out-0:5', 'out-1:3', 'changelog-0:5'], ['out-0:5', 'changelog-0:2'], ['out-0:2']]);
  // kafkajs gets the messages grouped by topic, partitions explicit.
  const [first] = split(records, limit);
  assert.deepEqual(toTopicMessages(first).map((t) => [t.topic, t.messages.map((m) => m.partition)]), [
    ['out', [0, 0, 0, 0, 0, 1, 1, 1]],
    ['changelog', [0, 0, 0, 0, 0]],
  ]);
});

test('a request also stays under maxRequestBytes in total, within a round', () => {
  const limit = RECORD_BATCH_OVERHEAD + 5 * RECORD;
  const records = [0, 1, 2].flatMap((p) => Array.from({ length: 5 }, (_, i) => rec('out', p, i)));
  assert.deepEqual(shape(split(records, limit, 2 * limit)), [['out-0:5', 'out-1:5'], ['out-2:5']]);
  assert.deepEqual(shape(split(records, limit, 2 * limit - 1)), [['out-0:5'], ['out-1:5'], ['out-2:5']]);
});

test('records without a partition are placed by partitionOf; explicit partitions are kept', () => {
  const records = [rec('out', undefined, 0, { key: Buffer.from('a') }), rec('out', 3, 1), rec('out', undefined, 2, { key: Buffer.from('b') })];
  const requests = split(records, 1 << 20, 1 << 30, (r) => (r.key!.toString() === 'a' ? 1 : 2));
  assert.deepEqual(shape(requests), [['out-1:1', 'out-3:1', 'out-2:1']]);
});

test('spread timestamps cost every record the width of the largest delta', () => {
  // A 1000 ms spread needs 2 bytes of delta (zigzag 2000) for every record of the batch: 111 each.
  const records = Array.from({ length: 5 }, (_, i) => rec('out', 0, i, { timestamp: T + (i === 4 ? 1000 : 0) }));
  assert.deepEqual(shape(split(records, RECORD_BATCH_OVERHEAD + 5 * RECORD)), [['out-0:4'], ['out-0:1']]);
  assert.deepEqual(shape(split(records, RECORD_BATCH_OVERHEAD + 5 * (RECORD + 1))), [['out-0:5']]);
});

test('offset deltas from 64 on take two bytes', () => {
  const records = Array.from({ length: 65 }, (_, i) => rec('out', 0, i));
  assert.deepEqual(shape(split(records, RECORD_BATCH_OVERHEAD + 65 * RECORD)), [['out-0:64'], ['out-0:1']]);
  assert.deepEqual(shape(split(records, RECORD_BATCH_OVERHEAD + 65 * RECORD + 1)), [['out-0:65']]);
});

test('headers count, and a record too large for a batch of its own is refused with its topic, partition and size', () => {
  const withHeader = rec('out', 0, 0, { headers: { trace: Buffer.from('abc') } });
  // + 1 (name length) + 5 (name) + 1 (value length) + 3 (value) = 120.
  assert.deepEqual(shape(split([withHeader], RECORD_BATCH_OVERHEAD + RECORD + 10)), [['out-0:1']]);
  assert.throws(
    () => split([rec('out', 0, 0), withHeader], RECORD_BATCH_OVERHEAD + RECORD + 9),
    (e) => isWeirError(e, 'RECORD_TOO_LARGE') && e.context.topic === 'out' && e.context.partition === 0 && e.context.bytes === RECORD_BATCH_OVERHEAD + RECORD + 10 && e.context.limit === RECORD_BATCH_OVERHEAD + RECORD + 9,
  );
});

test('nothing to send is no request', () => {
  assert.deepEqual(split([], 1000), []);
});
