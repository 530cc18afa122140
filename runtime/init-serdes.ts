import type { Topology } from '../topology/topology';
import type { Serde } from '../serdes/serde';
import { WeirError } from '../errors/weir-error';

/** Runs `init()` of every serde used by a source or sink, once each (schema registration), before any record moves. */
export async function initSerdes(topology: Topology): Promise<void> {
  const serdes = new Set<Serde<unknown>>();
  for (const node of topology.graph.nodes.values()) {
    if (node.kind === 'source' || node.kind === 'sink') {
      serdes.add(node.keySerde);
      serdes.add(node.valueSerde);
    }
  }
  for (const store of topology.graph.globalStores.values()) {
    serdes.add(store.keySerde);
    serdes.add(store.valueSerde);
  }
  for (const serde of serdes) {
    if (!serde.init) continue;
    try {
      await serde.init();
    } catch (error) {
      throw new WeirError('SERIALIZATION_FAILED', `cannot initialize serde ${serde.name}`, {}, { cause: error });
    }
  }
}
