import { Pipeable } from './pipeable';
import type { TopologyGraph } from './topology-graph';
import type { ProcessorSupplier } from './processor';
import type { Serde } from '../serdes/serde';

/** Serdes known for the records flowing out of a node; operators that change types drop them. */
export interface StreamSerdes<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
}

/**
 * A record stream in the topology being defined (Kafka Streams' KStream). It names the graph
 * node whose output it is; operators return new streams and never run anything.
 */
export class KStream<K, V> extends Pipeable {
  constructor(
    readonly graph: TopologyGraph,
    /** Node whose output records this stream is. */
    readonly node: string,
    readonly serdes: StreamSerdes<K, V>,
    /** True after the key changed (selectKey, map, flatMap): a grouping must repartition first. */
    readonly repartitionRequired: boolean,
  ) {
    super();
  }

  /** Adds a processor fed by this stream; the building block of every operator. */
  addProcessor<KOut, VOut>(options: {
    operator: string;
    name?: string;
    supplier: ProcessorSupplier<K, V, KOut, VOut>;
    stores?: string[];
    serdes?: StreamSerdes<KOut, VOut>;
    keyChanging?: boolean;
    detail?: string;
  }): KStream<KOut, VOut> {
    const name = options.name ?? this.graph.uniqueName(options.operator);
    this.graph.add({
      kind: 'processor',
      name,
      operator: options.operator,
      supplier: options.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      stores: options.stores ?? [],
      children: [],
      detail: options.detail,
    });
    this.graph.connect(this.node, name);
    return new KStream<KOut, VOut>(this.graph, name, options.serdes ?? {}, this.repartitionRequired || !!options.keyChanging);
  }
}
