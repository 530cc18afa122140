import type { KGroupedStream, TimeWindowedKStream } from '../topology/kgrouped-stream';
import type { KTable } from '../topology/ktable';
import type { Aggregator } from '../topology/aggregator';
import type { KeyValueStore } from '../state/key-value-store';
import type { Windowed, WindowStore } from '../state/window-store';
import { aggregate, type AggregateOptions } from './aggregate';

/** Marks an empty aggregate so the first value is taken as is. */
const EMPTY = Symbol('empty');

/**
 * Combines the values of a key (and window) with `reducer`; the first value starts the aggregate.
 *
 * ```ts
 * latencies.pipe(groupByKey(), windowedBy(tumbling(60_000)), reduce((a, b) => Math.max(a, b), { store: maxStore }))
 * ```
 */
export function reduce<K, V>(reducer: (aggregate: V, value: V) => V, options: AggregateOptions<WindowStore<K, V>>): (windowed: TimeWindowedKStream<K, V>) => KTable<Windowed<K>, V>;
export function reduce<K, V>(reducer: (aggregate: V, value: V) => V, options: AggregateOptions<KeyValueStore<K, V>>): (grouped: KGroupedStream<K, V>) => KTable<K, V>;
export function reduce<K, V>(reducer: (aggregate: V, value: V) => V, options: AggregateOptions<WindowStore<K, V> | KeyValueStore<K, V>>) {
  const reducing: Aggregator<K, V, V> = {
    initialize: () => EMPTY as unknown as V,
    aggregate: (_key, value, agg) => ((agg as unknown) === EMPTY ? value : reducer(agg, value)),
    merge: (a, b) => reducer(a, b),
  };
  return aggregate(reducing, options as AggregateOptions<WindowStore<K, V>>) as (
    input: TimeWindowedKStream<K, V> | KGroupedStream<K, V>,
  ) => KTable<Windowed<K>, V> | KTable<K, V>;
}
