/**
 * Cuts the records of one send or commit into produce requests the broker accepts. kafkajs puts
 * every record of a partition in one record batch and never splits it, and a broker refuses a
 * batch over the topic's `max.message.bytes` (1 MiB by default) with MESSAGE_TOO_LARGE, so a
 * commit of a busy task (thousands of records per partition) failed again at every retry. Here
 * each partition's records are cut, in order, into batches under its topic's limit, and batch k of
 * every partition goes into request k: requests are sent one after another, so the records of a
 * partition keep their order, and no request holds two batches of one partition (kafkajs would
 * merge them). A request's batches also stay under `maxRequestBytes` in total.
 */
import type { Message } from 'kafkajs';
import { WeirError } from '../../errors/weir-error';
import type { ProducedRecord } from '../log';
import { RECORD_BATCH_OVERHEAD, recordBytesWithoutTimestamp, varlongBytes } from '../record-size';

export interface ProduceBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: Message[];
  /** Upper bound of the encoded record batch (see record-size.ts). */
  readonly bytes: number;
}

export interface ProduceRequest {
  readonly batches: readonly ProduceBatch[];
  /** Sum of the batches' bytes. */
  readonly bytes: number;
}

export interface SplitOptions {
  /** Largest record batch a topic accepts: its `max.message.bytes`. */
  readonly maxBatchBytes: (topic: string) => number;
  /** Partition of a record that names none (the default partitioner's choice). */
  readonly partitionOf: (record: ProducedRecord) => number;
  /** Cap of the batches' sum in one request (the broker refuses requests over `socket.request.max.bytes`). */
  readonly maxRequestBytes: number;
}

interface OpenBatch {
  readonly topic: string;
  readonly partition: number;
  messages: Message[];
  /** Sum of the records' bytes without their timestamp deltas. */
  base: number;
  minTimestamp: number;
  maxTimestamp: number;
  bytes: number;
}

/**
 * Requests for `records`, in order. A record that does not fit in a batch of its own is refused
 * with RECORD_TOO_LARGE (the engine sends such records to the dead-letter topic before they get here).
 */
export function splitIntoRequests(records: readonly ProducedRecord[], options: SplitOptions): ProduceRequest[] {
  const byPartition = new Map<string, ProduceBatch[]>();
  const open = new Map<string, OpenBatch>();
  for (const record of records) {
    const partition = record.partition ?? options.partitionOf(record);
    const id = `${record.topic}\u0000${partition}`;
    let batches = byPartition.get(id);
    if (!batches) byPartition.set(id, (batches = []));
    const limit = options.maxBatchBytes(record.topic);
    let batch = open.get(id);
    if (batch && !tryAdd(batch, record, limit)) {
      batches.push(close(batch));
      batch = undefined;
    }
    if (!batch) {
      batch = { topic: record.topic, partition, messages: [], base: 0, minTimestamp: record.timestamp, maxTimestamp: record.timestamp, bytes: RECORD_BATCH_OVERHEAD };
      open.set(id, batch);
      if (!tryAdd(batch, record, limit)) {
        const bytes = RECORD_BATCH_OVERHEAD + recordBytesWithoutTimestamp(record, 0) + 1;
        throw new WeirError('RECORD_TOO_LARGE', `record of ${bytes} bytes (as a record batch) exceeds max.message.bytes=${limit} of its topic`, { topic: record.topic, partition, bytes, limit });
      }
    }
  }
  for (const [id, batch] of open) byPartition.get(id)!.push(close(batch));
  return toRequests([...byPartition.values()], options.maxRequestBytes);
}

function tryAdd(batch: OpenBatch, record: ProducedRecord, limit: number): boolean {
  const bytes = recordBytesWithoutTimestamp(record, batch.messages.length);
  const minTimestamp = Math.min(batch.minTimestamp, record.timestamp);
  const maxTimestamp = Math.max(batch.maxTimestamp, record.timestamp);
  // kafkajs writes each record's timestamp as a delta from one of the batch's timestamps: at most max - min.
  const size = RECORD_BATCH_OVERHEAD + batch.base + bytes + (batch.messages.length + 1) * varlongBytes(maxTimestamp - minTimestamp);
  if (size > limit) return false;
  batch.messages.push({ key: record.key, value: record.value, partition: batch.partition, timestamp: String(record.timestamp), headers: record.headers });
  batch.base += bytes;
  batch.minTimestamp = minTimestamp;
  batch.maxTimestamp = maxTimestamp;
  batch.bytes = size;
  return true;
}

function close(batch: OpenBatch): ProduceBatch {
  return { topic: batch.topic, partition: batch.partition, messages: batch.messages, bytes: batch.bytes };
}

/** Round k takes batch k of every partition; a request never holds two batches of one partition. */
function toRequests(partitions: ProduceBatch[][], maxRequestBytes: number): ProduceRequest[] {
  const requests: ProduceRequest[] = [];
  let current: ProduceBatch[] = [];
  let bytes = 0;
  let members = new Set<ProduceBatch[]>();
  const rounds = Math.max(0, ...partitions.map((p) => p.length));
  for (let round = 0; round < rounds; round++) {
    for (const batches of partitions) {
      const batch = batches[round];
      if (!batch) continue;
      if (current.length > 0 && (members.has(batches) || bytes + batch.bytes > maxRequestBytes)) {
        requests.push({ batches: current, bytes });
        current = [];
        bytes = 0;
        members = new Set();
      }
      current.push(batch);
      bytes += batch.bytes;
      members.add(batches);
    }
  }
  if (current.length > 0) requests.push({ batches: current, bytes });
  return requests;
}

/** A request as kafkajs' `sendBatch` takes it: messages grouped by topic, partitions explicit. */
export function toTopicMessages(request: ProduceRequest): Array<{ topic: string; messages: Message[] }> {
  const byTopic = new Map<string, Message[]>();
  for (const batch of request.batches) {
    const messages = byTopic.get(batch.topic);
    if (messages) for (const m of batch.messages) messages.push(m);
    else byTopic.set(batch.topic, batch.messages.slice());
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** The largest batch of a request, to name in an error. */
export function largestBatch(request: ProduceRequest): ProduceBatch | undefined {
  let largest: ProduceBatch | undefined;
  for (const batch of request.batches) if (!largest || batch.bytes > largest.bytes) largest = batch;
  return largest;
}
