/**
 * A task's input buffer (Kafka Streams' PartitionGroup): one queue per input partition, and the
 * choice of the next record as the one with the lowest timestamp among the queues' heads. A task
 * fed by several partitions (a stream and its tables, or several repartition topics) thus sees its
 * inputs merged in event-time order, whatever order the log delivered the batches in.
 *
 * While a queue is empty but its partition is known to hold more records, the task waits for them
 * (at most `maxTaskIdleMs`, then it goes on without them and counts it), as Kafka Streams does
 * with `max.task.idle.ms`. Timestamps are the log's record timestamps, which weir's producers and
 * repartition sinks set to event time.
 */
import { WeirError } from '../errors/weir-error';
import type { ConsumedRecord, FetchedBatch } from './log';

interface RecordQueue {
  readonly topic: string;
  records: ConsumedRecord[];
  head: number;
  /** Offset after the last record buffered (or the position the task starts from). */
  position: number;
  /** Latest known end offset of the partition. */
  endOffset: number;
}

export interface PartitionGroupOptions {
  readonly maxTaskIdleMs: number;
  /** A queue holding this many records asks for its partition to be paused. */
  readonly maxBufferedPerPartition: number;
  /** Under read_committed the end offset counts one transaction marker past the last record. */
  readonly readCommitted: boolean;
}

export class PartitionGroup {
  private readonly queues: RecordQueue[] = [];
  private readonly byTopic = new Map<string, RecordQueue>();
  private blockedSince: number | undefined;
  /** Times the task went on without a partition that was known to have more records. */
  enforcedProcessing = 0;

  constructor(topics: readonly string[], private readonly options: PartitionGroupOptions) {
    for (const topic of topics) {
      const queue: RecordQueue = { topic, records: [], head: 0, position: 0, endOffset: 0 };
      this.queues.push(queue);
      this.byTopic.set(topic, queue);
    }
  }

  /** Where a partition starts and where it ends now, known when the task is created. */
  initialize(topic: string, position: number, endOffset: number): void {
    const queue = this.queue(topic);
    queue.position = position;
    queue.endOffset = endOffset;
  }

  add(batch: FetchedBatch): void {
    const queue = this.queue(batch.topic);
    if (queue.head > 0 && queue.head === queue.records.length) {
      queue.records = [];
      queue.head = 0;
    }
    for (const record of batch.records) queue.records.push(record);
    if (batch.records.length > 0) queue.position = batch.records[batch.records.length - 1].offset + 1;
    queue.endOffset = Math.max(queue.endOffset, batch.highWatermark);
  }

  buffered(topic: string): number {
    const queue = this.queue(topic);
    return queue.records.length - queue.head;
  }

  isFull(topic: string): boolean {
    return this.buffered(topic) >= this.options.maxBufferedPerPartition;
  }

  /** Latest known end offset of a partition (from its fetched batches). */
  endOffset(topic: string): number {
    return this.queue(topic).endOffset;
  }

  bufferedTotal(): number {
    let n = 0;
    for (const q of this.queues) n += q.records.length - q.head;
    return n;
  }

  /** The next record in timestamp order, or undefined when empty or waiting for a partition known to have more. */
  next(now: number): ConsumedRecord | undefined {
    let best: RecordQueue | undefined;
    let waiting = false;
    for (const queue of this.queues) {
      if (queue.head < queue.records.length) {
        if (best === undefined || queue.records[queue.head].timestamp < best.records[best.head].timestamp) best = queue;
      } else if (this.hasMore(queue)) {
        waiting = true;
      }
    }
    if (best === undefined) {
      this.blockedSince = undefined;
      return undefined;
    }
    if (waiting && this.queues.length > 1) {
      this.blockedSince ??= now;
      if (now - this.blockedSince < this.options.maxTaskIdleMs) return undefined;
      this.enforcedProcessing++;
    } else {
      this.blockedSince = undefined;
    }
    return best.records[best.head++];
  }

  private hasMore(queue: RecordQueue): boolean {
    const markers = this.options.readCommitted ? 1 : 0;
    return queue.endOffset - queue.position > markers;
  }

  private queue(topic: string): RecordQueue {
    const queue = this.byTopic.get(topic);
    if (!queue) throw new WeirError('TOPIC_NOT_FOUND', 'partition group has no queue for the topic', { topic });
    return queue;
  }
}
