/**
 * The global stores of one replica (Kafka Streams' GlobalStateManager): one versioned in-memory
 * store per global table, fed with the records of the table's topic by the global stream thread
 * (or the test driver), and read by every task through views that read as of the task's record.
 */
import { WeirError } from '../errors/weir-error';
import type { TopologyGraph, GlobalStoreNode } from '../topology/topology-graph';
import type { GlobalKeyValueStore, VersionedRecord } from '../state/versioned-key-value-store';
import { InMemoryVersionedKeyValueStore } from '../state/memory/in-memory-versioned-key-value-store';
import type { ConsumedRecord, ProducedRecord } from './log';
import type { Logger } from './logger';
import type { DeserializationErrorPolicy } from './streams-config';
import { deadLetterRecord } from './dead-letter';

interface GlobalStoreRuntime {
  readonly node: GlobalStoreNode;
  readonly store: InMemoryVersionedKeyValueStore<unknown, unknown>;
}

export interface GlobalStateManagerOptions {
  readonly graph: TopologyGraph;
  readonly dlqTopic: string;
  readonly deserializationErrorPolicy: DeserializationErrorPolicy;
  readonly logger: Logger;
}

export class GlobalStateManager {
  private readonly stores = new Map<string, GlobalStoreRuntime>();
  private readonly byTopic = new Map<string, GlobalStoreRuntime[]>();
  private deadLetters: ProducedRecord[] = [];
  /** Records applied, and records that could not be decoded. */
  applied = 0;
  undecodable = 0;

  constructor(private readonly options: GlobalStateManagerOptions) {
    for (const node of options.graph.globalStores.values()) {
      const runtime = { node, store: new InMemoryVersionedKeyValueStore(node.name, node.keySerde, node.historyRetentionMs) };
      this.stores.set(node.name, runtime);
      this.byTopic.set(node.topic, [...(this.byTopic.get(node.topic) ?? []), runtime]);
    }
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  has(name: string): boolean {
    return this.stores.has(name);
  }

  /** Serdes that resolve schema ids per batch (Avro) do it before the batch is applied. */
  async prepareBatch(topic: string, records: readonly ConsumedRecord[]): Promise<void> {
    for (const { node } of this.byTopic.get(topic) ?? []) {
      if (node.keySerde.prepareBatch) await node.keySerde.prepareBatch(topic, records.map((r) => r.key));
      if (node.valueSerde.prepareBatch) await node.valueSerde.prepareBatch(topic, records.map((r) => r.value));
    }
  }

  /** Applies records of a global topic, in offset order; a null value deletes. Synchronous, so no task reads a half-applied batch. */
  apply(records: readonly ConsumedRecord[]): void {
    for (const record of records) {
      for (const runtime of this.byTopic.get(record.topic) ?? []) this.applyOne(runtime, record);
    }
  }

  /** Dead-letter records of undecodable updates since the last call, for the caller to send. */
  drainDeadLetters(): ProducedRecord[] {
    const out = this.deadLetters;
    this.deadLetters = [];
    return out;
  }

  /** What a processor of a task reads: the store as of `readTime()`. */
  view(name: string, readTime: () => number): GlobalKeyValueStore<unknown, unknown> {
    const runtime = this.stores.get(name);
    if (!runtime) throw new WeirError('STORE_NOT_FOUND', `no global store named '${name}'`, { store: name });
    const { store } = runtime;
    return {
      name,
      readTime,
      get: (key) => store.get(key, readTime()),
      getAsOf: (key, asOf) => store.get(key, asOf),
      all: () => store.all(readTime()),
      history: (key): VersionedRecord<unknown>[] => store.history(key, readTime()),
      approximateNumEntries: () => store.approximateNumEntries(),
    };
  }

  private applyOne(runtime: GlobalStoreRuntime, record: ConsumedRecord): void {
    const { node, store } = runtime;
    let key: unknown;
    let value: unknown;
    let timestamp: number;
    try {
      key = node.keySerde.deserialize(record.topic, record.key);
      value = record.value === null ? undefined : node.valueSerde.deserialize(record.topic, record.value);
      timestamp = node.timestampExtractor(key, value, record.timestamp, record.timestamp);
      if (!Number.isFinite(timestamp) || timestamp < 0) throw new WeirError('DESERIALIZATION_FAILED', `invalid event timestamp ${timestamp}`, { topic: record.topic, partition: record.partition, offset: record.offset, store: node.name });
      if (key === null || key === undefined) throw new WeirError('DESERIALIZATION_FAILED', 'a global table record needs a key', { topic: record.topic, partition: record.partition, offset: record.offset, store: node.name });
    } catch (error) {
      this.undecodable++;
      const policy = this.options.deserializationErrorPolicy;
      if (policy === 'fail') throw error;
      this.options.logger.log('warn', 'undecodable global table record', { store: node.name, topic: record.topic, partition: record.partition, offset: record.offset, error, policy });
      if (policy === 'dead-letter') this.deadLetters.push(deadLetterRecord(this.options.dlqTopic, record, error, `global-store:${node.name}`));
      return;
    }
    store.put(key, value === null ? undefined : value, timestamp);
    this.applied++;
  }
}
