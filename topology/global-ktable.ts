import type { TopologyGraph } from './topology-graph';
import type { StreamSerdes } from './kstream';

/**
 * A table replicated on every replica (Kafka Streams' GlobalKTable): all partitions of its topic,
 * restored before any task processes and kept up to date while running. Streams of any
 * partitioning join it through a key mapper, without a repartition; processors read its store
 * (`context.getStateStore(table.store)`). Reads are as of the reading record's timestamp: see
 * `StreamsBuilder.globalTable`.
 */
export class GlobalKTable<K, V> {
  constructor(
    readonly graph: TopologyGraph,
    /** Name of the global store holding the table. */
    readonly store: string,
    readonly topic: string,
    readonly serdes: StreamSerdes<K, V>,
  ) {}
}
