/**
 * The flagship as users run it, every part its own OS process on the real broker: `weir registry`,
 * `weir produce` of generated wide events (Avro), and `weir run observability --config weir.yaml`.
 * The rollups read back from Kafka count every input event exactly once, and the injected latency
 * incident is alerted on its service, read back from the alerts topic as Avro.
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
import type { WideEvent } from '../../../schemas/wide-event';
import type { Alert } from '../../../schemas/alert';
import type { Rollup } from '../../../schemas/rollup';
import { kafkaBrokers, uniqueName, eventually } from './kafka-broker';

const ROOT = resolve(__dirname, '../../..');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The CLI from source (cli/weir-source.ts), as the replica tests start it. */
function weir(args: string[], logFile: string, stdin?: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'weir-source.ts'), ...args], { cwd: ROOT, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: { ...process.env, KAFKA_BROKERS: '' } });
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
 * A day of traffic over six services ending an hour ago (so retention keeps it), with a 30-minute
 * latency incident on a middle service in the afternoon; then one late event per partition moves
 * stream time past the last window, so that every window of the day closes.
 */
function traffic() {
  const start = Math.floor((Date.now() - DAY - 2 * HOUR) / HOUR) * HOUR;
  const shape = { seed: 3, services: 6, layers: 3, start, durationMs: DAY };
  const graph = new TrafficGenerator({ ...shape, events: 0 }).graph;
  const middle = graph.services.filter((s) => s.layer > 0 && graph.downstreams(s.name).length > 0).map((s) => s.name);
  const generator = new TrafficGenerator({ ...shape, events: 150_000, scenarios: [scenarioOf('latency-incident', graph, { start: start + 14 * HOUR, service: middle[0] })] });
  const events = [...generator.events()];
  return { events, incident: generator.groundTruth.incidents[0], end: start + DAY };
}

test('weir run observability --config: Avro events from weir produce become exact rollups and an alert on the incident service', async (t) => {
  const brokers = kafkaBrokers(t);
  if (!brokers) return;
  const dir = mkdtempSync(join(tmpdir(), 'weir-flagship-run-'));
  const log = new KafkaLog({ brokers, clientId: 'it-flagship-run' });
  const children: ChildProcess[] = [];
  const app = uniqueName('flagship');
  const topic = (name: string) => `${app}-${name}`;
  try {
    const port = await freePort();
    const registry = weir(['registry', '--port', String(port), '--file', join(dir, 'schemas.ndjson')], join(dir, 'registry.log'));
    children.push(registry.child);
    const registryUrl = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${registryUrl}/subjects`).then((r) => r.ok).catch(() => false)), 'the registry to answer', 60_000);

    const { events, incident, end } = traffic();
    const late: WideEvent[] = [0, 1, 2].map((i) => ({ ...events[i], trace_id: `late-${i}`, span_id: `late-${i}`, timestamp: end + HOUR }));
    const ndjson = [...events, ...late].map((e) => JSON.stringify(e)).join('\n');
    const produced = weir(['produce', '--topic', topic('events'), '--schema', 'schemas/wide-event.avsc', '--key', 'service|operation', '--partitions', '3', '--registry', registryUrl, '--brokers', brokers.join(',')], join(dir, 'produce.log'), ndjson);
    assert.equal(await produced.exited, 0, readFileSync(join(dir, 'produce.log'), 'utf8'));
    await log.admin().createTopics(['deployments', 'known-events', 'alert-feedback'].map((n) => ({ name: topic(n), partitions: 1 })));

    writeFileSync(
      join(dir, 'weir.yaml'),
      [
        `application_id: ${app}`,
        `kafka: { brokers: [${brokers.join(', ')}] }`,
        'processing_guarantee: at_least_once',
        `state_dir: ${join(dir, 'state')}`,
        `input: { topic: ${topic('events')}, format: avro }`,
        `schema_registry: { url: ${registryUrl} }`,
        'topics:',
        ...['deployments', 'known_events', 'rollups_1m', 'rollups_5m', 'rollups_1h', 'predictions', 'baselines', 'drift', 'cardinality', 'sampled_events', 'alerts', 'anomalies', 'alert_feedback', 'alert_quality', 'alert_thresholds'].map(
          (n) => `  ${n}: ${topic(n.replace(/_/g, '-'))}`,
        ),
        // One day of traffic: the baselines have learned the morning by the afternoon.
        'alerts: { warmup_ms: 21600000 }',
      ].join('\n'),
    );
    const run = weir(['run', 'observability', '--config', join(dir, 'weir.yaml')], join(dir, 'run.log'));
    children.push(run.child);

    const client = new SchemaRegistry({ host: registryUrl });
    const rollupsIn = async () => {
      let n = 0;
      for (const p of [0, 1, 2]) {
        const end = await log.admin().endOffset({ topic: topic('rollups-1m'), partition: p }).catch(() => 0);
        n += end;
      }
      return n;
    };
    const eventsPerWindow = new Map<string, number>();
    for (const e of events) {
      const key = `${e.service}|${e.operation}@${Math.floor(e.timestamp / 60_000) * 60_000}`;
      eventsPerWindow.set(key, (eventsPerWindow.get(key) ?? 0) + 1);
    }
    await eventually(async () => (await rollupsIn()) >= eventsPerWindow.size, `${eventsPerWindow.size} 1-minute rollups`, 600_000);

    const reader = log.partitionReader({ readCommitted: false });
    const readAll = async <T>(name: string): Promise<T[]> => {
      const out: T[] = [];
      const partitions = (await log.admin().partitionCount(topic(name))) ?? 0;
      for (let p = 0; p < partitions; p++) {
        for await (const batch of reader.read({ topic: topic(name), partition: p }, 0)) {
          for (const r of batch) out.push((await client.decode(r.value!)) as T);
        }
      }
      return out;
    };
    const rollups = await readAll<Rollup>('rollups-1m');
    const counted = new Map<string, number>();
    for (const r of rollups) counted.set(`${r.service}|${r.operation}@${r.window_start}`, (counted.get(`${r.service}|${r.operation}@${r.window_start}`) ?? 0) + r.count);
    assert.equal(rollups.reduce((n, r) => n + r.count, 0), events.length, 'every input event in exactly one rollup');
    assert.deepEqual(counted, eventsPerWindow);

    await eventually(async () => (await readAll<Alert>('alerts')).some((a) => a.service === incident.service && a.status === 'firing'), `an alert on ${incident.service}`, 300_000);
    const alerts = (await readAll<Alert>('alerts')).filter((a) => a.status === 'firing' && (a.decision === 'fire' || a.decision === 'downgrade'));
    const onIncident = alerts.filter((a) => a.service === incident.service && a.window_end > incident.start && a.window_start < incident.end + HOUR);
    assert.equal(onIncident.length, 1, `one alert on ${incident.service}: ${JSON.stringify(alerts.map((a) => [a.service, a.window_start]))}`);

    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0, 'the replica shuts down cleanly on SIGTERM');
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await log.close();
    if (process.env.WEIR_KEEP_TEST_DIR !== '1') rmSync(dir, { recursive: true, force: true });
  }
});
