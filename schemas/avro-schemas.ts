/**
 * The catalogue of weir's Avro schemas: every `schemas/<name>.avsc` with the TypeScript type that follows it.
 * `test/schemas/avro-schemas.test.ts` checks each type against its schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as avro from 'avsc';
import { WeirError } from '../errors/weir-error';
import type { Alert } from './alert';
import type { AlertFeedback } from './alert-feedback';
import type { AlertQuality } from './alert-quality';
import type { Anomaly } from './anomaly';
import type { BaselineModelVersion } from './baseline-model-version';
import type { CardinalityReport } from './cardinality-report';
import type { Deployment } from './deployment';
import type { DriftReport } from './drift-report';
import type { InvestigationResult } from './investigation-result';
import type { KnownEvent } from './known-event';
import type { Rollup } from './rollup';
import type { WideEvent } from './wide-event';

/** Schema file name (without `.avsc`) to the record type it describes. */
export interface SchemaTypes {
  'wide-event': WideEvent;
  deployment: Deployment;
  'known-event': KnownEvent;
  'alert-feedback': AlertFeedback;
  rollup: Rollup;
  'baseline-model-version': BaselineModelVersion;
  'drift-report': DriftReport;
  anomaly: Anomaly;
  alert: Alert;
  'alert-quality': AlertQuality;
  'investigation-result': InvestigationResult;
  'cardinality-report': CardinalityReport;
}

export type SchemaName = keyof SchemaTypes;

export const SCHEMA_NAMES: readonly SchemaName[] = [
  'wide-event',
  'deployment',
  'known-event',
  'alert-feedback',
  'rollup',
  'baseline-model-version',
  'drift-report',
  'anomaly',
  'alert',
  'alert-quality',
  'investigation-result',
  'cardinality-report',
];

/** Folder holding the `.avsc` files (this file sits beside them). */
export const SCHEMAS_DIR = __dirname;

const parsed = new Map<SchemaName, avro.Schema>();

/** The parsed JSON of `schemas/<name>.avsc`, as registered with a schema registry. */
export function avroSchema(name: SchemaName): avro.Schema {
  let schema = parsed.get(name);
  if (schema === undefined) {
    schema = readAvroSchemaFile(join(SCHEMAS_DIR, `${name}.avsc`));
    parsed.set(name, schema);
  }
  return schema;
}

/** An avsc type for `schemas/<name>.avsc`; logical types stay as their underlying type (timestamps are epoch-ms numbers). */
export function avroType(name: SchemaName): avro.Type {
  return avro.Type.forSchema(avroSchema(name));
}

/** Reads and parses any `.avsc` file, failing with the path when it is not valid Avro. */
export function readAvroSchemaFile(path: string): avro.Schema {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new WeirError('SCHEMA_NOT_FOUND', 'cannot read Avro schema file', { path }, { cause });
  }
  try {
    const schema = JSON.parse(text) as avro.Schema;
    avro.Type.forSchema(schema);
    return schema;
  } catch (cause) {
    throw new WeirError('INVALID_CONFIG', `invalid Avro schema: ${(cause as Error).message}`, { path }, { cause });
  }
}
