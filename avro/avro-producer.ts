/**
 * Publishes values as Avro in Confluent's wire format to a topic of any `LogClient` (embedded log or Kafka),
 * registering the schema first: what producers of wide events, deployments or known events use.
 */
import type * as avro from 'avsc';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { WeirError } from '../errors/weir-error';
import type { CommitLog, LogClient, ProducedRecord } from '../runtime/log';
import { AvroSerde } from './avro-serde';

export interface AvroProducerOptions<T> {
  readonly log: LogClient;
  readonly registry: SchemaRegistry;
  readonly topic: string;
  readonly schema: avro.Schema;
  /** Default `<topic>-value` (Confluent's TopicNameStrategy). */
  readonly subject?: string;
  /** The record key (sent as UTF-8) from the value; default null, which spreads records round-robin. */
  readonly key?: (value: T) => string | null;
  /** The record timestamp from the value; default its numeric `timestamp` field, else the time of sending. */
  readonly timestamp?: (value: T) => number;
  readonly clientId?: string;
  /** Creates the topic with this many partitions when it does not exist; by default a missing topic is an error. */
  readonly createPartitions?: number;
}

/**
 * Registers the schema and returns a producer of Avro records.
 *
 * ```ts
 * const producer = await createAvroProducer<WideEvent>({
 *   log, registry, topic: 'wide-events', schema: avroSchema('wide-event'), key: (e) => e.service,
 * });
 * await producer.send(events);
 * await producer.close();
 * ```
 */
export async function createAvroProducer<T>(options: AvroProducerOptions<T>): Promise<AvroProducer<T>> {
  const admin = options.log.admin();
  if ((await admin.partitionCount(options.topic)) === undefined) {
    if (options.createPartitions === undefined) {
      throw new WeirError('TOPIC_NOT_FOUND', 'cannot produce: the topic does not exist (create it, or give createPartitions)', { topic: options.topic });
    }
    await admin.createTopics([{ name: options.topic, partitions: options.createPartitions }]);
  }
  const serde = new AvroSerde<T>({ registry: options.registry, schema: options.schema, topic: options.topic, subject: options.subject });
  await serde.init();
  const commitLog = await options.log.commitLog({ guarantee: 'at_least_once', clientId: options.clientId ?? `weir-producer-${options.topic}` });
  return new AvroProducer<T>(options, serde, commitLog);
}

export class AvroProducer<T> {
  constructor(
    private readonly options: AvroProducerOptions<T>,
    private readonly serde: AvroSerde<T>,
    private readonly commitLog: CommitLog,
  ) {}

  /** The registry id of the schema the records are written with. */
  get schemaId(): number {
    return this.serde.schemaId!;
  }

  /**
   * Encodes every value (all or none: the first invalid one fails the call with its index, before anything is sent)
   * and sends them in one batch, resolving once the log has acknowledged them.
   */
  async send(values: readonly T[]): Promise<void> {
    const { topic, key, timestamp } = this.options;
    const now = Date.now();
    const records: ProducedRecord[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      let bytes: Buffer | null;
      try {
        bytes = this.serde.serialize(topic, value);
      } catch (error) {
        const context = error instanceof WeirError ? error.context : {};
        throw new WeirError('SERIALIZATION_FAILED', `record ${i} of the batch does not match the schema`, { ...context, topic, index: i }, { cause: error });
      }
      const k = key?.(value);
      records[i] = {
        topic,
        key: k === null || k === undefined ? null : Buffer.from(k, 'utf8'),
        value: bytes,
        timestamp: timestamp ? timestamp(value) : timestampField(value, now),
        headers: {},
      };
    }
    await this.commitLog.send(records);
  }

  /** Sends a stream of values (a generator's 1M events) in batches of `batchSize`, never holding more in memory; returns how many. */
  async sendAll(values: Iterable<T>, batchSize = 10_000): Promise<number> {
    let batch: T[] = [];
    let sent = 0;
    for (const value of values) {
      batch.push(value);
      if (batch.length === batchSize) {
        await this.send(batch);
        sent += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) await this.send(batch);
    return sent + batch.length;
  }

  async close(): Promise<void> {
    await this.commitLog.close();
  }
}

function timestampField(value: unknown, fallback: number): number {
  const t = (value as { timestamp?: unknown } | null)?.timestamp;
  return typeof t === 'number' && Number.isFinite(t) ? t : fallback;
}
