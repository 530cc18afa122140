/**
 * The plain graph a topology definition builds: sources, processors, sinks, stores and the
 * internal topics they need. `describe()`, validation and the runtime all read this one graph;
 * nothing in it runs until a runtime instantiates processors from their suppliers.
 */
import { WeirError } from '../errors/weir-error';
import type { Serde } from '../serdes/serde';
import type { ProcessorSupplier } from './processor';
import type { StoreSupplier } from '../state/state-store';

/** Event time of a record; `partitionTime` is the task's stream time, for extractors that fall back to it. */
export type TimestampExtractor<K, V> = (key: K, value: V, recordTimestamp: number, partitionTime: number) => number;

export interface SourceNode {
  readonly kind: 'source';
  readonly name: string;
  readonly topic: string;
  /** Internal topics (repartition) are named without the application id, which the runtime prefixes. */
  readonly internal: boolean;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly timestampExtractor: TimestampExtractor<unknown, unknown>;
  /** Table sources materialize each record into this store as latest value per key. */
  readonly materializedAs?: string;
  readonly children: string[];
}

export interface ProcessorNode {
  readonly kind: 'processor';
  readonly name: string;
  /** Operator name as the DSL calls it (`filter`, `aggregate`...), shown by describe(). */
  readonly operator: string;
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  readonly stores: string[];
  readonly children: string[];
  /** Extra detail for describe(), e.g. `tumbling 60000ms grace 5000ms, emit on window close`. */
  detail?: string;
}

export interface SinkNode {
  readonly kind: 'sink';
  readonly name: string;
  readonly topic: string;
  readonly internal: boolean;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly children: string[];
}

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;

/**
 * A global table's store (Kafka Streams' global store): fed from every partition of `topic` on
 * every replica, outside the tasks and the consumer group; processors of any sub-topology read it.
 */
export interface GlobalStoreNode {
  /** The store's name, as processors ask for it. */
  readonly name: string;
  readonly topic: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  /** Each update's version timestamp. */
  readonly timestampExtractor: TimestampExtractor<unknown, unknown>;
  /** How long before a key's latest version older versions stay readable. */
  readonly historyRetentionMs: number;
}

export interface InternalTopic {
  /** Name without the application id prefix: `<name>-repartition` or `<store>-changelog`. */
  readonly name: string;
  readonly kind: 'repartition' | 'changelog';
  /** Store whose changelog this is. */
  readonly store?: string;
}

/** A connected part of the graph between topics; one task per input partition runs it. */
export interface SubTopology {
  readonly id: number;
  readonly sources: readonly SourceNode[];
  readonly nodes: readonly TopologyNode[];
  readonly stores: readonly string[];
  /** Input topics (internal ones without prefix) that must be co-partitioned. */
  readonly sourceTopics: readonly string[];
}

export class TopologyGraph {
  readonly nodes = new Map<string, TopologyNode>();
  readonly stores = new Map<string, StoreSupplier>();
  /** Global stores by name; they belong to no sub-topology and have no changelog (their topic is one). */
  readonly globalStores = new Map<string, GlobalStoreNode>();
  private readonly nameCounters = new Map<string, number>();

  add<N extends TopologyNode>(node: N): N {
    if (this.nodes.has(node.name)) {
      throw new WeirError('INVALID_TOPOLOGY', `duplicate node name '${node.name}': give the operator a distinct name`, { node: node.name });
    }
    this.nodes.set(node.name, node);
    return node;
  }

  connect(parent: string, child: string): void {
    const node = this.nodes.get(parent);
    if (!node) throw new WeirError('INVALID_TOPOLOGY', `unknown parent node '${parent}'`, { node: parent });
    if (!node.children.includes(child)) node.children.push(child);
  }

  addStore(store: StoreSupplier): void {
    const existing = this.stores.get(store.name);
    if (existing && existing !== store) throw new WeirError('INVALID_TOPOLOGY', `duplicate store name '${store.name}'`, { store: store.name });
    this.stores.set(store.name, store);
  }

  addGlobalStore(store: GlobalStoreNode): void {
    if (this.globalStores.has(store.name) || this.stores.has(store.name)) throw new Error(`duplicate store name '${store.name}'`);
    this.globalStores.set(store.name, store);
  }

  /**
   * A stable name for an operator the user did not name: derived from the operator and its
   * position among operators of the same kind, so adding an operator of another kind does not
   * shift it. Stateful operators must be named by the user (STYLE.md, stable names).
   */
  uniqueName(operator: string): string {
    const n = (this.nameCounters.get(operator) ?? 0) + 1;
    this.nameCounters.set(operator, n);
    return n === 1 ? operator : `${operator}-${n}`;
  }
}
