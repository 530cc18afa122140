import { KGroupedStream } from '../topology/kgrouped-stream';
import { KStream } from '../topology/kstream';
import { groupByKey, type GroupedOptions } from './group-by-key';
import { selectKey } from './select-key';

export interface GroupByOptions<K, V> extends GroupedOptions<K, V> {
  /** Name of the key-selecting node. */
  readonly name?: string;
  /**
   * Set to false only when the new key refines the current partitioning: every record with the
   * same new key is already in one partition (records keyed by `service`, grouped by
   * `service|operation`). The aggregation then runs without a repartition topic. Default true.
   */
  readonly repartition?: boolean;
}

/**
 * Groups by a key computed from each record; the aggregation that follows repartitions by it.
 *
 * ```ts
 * events.pipe(groupBy((_k, e) => `${e.service}|${e.operation}`, { keySerde: stringSerde }))
 * ```
 */
export function groupBy<K, V, KR>(selector: (key: K, value: V) => KR, options: GroupByOptions<KR, V> = {}) {
  return (stream: KStream<K, V>): KGroupedStream<KR, V> => {
    const rekeyed = selectKey<K, V, KR>(selector, { name: options.name ?? stream.graph.uniqueName('groupBy'), keySerde: options.keySerde })(stream);
    if (options.repartition !== false) return groupByKey<KR, V>(options)(rekeyed);
    const serdes = { keySerde: options.keySerde, valueSerde: options.valueSerde ?? stream.serdes.valueSerde };
    return new KGroupedStream(new KStream<KR, V>(rekeyed.graph, rekeyed.node, serdes, stream.repartitionRequired));
  };
}
