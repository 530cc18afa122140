/**
 * `weir registry`: runs the embedded Confluent-compatible schema registry standalone until SIGINT/SIGTERM.
 *
 *   weir registry [--port 8081] [--host 127.0.0.1] [--file .weir/schemas.ndjson]
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSchemaRegistry } from '../registry/registry-server';
import { FileSchemaStore } from '../registry/schema-store';

export const summary = 'run the embedded Confluent-compatible schema registry (REST on --port, stored in --file)';

const USAGE = `usage: weir registry [--port 8081] [--host 127.0.0.1] [--file .weir/schemas.ndjson]`;

export async function run(argv: string[]): Promise<number> {
  let values: { port?: string; host?: string; file?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '8081' },
        host: { type: 'string', default: '127.0.0.1' },
        file: { type: 'string', default: '.weir/schemas.ndjson' },
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
  const file = resolve(values.file!);
  mkdirSync(dirname(file), { recursive: true });
  const registry = await startSchemaRegistry({ store: new FileSchemaStore(file), port, host: values.host });
  console.log(`weir schema registry listening on ${registry.url} (schemas in ${file})`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await registry.close();
  return 0;
}
