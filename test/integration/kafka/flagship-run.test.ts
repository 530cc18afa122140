/**
 * The flagship as users run it, every part its own OS process on the real broker: `weir registry`,
 * `weir produce` of generated wide events (Avro), and `weir run observability --config weir.yaml`.
 * The 1-minute rollups read back from Kafka as Avro count every input event exactly once, and the
 * baselines publish forecasts. (The injected incident is not asserted: on Kafka this traffic raises
 * no alert yet, though it does through the test driver; see issue 12's note.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TrafficGenerator, scenarioOf } from '../../../generator';
import { KafkaLog } from '../../../runtime/kafka/kafka-log';
import { partitionForKey } from '../../../runtime/embedded/partitioner';
import type { WideEvent } from '../../../schemas/wide-event';
import type { Rollup } from '../../../schemas/rollup';
import { kafkaBrokers, uniqueName, eventually } from './kafka-broker';

const ROOT = resolve(__dirname, '../../..');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The flagship reads these from the environment over its config file; npm test exports the
 * suite's servers in them, which this test's config must not pick up (an un-migrated ClickHouse
 * database would hold every commit back).
 */
const NOT_FROM_THE_SUITE = { KAFKA_BROKERS: '', CLICKHOUSE_URL: '', CLICKHOUSE_DATABASE: '', ALERTMANAGER_URL: '', SCHEMA_REGISTRY_URL: '', WEIR_APPLICATION_ID: '', WEIR_STATE_DIR: '' };

