import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/run-command';

test('weir run refuses bad arguments with exit code 2', async () => {
  const saved = console.error;
  const lines: string[] = [];
  console.error = (line: string) => lines.push(line);
  try {
    assert.equal(await run([]), 2);
    assert.equal(await run(['topology.ts']), 2);
    assert.equal(await run(['topology.ts', '--application-id', 'a', '--guarantee', 'twice']), 2);
    assert.equal(await run(['topology.ts', '--application-id', 'a', '--commit-interval-ms', '-5']), 2);
    assert.equal(await run(['topology.ts', '--application-id', 'a', '--metrics-port', '70000']), 2);
    assert.equal(await run(['topology.ts', '--application-id', 'a', '--metrics-host', '0.0.0.0']), 2);
  } finally {
    console.error = saved;
  }
  assert.match(lines[4], /--metrics-port must be a port number from 0 to 65535, not 70000/);
  assert.match(lines[5], /--metrics-host needs --metrics-port/);
  assert.match(lines[0], /exactly one topology file/);
  assert.match(lines[1], /--application-id is required/);
  assert.match(lines[2], /--guarantee must be at_least_once or exactly_once, not twice/);
  assert.match(lines[3], /--commit-interval-ms/);
});

test('weir run exits 1 when the topology file has no default-exported function', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'weir-run-'));
  const file = join(dir, 'not-a-topology.ts');
  await writeFile(file, 'export const x = 1;\n');
  const saved = process.stderr.write.bind(process.stderr);
  const lines: string[] = [];
  process.stderr.write = ((chunk: string) => { lines.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    assert.equal(await run([file, '--application-id', 'a']), 1);
  } finally {
    process.stderr.write = saved;
  }
  assert.match(lines.join(''), /must default-export a function returning a Topology/);
});
