/**
 * Reads what a topology wrote to an output topic, as a user's consumer would: from the last
 * position to the end offset of every partition, decoding each batch with the topic's serde
 * (registry lookups once per batch). The demo polls it to show rollups and alerts as they land.
 */
import type { LogClient, PartitionReader } from '../runtime/log';
import type { Serde } from '../serdes/serde';

export class TopicTail<V> {
  private readonly positions: number[] = [];
  private readonly reader: PartitionReader;
  private polling: Promise<number> | undefined;
  /** Records read so far. */
  count = 0;

  constructor(
    private readonly log: LogClient,
    readonly topic: string,
    private readonly serde: Serde<V>,
    private readonly onValue: (value: V) => void,
  ) {
    this.reader = log.partitionReader({ readCommitted: false });
  }

  /** Reads everything new; concurrent calls share one pass. Resolves with the number of records read. */
  poll(): Promise<number> {
    this.polling ??= this.readNew().finally(() => (this.polling = undefined));
    return this.polling;
  }

  async close(): Promise<void> {
    await this.polling;
    await this.reader.close();
  }

  private async readNew(): Promise<number> {
    const admin = this.log.admin();
    const partitions = (await admin.partitionCount(this.topic)) ?? 0;
    let read = 0;
    for (let partition = 0; partition < partitions; partition++) {
      const from = this.positions[partition] ?? 0;
      const to = await admin.endOffset({ topic: this.topic, partition });
      if (to <= from) continue;
      for await (const batch of this.reader.read({ topic: this.topic, partition }, from, to)) {
        const payloads = batch.map((r) => r.value);
        await this.serde.prepareBatch?.(this.topic, payloads);
        for (const payload of payloads) this.onValue(this.serde.deserialize(this.topic, payload));
        read += batch.length;
      }
      this.positions[partition] = to;
    }
    this.count += read;
    return read;
  }
}
