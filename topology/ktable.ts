import { Pipeable } from './pipeable';
import type { TopologyGraph } from './topology-graph';
import type { StreamSerdes } from './kstream';
import type { TimeWindows } from './windows';

/**
 * A changelog stream read as a table: the latest value per key (Kafka Streams' KTable).
 * `node` emits one record per update; `store` holds the current value per key for joins and queries.
 */
export class KTable<K, V> extends Pipeable {
  constructor(
    readonly graph: TopologyGraph,
    readonly node: string,
    readonly store: string | undefined,
    readonly serdes: StreamSerdes<K, V>,
    /** Set for windowed aggregations; `suppress(untilWindowCloses())` reads it. */
    readonly windows?: TimeWindows,
    /** The emit strategy of the windowed aggregation producing this table, switched by suppress. */
    readonly emitStrategy?: { emit: 'on-update' | 'on-window-close' },
  ) {
    super();
  }
}
