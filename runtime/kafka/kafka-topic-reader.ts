/**
 * Reads whole topics on Kafka for global tables, outside the application's consumer group and
 * without committing. kafkajs has no manual assignment, so the reader is the only member of a group
 * of its own (`<clientId>-global-<pid>-<n>`): it is given every partition of the topics, seeks each
 * to its start offset when it joins, and never commits; the group is deleted when it stops.
 */
import type { Consumer, Kafka } from 'kafkajs';
import type { TopicPartitionOffset, TopicReader, TopicReaderBatch } from '../log';
import type { Logger } from '../logger';
import { kafkaHeaders } from './kafka-partition-reader';

let readers = 0;

export class KafkaTopicReader implements TopicReader {
  private consumer: Consumer | undefined;
  private groupId = '';
  private stopping: Promise<void> | undefined;
  private release: (() => void) | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly rawAdmin: ReturnType<Kafka['admin']>,
    private readonly options: { readCommitted: boolean; clientId: string; maxBytesPerPartition: number },
    private readonly logger: Logger,
  ) {}

  async run(start: readonly TopicPartitionOffset[], onBatch: (batch: TopicReaderBatch) => Promise<void>): Promise<void> {
    this.groupId = `${this.options.clientId}-global-${process.pid}-${++readers}`;
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: !this.options.readCommitted,
      maxBytesPerPartition: this.options.maxBytesPerPartition,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    const startAt = new Map(start.map((p) => [`${p.topic}:${p.partition}`, p.offset]));
    const positions = new Map<string, number>();
    const advance = async (topic: string, partition: number, next: number, records: TopicReaderBatch['records']): Promise<void> => {
      const id = `${topic}:${partition}`;
      const from = startAt.get(id);
      if (from === undefined) return;
      const position = positions.get(id) ?? from;
      const fresh = records.filter((r) => r.offset >= position);
      if (next <= position && fresh.length === 0) return;
      positions.set(id, Math.max(position, next));
      await onBatch({ topic, partition, records: fresh, nextOffset: Math.max(position, next) });
    };
    let failure: unknown;
    const finished = new Promise<void>((resolve) => (this.release = resolve));
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(start.map((p) => p.topic))], fromBeginning: true });
    // A rejoin (after a session timeout) resumes where the reader stood, not from the start.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const p of start) consumer.seek({ topic: p.topic, partition: p.partition, offset: String(positions.get(`${p.topic}:${p.partition}`) ?? p.offset) });
    });
    // Batches made only of transaction markers or aborted records reach no handler, only this event.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      advance(payload.topic, payload.partition, Number(payload.lastOffset) + 1, []).catch((error) => {
        failure = error;
        this.release?.();
      });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts the consumer itself after a retriable error.
      if (payload.restart) return;
      failure = payload.error;
      this.release?.();
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, isStale }) => {
        if (isStale()) return;
        const records = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: Number(m.offset),
          key: m.key ?? null,
          value: m.value ?? null,
          timestamp: Number(m.timestamp),
          headers: kafkaHeaders(m.headers),
        }));
        await advance(batch.topic, batch.partition, Number(batch.lastOffset()) + 1, records);
      },
    });
    await finished;
    if (failure && !this.stopping) throw failure;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.consumer?.disconnect().catch(() => {});
      this.release?.();
      if (this.groupId) await this.rawAdmin.deleteGroups([this.groupId]).catch((error) => this.logger.log('debug', 'could not delete global reader group', { groupId: this.groupId, error }));
    })();
    return this.stopping;
  }
}
