import { KGroupedStream } from '../topology/kgrouped-stream';
import { KStream } from '../topology/kstream';
import type { Serde } from '../serdes/serde';

export interface GroupedOptions<K, V> {
  /** Serdes for the repartition topic, if one is needed. */
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
}

/**
 * Groups by the current key. If an earlier operator changed the key, the aggregation that follows
 * repartitions through `<application.id>-<store>-repartition` first.
 *
 * ```ts
 * events.pipe(groupByKey(), windowedBy(tumbling(60_000)), count({ store: countStore }))
 * ```
 */
export function groupByKey<K, V>(options: GroupedOptions<K, V> = {}) {
  return (stream: KStream<K, V>): KGroupedStream<K, V> => {
    const serdes = { keySerde: options.keySerde ?? stream.serdes.keySerde, valueSerde: options.valueSerde ?? stream.serdes.valueSerde };
    return new KGroupedStream(new KStream<K, V>(stream.graph, stream.node, serdes, stream.repartitionRequired));
  };
}
