/**
 * `weir produce`: publishes NDJSON records from stdin to a topic as Avro in Confluent's wire format,
 * registering the schema with the registry first.
 *
 *   weir produce --topic wide-events --schema schemas/wide-event.avsc [--key service] \
 *     [--registry http://localhost:8081] [--brokers localhost:9092] < events.ndjson
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { isWeirError } from '../errors/weir-error';
import type { LogClient } from '../runtime/log';
import { readAvroSchemaFile } from '../schemas/avro-schemas';
import { createAvroProducer } from '../avro/avro-producer';

export const summary = 'publish NDJSON records from stdin to a topic as Confluent wire-format Avro (--topic, --schema)';

const USAGE = `usage: weir produce --topic T --schema S.avsc [--key FIELD[|FIELD...]] [--registry URL] [--brokers HOST:PORT,...] [--partitions N] [--batch 1000] < records.ndjson
  --key      the record key: a field's value, or several joined with '|' (--key 'service|operation')
  --partitions creates the topic with N partitions when it does not exist (else a missing topic is an error)
  --registry defaults to $SCHEMA_REGISTRY_URL, else http://localhost:8081
  --brokers  defaults to $KAFKA_BROKERS (required: the embedded log lives inside one process)`;

export async function run(argv: string[], input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  let values: { topic?: string; schema?: string; key?: string; registry?: string; brokers?: string; batch?: string; partitions?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        topic: { type: 'string' },
        schema: { type: 'string' },
        key: { type: 'string' },
        registry: { type: 'string' },
        brokers: { type: 'string' },
        batch: { type: 'string', default: '1000' },
        partitions: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`weir produce: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const batchSize = Number(values.batch);
  const partitions = values.partitions === undefined ? undefined : Number(values.partitions);
  if (partitions !== undefined && !(Number.isInteger(partitions) && partitions > 0)) {
    console.error(`weir produce: --partitions must be a positive integer, got '${values.partitions}'`);
    return 2;
  }
  const brokers = values.brokers ?? process.env.KAFKA_BROKERS;
  if (!values.topic || !values.schema || !brokers || !(Number.isInteger(batchSize) && batchSize > 0)) {
    console.error(`weir produce: --topic, --schema and --brokers (or KAFKA_BROKERS) are required; --batch is a positive integer\n${USAGE}`);
    return 2;
  }
  const log = await openKafkaLog(brokers.split(','), 'weir-produce');
  try {
    return await produce(log, input, {
      topic: values.topic,
      schemaPath: values.schema,
      keyField: values.key,
      registryUrl: values.registry ?? process.env.SCHEMA_REGISTRY_URL ?? 'http://localhost:8081',
      batchSize,
      createPartitions: partitions,
    });
  } catch (error) {
    console.error(`weir produce: ${(error as Error).message}`);
    return 1;
  } finally {
    await log.close();
  }
}

export interface ProduceOptions {
  readonly topic: string;
  readonly schemaPath: string;
  readonly keyField?: string;
  readonly registryUrl: string;
  readonly batchSize: number;
  readonly createPartitions?: number;
}

/** Reads NDJSON lines from `input` and sends them in batches; stops at the first bad line, naming it, after sending the lines before it. */
export async function produce(log: LogClient, input: NodeJS.ReadableStream, options: ProduceOptions): Promise<number> {
  // `--key service|operation` keys by several fields joined with '|' (the flagship's rollup key).
  const keyFields = options.keyField === undefined ? undefined : options.keyField.split('|');
  const producer = await createAvroProducer<Record<string, unknown>>({
    log,
    registry: new SchemaRegistry({ host: options.registryUrl }),
    topic: options.topic,
    schema: readAvroSchemaFile(options.schemaPath),
    key: keyFields === undefined ? undefined : (v) => recordKey(v, keyFields),
    createPartitions: options.createPartitions,
  });
  let batch: Record<string, unknown>[] = [];
  let firstLine = 1;
  let lineNo = 0;
  let sent = 0;
  const flush = async (): Promise<void> => {
    try {
      await producer.send(batch);
    } catch (error) {
      const index = isWeirError(error) ? error.context.index : undefined;
      const line = typeof index === 'number' ? firstLine + index : undefined;
      throw new Error(`line ${line ?? '?'}: ${(error as Error).message}`, { cause: error });
    }
    sent += batch.length;
    batch = [];
    firstLine = lineNo + 1;
  };
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      if (line.trim() === '') {
        if (batch.length === 0) firstLine = lineNo + 1;
        continue;
      }
      try {
        batch.push(JSON.parse(line) as Record<string, unknown>);
      } catch (error) {
        await flush();
        throw new Error(`line ${lineNo}: not JSON: ${(error as Error).message}`);
      }
      if (batch.length >= options.batchSize) await flush();
    }
    if (batch.length > 0) await flush();
  } catch (error) {
    console.error(`weir produce: ${(error as Error).message} (${sent} records sent before it)`);
    await producer.close();
    return 1;
  }
  await producer.close();
  console.error(`weir produce: ${sent} records to ${options.topic} with schema id ${producer.schemaId}`);
  return 0;
}

function recordKey(value: Record<string, unknown>, fields: readonly string[]): string | null {
  const parts: string[] = [];
  for (const field of fields) {
    const part = value[field];
    if (part === null || part === undefined) return null;
    parts.push(String(part));
  }
  return parts.join('|');
}

/** The Kafka `LogClient`, loaded lazily so that commands not using Kafka do not load kafkajs. */
export async function openKafkaLog(brokers: string[], clientId: string): Promise<LogClient> {
  // require, not import(): under tsx a dynamic import() resolves as ESM, without TypeScript's extension lookup.
  const { KafkaLog } = require('../runtime/kafka/kafka-log') as typeof import('../runtime/kafka/kafka-log');
  return new KafkaLog({ brokers, clientId });
}
