/**
 * Where the embedded registry keeps its history: an append-only list of records in the key/value JSON
 * format of Confluent's `_schemas` topic, so the same records live in a file (embedded) or a topic (Kafka).
 */
import { appendFile, readFile } from 'node:fs/promises';
import { WeirError } from '../errors/weir-error';
import type { CompatibilityLevel } from './compatibility';

export interface SchemaKey {
  readonly keytype: 'SCHEMA';
  readonly subject: string;
  readonly version: number;
  readonly magic: 1;
}

export interface SchemaValue {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  /** The schema text as stored (compact JSON). */
  readonly schema: string;
  /** Absent for AVRO, as Confluent writes it. */
  readonly schemaType?: string;
  readonly deleted: boolean;
}

export interface ConfigKey {
  readonly keytype: 'CONFIG';
  /** Null for the global config. */
  readonly subject: string | null;
  readonly magic: 0;
}

export interface ConfigValue {
  readonly compatibilityLevel: CompatibilityLevel;
}

export type RegistryRecord = { readonly key: SchemaKey; readonly value: SchemaValue } | { readonly key: ConfigKey; readonly value: ConfigValue };

export interface SchemaStore {
  /** For log lines: `memory`, `file:/path`, `topic:_schemas`. */
  readonly description: string;
  /** Records appended since the previous call (every record on the first call), including other writers' records. */
  readNew(): Promise<RegistryRecord[]>;
  /** Makes a record durable before the registry answers the request that made it. */
  append(record: RegistryRecord): Promise<void>;
  close(): Promise<void>;
}

/** Keeps records for the life of the process; for tests. */
export class MemorySchemaStore implements SchemaStore {
  readonly description = 'memory';
  private readonly records: RegistryRecord[] = [];
  private read = 0;

  async readNew(): Promise<RegistryRecord[]> {
    const fresh = this.records.slice(this.read);
    this.read = this.records.length;
    return fresh;
  }

  async append(record: RegistryRecord): Promise<void> {
    this.records.push(record);
  }

  async close(): Promise<void> {}
}

/** One JSON line `{key, value}` per record, appended; the embedded registry's persistence. */
export class FileSchemaStore implements SchemaStore {
  readonly description: string;
  private readBytes = 0;
  private readLines = 0;

  constructor(private readonly path: string) {
    this.description = `file:${path}`;
  }

  async readNew(): Promise<RegistryRecord[]> {
    let content: Buffer;
    try {
      content = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new WeirError('STORE_ERROR', 'cannot read the schema registry file', { path: this.path }, { cause: error });
    }
    // Only whole lines: a line still being written by another process is read next time.
    const end = content.lastIndexOf(0x0a) + 1;
    if (end <= this.readBytes) return [];
    const lines = content.subarray(this.readBytes, end).toString('utf8').split('\n').slice(0, -1);
    const first = this.readLines;
    this.readBytes = end;
    this.readLines += lines.length;
    return lines.flatMap((line, i) => (line.length === 0 ? [] : [parseRecord(line, `${this.path}:${first + i + 1}`)]));
  }

  async append(record: RegistryRecord): Promise<void> {
    try {
      await appendFile(this.path, `${JSON.stringify(record)}\n`, { flush: true });
    } catch (error) {
      throw new WeirError('STORE_ERROR', 'cannot write the schema registry file', { path: this.path }, { cause: error });
    }
  }

  async close(): Promise<void> {}
}

/** Parses one stored record, failing with where it came from when it is not one. */
export function parseRecord(text: string, where: string): RegistryRecord {
  let parsed: { key?: { keytype?: unknown }; value?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (cause) {
    throw new WeirError('STORE_ERROR', 'corrupt schema registry record', { where }, { cause });
  }
  const keytype = parsed.key?.keytype;
  if ((keytype !== 'SCHEMA' && keytype !== 'CONFIG') || typeof parsed.value !== 'object' || parsed.value === null) {
    throw new WeirError('STORE_ERROR', 'corrupt schema registry record: expected {key: {keytype: SCHEMA|CONFIG}, value}', { where });
  }
  return parsed as RegistryRecord;
}
