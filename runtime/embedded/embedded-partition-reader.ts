/** Reads a partition range of the embedded log without joining a group: restoration and table bootstrap. */
import type { ConsumedRecord, PartitionReader, TopicPartition } from '../log';
import type { EmbeddedCluster } from './embedded-cluster';

const READ_BATCH_RECORDS = 1000;

export class EmbeddedPartitionReader implements PartitionReader {
  constructor(private readonly cluster: EmbeddedCluster) {}

  async *read(tp: TopicPartition, from: number, to?: number): AsyncIterable<readonly ConsumedRecord[]> {
    const log = this.cluster.partitionLog(tp);
    const end = to ?? log.endOffset;
    let position = Math.max(from, log.beginningOffset);
    while (position < end) {
      const records = log.read(position, end, READ_BATCH_RECORDS);
      if (records.length === 0) return;
      position = records[records.length - 1].offset + 1;
      yield records;
    }
  }

  async close(): Promise<void> {}
}
