/**
 * `weir describe <topology.ts>`: prints the topology as Kafka Streams' `describe()` does:
 * sub-topologies, sources, processors, stores, sinks and the internal topics it will create.
 */
import { loadTopology } from './load-topology';

export const summary = 'print a topology file\'s sources, processors, stores, sinks and internal topics';

export async function run(argv: string[]): Promise<number> {
  const [file] = argv;
  if (!file) {
    console.error('usage: weir describe <topology.ts>');
    return 2;
  }
  try {
    console.log((await loadTopology(file)).describe());
    return 0;
  } catch (error) {
    console.error(`weir describe: cannot load ${file}: ${(error as Error).message}`);
    return 1;
  }
}
