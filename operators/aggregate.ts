import { KGroupedStream, TimeWindowedKStream } from '../topology/kgrouped-stream';
import { KTable } from '../topology/ktable';
import { repartitionIfRequired } from '../topology/repartition';
import type { Aggregator } from '../topology/aggregator';
import type { Counter, Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { KeyValueStore } from '../state/key-value-store';
import type { StateStore, StoreSupplier } from '../state/state-store';
import type { Windowed, WindowStore } from '../state/window-store';
import { WindowedAggregateProcessor, type WindowedAggregateConfig } from './windowed-aggregate-processor';

export interface AggregateOptions<S extends StateStore> {
  /** The store holding the aggregates; its name names the processor, changelog and repartition topic. */
  readonly store: StoreSupplier<S>;
}

/**
 * Folds a grouped (optionally windowed) stream into a table of aggregates kept in a named store.
 * Windowed: one aggregate per (key, window), emitted on every update unless followed by
 * `suppress(untilWindowCloses())`, which emits only the final result of each window.
 *
 * ```ts
 * events.pipe(
 *   groupBy((_k, e) => e.service),
 *   windowedBy(tumbling(60_000, { grace: 5_000 })),
 *   aggregate(rollupAggregator, { store: Stores.window('rollup-1m', { ... }) }),
 *   suppress(untilWindowCloses()),
 * )
 * ```
 */
export function aggregate<K, V, A, R = A>(
  aggregator: Aggregator<K, V, A, R>,
  options: AggregateOptions<WindowStore<K, A>>,
): (windowed: TimeWindowedKStream<K, V>) => KTable<Windowed<K>, R>;
export function aggregate<K, V, A, R = A>(
  aggregator: Aggregator<K, V, A, R>,
  options: AggregateOptions<KeyValueStore<K, A>>,
): (grouped: KGroupedStream<K, V>) => KTable<K, R>;
export function aggregate<K, V, A, R>(aggregator: Aggregator<K, V, A, R>, options: AggregateOptions<WindowStore<K, A> | KeyValueStore<K, A>>) {
  return (input: TimeWindowedKStream<K, V> | KGroupedStream<K, V>): KTable<Windowed<K>, R> | KTable<K, R> => {
    const storeName = options.store.name;
    const stream = repartitionIfRequired(input.stream, storeName);
    stream.graph.addStore(options.store);
    if (input instanceof TimeWindowedKStream) {
      const windows = input.windows;
      const config: WindowedAggregateConfig = { emit: 'on-update' };
      const out = stream.addProcessor<Windowed<K>, R>({
        operator: 'aggregate',
        name: storeName,
        stores: [storeName],
        detail: `${windows.describe()}, emit on update`,
        supplier: () => new WindowedAggregateProcessor<K, V, A, R>(storeName, windows, aggregator, config),
      });
      return new KTable<Windowed<K>, R>(stream.graph, out.node, storeName, {}, windows, config);
    }
    const out = stream.addProcessor<K, R>({
      operator: 'aggregate',
      name: storeName,
      stores: [storeName],
      serdes: { keySerde: stream.serdes.keySerde },
      supplier: () => new KeyValueAggregateProcessor<K, V, A, R>(storeName, aggregator),
    });
    return new KTable<K, R>(stream.graph, out.node, storeName, { keySerde: stream.serdes.keySerde });
  };
}

class KeyValueAggregateProcessor<K, V, A, R> implements Processor<K, V, K, R> {
  private context!: ProcessorContext<K, R>;
  private skipped!: Counter;
  private store!: KeyValueStore<K, A>;
  constructor(
    private readonly storeName: string,
    private readonly aggregator: Aggregator<K, V, A, R>,
  ) {}
  init(context: ProcessorContext<K, R>): void {
    this.context = context;
    this.skipped = context.metrics.counter('skipped-null-key-or-value', { droppedRecords: true, description: 'records with a null key or value, skipped as Kafka Streams does' });
    this.store = context.getStateStore<KeyValueStore<K, A>>(this.storeName);
  }
  process(record: StreamRecord<K, V>): void {
    if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
      this.skipped.increment();
      return;
    }
    const updated = this.aggregator.aggregate(record.key, record.value, this.store.get(record.key) ?? this.aggregator.initialize());
    this.store.put(record.key, updated);
    const value = this.aggregator.result ? this.aggregator.result(updated, record.key) : (updated as unknown as R);
    this.context.forward({ key: record.key, value, timestamp: record.timestamp, headers: record.headers });
  }
}
