import type { SinkNode } from '../topology/topology-graph';
import type { StreamRecord } from '../topology/record';
import type { RuntimeNode } from './processor-node';
import type { NodeMetrics } from './metrics/node-metrics';
import { recordSize, toLogHeaders, tooLarge, type RecordCollector } from './record-collector';

/** Serializes records for a topic into the task's collector; too-large or unserializable ones go to the dead-letter topic. */
export class SinkRuntimeNode implements RuntimeNode {
  readonly name: string;

  constructor(
    private readonly node: SinkNode,
    /** Full topic name (internal topics carry the application id). */
    private readonly topic: string,
    private readonly collector: RecordCollector,
    private readonly maxRecordBytes: number,
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
    this.collector.add({ topic: this.topic, key, value, timestamp: record.timestamp, headers: toLogHeaders(record.headers) });
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
}
