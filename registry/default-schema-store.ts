import type { LogClient } from '../runtime/log';
import { FileSchemaStore, type SchemaStore } from './schema-store';
import { SCHEMAS_TOPIC, TopicSchemaStore } from './topic-schema-store';

/**
 * Where an in-process registry keeps its schemas: the `_schemas` topic when weir runs on Kafka, so every replica
 * and a later Confluent registry see the same ids; a file when it runs on the embedded log, which lives only in one process.
 *
 * ```ts
 * const registry = await startSchemaRegistry({ store: defaultSchemaStore(log, { file: '.weir/schemas.ndjson' }), port: 0 });
 * ```
 */
export function defaultSchemaStore(log: LogClient, options: { file: string; topic?: string }): SchemaStore {
  return log.kind === 'kafka' ? new TopicSchemaStore(log, options.topic ?? SCHEMAS_TOPIC) : new FileSchemaStore(options.file);
}
