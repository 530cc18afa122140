/**
 * `weir registry`: runs the embedded Confluent-compatible schema registry standalone until SIGINT/SIGTERM,
 * keeping its schemas in a file, or in the `_schemas` topic when given Kafka brokers.
 *
 *   weir registry [--port 8081] [--host 127.0.0.1] [--file .weir/schemas.ndjson]
 *   weir registry --brokers localhost:9092 [--topic _schemas] [--port 8081]
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSchemaRegistry } from '../registry/registry-server';
import { FileSchemaStore, type SchemaStore } from '../registry/schema-store';
import { SCHEMAS_TOPIC, TopicSchemaStore } from '../registry/topic-schema-store';
import type { LogClient } from '../runtime/log';
import { openKafkaLog } from './produce-command';

export const summary = 'run the embedded Confluent-compatible schema registry (REST on --port; schemas in --file or the _schemas topic)';

const USAGE = `usage: weir registry [--port 8081] [--host 127.0.0.1] [--file .weir/schemas.ndjson]
       weir registry --brokers HOST:PORT,... [--topic _schemas] [--port 8081] [--host 127.0.0.1]`;

export async function run(argv: string[]): Promise<number> {
  let values: { port?: string; host?: string; file?: string; brokers?: string; topic?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '8081' },
        host: { type: 'string', default: '127.0.0.1' },
        file: { type: 'string', default: '.weir/schemas.ndjson' },
        brokers: { type: 'string' },
        topic: { type: 'string', default: SCHEMAS_TOPIC },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`weir registry: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`weir registry: --port must be an integer in [0, 65535], got '${values.port}'`);
    return 2;
  }
  let log: LogClient | undefined;
  let store: SchemaStore;
  if (values.brokers) {
    log = await openKafkaLog(values.brokers.split(','), 'weir-schema-registry');
    store = new TopicSchemaStore(log, values.topic);
  } else {
    const file = resolve(values.file!);
    mkdirSync(dirname(file), { recursive: true });
    store = new FileSchemaStore(file);
  }
  const registry = await startSchemaRegistry({ store, port, host: values.host });
  console.log(`weir schema registry listening on ${registry.url} (schemas in ${store.description})`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await registry.close();
  await log?.close();
  return 0;
}
