/**
 * Events/s and peak RSS of 1M generated wide events through the demo's rollup topology (1-minute
 * tumbling windows per service and operation, t-digest percentiles, Avro in and out) on the
 * embedded log. The events are generated, Avro-encoded and appended before the clock starts; the
 * timed part is consuming them to the end and closing the last windows. Peak RSS is the whole
 * child process, so it includes the embedded log holding the 1M input records and every output.
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
import { avroSchema } from '../schemas/avro-schemas';
import type { WideEvent } from '../schemas/wide-event';
import type { Topology } from '../topology/topology';
import { buildRollupTopology, ROLLUP_TOPIC } from '../demo/demo-topology';
import { TOPICS, eventKey } from '../demo/traffic-publisher';
import type { Benchmark, BenchResult } from './bench-result';

/** Override for quick profiling runs; the recorded figures use 1M. */
const EVENTS = Number(process.env.WEIR_BENCH_EVENTS ?? 1_000_000);
const PARTITIONS = 4;
const MINUTE = 60_000;

interface Shape {
  services: number;
  operationsPerService: number;
  /** Event time the events spread over: 10 minutes gives production-like dense windows. */
  durationMs: number;
}

const DENSE_200x20: Shape = { services: 200, operationsPerService: 20, durationMs: 10 * MINUTE };
const DENSE_40x4: Shape = { services: 40, operationsPerService: 4, durationMs: 10 * MINUTE };
const SPARSE_200x20: Shape = { services: 200, operationsPerService: 20, durationMs: 24 * 60 * MINUTE };

export const benchmarks: Benchmark[] = [
  { name: 'rollup-1m memory 200x20 dense', run: () => runRollup(DENSE_200x20, false) },
  { name: 'rollup-1m rocksdb 200x20 dense', run: () => runRollup(DENSE_200x20, true) },
  { name: 'rollup-1m memory 40x4 dense', run: () => runRollup(DENSE_40x4, false) },
  { name: 'rollup-1m memory 200x20 sparse', run: () => runRollup(SPARSE_200x20, false) },
];

async function runRollup(shape: Shape, persistent: boolean): Promise<BenchResult> {
  let windows = 0;
  const result = await measure(shape, async (registry) => buildRollupTopology({ registry, persistent, onRollup: () => windows++ }).topology);
  const span = shape.durationMs >= 60 * MINUTE ? `${shape.durationMs / (60 * MINUTE)} h` : `${shape.durationMs / MINUTE} min`;
  return {
    ...result,
    notes: `${shape.services} services x ${shape.operationsPerService} ops over ${span} of event time, ${PARTITIONS} partitions, ${persistent ? 'RocksDB' : 'in-memory'} window store; ${windows.toLocaleString('en-US')} windows closed; setup ${(result.setupMs / 1000).toFixed(1)} s untimed`,
  };
}

/**
 * Produces the events (untimed), then times a StreamsApp running `topology` until the input is
 * consumed and the last windows are closed. Shared by the topologies compared in this file.
 */
export async function measure(
  shape: Shape,
  topologyFor: (registry: SchemaRegistry) => Promise<Topology>,
): Promise<BenchResult & { setupMs: number; events: number }> {
  const setupStarted = performance.now();
  const stateDir = await mkdtemp(join(tmpdir(), 'weir-bench-'));
  const registryServer = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const registry = new SchemaRegistry({ host: registryServer.url });
  const log = new EmbeddedLog();
  try {
    await log.admin().createTopics([
      { name: TOPICS.events, partitions: PARTITIONS },
      { name: ROLLUP_TOPIC, partitions: PARTITIONS },
    ]);
    const producer = await createAvroProducer<WideEvent>({ log, registry, topic: TOPICS.events, schema: avroSchema('wide-event'), key: eventKey });
    const generator = new TrafficGenerator({ seed: 1, events: EVENTS, start: Date.UTC(2026, 0, 6, 14), ...shape });
    await producer.sendAll(generator.events());
    await producer.close();
    const topology = await topologyFor(registry);
    const app = new StreamsApp(topology, { applicationId: 'bench', stateDir }, log, { logger: silentLogger });
    (globalThis as { gc?: () => void }).gc?.();
    const setupMs = performance.now() - setupStarted;

    const started = performance.now();
    await app.start();
    await app.waitUntilCaughtUp({ settleMs: 10 });
    await app.endOfInput();
    const elapsedMs = performance.now() - started;
    const processed = app.metrics().processed;
    await app.close();
    if (processed !== EVENTS) throw new Error(`processed ${processed} of ${EVENTS} events`);
    return { events: EVENTS, elapsedMs, setupMs };
  } finally {
    await log.close();
    await registryServer.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}
