import { WeirError } from '../errors/weir-error';
import type { InternalTopic, SourceNode, SubTopology, TopologyGraph, TopologyNode } from './topology-graph';
import { describeTopology } from './describe-topology';

/**
 * A built topology: the graph split into sub-topologies (parts joined by nodes or shared stores,
 * cut at repartition topics) plus the internal topics they need. Immutable once built.
 */
export class Topology {
  readonly subTopologies: readonly SubTopology[];
  readonly internalTopics: readonly InternalTopic[];

  constructor(readonly graph: TopologyGraph) {
    this.validate();
    this.subTopologies = splitIntoSubTopologies(graph);
    this.internalTopics = collectInternalTopics(graph);
  }

  /** Topics of the global stores, each read whole by every replica. */
  globalTopics(): string[] {
    return [...new Set([...this.graph.globalStores.values()].map((g) => g.topic))];
  }

  /** Every source topic as the user named it (internal topics without the application id). */
  sourceTopics(): string[] {
    return this.subTopologies.flatMap((s) => s.sourceTopics);
  }

  /** Human-readable description: sources, processors, stores, sinks, internal topics. */
  describe(): string {
    return describeTopology(this);
  }

  private validate(): void {
    for (const node of this.graph.nodes.values()) {
      for (const child of node.children) {
        if (!this.graph.nodes.has(child)) {
          throw new WeirError('INVALID_TOPOLOGY', `node '${node.name}' forwards to unknown node '${child}'`);
        }
      }
      if (node.kind === 'processor') {
        for (const store of node.stores) {
          if (!this.graph.stores.has(store) && !this.graph.globalStores.has(store)) {
            throw new WeirError('INVALID_TOPOLOGY', `processor '${node.name}' uses unknown store '${store}'`, { store });
          }
        }
      }
    }
    if (![...this.graph.nodes.values()].some((n) => n.kind === 'source')) {
      throw new WeirError('INVALID_TOPOLOGY', 'a topology needs at least one source');
    }
  }
}

function splitIntoSubTopologies(graph: TopologyGraph): SubTopology[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  for (const name of graph.nodes.keys()) parent.set(name, name);
  const storeOwner = new Map<string, string>();
  for (const node of graph.nodes.values()) {
    for (const child of node.children) union(node.name, child);
    const stores = node.kind === 'processor' ? node.stores : node.kind === 'source' && node.materializedAs ? [node.materializedAs] : [];
    for (const store of stores) {
      // Global stores are shared by every task: reading one does not tie sub-topologies together.
      if (graph.globalStores.has(store)) continue;
      const owner = storeOwner.get(store);
      if (owner) union(owner, node.name);
      else storeOwner.set(store, node.name);
    }
  }
  const groups = new Map<string, TopologyNode[]>();
  for (const node of graph.nodes.values()) {
    const root = find(node.name);
    if (!groups.has(root)) groups.set(root, []);
    groups.get(root)!.push(node);
  }
  return [...groups.values()].map((nodes, id) => {
    const sources = nodes.filter((n): n is SourceNode => n.kind === 'source');
    const stores = new Set<string>();
    for (const n of nodes) {
      if (n.kind === 'processor') n.stores.forEach((s) => { if (!graph.globalStores.has(s)) stores.add(s); });
      if (n.kind === 'source' && n.materializedAs) stores.add(n.materializedAs);
    }
    return { id, nodes, sources, stores: [...stores], sourceTopics: [...new Set(sources.map((s) => s.topic))] };
  });
}

function collectInternalTopics(graph: TopologyGraph): InternalTopic[] {
  const topics: InternalTopic[] = [];
  for (const node of graph.nodes.values()) {
    if (node.kind === 'sink' && node.internal) topics.push({ name: node.topic, kind: 'repartition' });
  }
  for (const store of graph.stores.values()) {
    if (store.loggingEnabled) topics.push({ name: `${store.name}-changelog`, kind: 'changelog', store: store.name });
  }
  return topics;
}
