import { resolve } from 'node:path';
import type { Topology } from '../topology/topology';

/** Loads a topology file: it default-exports a function returning a Topology (or a Promise of one). */
export async function loadTopology(file: string): Promise<Topology> {
  const module = require(resolve(file)) as { default?: unknown };
  const factory = module.default;
  if (typeof factory !== 'function') throw new Error(`${file} must default-export a function returning a Topology`);
  return (await (factory as () => Topology | Promise<Topology>)()) as Topology;
}
