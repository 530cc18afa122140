/**
 * The layering rules of weir, checked over the import graph: which folder may import which.
 * `tsconfig/*.json` enforces the same direction at compile time (a project can only see the
 * projects it references); this check names the offending import in words, also covers
 * `require()` and files outside the compiled projects, and runs in `npm run check` and the tests.
 *
 *   tsx scripts/check-dependencies.ts        exits 1 and lists the violations, if any
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** A layer: the folders it is made of and the layers it may import. */
export interface Layer {
  readonly name: string;
  readonly folders: readonly string[];
  readonly mayImport: readonly string[];
}

/** Bottom to top. Private tools (generator, demo, bench, workloads, test, scripts) may import anything; examples nothing but themselves. */
export const LAYERS: readonly Layer[] = [
  { name: 'errors', folders: ['errors'], mayImport: [] },
  { name: 'stats', folders: ['stats'], mayImport: ['errors'] },
  { name: 'engine', folders: ['topology', 'operators', 'state', 'serdes', 'runtime', 'testing'], mayImport: ['errors'] },
  { name: 'kafka', folders: ['runtime/kafka'], mayImport: ['errors', 'engine'] },
  { name: 'avro', folders: ['avro', 'registry'], mayImport: ['errors', 'engine'] },
  { name: 'schemas', folders: ['schemas'], mayImport: ['errors'] },
  { name: 'clickhouse', folders: ['sinks', 'query'], mayImport: ['errors', 'engine', 'schemas'] },
  { name: 'observability', folders: ['observability'], mayImport: ['errors', 'stats', 'engine', 'avro', 'schemas', 'clickhouse'] },
  { name: 'api', folders: ['index.ts'], mayImport: ['errors', 'engine', 'kafka', 'avro'] },
  { name: 'cli', folders: ['cli'], mayImport: ['errors', 'engine', 'kafka', 'avro', 'schemas', 'clickhouse', 'observability'] },
  { name: 'tools', folders: ['generator', 'demo', 'bench', 'workloads', 'test', 'scripts'], mayImport: ['*'] },
  // Standalone consumer projects: weir only through its package entry points ('weir', 'weir/testing', ...),
  // never a repository folder. No tsconfig/*.json compiles them; test/package/pack.test.ts does, against the packed tarball.
  { name: 'examples', folders: ['examples'], mayImport: [] },
];

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly message: string;
}

/** The layer of a repository-relative path: the one whose folder is its longest prefix. */
export function layerOf(path: string, layers: readonly Layer[] = LAYERS): Layer | undefined {
  let best: Layer | undefined;
  let bestLength = -1;
  for (const layer of layers) {
    for (const folder of layer.folders) {
      const matches = path === folder || path.startsWith(`${folder}/`);
      if (matches && folder.length > bestLength) {
        best = layer;
        bestLength = folder.length;
      }
    }
  }
  return best;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]*)\1/gm;

/** Every violation of `layers` among the TypeScript files under `root`. */
export function findViolations(root: string, layers: readonly Layer[] = LAYERS): Violation[] {
  const violations: Violation[] = [];
  for (const file of typescriptFiles(root)) {
    const from = toRepoPath(root, file);
    const fromLayer = layerOf(from, layers);
    if (!fromLayer) {
      violations.push({ file: from, line: 1, specifier: '', message: `${from} belongs to no layer: add its folder to LAYERS` });
      continue;
    }
    if (fromLayer.mayImport.includes('*')) continue;
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(IMPORT)) {
      const specifier = match[2];
      const target = toRepoPath(root, resolve(dirname(file), specifier));
      const toLayer = layerOf(target, layers);
      if (!toLayer || toLayer === fromLayer || fromLayer.mayImport.includes(toLayer.name)) continue;
      const line = source.slice(0, match.index).split('\n').length;
      violations.push({
        file: from,
        line,
        specifier,
        message: `${from}:${line} imports '${specifier}' (${toLayer.name}), but the ${fromLayer.name} layer may import only ${fromLayer.mayImport.join(', ') || 'nothing'}`,
      });
    }
  }
  return violations;
}

function toRepoPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

function* typescriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* typescriptFiles(path);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) yield path;
  }
}

if (require.main === module) {
  const root = resolve(__dirname, '..');
  if (!existsSync(join(root, 'package.json'))) throw new Error(`check-dependencies: no package.json at ${root}`);
  const violations = findViolations(root);
  for (const v of violations) console.error(`check-dependencies: ${v.message}`);
  if (violations.length > 0) process.exit(1);
  console.log(`check-dependencies: ${LAYERS.length} layers, no upward or sideways import`);
}
