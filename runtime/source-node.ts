import { WeirError } from '../errors/weir-error';
import type { SourceNode } from '../topology/topology-graph';
import type { StreamRecord } from '../topology/record';
import type { ConsumedRecord } from './log';
import type { RuntimeNode } from './processor-node';
import type { NodeMetrics } from './metrics/node-metrics';
import type { TimestampGuard } from './timestamp-guard';

/** Turns consumed bytes into typed records with their event time; bad records are handed to `onUndecodable`. */
export class SourceRuntimeNode {
  private children: RuntimeNode[] = [];

  constructor(
    readonly node: SourceNode,
    /** Full topic name (internal topics carry the application id). */
    readonly topic: string,
    private readonly onUndecodable: (record: ConsumedRecord, error: unknown) => void,
    private readonly metrics: NodeMetrics,
    private readonly timestamps: TimestampGuard,
  ) {}

  get name(): string {
    return this.node.name;
  }

  connect(children: RuntimeNode[]): void {
    this.children = children;
  }

  /** Serdes that resolve schema ids per batch do it here, before any record of the batch is processed. */
  async prepareBatch(records: readonly ConsumedRecord[]): Promise<void> {
    const { keySerde, valueSerde } = this.node;
    if (keySerde.prepareBatch) await keySerde.prepareBatch(this.topic, records.map((r) => r.key));
    if (valueSerde.prepareBatch) await valueSerde.prepareBatch(this.topic, records.map((r) => r.value));
  }

  /** Decodes one record; returns it, or undefined after handing it to the dead-letter path. */
  decode(record: ConsumedRecord, partitionTime: number): StreamRecord<unknown, unknown> | undefined {
    let key: unknown;
    let value: unknown;
    try {
      key = this.node.keySerde.deserialize(this.topic, record.key);
      value = this.node.valueSerde.deserialize(this.topic, record.value);
    } catch (error) {
      this.onUndecodable(record, error);
      return undefined;
    }
    let timestamp: number;
    try {
      timestamp = this.node.timestampExtractor(key, value, record.timestamp, partitionTime);
    } catch (error) {
      this.onUndecodable(record, new WeirError('DESERIALIZATION_FAILED', 'timestamp extractor failed', { topic: this.topic, partition: record.partition, offset: record.offset }, { cause: error }));
      return undefined;
    }
    const refused = this.timestamps.check(timestamp, partitionTime, record);
    if (refused !== undefined) {
      this.onUndecodable(record, refused);
      return undefined;
    }
    return { key, value, timestamp, headers: record.headers };
  }

  forward(record: StreamRecord<unknown, unknown>): void {
    this.metrics.processed++;
    const children = this.children;
    for (let i = 0; i < children.length; i++) children[i].process(record);
  }
}
