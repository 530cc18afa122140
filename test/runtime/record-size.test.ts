import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { splitIntoRequests } from '../../runtime/kafka/produce-requests';
import { singleRecordBatchBytes, varintBytes, varlongBytes } from '../../runtime/record-size';
import type { ProducedRecord } from '../../runtime/log';

// kafkajs' own encoders, so that the size model is checked against the bytes kafkajs really sends.
const kafkajs = createRequire(require.resolve('kafkajs'));
const { RecordBatch } = kafkajs('./src/protocol/recordBatch/v0') as { RecordBatch: (o: object) => Promise<{ size(): number }> };
const Record = kafkajs('./src/protocol/recordBatch/record/v0') as (o: object) => unknown;

/** The record batch kafkajs' produce request (v3) encodes for one partition's messages, in bytes (with the 12-byte log overhead). */
async function kafkajsBatchBytes(records: readonly ProducedRecord[]): Promise<number> {
  const messages = records.map((r) => ({ key: r.key, value: r.value, timestamp: String(r.timestamp), headers: r.headers }));
  const timestamps = messages.map((m) => m.timestamp).sort();
  const firstTimestamp = timestamps[0];
  const encoded = messages.map((m, i) => Record({ ...m, offsetDelta: i, timestampDelta: Number(m.timestamp) - Number(firstTimestamp) }));
  const batch = await RecordBatch({ records: encoded, firstTimestamp, maxTimestamp: timestamps[timestamps.length - 1], lastOffsetDelta: encoded.length - 1, transactional: true });
  return batch.size();
}

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRecord(next: () => number, spreadMs: number): ProducedRecord {
  const size = (max: number) => Math.floor(next() ** 3 * max);
  const headers: Record<string, Buffer> = {};
  for (let h = Math.floor(next() * 3); h > 0; h--) headers[`h${h}-${'x'.repeat(size(20))}`] = Buffer.alloc(size(300));
  return {
    topic: 't',
    partition: 0,
    key: next() < 0.1 ? null : Buffer.alloc(size(200)),
    value: next() < 0.05 ? null : Buffer.alloc(size(40_000)),
    timestamp: 1_700_000_000_000 + Math.floor(next() * spreadMs),
    headers,
  };
}

test('varint widths are those of Kafka zigzag encoding', () => {
  assert.deepEqual([0, 1, 63, 64, 8191, 8192, -1, -64, -65].map(varintBytes), [1, 1, 1, 2, 2, 3, 1, 1, 2]);
  assert.deepEqual([0, 63, 64, 1000, 2 ** 40].map(varlongBytes), [1, 1, 2, 2, 6]);
});

test('a batch of one record: the model is what kafkajs encodes, within the one byte the length prefix may be rounded up', async () => {
  const next = random(11);
  for (let i = 0; i < 300; i++) {
    const r = randomRecord(next, 0);
    const actual = await kafkajsBatchBytes([r]);
    const model = singleRecordBatchBytes(r);
    assert.ok(model >= actual && model - actual <= 1, `record ${i}: model ${model}, kafkajs ${actual}`);
  }
});

test('the batches cut by splitIntoRequests are never larger than kafkajs encodes them, and near full', async () => {
  const next = random(7);
  for (const spreadMs of [0, 50, 3_600_000]) {
    const records = Array.from({ length: 400 }, () => randomRecord(next, spreadMs));
    const limit = 100_000;
    const [request, ...rest] = splitIntoRequests(records, { maxBatchBytes: () => limit, partitionOf: () => 0, maxRequestBytes: 1 << 30 });
    const batches = [request, ...rest].map((r) => r.batches[0]);
    let offset = 0;
    for (const batch of batches) {
      const slice = records.slice(offset, offset + batch.messages.length);
      offset += batch.messages.length;
      const actual = await kafkajsBatchBytes(slice);
      assert.ok(actual <= batch.bytes && batch.bytes <= limit, `spread ${spreadMs}: kafkajs ${actual}, model ${batch.bytes}, limit ${limit}`);
      // Slack of the bound: at most one length-prefix byte and the widest timestamp delta per record.
      assert.ok(batch.bytes - actual <= slice.length * (1 + varlongBytes(spreadMs)), `spread ${spreadMs}: slack ${batch.bytes - actual} for ${slice.length} records`);
    }
    assert.equal(offset, records.length);
  }
});
