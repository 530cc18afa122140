/**
 * Reads a partition range on Kafka without joining the application's group: changelog restoration
 * and table bootstrap. kafkajs has no manual assignment, so each read runs a consumer in a
 * throwaway group of its own (`<clientId>-reader-<n>`), alone in it, seeks the partition to `from`,
 * and stops once it has passed `to`; the group is deleted afterwards.
 *
 * Progress is tracked with kafkajs' batch events as well as with records, because the last
 * offsets of a transactional partition are commit markers that no record carries.
 */
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import type { ConsumedRecord, LogHeaders, PartitionReader, TopicPartition } from '../log';
import type { Logger } from '../logger';
import type { KafkaAdmin } from './kafka-admin';

let readers = 0;

/** kafkajs headers (possibly repeated, possibly strings) as weir's: the last value of each, as bytes. */
export function kafkaHeaders(headers: IHeaders | undefined): LogHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, Buffer.from(Array.isArray(v) ? v[v.length - 1] : v)]])));
}

export class KafkaPartitionReader implements PartitionReader {
  private readonly consumers = new Set<Consumer>();
  private readonly cleanups = new Set<Promise<void>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: KafkaAdmin,
    private readonly rawAdmin: ReturnType<Kafka['admin']>,
    private readonly options: { readCommitted: boolean; clientId: string; maxBytesPerPartition: number },
    private readonly logger: Logger,
  ) {}

  async *read(tp: TopicPartition, from: number, to?: number): AsyncIterable<readonly ConsumedRecord[]> {
    const end = to ?? (await this.admin.endOffset(tp));
    const start = Math.max(from, await this.admin.beginningOffset(tp));
    if (start >= end) return;
    const groupId = `${this.options.clientId}-reader-${process.pid}-${++readers}`;
    const consumer = this.kafka.consumer({
      groupId,
      readUncommitted: !this.options.readCommitted,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      // Stopping waits for the fetch in flight, which long-polls this long once the range is read.
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    this.consumers.add(consumer);
    const queue: ConsumedRecord[][] = [];
    let position = start;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const notify = (): void => { wake?.(); wake = undefined; };
    const advance = (lastOffset: number): void => {
      if (lastOffset + 1 > position) position = lastOffset + 1;
      notify();
    };
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [tp.topic], fromBeginning: true });
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const others = (payload.memberAssignment[tp.topic] ?? []).filter((p) => p !== tp.partition);
        if (others.length > 0) consumer.pause([{ topic: tp.topic, partitions: others }]);
        consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(start) });
      });
      // Batches made only of markers or aborted records reach no handler, only this event.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.topic === tp.topic && payload.partition === tp.partition) advance(Number(payload.lastOffset));
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => { failure = payload.error; notify(); });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, isStale }) => {
          if (batch.topic !== tp.topic || batch.partition !== tp.partition || isStale()) return;
          const records = batch.messages
            .map((m) => ({
              topic: tp.topic,
              partition: tp.partition,
              offset: Number(m.offset),
              key: m.key ?? null,
              value: m.value ?? null,
              timestamp: Number(m.timestamp),
              headers: kafkaHeaders(m.headers),
            }))
            .filter((r) => r.offset >= start && r.offset < end);
          if (records.length > 0) queue.push(records);
          advance(Number(batch.lastOffset()));
        },
      });
      for (;;) {
        while (queue.length > 0) yield queue.shift()!;
        if (failure) throw failure;
        if (position >= end) return;
        await new Promise<void>((resolve) => { wake = resolve; });
      }
    } finally {
      // The reader group is left and deleted in the background: restoration goes on at once; close() waits for it.
      const cleanup = (async () => {
        await consumer.disconnect().catch(() => {});
        await this.rawAdmin.deleteGroups([groupId]).catch((error) => this.logger.log('debug', 'could not delete reader group', { groupId, error }));
      })();
      this.cleanups.add(cleanup);
      void cleanup.finally(() => {
        this.consumers.delete(consumer);
        this.cleanups.delete(cleanup);
      });
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.cleanups]);
    await Promise.all([...this.consumers].map((c) => c.disconnect().catch(() => {})));
  }
}
