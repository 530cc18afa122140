import { KStream } from '../topology/kstream';
import type { KTable } from '../topology/ktable';

/**
 * The table's stream of updates (Kafka Streams' `toStream()`); for a suppressed windowed
 * aggregation, one final record per window.
 *
 * ```ts
 * rollups.pipe(toStream(), to('rollups-1m'))
 * ```
 */
export function toStream<K, V>() {
  return (table: KTable<K, V>): KStream<K, V> => new KStream<K, V>(table.graph, table.node, table.serdes, false);
}
