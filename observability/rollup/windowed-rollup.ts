import type { KGroupedStream } from '../../topology/kgrouped-stream';
import type { KTable } from '../../topology/ktable';
import type { Serde } from '../../serdes/serde';
import type { TimeWindows } from '../../topology/windows';
import type { Windowed } from '../../state/window-store';
import { Stores } from '../../state/stores';
import { aggregate } from '../../operators/aggregate';
import { suppress, untilWindowCloses } from '../../operators/suppress';
import { windowedBy } from '../../operators/windowed-by';
import { rollupAggregator, rollupStateSerde, type RollupFields, type RollupStats } from './rollup-aggregator';

export interface WindowedRollupOptions<K, V> extends RollupFields<V> {
  /** Names the store, its changelog and the processor: keep it stable (`rollup-1m-service-operation`). */
  readonly name: string;
  readonly windows: TimeWindows;
  readonly keySerde: Serde<K>;
  /** RocksDB-backed (default) or memory-only window store. */
  readonly persistent?: boolean;
}

/**
 * Per key and window: count, error count, sum, min, max, mean of a numeric field, and p50/p95/p99
 * from a t-digest, emitted once when the window closes (stream time >= end + grace).
 *
 * ```ts
 * events.pipe(
 *   groupBy((_k, e) => `${e.service}|${e.operation}`, { keySerde: stringSerde }),
 *   windowedRollup({ name: 'rollup-1m', windows: tumbling(60_000, { grace: 10_000 }), keySerde: stringSerde,
 *                    value: (e) => e.duration_ms, isError: (e) => e.status_code >= 500 }),
 *   toStream(),
 *   to('rollups-1m'),
 * )
 * ```
 */
export function windowedRollup<K, V>(options: WindowedRollupOptions<K, V>) {
  return (grouped: KGroupedStream<K, V>): KTable<Windowed<K>, RollupStats> => {
    const store = Stores.window<K, ReturnType<typeof rollupStateSerde.deserialize>>(options.name, {
      keySerde: options.keySerde,
      valueSerde: rollupStateSerde,
      retentionMs: options.windows.sizeMs + options.windows.graceMs,
      persistent: options.persistent,
    });
    return grouped.pipe(
      windowedBy(options.windows),
      aggregate(rollupAggregator<K, V>(options), { store }),
      suppress(untilWindowCloses()),
    );
  };
}
