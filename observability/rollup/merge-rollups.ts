import { KStream } from '../../topology/kstream';
import type { Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { Serde } from '../../serdes/serde';
import type { TimeWindows } from '../../topology/windows';
import type { Windowed } from '../../state/window-store';
import { Stores } from '../../state/stores';
import { mergeRollupStates, rollupStateFromStats, rollupStats, rollupStateSerde, emptyRollupState, type RollupState, type RollupStats } from './rollup-aggregator';
import { WindowedAggregateProcessor } from '../../operators/windowed-aggregate-processor';
import type { Aggregator } from '../../topology/aggregator';

export interface MergeRollupsOptions<K> {
  /** Names the window store, its changelog and the processor (`rollup-5m-service-operation`). */
  readonly name: string;
  /** The coarser windows, e.g. `tumbling(300_000)`; their size must be a multiple of the input's. */
  readonly windows: TimeWindows;
  readonly keySerde: Serde<K>;
  /** RocksDB-backed (default) or memory-only window store. */
  readonly persistent?: boolean;
}

/**
 * Coarser rollups from finer ones: each closed fine window's counters add and its t-digest merges
 * into the coarse window containing it (fine results carry timestamp `end - 1`), so 5-minute and
 * hourly percentiles never re-read raw events. Emits one final result per coarse window on close.
 * The key stays the same, so no repartition is needed.
 *
 * ```ts
 * const oneMinute = events.pipe(groupByKey(), windowedRollup({ name: 'rollup-1m', ... }), toStream());
 * const fiveMinutes = oneMinute.pipe(mergeRollups({ name: 'rollup-5m', windows: tumbling(300_000), keySerde: stringSerde }));
 * ```
 */
export function mergeRollups<K>(options: MergeRollupsOptions<K>) {
  return (fine: KStream<Windowed<K>, RollupStats>): KStream<Windowed<K>, RollupStats> => {
    const store = Stores.window<K, RollupState>(options.name, {
      keySerde: options.keySerde,
      valueSerde: rollupStateSerde,
      retentionMs: options.windows.sizeMs + options.windows.graceMs,
      persistent: options.persistent,
    });
    fine.graph.addStore(store);
    const aggregator: Aggregator<K, RollupStats, RollupState, RollupStats> = {
      initialize: emptyRollupState,
      aggregate: (_key, stats, state) => mergeRollupStates(state, rollupStateFromStats(stats)),
      merge: mergeRollupStates,
      result: rollupStats,
    };
    const out = fine.addProcessor<Windowed<K>, RollupStats>({
      operator: 'mergeRollups',
      name: options.name,
      stores: [options.name],
      detail: `${options.windows.describe()}, merging finer rollups, emit on window close`,
      supplier: () => new UnwindowingProcessor(new WindowedAggregateProcessor<K, RollupStats, RollupState, RollupStats>(options.name, options.windows, aggregator, { emit: 'on-window-close' })),
    });
    return new KStream<Windowed<K>, RollupStats>(out.graph, out.node, {}, false);
  };
}

/** Feeds the windowed aggregate with the fine window's plain key; the partition is the same, so nothing moves. */
class UnwindowingProcessor<K> implements Processor<Windowed<K>, RollupStats, Windowed<K>, RollupStats> {
  constructor(private readonly inner: WindowedAggregateProcessor<K, RollupStats, RollupState, RollupStats>) {}
  init(context: ProcessorContext<Windowed<K>, RollupStats>): void {
    this.inner.init(context);
  }
  process(record: StreamRecord<Windowed<K>, RollupStats>): void {
    this.inner.process({ key: record.key.key, value: record.value, timestamp: record.timestamp, headers: record.headers });
  }
  onEndOfInput(): void {
    this.inner.onEndOfInput();
  }
}
