/**
 * Publishes the generator's timeline to the log as Avro through the schema registry, as a user's
 * producers would: wide events to `events` (keyed by service and operation), deployments to
 * `deployments` (keyed by service), known events to `known-events` (keyed by id). Paced to a
 * speed-up of event time over the wall clock, and held back while the topology lags too far.
 */
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { LogClient } from '../runtime/log';
import { createAvroProducer, type AvroProducer } from '../avro/avro-producer';
import { avroSchema } from '../schemas/avro-schemas';
import type { WideEvent } from '../schemas/wide-event';
import type { Deployment } from '../schemas/deployment';
import type { KnownEvent } from '../schemas/known-event';
import type { TrafficGenerator } from '../generator';

export const TOPICS = { events: 'events', deployments: 'deployments', knownEvents: 'known-events' } as const;

/** Key of a wide event on the `events` topic: the rollup's grouping key, so rollups need no repartition. */
export const eventKey = (e: WideEvent): string => `${e.service}|${e.operation}`;

export interface TrafficPublisherOptions {
  readonly log: LogClient;
  readonly registry: SchemaRegistry;
  readonly generator: TrafficGenerator;
  /** Event-time ms per wall-clock ms, or `max`. */
  readonly speed: number | 'max';
  /** Records published but not yet processed; publishing waits above `maxLag`. */
  readonly lag: () => number;
  readonly maxLag?: number;
  readonly batchSize?: number;
}

export class TrafficPublisher {
  published = 0;
  /** Event time of the last published event. */
  eventTime = 0;
  private stopped = false;

  constructor(private readonly options: TrafficPublisherOptions) {}

  stop(): void {
    this.stopped = true;
  }

  /** Publishes the whole timeline; resolves when the last batch is acknowledged (or after `stop()`). */
  async run(): Promise<void> {
    const { log, registry, generator, speed, lag } = this.options;
    const maxLag = this.options.maxLag ?? 10_000;
    const batchSize = this.options.batchSize ?? 2_000;
    const events = await createAvroProducer<WideEvent>({ log, registry, topic: TOPICS.events, schema: avroSchema('wide-event'), key: eventKey });
    const deployments = await createAvroProducer<Deployment>({
      log,
      registry,
      topic: TOPICS.deployments,
      schema: avroSchema('deployment'),
      key: (d) => d.service,
      timestamp: (d) => d.deployed_at,
    });
    const knownEvents = await createAvroProducer<KnownEvent>({
      log,
      registry,
      topic: TOPICS.knownEvents,
      schema: avroSchema('known-event'),
      key: (k) => k.id,
      timestamp: () => generator.start,
    });
    const wallStart = Date.now();
    let batch: WideEvent[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await events.send(batch);
      this.published += batch.length;
      batch = [];
      // The consumer runs on the same event loop: waiting here is what lets it catch up.
      while (!this.stopped && lag() > maxLag) await sleep(2);
      if (speed !== 'max') {
        const due = wallStart + (this.eventTime - generator.start) / speed;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    };
    try {
      for (const record of generator.timeline()) {
        if (this.stopped) break;
        switch (record.type) {
          case 'event':
            batch.push(record.value);
            this.eventTime = record.timestamp;
            if (batch.length >= batchSize) await flush();
            break;
          case 'deployment':
            await flush();
            await deployments.send([record.value]);
            break;
          case 'known-event':
            await knownEvents.send([record.value]);
            break;
        }
      }
      await flush();
    } finally {
      await Promise.all([events.close(), deployments.close(), knownEvents.close()]);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
