/**
 * weir as a user gets it. `npm pack` (whose prepack builds dist/), the tarball's file list, then a
 * fresh project outside the repository that installs the tarball from npm, copies
 * examples/service-latency in, and compiles and runs it with plain tsc and node: no tsx, no path
 * mapping, only the package's `exports`. Needs no broker; needs the npm registry (or npm's cache)
 * for the dependencies. Takes about a minute, most of it npm and tsc.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run, runOk } from './consumer-project';

const ROOT = resolve(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/service-latency');
const MINUTES = 5 * 60_000;

let work: string;
let tarball: string;
let files: string[];
let app: string;

/** The installed TypeScript compiler of the consumer project, run by plain node. */
const tsc = (...args: string[]) => runOk('node', [join(app, 'node_modules/typescript/bin/tsc'), ...args], app);
/** Compiles the example to dist/ once, for the tests that run it. */
let compiled: Promise<unknown> | undefined;
const compile = () => (compiled ??= tsc('-p', '.'));

before(async () => {
  work = realpathSync(await mkdtemp(join(tmpdir(), 'weir-pack-')));
  const packed = await runOk('npm', ['pack', '--pack-destination', work, '--no-fund'], ROOT);
  // The prepack build prints to stdout as well; npm prints the tarball's name last.
  const name = packed.stdout.trim().split('\n').pop()!.trim();
  assert.match(name, /^weir-\d+\.\d+\.\d+\.tgz$/);
  tarball = join(work, name);
  files = (await runOk('tar', ['-tzf', tarball], work)).stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));

  app = join(work, 'service-latency');
  await mkdir(app);
  for (const entry of ['package.json', 'tsconfig.json', 'src']) await cp(join(EXAMPLE, entry), join(app, entry), { recursive: true });
  // --no-save: the tarball stands in for the registry's `weir@^0.1.0` and package.json stays as the example has it.
  await runOk('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', tarball], app);
}, { timeout: 10 * MINUTES });

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('the tarball holds the built JavaScript, its declarations and maps, the Avro schemas, the OTLP protos, the CLI and the README, nothing else', async () => {
  const allowed = [/^dist\/.+\.(js|js\.map|d\.ts)$/, /^dist\/schemas\/[a-z-]+\.avsc$/, /^dist\/observability\/otlp\/proto\/opentelemetry\/proto\/[a-z0-9/_]+\.proto$/, /^bin\/weir\.js$/, /^package\.json$/, /^README\.md$/, /^LICENSE$/];
  assert.deepEqual(files.filter((f) => !allowed.some((pattern) => pattern.test(f))), []);
  assert.deepEqual(files.filter((f) => /(^|\/)(test|bench|demo|generator|workloads|scripts|examples)\//.test(f) || f.endsWith('.tsbuildinfo')), []);
  assert.deepEqual(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), []);

  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
  const targets = Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
  for (const target of [...targets, ...Object.values(manifest.bin)]) assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} is not in the tarball`);
  const schemas = (await readdir(join(ROOT, 'schemas'))).filter((f) => f.endsWith('.avsc'));
  assert.equal(schemas.length > 0, true);
  assert.deepEqual(files.filter((f) => f.startsWith('dist/schemas/') && f.endsWith('.avsc')).sort(), schemas.map((s) => `dist/schemas/${s}`).sort());
  // Every module ships with its declarations and its source map.
  for (const js of files.filter((f) => f.endsWith('.js') && f.startsWith('dist/'))) {
    assert.ok(files.includes(js.replace(/\.js$/, '.d.ts')) && files.includes(`${js}.map`), `${js} lacks its .d.ts or .js.map`);
  }
});

test('the consumer project resolves weir from its own node_modules, installed from the tarball', async () => {
  const resolved = await runOk('node', ['-p', "require.resolve('weir') + ' ' + require('weir/package.json').version"], app);
  const version = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal(resolved.stdout.trim(), `${join(app, 'node_modules/weir/dist/index.js')} ${version}`);
});

test('the example type checks with its own strict tsconfig (node16 resolution, no path mapping)', async () => {
  const config = JSON.parse(await readFile(join(app, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  assert.equal(config.compilerOptions.strict, true);
  assert.equal(config.compilerOptions.moduleResolution, 'node16');
  assert.equal(config.compilerOptions.paths, undefined);
  assert.equal(config.compilerOptions.baseUrl, undefined);
  await tsc('--noEmit', '-p', '.');
});

test("weir's declarations compile with skipLibCheck off: every type they reference resolves inside the package or its dependencies", async () => {
  await writeFile(join(app, 'tsconfig.declarations.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', lib: ['ES2022'], types: ['node'], module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: false },
    include: ['node_modules/weir/dist/**/*.d.ts'],
  }));
  const result = await run('node', [join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.declarations.json', '--listFiles'], app);
  const listed = result.stdout.split('\n').filter((line) => line.includes('/node_modules/weir/dist/') && line.endsWith('.d.ts'));
  assert.equal(listed.length, files.filter((f) => f.endsWith('.d.ts')).length, `tsc did not read weir's declarations:\n${result.stdout}${result.stderr}`);
  const errors = result.stdout.split('\n').filter((line) => line.includes('error TS'));
  // mappersmith (under @kafkajs/confluent-schema-registry) references the DOM's XMLHttpRequest: not ours to fix, and why the example sets skipLibCheck.
  assert.deepEqual(errors.filter((line) => !line.startsWith('node_modules/mappersmith/')), []);
});