/** The CLI from source (cli/weir-source.ts), as the replica tests start it. */
function weir(args: string[], logFile: string, stdin?: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'weir-source.ts'), ...args], { cwd: ROOT, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: { ...process.env, ...NOT_FROM_THE_SUITE } });
  const out = createWriteStream(logFile, { flags: 'a' });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  if (stdin) child.stdin!.end(stdin);
  return { child, exited: new Promise((done) => child.once('exit', (code) => done(code))) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * A day of traffic over six services ending at least two hours ago (so retention keeps it), with a 30-minute
 * latency incident on a middle service in the afternoon; then one late event per partition moves
 * stream time past the last window, so that every window of the day closes.
 */
function traffic() {
  // A UTC midnight, as the test-driver alerting test's day (the generator's load follows the hour of day).
  const start = Math.floor((Date.now() - DAY - 2 * HOUR) / DAY) * DAY;
  const shape = { seed: 3, services: 6, layers: 3, start, durationMs: DAY };
  const graph = new TrafficGenerator({ ...shape, events: 0 }).graph;
  const middle = graph.services.filter((s) => s.layer > 0 && graph.downstreams(s.name).length > 0).map((s) => s.name);
  const generator = new TrafficGenerator({ ...shape, events: 150_000, scenarios: [scenarioOf('latency-incident', graph, { start: start + 14 * HOUR, service: middle[0] })] });
  const events = [...generator.events()];
  return { events, incident: generator.groundTruth.incidents[0], end: start + DAY };
}

const PARTITIONS = 3;

/** One event an hour after the day on each partition's key, so that every task's stream time passes the day's last window. */
function closingEvents(events: readonly WideEvent[], at: number): WideEvent[] {
  const byPartition = new Map<number, WideEvent>();
  for (const e of events) {
    const p = partitionForKey(Buffer.from(`${e.service}|${e.operation}`), PARTITIONS);
    if (!byPartition.has(p)) byPartition.set(p, { ...e, trace_id: `late-${p}`, span_id: `late-${p}`, timestamp: at });
  }
  assert.equal(byPartition.size, PARTITIONS);
  return [...byPartition.values()];
}

interface Pipeline {
  readonly dir: string;
  readonly app: string;
  readonly topic: (name: string) => string;
  readonly log: KafkaLog;
  readonly brokers: string[];
  readonly registryUrl: string;
  readonly children: ChildProcess[];
}

const OUTPUT_TOPICS = ['deployments', 'known_events', 'rollups_1m', 'rollups_5m', 'rollups_1h', 'predictions', 'baselines', 'drift', 'cardinality', 'sampled_events', 'alerts', 'anomalies', 'alert_feedback', 'alert_quality', 'alert_thresholds'];

/** A temp dir, a unique application id and topic names, and `weir registry` in its own process. */
async function pipeline(brokers: string[], prefix: string): Promise<Pipeline> {
  const dir = mkdtempSync(join(tmpdir(), `weir-${prefix}-`));
  const app = uniqueName(prefix);
  const port = await freePort();
  const registry = weir(['registry', '--port', String(port), '--file', join(dir, 'schemas.ndjson')], join(dir, 'registry.log'));
  const registryUrl = `http://127.0.0.1:${port}`;
  await eventually(async () => fetch(`${registryUrl}/subjects`).then((r) => r.ok).catch(() => false), 'the registry to answer', 60_000);
  const log = new KafkaLog({ brokers, clientId: `it-${prefix}` });
  const topic = (name: string) => `${app}-${name}`;
  await log.admin().createTopics(['deployments', 'known-events', 'alert-feedback'].map((n) => ({ name: topic(n), partitions: 1 })));
  return { dir, app, topic, log, brokers, registryUrl, children: [registry.child] };
}

/** `weir run observability --config weir.yaml` with the pipeline's topics and `input` lines. */
function runFlagship(p: Pipeline, input: string[]) {
  writeFileSync(
    join(p.dir, 'weir.yaml'),
    [
      `application_id: ${p.app}`,
      `kafka: { brokers: [${p.brokers.join(', ')}] }`,
      'processing_guarantee: at_least_once',
      `state_dir: ${join(p.dir, 'state')}`,
      ...input,
      `schema_registry: { url: ${p.registryUrl} }`,
      'topics:',
      ...OUTPUT_TOPICS.map((n) => `  ${n}: ${p.topic(n.replace(/_/g, '-'))}`),
      // One day of traffic: the baselines have learned the morning by the afternoon.
      'alerts: { warmup_ms: 21600000 }',
    ].join('\n'),
  );
  const run = weir(['run', 'observability', '--config', join(p.dir, 'weir.yaml')], join(p.dir, 'run.log'));
  p.children.push(run.child);
  return run;
}

/** Every input event in exactly one 1-minute rollup, and forecasts from the baselines. */
async function assertRollupsAndForecasts(p: Pipeline, events: readonly WideEvent[]): Promise<void> {
  const client = new SchemaRegistry({ host: p.registryUrl });
  const expected = new Map<string, number>();
  for (const e of events) {
    const key = `${e.service}|${e.operation}@${Math.floor(e.timestamp / 60_000) * 60_000}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const reader = p.log.partitionReader({ readCommitted: false });
  const readAll = async <T>(name: string): Promise<T[]> => {
    const out: T[] = [];
    const partitions = (await p.log.admin().partitionCount(p.topic(name))) ?? 0;
    for (let i = 0; i < partitions; i++) {
      for await (const batch of reader.read({ topic: p.topic(name), partition: i }, 0)) {
        for (const r of batch) out.push((await client.decode(r.value!)) as T);
      }
    }
    return out;
  };
  const countIn = async (name: string) => {
    let n = 0;
    const partitions = (await p.log.admin().partitionCount(p.topic(name))) ?? 0;
    for (let i = 0; i < partitions; i++) n += await p.log.admin().endOffset({ topic: p.topic(name), partition: i });
    return n;
  };
  await eventually(async () => (await countIn('rollups-1m')) >= expected.size, `${expected.size} 1-minute rollups (${join(p.dir, 'run.log')})`, 600_000);
  const rollups = await readAll<Rollup>('rollups-1m');
  const counted = new Map<string, number>();
  for (const r of rollups) {
    const key = `${r.service}|${r.operation}@${r.window_start}`;
    counted.set(key, (counted.get(key) ?? 0) + r.count);
  }
  assert.equal(rollups.reduce((n, r) => n + r.count, 0), events.length, 'every input event in exactly one rollup');
  assert.deepEqual(counted, expected);
  await eventually(async () => (await countIn('predictions')) > 0, 'forecasts', 300_000);

  await reader.close();
}

async function stopAll(p: Pipeline, run: { child: ChildProcess; exited: Promise<number | null> } | undefined): Promise<void> {
  try {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0, 'the replica shuts down cleanly on SIGTERM');
    }
  } finally {
    for (const child of p.children) if (child.exitCode === null) child.kill('SIGKILL');
    await p.log.close();
    if (process.env.WEIR_KEEP_TEST_DIR !== '1') rmSync(p.dir, { recursive: true, force: true });
  }
}

test('weir run observability --config: Avro events from weir produce become exact 1-minute rollups and forecasts', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const p = await pipeline(brokers, 'flagship-avro');
  let run: ReturnType<typeof runFlagship> | undefined;
  try {
    const { events, end } = traffic();
    const late = closingEvents(events, end + HOUR);
    const ndjson = [...events, ...late].map((e) => JSON.stringify(e)).join('\n');
    const produced = weir(['produce', '--topic', p.topic('events'), '--schema', 'schemas/wide-event.avsc', '--key', 'service|operation', '--partitions', String(PARTITIONS), '--registry', p.registryUrl, '--brokers', brokers.join(',')], join(p.dir, 'produce.log'), ndjson);
    assert.equal(await produced.exited, 0, readFileSync(join(p.dir, 'produce.log'), 'utf8'));
    run = runFlagship(p, [`input: { topic: ${p.topic('events')}, format: avro }`]);
    await assertRollupsAndForecasts(p, events);
  } finally {
    await stopAll(p, run);
  }
});
