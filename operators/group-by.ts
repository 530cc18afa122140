import type { KGroupedStream } from '../topology/kgrouped-stream';
import type { KStream } from '../topology/kstream';
import { groupByKey, type GroupedOptions } from './group-by-key';
import { selectKey } from './select-key';

/**
 * Groups by a key computed from each record; the aggregation that follows repartitions by it.
 *
 * ```ts
 * events.pipe(groupBy((_k, e) => `${e.service}|${e.operation}`, { keySerde: stringSerde }))
 * ```
 */
export function groupBy<K, V, KR>(selector: (key: K, value: V) => KR, options: GroupedOptions<KR, V> & { name?: string } = {}) {
  return (stream: KStream<K, V>): KGroupedStream<KR, V> =>
    groupByKey<KR, V>(options)(selectKey<K, V, KR>(selector, { name: options.name ?? stream.graph.uniqueName('groupBy') })(stream));
}
