/** Reads whole topics of the embedded log outside any group, following appends: global tables. */
import type { TopicPartitionOffset, TopicReader, TopicReaderBatch } from '../log';
import type { EmbeddedCluster } from './embedded-cluster';
import { Signal } from './signal';

const READ_BATCH_RECORDS = 1000;

export class EmbeddedTopicReader implements TopicReader {
  private stopped = false;
  private readonly wake = new Signal();
  private running: Promise<void> | undefined;

  constructor(private readonly cluster: EmbeddedCluster) {}

  run(start: readonly TopicPartitionOffset[], onBatch: (batch: TopicReaderBatch) => Promise<void>): Promise<void> {
    this.running = this.loop(start, onBatch);
    return this.running;
  }

  private async loop(start: readonly TopicPartitionOffset[], onBatch: (batch: TopicReaderBatch) => Promise<void>): Promise<void> {
    const positions = start.map((p) => ({ ...p }));
    const topics = new Set(start.map((p) => p.topic));
    const unsubscribe = this.cluster.onAppend((appended) => {
      for (const t of appended) if (topics.has(t)) return this.wake.notify();
    });
    try {
      while (!this.stopped) {
        let progressed = false;
        for (const p of positions) {
          const log = this.cluster.partitionLog(p);
          const end = log.endOffset;
          if (p.offset >= end) continue;
          const records = log.read(Math.max(p.offset, log.beginningOffset), end, READ_BATCH_RECORDS);
          // Fewer than asked means everything up to the end was read, markers included.
          p.offset = records.length < READ_BATCH_RECORDS ? end : records[records.length - 1].offset + 1;
          await onBatch({ topic: p.topic, partition: p.partition, records, nextOffset: p.offset });
          progressed = true;
        }
        if (!progressed) await this.wake.wait();
      }
    } finally {
      unsubscribe();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.notify();
    await this.running?.catch(() => {});
  }
}
