import { extname, resolve } from 'node:path';
import { WeirError } from '../errors/weir-error';
import type { Topology } from '../topology/topology';

const TYPESCRIPT = new Set(['.ts', '.cts', '.mts']);
let typescriptLoader: (() => void) | undefined;

/**
 * Loads a topology file: it default-exports a function returning a Topology (or a Promise of one).
 * A TypeScript file is compiled on load by tsx, registered here on first use, so that the built
 * CLI runs with plain node and still takes the `.ts` files users write.
 */
export async function loadTopology(file: string): Promise<Topology> {
  const path = resolve(file);
  if (TYPESCRIPT.has(extname(path)) && typescriptLoader === undefined) {
    typescriptLoader = (require('tsx/cjs/api') as { register(): () => void }).register();
  }
  let module: { default?: unknown };
  try {
    module = require(path) as { default?: unknown };
  } catch (cause) {
    throw new WeirError('INVALID_CONFIG', `cannot load the topology file ${file}: ${(cause as Error).message}`, { file }, { cause });
  }
  const factory = module.default;
  if (typeof factory !== 'function') throw new WeirError('INVALID_CONFIG', `${file} must default-export a function returning a Topology`, { file });
  return (await (factory as () => Topology | Promise<Topology>)()) as Topology;
}
