/**
 * Events/s and peak RSS of the full observability topology (1m rollups, 5m and 1h merged from
 * them, baselines with registry and drift, daily cardinality, adaptive sampling of raw events)
 * beside the same topology with rollups only, on the embedded log: 1M generated wide events across
 * 200 services x 20 operations, Avro in, JSON out, 4 partitions, in-memory stores. Events are
 * generated and appended before the clock starts; the timed part is consuming them to the end
 * (every sub-topology, repartition topics included) and closing the last windows. Peak RSS is the
 * child process's, so it includes the embedded log holding the input and every output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TrafficGenerator } from '../generator';
import { EmbeddedLog } from '../runtime/embedded';
import { StreamsApp } from '../runtime/streams-app';
import { silentLogger } from '../runtime/logger';
import { startSchemaRegistry } from '../registry/registry-server';
import { MemorySchemaStore } from '../registry/schema-store';
import { createAvroProducer } from '../avro/avro-producer';
import { avroSerde } from '../avro/avro-serde';
import { avroSchema } from '../schemas/avro-schemas';
import type { WideEvent } from '../schemas/wide-event';
import { buildObservabilityTopology, OBSERVABILITY_TOPICS as T } from '../observability/observability-topology';
import type { Benchmark, BenchResult } from './bench-result';

/** WEIR_BENCH_EVENTS overrides the size for a quick check; the figures in BENCHMARKS.md use the default. */
const EVENTS = Number(process.env.WEIR_BENCH_EVENTS ?? 1_000_000);
const PARTITIONS = 4;
const HOUR = 3_600_000;

export const benchmarks: Benchmark[] = [
  { name: 'analytics full 200x20 2h', run: () => run(true, 2 * HOUR) },
  { name: 'analytics rollup-only 200x20 2h', run: () => run(false, 2 * HOUR) },
];

async function run(analytics: boolean, durationMs: number): Promise<BenchResult> {
  const setupStarted = performance.now();
  const stateDir = await mkdtemp(join(tmpdir(), 'weir-bench-analytics-'));
  const registryServer = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const registry = new SchemaRegistry({ host: registryServer.url });
  const log = new EmbeddedLog();
  try {
    await log.admin().createTopics([
      { name: T.events, partitions: PARTITIONS },
      { name: T.deployments, partitions: 1 },
      { name: T.knownEvents, partitions: 1 },
      // The full topology's alerts task reads feedback from it.
      { name: T.alertFeedback, partitions: 1 },
    ]);
    const producer = await createAvroProducer<WideEvent>({ log, registry, topic: T.events, schema: avroSchema('wide-event'), key: (e) => `${e.service}|${e.operation}` });
    const generator = new TrafficGenerator({ seed: 1, events: EVENTS, start: Date.UTC(2026, 0, 6, 12), durationMs, services: 200, operationsPerService: 20 });
    await producer.sendAll(generator.events());
    await producer.close();
    const topology = buildObservabilityTopology({
      analytics,
      persistent: false,
      serdes: { event: avroSerde<WideEvent>({ registry, schema: avroSchema('wide-event') }) },
    });
    const app = new StreamsApp(topology, { applicationId: 'bench-analytics', stateDir }, log, { logger: silentLogger });
    (globalThis as { gc?: () => void }).gc?.();
    const setupMs = performance.now() - setupStarted;

    const started = performance.now();
    await app.start();
    await app.waitUntilCaughtUp({ settleMs: 10 });
    await app.endOfInput();
    const elapsedMs = performance.now() - started;
    const metrics = app.metrics();
    await app.close();
    const count = async (topic: string) => {
      let n = 0;
      for (let p = 0; p < ((await log.admin().partitionCount(topic)) ?? 0); p++) n += await log.admin().endOffset({ topic, partition: p });
      return n;
    };
    const outputs = analytics
      ? `${await count(T.rollups1m)} 1m / ${await count(T.rollups5m)} 5m / ${await count(T.rollups1h)} 1h rollups, ${await count(T.predictions)} forecasts, ${await count(T.baselines)} registry changes, ${await count(T.drift)} drift reports, ${await count(T.cardinality)} cardinality reports, ${await count(T.sampledEvents)} sampled raw events`
      : `${await count(T.rollups1m)} 1m / ${await count(T.rollups5m)} 5m / ${await count(T.rollups1h)} 1h rollups`;
    return {
      events: EVENTS,
      elapsedMs,
      notes: `${analytics ? 'full analytics' : 'rollups only'}; 200 services x 20 ops over ${durationMs / HOUR} h of event time, ${PARTITIONS} partitions, in-memory stores; ${metrics.processed.toLocaleString('en-US')} records processed by all tasks; ${metrics.counters.get('late-records-dropped') ?? 0} late records dropped; out: ${outputs}; setup ${(setupMs / 1000).toFixed(1)} s untimed`,
    };
  } finally {
    await log.close();
    await registryServer.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}
