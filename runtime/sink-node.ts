import type { SinkNode } from '../topology/topology-graph';
import type { StreamRecord } from '../topology/record';
import type { RuntimeNode } from './processor-node';
import type { NodeMetrics } from './metrics/node-metrics';
import { recordSize, toLogHeaders, tooLarge, type RecordCollector } from './record-collector';
import { singleRecordBatchBytes } from './record-size';

/**
 * Serializes records for a topic into the task's collector; unserializable ones, and ones over
 * `maxRecordBytes` or over what the topic accepts in a record batch (`max.message.bytes`, which a
 * broker would refuse and so block the task's commit), go to the dead-letter topic.
 */
export class SinkRuntimeNode implements RuntimeNode {
  readonly name: string;

  constructor(
    private readonly node: SinkNode,
    /** Full topic name (internal topics carry the application id). */
    private readonly topic: string,
    private readonly collector: RecordCollector,
    private readonly maxRecordBytes: number,
    /** The topic's `max.message.bytes`, when the log has one. */
    private readonly maxMessageBytes: number | undefined,
    private readonly onFailure: (record: { key: Buffer | null; value: Buffer | null; timestamp: number }, error: unknown, where: string) => void,
    private readonly metrics: NodeMetrics,
  ) {
    this.name = node.name;
  }

  process(record: StreamRecord<unknown, unknown>): void {
    this.metrics.processed++;
    let key: Buffer | null;
    let value: Buffer | null;
    try {
      key = this.node.keySerde.serialize(this.topic, record.key);
      value = this.node.valueSerde.serialize(this.topic, record.value);
    } catch (error) {
      this.onFailure({ key: null, value: Buffer.from(safeJson(record.value)), timestamp: record.timestamp }, error, this.name);
      return;
    }
    const size = recordSize({ key, value });
    if (size > this.maxRecordBytes) {
      this.onFailure({ key, value: null, timestamp: record.timestamp }, tooLarge(this.topic, size, this.maxRecordBytes), this.name);
      return;
    }
    const headers = toLogHeaders(record.headers);
    if (this.maxMessageBytes !== undefined) {
      const batchBytes = singleRecordBatchBytes({ key, value, headers });
      if (batchBytes > this.maxMessageBytes) {
        this.onFailure({ key, value: null, timestamp: record.timestamp }, tooLarge(this.topic, batchBytes, this.maxMessageBytes, 'max.message.bytes'), this.name);
        return;
      }
    }
    this.collector.add({ topic: this.topic, key, value, timestamp: record.timestamp, headers });
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
}