test("the example's test-driver test passes when compiled by tsc and run by plain node", async () => {
  await compile();
  const result = await run('node', ['--test', '--test-reporter=tap', 'dist/topology.test.js'], app);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /^# pass 1$/m);
  assert.match(result.stdout, /^# fail 0$/m);
});

test("the example's main runs its topology on the embedded log and prints the exact rollups", async () => {
  await compile();
  const result = await runOk('node', ['dist/main.js'], app);
  assert.equal(result.stdout, [
    '2026-01-05T09:00:00.000Z checkout requests=5 errors=1 mean=120ms p50=30ms max=500ms',
    '2026-01-05T09:00:00.000Z search   requests=3 errors=1 mean=100ms p50=100ms max=120ms',
    '2026-01-05T09:01:00.000Z checkout requests=3 errors=0 mean=25ms p50=25ms max=35ms',
    '2026-01-05T09:01:00.000Z search   requests=3 errors=0 mean=110ms p50=110ms max=130ms',
    'late records dropped: 1',
    '',
  ].join('\n'));
});

test('the installed CLI, run by plain node, loads the TypeScript topology and describes it', async () => {
  const result = await runOk('node', ['node_modules/.bin/weir', 'describe', 'src/topology.ts'], app);
  for (const line of [
    'Source: source-requests (topic: requests, key: string, value: json)',
    'Processor: drop-health-checks (filter; stores: [])',
    'Processor: service-latency-1m (aggregate: tumbling 60000ms grace 5000ms, emit on window close (suppressed); stores: [service-latency-1m])',
    'Processor: to-service-latency (map; stores: [])',
    'Sink: sink-service-latency-1m (topic: service-latency-1m, key: string, value: json)',
    '<application.id>-service-latency-1m-changelog (compacted changelog)',
  ]) {
    assert.ok(result.stdout.includes(line), `missing '${line}' in:\n${result.stdout}`);
  }
});

test('an ES module consumer ("type": "module", nodenext) imports named exports of every entry point, type checked and at run time', async () => {
  const esm = join(app, 'esm');
  await mkdir(join(esm, 'src'), { recursive: true });
  await writeFile(join(esm, 'package.json'), JSON.stringify({ name: 'esm-consumer', private: true, type: 'module' }));
  await writeFile(join(esm, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', lib: ['ES2022'], types: ['node'], module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: true, rootDir: 'src', outDir: 'dist' },
    include: ['src'],
  }));
  await writeFile(join(esm, 'src/main.ts'), [
    "import { StreamsBuilder, filter, to, jsonSerde, stringSerde } from 'weir';",
    "import { TopologyTestDriver } from 'weir/testing';",
    "import { windowedRollup, avroSchema } from 'weir/observability';",
    "import { renderDdl, rollups1m } from 'weir/clickhouse';",
    'const builder = new StreamsBuilder();',
    "builder.stream('in', { keySerde: stringSerde, valueSerde: jsonSerde<{ n: number }>() }).pipe(filter((_k, v) => v.n % 2 === 0), to('out'));",
    'const driver = await TopologyTestDriver.create(builder.build());',
    "const input = driver.createInputTopic('in', stringSerde, jsonSerde<{ n: number }>());",
    "for (let n = 1; n <= 5; n++) input.pipeInput('k', { n }, n);",
    "const evens = driver.createOutputTopic('out', stringSerde, jsonSerde<{ n: number }>()).readValuesToList().map((v) => v.n);",
    'await driver.close();',
    // avroSchema reads dist/schemas/*.avsc from the installed package.
    "const schema = avroSchema('rollup') as { name: string };",
    "console.log(JSON.stringify({ evens, rollup: typeof windowedRollup, ddl: typeof renderDdl, table: rollups1m.name, schema: schema.name }));",
    '',
  ].join('\n'));
  await tsc('-p', 'esm');
  const result = await runOk('node', ['esm/dist/main.js'], app);
  assert.deepEqual(JSON.parse(result.stdout), { evens: [2, 4], rollup: 'function', ddl: 'function', table: 'rollups_1m', schema: 'Rollup' });
});
