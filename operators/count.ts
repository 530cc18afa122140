import type { KGroupedStream, TimeWindowedKStream } from '../topology/kgrouped-stream';
import type { KTable } from '../topology/ktable';
import type { Aggregator } from '../topology/aggregator';
import type { KeyValueStore } from '../state/key-value-store';
import type { Windowed, WindowStore } from '../state/window-store';
import { aggregate, type AggregateOptions } from './aggregate';

const counter: Aggregator<unknown, unknown, number> = {
  initialize: () => 0,
  aggregate: (_key, _value, count) => count + 1,
  merge: (a, b) => a + b,
};

/**
 * Counts records per key (and window).
 *
 * ```ts
 * events.pipe(groupBy((_k, e) => e.service), windowedBy(tumbling(60_000)), count({ store: countStore }))
 * ```
 */
export function count<K, V>(options: AggregateOptions<WindowStore<K, number>>): (windowed: TimeWindowedKStream<K, V>) => KTable<Windowed<K>, number>;
export function count<K, V>(options: AggregateOptions<KeyValueStore<K, number>>): (grouped: KGroupedStream<K, V>) => KTable<K, number>;
export function count<K, V>(options: AggregateOptions<WindowStore<K, number> | KeyValueStore<K, number>>) {
  return aggregate(counter as Aggregator<K, V, number>, options as AggregateOptions<WindowStore<K, number>>) as (
    input: TimeWindowedKStream<K, V> | KGroupedStream<K, V>,
  ) => KTable<Windowed<K>, number> | KTable<K, number>;
}
