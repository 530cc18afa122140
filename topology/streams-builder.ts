import { TopologyGraph, type TimestampExtractor } from './topology-graph';
import { KStream } from './kstream';
import { KTable } from './ktable';
import { GlobalKTable } from './global-ktable';
import { WeirError } from '../errors/weir-error';
import { Topology } from './topology';
import type { Serde } from '../serdes/serde';
import type { StreamRecord } from './record';
import type { Counter, Processor, ProcessorContext } from './processor';
import type { KeyValueStore } from '../state/key-value-store';
import type { StoreSupplier } from '../state/state-store';

export interface SourceOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /** Event time of each record; default: the record's own timestamp. */
  readonly timestampExtractor?: TimestampExtractor<K, V>;
  /** Node name; default `source-<topic>`. */
  readonly name?: string;
}

export interface TableOptions<K, V> extends SourceOptions<K, V> {
  /** Store holding the latest value per key; it must be a key-value store supplier. */
  readonly store: StoreSupplier<KeyValueStore<K, V>>;
}

export interface GlobalTableOptions<K, V> extends Omit<SourceOptions<K, V>, 'name'> {
  /** Name of the global store (what processors pass to `getStateStore`); default `<topic>-global`. */
  readonly storeName?: string;
  /**
   * How long before a key's latest version its older versions stay readable (reads as of an earlier
   * time). Default one day.
   */
  readonly historyRetentionMs?: number;
}

const DAY = 86_400_000;

const recordTimestamp: TimestampExtractor<unknown, unknown> = (_k, _v, ts) => ts;

/**
 * Entry point of the DSL (Kafka Streams' StreamsBuilder): streams and tables from topics; `build()`
 * returns the Topology that describe(), the test driver and the runtimes read.
 *
 * ```ts
 * const builder = new StreamsBuilder();
 * builder.stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<WideEvent>() })
 *   .pipe(filter((k, v) => v.status_code >= 500), to('errors'));
 * const topology = builder.build();
 * ```
 */
export class StreamsBuilder {
  readonly graph = new TopologyGraph();

  stream<K, V>(topic: string, options: SourceOptions<K, V>): KStream<K, V> {
    const name = this.addSource(options.name ?? `source-${topic}`, topic, options);
    return new KStream<K, V>(this.graph, name, { keySerde: options.keySerde, valueSerde: options.valueSerde }, false);
  }

  /** The latest value per key of a topic, co-partitioned with the streams it is joined with. */
  table<K, V>(topic: string, options: TableOptions<K, V>): KTable<K, V> {
    const store = options.store;
    this.graph.addStore(store);
    const name = this.addSource(options.name ?? `table-${topic}`, topic, options, store.name);
    const materializer = `${name}-materialize`;
    this.graph.add({
      kind: 'processor',
      name: materializer,
      operator: 'table',
      supplier: () => new TableMaterializer<unknown, unknown>(store.name),
      stores: [store.name],
      children: [],
    });
    this.graph.connect(name, materializer);
    return new KTable<K, V>(this.graph, materializer, store.name, { keySerde: options.keySerde, valueSerde: options.valueSerde });
  }

  /**
   * A GlobalKTable of `topic` (Kafka Streams' `globalTable`): every replica reads all partitions of
   * the topic into an in-memory versioned store, restores it from the beginning before its tasks
   * start, and applies new records as they arrive. No task owns it and it has no changelog: the
   * topic (compacted, usually) is its changelog.
   *
   * When updates become visible: each update is a version stamped with its record's event time
   * (the timestamp extractor), and a processor reads the table as of the record it is processing
   * (`join` as of the stream record's timestamp; `getStateStore` reads as of the current record,
   * stream time in punctuators). A record at time t sees every update with timestamp <= t that the
   * replica has read, and none after t, even when the table was restored or read further ahead
   * (a replay after a restart sees what it saw the first time, within `historyRetentionMs`). An
   * update the replica has not read yet is not visible: the global reader applies records as they
   * arrive, without holding the tasks (as Kafka Streams' global thread); it is caught up at start.
   *
   * ```ts
   * const deployments = builder.globalTable('deployments', { keySerde: stringSerde, valueSerde: jsonSerde<Deployment>() });
   * events.pipe(join(deployments, (_key, e) => e.service, (e, d) => ({ ...e, version: d.version })));
   * ```
   */
  globalTable<K, V>(topic: string, options: GlobalTableOptions<K, V>): GlobalKTable<K, V> {
    const name = options.storeName ?? `${topic}-global`;
    const historyRetentionMs = options.historyRetentionMs ?? DAY;
    if (!(historyRetentionMs >= 0)) throw new WeirError('INVALID_CONFIG', 'historyRetentionMs must be a number of ms >= 0', { store: name, option: 'historyRetentionMs', value: historyRetentionMs });
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new WeirError('INVALID_CONFIG', 'store name must use only letters, digits, ".", "_" and "-"', { store: name, option: 'storeName' });
    this.graph.addGlobalStore({
      name,
      topic,
      keySerde: options.keySerde as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
      timestampExtractor: (options.timestampExtractor ?? recordTimestamp) as TimestampExtractor<unknown, unknown>,
      historyRetentionMs,
    });
    return new GlobalKTable<K, V>(this.graph, name, topic, { keySerde: options.keySerde, valueSerde: options.valueSerde });
  }

  private addSource<K, V>(name: string, topic: string, options: SourceOptions<K, V>, materializedAs?: string): string {
    this.graph.add({
      kind: 'source',
      name,
      topic,
      internal: false,
      keySerde: options.keySerde as Serde<unknown>,
      valueSerde: options.valueSerde as Serde<unknown>,
      timestampExtractor: (options.timestampExtractor ?? recordTimestamp) as TimestampExtractor<unknown, unknown>,
      materializedAs,
      children: [],
    });
    return name;
  }

  build(): Topology {
    return new Topology(this.graph);
  }
}

/** Upserts each record (a null value deletes) and forwards it as the table's update. */
class TableMaterializer<K, V> implements Processor<K, V> {
  private store!: KeyValueStore<K, V>;
  private context!: ProcessorContext<K, V>;
  constructor(private readonly storeName: string) {}
  private skipped!: Counter;
  init(context: ProcessorContext<K, V>): void {
    this.context = context;
    this.skipped = context.metrics.counter('table-null-key-skipped', { droppedRecords: true, description: 'table records with a null key, skipped' });
    this.store = context.getStateStore<KeyValueStore<K, V>>(this.storeName);
  }
  process(record: StreamRecord<K, V>): void {
    if (record.key === null || record.key === undefined) {
      this.skipped.increment();
      return;
    }
    if (record.value === null || record.value === undefined) this.store.delete(record.key);
    else this.store.put(record.key, record.value);
    this.context.forward(record);
  }
}
