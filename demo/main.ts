/**
 * `npm start`: a week of synthetic wide-event traffic with injected incidents, published as Avro
 * through the embedded schema registry to the embedded log, processed by weir's rollup topology
 * in compressed event time, with a live status line, the incident service's rollups, and a summary.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TrafficGenerator, standardWeek } from '../generator';
import { EmbeddedLog } from '../runtime/embedded';
import { StreamsApp } from '../runtime/streams-app';
import { startSchemaRegistry } from '../registry/registry-server';
import { MemorySchemaStore } from '../registry/schema-store';
import { isWeirError } from '../errors/weir-error';
import { parseDemoOptions, DEMO_USAGE, type DemoOptions } from './demo-options';
import { TrafficPublisher, TOPICS } from './traffic-publisher';
import { StatusLine, fmt } from './status-line';
import { IncidentView } from './incident-view';
import { buildDemoTopology, ROLLUP_TOPIC } from './demo-topology';

const DAY = 86_400_000;

async function main(options: DemoOptions): Promise<void> {
  const wallStart = Date.now();
  const span = { start: Date.UTC(2026, 0, 5), durationMs: Math.round(options.days * DAY) };
  const shape = { services: options.services, operationsPerService: options.operationsPerService };
  const probe = new TrafficGenerator({ ...shape, ...span, seed: options.seed, events: 0 });
  const scenarios = standardWeek(probe.graph, span, options.seed);
  const generator = new TrafficGenerator({ ...shape, ...span, seed: options.seed, events: options.events, scenarios });

  console.log(`weir demo: ${fmt(options.events)} wide events, ${options.services} services x ${options.operationsPerService} operations, ${options.days} days of event time from ${new Date(span.start).toISOString().slice(0, 10)}, seed ${options.seed}, speed ${options.speed}`);
  console.log('injected (ground truth):');
  for (const i of generator.groundTruth.incidents) console.log(`  incident  ${i.kind.padEnd(22)} ${i.service.padEnd(16)} ${iso(i.start)} .. ${iso(i.end)}  ${i.root_cause}`);
  for (const q of generator.groundTruth.quiet) console.log(`  expected  ${q.kind.padEnd(22)} ${(q.services.join(',') || 'all').padEnd(16)} ${iso(q.start)} .. ${iso(q.end)}  ${q.note}`);

  const stateDir = await mkdtemp(join(tmpdir(), 'weir-demo-'));
  const registryServer = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const registry = new SchemaRegistry({ host: registryServer.url });
  const log = new EmbeddedLog();
  await log.admin().createTopics([
    { name: TOPICS.events, partitions: 4 },
    { name: TOPICS.deployments, partitions: 1 },
    { name: TOPICS.knownEvents, partitions: 1 },
    { name: ROLLUP_TOPIC, partitions: 4 },
  ]);

  let windowsClosed = 0;
  let alerts = 0;
  let status: StatusLine | undefined;
  const print = (text: string): void => (status ? status.print(text) : console.log(text));
  const graph = generator.graph;
  const operationsOf = (service: string): string[] => (graph.service(service)?.operations ?? []).map((i) => graph.operations[i].operation);
  const view = new IncidentView(generator.groundTruth.incidents, operationsOf, new Set(['latency-incident', 'cascading-failure']), print);
  const demo = await buildDemoTopology({
    registry,
    onRollup: (rollup) => {
      windowsClosed++;
      view.onRollup(rollup);
    },
    onAlert: (line) => {
      alerts++;
      print(line);
    },
  });
  console.log(`\ntopology (${demo.name}):\n${demo.topology.describe()}`);

  const app = new StreamsApp(demo.topology, { applicationId: 'weir-demo', stateDir, logLevel: 'warn' }, log);
  await app.start();
  const publisher: TrafficPublisher = new TrafficPublisher({
    log,
    registry,
    generator,
    speed: options.speed,
    lag: (): number => publisher.published - app.metrics().processed,
  });
  status = new StatusLine(() => ({
    published: publisher.published,
    processed: app.metrics().processed,
    eventTime: publisher.eventTime,
    windowsClosed,
    alerts,
  }));
  const timer = setInterval(() => status!.update(), options.statusIntervalMs);
  let processed = 0;
  const stop = (): void => publisher.stop();
  process.once('SIGINT', stop);
  try {
    await publisher.run();
    await app.waitUntilCaughtUp();
    // The input is bounded: close the windows still open so the last rollups are emitted.
    await app.endOfInput();
    processed = app.metrics().processed;
    status.update();
  } finally {
    clearInterval(timer);
    process.removeListener('SIGINT', stop);
    status.finish();
    await app.close();
    await log.close();
    await registryServer.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  view.flush();

  const seconds = (Date.now() - wallStart) / 1000;
  console.log(`\nsummary: ${fmt(processed)} events in ${seconds.toFixed(1)} s (${fmt(Math.round(processed / seconds))} events/s overall), ${fmt(windowsClosed)} windows closed, ${fmt(alerts)} alerts, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  console.log('incident root services, from the hour before to the incident (p99 of the merged 1-minute digests, 5xx share):');
  for (const line of view.summary()) console.log(line);
}

const iso = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

const parsed = (() => {
  try {
    return parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    console.error(isWeirError(error) ? error.message : error);
    process.exit(2);
  }
})();
if (parsed === 'help') {
  console.log(DEMO_USAGE);
} else {
  main(parsed).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
