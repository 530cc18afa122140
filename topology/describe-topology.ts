import type { Topology } from './topology';
import type { TopologyNode } from './topology-graph';

/** Renders a topology in the layout of Kafka Streams' `TopologyDescription`. */
export function describeTopology(topology: Topology): string {
  const lines: string[] = ['Topologies:'];
  for (const sub of topology.subTopologies) {
    lines.push(`   Sub-topology: ${sub.id}`);
    for (const node of sub.nodes) lines.push(...describeNode(node));
  }
  const globals = [...topology.graph.globalStores.values()];
  if (globals.length) {
    lines.push('Global stores (every replica reads all partitions of the topic; no tasks):');
    for (const g of globals) {
      lines.push(`   ${g.name}: topic ${g.topic}, key: ${g.keySerde.name}, value: ${g.valueSerde.name}, versioned in memory, history ${g.historyRetentionMs}ms, read as of the record's timestamp`);
    }
  }
  const stores = [...topology.graph.stores.values()];
  if (stores.length) {
    lines.push('Stores:');
    for (const s of stores) lines.push(`   ${s.name}: ${s.description}${s.loggingEnabled ? ', changelog <application.id>-' + s.name + '-changelog' : ''}`);
  }
  if (topology.internalTopics.length) {
    lines.push('Internal topics:');
    for (const t of topology.internalTopics) lines.push(`   <application.id>-${t.name} (${t.kind === 'changelog' ? 'compacted changelog' : 'repartition'})`);
  }
  return lines.join('\n');
}

function describeNode(node: TopologyNode): string[] {
  const arrow = node.children.length ? `      --> ${node.children.join(', ')}` : '      --> none';
  switch (node.kind) {
    case 'source':
      return [
        `    Source: ${node.name} (topic: ${node.internal ? '<application.id>-' : ''}${node.topic}, key: ${node.keySerde.name}, value: ${node.valueSerde.name}${node.materializedAs ? `, table: ${node.materializedAs}` : ''})`,
        arrow,
      ];
    case 'processor':
      return [
        `    Processor: ${node.name} (${node.operator}${node.detail ? `: ${node.detail}` : ''}; stores: [${node.stores.join(', ')}])`,
        arrow,
      ];
    case 'sink':
      return [`    Sink: ${node.name} (topic: ${node.internal ? '<application.id>-' : ''}${node.topic}, key: ${node.keySerde.name}, value: ${node.valueSerde.name})`];
  }
}
