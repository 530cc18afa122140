import type { Serde } from '../serdes/serde';
import type { LogHeaders, ProducedRecord } from '../runtime/log';
import type { TopologyTestDriver } from './topology-test-driver';

export interface TestRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: LogHeaders;
}

/** Pipes typed records into a source topic of the driver. */
export class TestInputTopic<K, V> {
  constructor(
    private readonly driver: TopologyTestDriver,
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  pipeInput(key: K, value: V, timestamp: number, headers: LogHeaders = {}): void {
    this.driver.pipeRaw(this.topic, [this.serialize(key, value, timestamp, headers)]);
  }

  /** Pipes many records as one batch (as a log delivers them). */
  pipeRecords(records: Iterable<{ key: K; value: V; timestamp: number; headers?: LogHeaders }>): void {
    const raw = [];
    for (const r of records) raw.push(this.serialize(r.key, r.value, r.timestamp, r.headers ?? {}));
    this.driver.pipeRaw(this.topic, raw);
  }

  private serialize(key: K, value: V, timestamp: number, headers: LogHeaders) {
    return { key: this.keySerde.serialize(this.topic, key), value: this.valueSerde.serialize(this.topic, value), timestamp, headers };
  }
}

/** Reads what the topology wrote to a topic; each read consumes the records returned. */
export class TestOutputTopic<K, V> {
  private position = 0;

  constructor(
    readonly topic: string,
    private readonly records: ProducedRecord[],
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  isEmpty(): boolean {
    return this.position >= this.records.length;
  }

  readRecordsToList(): TestRecord<K, V>[] {
    const out = this.records.slice(this.position).map((r) => ({
      key: this.keySerde.deserialize(this.topic, r.key),
      value: this.valueSerde.deserialize(this.topic, r.value),
      timestamp: r.timestamp,
      headers: r.headers,
    }));
    this.position = this.records.length;
    return out;
  }

  readValuesToList(): V[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  readKeyValuesToList(): { key: K; value: V }[] {
    return this.readRecordsToList().map(({ key, value }) => ({ key, value }));
  }
}
