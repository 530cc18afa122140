import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { findViolations, layerOf } from '../../scripts/check-dependencies';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'weir-deps-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('the repository has no upward or sideways import', () => {
  assert.deepEqual(findViolations(resolve(__dirname, '../..')), []);
});

test('an engine file importing the application, a sink or a tool is reported with its line', () => {
  const root = tree({
    'operators/bad.ts': "import { x } from '../observability/thing';\nimport type { Y } from '../sinks/clickhouse/sink';\nconst z = require('../demo/main');\n",
    'runtime/log.ts': "export {};\nimport { KafkaLog } from './kafka/kafka-log';\n",
    'observability/thing.ts': "import { filter } from '../operators/filter';\n",
    'cli/main.ts': "import { thing } from '../observability/thing';\n",
    'test/any.test.ts': "import { thing } from '../observability/thing';\n",
  });
  try {
    const found = findViolations(root).map((v) => `${v.file}:${v.line} ${v.specifier}`);
    assert.deepEqual(found.sort(), [
      'operators/bad.ts:1 ../observability/thing',
      'operators/bad.ts:2 ../sinks/clickhouse/sink',
      'operators/bad.ts:3 ../demo/main',
      'runtime/log.ts:2 ./kafka/kafka-log',
    ]);
    const message = findViolations(root).find((v) => v.file === 'operators/bad.ts')!.message;
    assert.match(message, /\(observability\), but the engine layer may import only errors/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an example imports weir through its package entry points only: a relative import into the repository is reported', () => {
  const root = tree({
    'operators/filter.ts': 'export const filter = 1;\n',
    'examples/app/src/topology.ts': "import { filter } from 'weir';\nimport { TopologyTestDriver } from 'weir/testing';\nimport { x } from './helper';\n",
    'examples/app/src/helper.ts': "export const x = 1;\n",
    'examples/app/src/shortcut.ts': "import { filter } from '../../../operators/filter';\n",
  });
  try {
    assert.deepEqual(findViolations(root).map((v) => `${v.file}:${v.line} ${v.specifier}`), ['examples/app/src/shortcut.ts:1 ../../../operators/filter']);
    assert.match(findViolations(root)[0]!.message, /\(engine\), but the examples layer may import only nothing/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a file outside every layer is reported, so a new folder must be placed', () => {
  const root = tree({ 'misc/helper.ts': 'export const a = 1;\n' });
  try {
    assert.deepEqual(findViolations(root).map((v) => v.file), ['misc/helper.ts']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the longest folder decides the layer: runtime/kafka is not the engine', () => {
  assert.equal(layerOf('runtime/kafka/kafka-log.ts')!.name, 'kafka');
  assert.equal(layerOf('runtime/log.ts')!.name, 'engine');
  assert.equal(layerOf('index.ts')!.name, 'api');
  assert.equal(layerOf('indexes/x.ts'), undefined);
});
