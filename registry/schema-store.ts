/**
 * Where the embedded registry keeps its history: an append-only list of records in the key/value JSON
 * format of Confluent's `_schemas` topic, so the same records live in a file (embedded) or a topic (Kafka).
 */
import { open, readFile } from 'node:fs/promises';
import { WeirError } from '../errors/weir-error';
import type { Logger } from '../runtime/logger';
import { createLogger } from '../runtime/logger';
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

/**
 * One JSON line `{key, value}` per record, appended; the embedded registry's persistence.
 *
 * A writer killed mid-append leaves a torn last line. The registry had not answered the request
 * that made it (an append is flushed before the answer), so that record never existed: the next
 * append starts on a new line, and a line that is not JSON is skipped with a warning instead of
 * failing every later read. Files torn before this rule hold the next record on the same line as
 * the torn one; that record is kept.
 */
export class FileSchemaStore implements SchemaStore {
  readonly description: string;
  /** Torn lines skipped so far (each logged). */
  skippedLines = 0;
  private readBytes = 0;
  private readLines = 0;
  private readonly logger: Logger;

  constructor(private readonly path: string, options: { logger?: Logger } = {}) {
    this.description = `file:${path}`;
    this.logger = options.logger ?? createLogger();
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
    const records: RegistryRecord[] = [];
    lines.forEach((line, i) => {
      if (line.length === 0) return;
      const where = `${this.path}:${first + i + 1}`;
      const record = parseLine(line, where);
      if (record !== undefined) {
        records.push(record);
        return;
      }
      this.skippedLines++;
      this.logger.log('warn', 'schema registry file: skipped a torn line (a write that never completed)', { where, bytes: Buffer.byteLength(line) });
    });
    return records;
  }

  async append(record: RegistryRecord): Promise<void> {
    let file: Awaited<ReturnType<typeof open>> | undefined;
    try {
      file = await open(this.path, 'a+');
      const { size } = await file.stat();
      const last = Buffer.alloc(1);
      if (size > 0) await file.read(last, 0, 1, size - 1);
      // After a torn write the file does not end with a newline: end that line first, or this record would join it.
      const torn = size > 0 && last[0] !== 0x0a;
      await file.write(`${torn ? '\n' : ''}${JSON.stringify(record)}\n`);
      await file.datasync();
    } catch (error) {
      throw new WeirError('STORE_ERROR', 'cannot write the schema registry file', { path: this.path }, { cause: error });
    } finally {
      await file?.close();
    }
  }

  async close(): Promise<void> {}
}

/** A stored line as a record; undefined for a torn line (not JSON), whose only whole record, if any, follows the tear. */
function parseLine(line: string, where: string): RegistryRecord | undefined {
  try {
    JSON.parse(line);
  } catch {
    const next = line.lastIndexOf('{"key":');
    return next > 0 ? parseLine(line.slice(next), where) : undefined;
  }
  return parseRecord(line, where);
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
