/**
 * The full flagship topology (rollups, baselines, drift, cardinality, sampling, alerting) on a real
 * broker, shared by its integration test and its bench: generated wide events with recent event
 * times (and input topics with infinite retention, so that the broker deletes nothing), JSON
 * values, topic names unique to one run, and one replica run until every input offset is committed.
 */
import type { KafkaLog } from '../runtime/kafka/kafka-log';
import type { ProcessingGuarantee, ProducedRecord } from '../runtime/log';
import type { Logger } from '../runtime/logger';
import { StreamsApp } from '../runtime/streams-app';
import { TrafficGenerator } from '../generator';
import { buildObservabilityTopology, OBSERVABILITY_TOPICS, type ObservabilityTopics } from '../observability/observability-topology';
import { committedInput } from './replicas';

const HOUR = 3_600_000;

export interface FlagshipInput {
  readonly topics: ObservabilityTopics;
  /** Events produced to `topics.events`. */
  readonly events: number;
}

/** Every flagship topic prefixed with `prefix`, so that runs on one broker never mix. */
export function flagshipTopics(prefix: string): ObservabilityTopics {
  const topics = {} as ObservabilityTopics;
  for (const [name, topic] of Object.entries(OBSERVABILITY_TOPICS) as Array<[keyof ObservabilityTopics, string]>) topics[name] = `${prefix}-${topic}`;
  return topics;
}

/**
 * Creates the flagship's source topics (events with `partitions`, the tables with one) and
 * produces `events` generated events (60 services x 8 operations over the 2 hours before now),
 * keyed by service|operation as the rollups need.
 */
export async function produceFlagshipInput(log: KafkaLog, options: { prefix: string; events: number; partitions: number; seed?: number }): Promise<FlagshipInput> {
  const topics = flagshipTopics(options.prefix);
  const keep = { 'retention.ms': '-1' };
  await log.admin().createTopics([
    { name: topics.events, partitions: options.partitions, config: keep },
    { name: topics.deployments, partitions: 1, config: keep },
    { name: topics.knownEvents, partitions: 1, config: keep },
    { name: topics.alertFeedback, partitions: 1, config: keep },
  ]);
  const generator = new TrafficGenerator({ seed: options.seed ?? 1, events: options.events, start: Date.now() - 2 * HOUR, durationMs: 2 * HOUR, services: 60, operationsPerService: 8 });
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: `${options.prefix}-producer` });
  let chunk: ProducedRecord[] = [];
  for (const event of generator.events()) {
    chunk.push({ topic: topics.events, key: Buffer.from(`${event.service}|${event.operation}`), value: Buffer.from(JSON.stringify(event)), timestamp: event.timestamp, headers: {} });
    if (chunk.length === 20_000) {
      await producer.send(chunk);
      chunk = [];
    }
  }
  await producer.send(chunk);
  await producer.close();
  return { topics, events: options.events };
}

export interface FlagshipRunOptions {
  readonly applicationId: string;
  readonly stateDir: string;
  readonly guarantee: ProcessingGuarantee;
  readonly logger: Logger;
}

/** One replica from start until every event's offset is committed; the app is left running for the caller to inspect and close. */
export async function runFlagshipUntilCommitted(log: KafkaLog, appLog: KafkaLog, input: FlagshipInput, options: FlagshipRunOptions): Promise<{ app: StreamsApp; elapsedMs: number }> {
  const topology = buildObservabilityTopology({ topics: input.topics });
  const app = new StreamsApp(topology, { applicationId: options.applicationId, stateDir: options.stateDir, processingGuarantee: options.guarantee }, appLog, { logger: options.logger });
  const started = Date.now();
  await app.start();
  while ((await committedInput(log, options.applicationId, input.topics.events)) < input.events) {
    if (app.state === 'failed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { app, elapsedMs: Date.now() - started };
}
