/** weir's embedded Confluent-compatible schema registry. */
export { startSchemaRegistry, SchemaRegistryServer, CONTENT_TYPE, type SchemaRegistryServerOptions } from './registry-server';
export { MemorySchemaStore, FileSchemaStore, type SchemaStore, type RegistryRecord } from './schema-store';
export { TopicSchemaStore, SCHEMAS_TOPIC } from './topic-schema-store';
export { defaultSchemaStore } from './default-schema-store';
export { COMPATIBILITY_LEVELS, DEFAULT_COMPATIBILITY, type CompatibilityLevel } from './compatibility';
