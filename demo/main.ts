/**
 * `npm start`: a week of synthetic wide-event traffic with injected incidents, published as Avro
 * through the embedded schema registry to the embedded log, processed by weir's observability
 * topology in compressed event time; a live status line, the incident services' rollups read back
 * from `rollups-1m`, and a summary against the generator's ground truth.
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
import { avroSerde } from '../avro/avro-serde';
import { jsonSerde } from '../serdes/json-serde';
import { avroSchema } from '../schemas/avro-schemas';
import { isWeirError } from '../errors/weir-error';
import { OBSERVABILITY_TOPICS as T } from '../observability/observability-topology';
import type { Rollup } from '../schemas/rollup';
import type { Alert } from '../schemas/alert';
import type { DriftReport } from '../schemas/drift-report';
import type { BaselineModelVersion } from '../schemas/baseline-model-version';
import type { BaselinePrediction } from '../observability/baseline/baseline-prediction';
import { parseDemoOptions, DEMO_USAGE, type DemoOptions } from './demo-options';
import { TrafficPublisher } from './traffic-publisher';
import { StatusLine, fmt } from './status-line';
import { IncidentView } from './incident-view';
import { ForecastView } from './forecast-view';
import { AlertView } from './alert-view';
import { TopicTail } from './topic-tail';
import { buildDemoTopology } from './demo-topology';

const DAY = 86_400_000;

async function main(options: DemoOptions): Promise<void> {
  const wallStart = Date.now();
  const span = { start: Date.UTC(2026, 0, 5), durationMs: Math.round(options.days * DAY) };
  const shape = { services: options.services, operationsPerService: options.operationsPerService };
  const probe = new TrafficGenerator({ ...shape, ...span, seed: options.seed, events: 0 });
  const scenarios = standardWeek(probe.graph, span, options.seed);
  const generator = new TrafficGenerator({ ...shape, ...span, seed: options.seed, events: options.events, scenarios });
  const truth = generator.groundTruth;

  console.log(`weir demo: ${fmt(options.events)} wide events, ${options.services} services x ${options.operationsPerService} operations, ${options.days} days of event time from ${iso(span.start).slice(0, 10)}, seed ${options.seed}, speed ${options.speed}`);
  console.log('injected (ground truth):');
  for (const i of truth.incidents) console.log(`  incident  ${i.kind.padEnd(22)} ${i.service.padEnd(16)} ${iso(i.start)} .. ${iso(i.end)}  ${i.root_cause}`);
  for (const q of truth.quiet) console.log(`  expected  ${q.kind.padEnd(22)} ${(q.services.join(',') || 'all').padEnd(16)} ${iso(q.start)} .. ${iso(q.end)}  ${q.note}`);

  const stateDir = await mkdtemp(join(tmpdir(), 'weir-demo-'));
  const registryServer = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const registry = new SchemaRegistry({ host: registryServer.url });
  const log = new EmbeddedLog();
  await log.admin().createTopics([
    // One partition: upstream tasks that race ahead of each other in compressed event time would
    // make the single baselines task drop the laggards' rollups as late (see the report).
    { name: T.events, partitions: 1 },
    { name: T.deployments, partitions: 1 },
    { name: T.knownEvents, partitions: 1 },
    // Nobody gives feedback in the demo, but the alerts task reads the topic.
    { name: T.alertFeedback, partitions: 1 },
  ]);

  let status: StatusLine | undefined;
  const print = (text: string): void => (status ? status.print(text) : console.log(text));
  const graph = generator.graph;
  const operationsOf = (service: string): string[] => (graph.service(service)?.operations ?? []).map((i) => graph.operations[i].operation);
  const incidents = new IncidentView(truth.incidents, operationsOf, new Set(['latency-incident', 'cascading-failure']), print);
  const forecasts = new ForecastView(truth);
  const registryChanges: BaselineModelVersion[] = [];
  const drift = { reports: 0, retrain: 0 };
  // Alerts are printed as the alerts task emits them (onAlert); the tail reads them back from the topic (Avro).
  const alerts = new AlertView(truth, print);
  const tails = [
    new TopicTail<Rollup>(log, T.rollups1m, avroSerde<Rollup>({ registry, schema: avroSchema('rollup') }), (r) => incidents.onRollup(r)),
    new TopicTail<BaselinePrediction>(log, T.predictions, jsonSerde<BaselinePrediction>(), (p) => forecasts.onPrediction(p)),
    new TopicTail<BaselineModelVersion>(log, T.baselines, jsonSerde<BaselineModelVersion>(), (v) => registryChanges.push(v)),
    new TopicTail<DriftReport>(log, T.drift, jsonSerde<DriftReport>(), (d) => {
      drift.reports++;
      if (d.needs_retrain) drift.retrain++;
    }),
    new TopicTail<Alert>(log, T.alerts, avroSerde<Alert>({ registry, schema: avroSchema('alert') }), () => {}),
  ];
  const [rollups, predictions, , , alertTail] = tails;

  const demo = buildDemoTopology({ registry, onAlert: (alert) => alerts.onAlert(alert) });
  console.log(`\ntopology (${demo.name}):\n${demo.topology.describe()}`);
  const app = new StreamsApp(demo.topology, { applicationId: 'weir-demo', stateDir, logLevel: 'warn' }, log);
  await app.start();
  // Events consumed from the input topic (tasks of downstream sub-topologies count other records).
  const consumed = (): number => app.activeTasks().reduce((n, task) => n + (task.consumedPositions().get(T.events) ?? 0), 0);
  const publisher: TrafficPublisher = new TrafficPublisher({ log, registry, generator, speed: options.speed, lag: (): number => publisher.published - consumed() });
  status = new StatusLine(() => ({
    published: publisher.published,
    processed: consumed(),
    eventTime: publisher.eventTime,
    windowsClosed: rollups.count,
    extra: [
      ['forecasts', predictions.count],
      ['drift reports', drift.reports],
    ],
    alerts: alerts.fired,
  }));
  const pollTails = async (): Promise<void> => {
    for (const tail of tails) await tail.poll();
  };
  const timer = setInterval(() => {
    status!.update();
    pollTails().catch((error) => print(`reading outputs failed: ${error}`));
  }, options.statusIntervalMs);
  const stop = (): void => publisher.stop();
  process.once('SIGINT', stop);
  let processed = 0;
  let counters = new Map<string, number>();
  try {
    await publisher.run();
    await app.waitUntilCaughtUp();
    // The input is bounded: close the windows still open so the last rollups are emitted.
    await app.endOfInput();
    processed = consumed();
    counters = app.metrics().counters;
    await pollTails();
    status.update();
  } finally {
    clearInterval(timer);
    process.removeListener('SIGINT', stop);
    status.finish();
    await app.close();
    for (const tail of tails) await tail.close();
    await log.close();
    await registryServer.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  incidents.flush();

  const seconds = (Date.now() - wallStart) / 1000;
  console.log(`\nsummary: ${fmt(processed)} events in ${seconds.toFixed(1)} s (${fmt(Math.round(processed / seconds))} events/s overall, generation and Avro encoding included), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  console.log(`  outputs: ${fmt(rollups.count)} 1-minute rollups, ${fmt(predictions.count)} forecasts, ${fmt(registryChanges.length)} model registry changes (${registryChanges.filter((v) => v.status === 'shadow').length} shadow, ${registryChanges.filter((v) => v.status === 'active').length} active), ${fmt(drift.reports)} drift reports (${drift.retrain} needing retrain)`);
  if (counters.size) console.log(`  task counters: ${[...counters].map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
  console.log('incident root services, from the hour before to the incident (p99 of the merged 1-minute digests, 5xx share):');
  for (const line of incidents.summary()) console.log(line);
  console.log('baseline forecasts: 5-minute windows whose actual left the forecast band (p99 latency or error rate):');
  for (const line of forecasts.summary()) console.log(line);
  console.log(`alerts (${fmt(alertTail.count)} records read back from the ${T.alerts} topic as Avro):`);
  for (const line of alerts.summary()) console.log(line);
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
