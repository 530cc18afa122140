/**
 * Avro in Confluent's wire format, with schemas held by a Confluent-compatible schema registry
 * (the embedded one in `registry/` or the user's own) through the unmodified `@kafkajs/confluent-schema-registry` client.
 */
import * as avro from 'avsc';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { WeirError } from '../errors/weir-error';
import type { Serde } from '../serdes/serde';
import { HEADER_SIZE, headerProblem, schemaIdOf, writeHeader } from './confluent-wire-format';
import { BlockOverrunError, guardedType } from './avro-decode-guard';

export interface AvroSerdeOptions {
  /** A client of the registry; one client (and its cache) can be shared by many serdes. */
  readonly registry: SchemaRegistry;
  /**
   * The schema this side is compiled against: records of any registered writer schema are resolved to it
   * (fields added since get their defaults), and it is the schema `serialize` writes.
   */
  readonly schema: avro.Schema;
  /**
   * Subject to register the schema under before serializing; default `<topic>-value` (`<topic>-key` for keys),
   * Confluent's TopicNameStrategy, when `topic` is given. A deserialize-only serde needs neither.
   */
  readonly subject?: string;
  readonly topic?: string;
  readonly isKey?: boolean;
  /** How long an id that the registry does not know is remembered as unknown, so garbage does not query it per batch. */
  readonly unknownIdTtlMs?: number;
}

/** How records written with one schema id are read: a resolver to the reader schema, or why they cannot be. */
type Resolution = { readonly resolver: avro.Resolver | undefined } | { readonly problem: string; readonly until: number };

const MAX_REMEMBERED_UNKNOWN = 10_000;

/**
 * A `Serde<T>` for Avro records in Confluent's wire format: `serialize` and `deserialize` are synchronous;
 * `init` registers the schema and `prepareBatch` fetches the writer schemas of ids not seen before, building
 * one writer-to-reader resolver per id.
 *
 * ```ts
 * const registry = new SchemaRegistry({ host: 'http://localhost:8081' });
 * const events = avroSerde<WideEvent>({ registry, schema: avroSchema('wide-event'), topic: 'wide-events' });
 * builder.stream('wide-events', { valueSerde: events });
 * ```
 */
export function avroSerde<T>(options: AvroSerdeOptions): AvroSerde<T> {
  return new AvroSerde<T>(options);
}

export class AvroSerde<T> implements Serde<T> {
  readonly name: string;
  readonly readerType: avro.Type;
  private readonly resolutions = new Map<number, Resolution>();
  private writerId: number | undefined;
  private scratch = Buffer.allocUnsafe(1024);

  constructor(private readonly options: AvroSerdeOptions) {
    try {
      this.readerType = guardedType(options.schema);
    } catch (cause) {
      throw new WeirError('INVALID_CONFIG', `invalid Avro schema: ${(cause as Error).message}`, { option: 'schema' }, { cause });
    }
    this.name = `avro(${this.readerType.name ?? this.readerType.typeName})`;
  }

  /** The id the schema was registered under by `init`, or undefined before. */
  get schemaId(): number | undefined {
    return this.writerId;
  }

  async init(): Promise<void> {
    if (this.writerId !== undefined) return;
    const subject = this.subject();
    if (subject === undefined) return; // deserialize only
    const raw = this.options.schema as { name: string; type: 'record'; fields: unknown[] };
    try {
      const { id } = await this.options.registry.register(raw, { subject });
      this.writerId = id;
      this.resolutions.set(id, { resolver: undefined });
    } catch (cause) {
      const status = (cause as { status?: number }).status;
      const code = status === 409 ? 'SCHEMA_INCOMPATIBLE' : 'SCHEMA_NOT_FOUND';
      throw new WeirError(code, `cannot register schema ${this.name}: ${(cause as Error).message}`, { subject, status }, { cause });
    }
  }

  serialize(topic: string, value: T): Buffer | null {
    if (value === null || value === undefined) return null;
    const id = this.writerId;
    if (id === undefined) {
      throw new WeirError('SERIALIZATION_FAILED', `${this.name} has no registered schema id: init() must run first, with a subject or topic`, { topic });
    }
    let end: number;
    try {
      end = this.readerType.encode(value, this.scratch, HEADER_SIZE);
      while (end < 0) {
        // A negative offset says how many bytes were missing; grow once and retry.
        this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length - end));
        end = this.readerType.encode(value, this.scratch, HEADER_SIZE);
      }
    } catch (cause) {
      const invalid: string[] = [];
      this.readerType.isValid(value, { errorHook: (path) => invalid.push(path.join('.') || '(root)') });
      throw new WeirError('SERIALIZATION_FAILED', `value does not match ${this.name}`, { topic, invalidFields: invalid }, { cause });
    }
    writeHeader(this.scratch, id);
    const out = Buffer.allocUnsafe(end);
    this.scratch.copy(out, 0, 0, end);
    return out;
  }

  deserialize(topic: string, data: Buffer | null): T {
    if (data === null) return null as T;
    const problem = headerProblem(data);
    if (problem !== null) throw this.failure(topic, data, problem);
    const id = schemaIdOf(data);
    const resolution = this.resolutions.get(id);
    if (resolution === undefined) throw this.failure(topic, data, `unknown schema id ${id} (not resolved before deserialize)`, id);
    if ('problem' in resolution) throw this.failure(topic, data, resolution.problem, id);
    let decoded: { value: unknown; offset: number };
    try {
      decoded = this.readerType.decode(data, HEADER_SIZE, resolution.resolver);
    } catch (cause) {
      const kind = cause instanceof BlockOverrunError ? 'truncated body' : 'corrupt Avro body';
      throw this.failure(topic, data, `${kind}: ${(cause as Error).message}`, id, cause);
    }
    if (decoded.offset < 0) throw this.failure(topic, data, `truncated body: ${data.length - HEADER_SIZE} bytes end inside the record`, id);
    if (decoded.offset !== data.length) {
      throw this.failure(topic, data, `corrupt Avro body: ${data.length - decoded.offset} bytes left after the record`, id);
    }
    return decoded.value as T;
  }

  async prepareBatch(_topic: string, payloads: ReadonlyArray<Buffer | null>): Promise<void> {
    let missing: Set<number> | undefined;
    const now = Date.now();
    for (const data of payloads) {
      if (data === null || headerProblem(data) !== null) continue;
      const id = schemaIdOf(data);
      const known = this.resolutions.get(id);
      if (known !== undefined && !('until' in known && known.until <= now)) continue;
      (missing ??= new Set()).add(id);
    }
    if (missing === undefined) return;
    for (const id of missing) this.resolutions.set(id, await this.resolve(id, now));
  }

  /** Fetches a writer schema and builds its resolver; only a registry that cannot be reached is an error (the batch is retried, not dead-lettered). */
  private async resolve(id: number, now: number): Promise<Resolution> {
    let writer: unknown;
    try {
      writer = await this.options.registry.getSchema(id);
    } catch (cause) {
      if ((cause as { status?: number }).status === 404) {
        this.forgetExpiredUnknowns(now);
        return { problem: `unknown schema id ${id}: the registry does not have it`, until: now + (this.options.unknownIdTtlMs ?? 60_000) };
      }
      throw new WeirError('SCHEMA_NOT_FOUND', `schema registry failed to return schema id ${id}: ${(cause as Error).message}`, { schemaId: id }, { cause });
    }
    if (!(writer instanceof avro.Type)) {
      return { problem: `unresolvable schema: id ${id} is not an Avro schema`, until: Number.POSITIVE_INFINITY };
    }
    if (writer.equals(this.readerType)) return { resolver: undefined };
    try {
      // Rebuilt guarded: the writer's types skip the fields the reader drops, so they need the same bound as reads.
      return { resolver: this.readerType.createResolver(guardedType(writer.schema())) };
    } catch (cause) {
      return {
        problem: `unresolvable schema: writer schema id ${id} (${writer.name}) cannot be read as ${this.name}: ${(cause as Error).message}`,
        until: Number.POSITIVE_INFINITY,
      };
    }
  }

  private forgetExpiredUnknowns(now: number): void {
    if (this.resolutions.size < MAX_REMEMBERED_UNKNOWN) return;
    for (const [id, r] of this.resolutions) if ('until' in r && r.until <= now) this.resolutions.delete(id);
  }

  private subject(): string | undefined {
    if (this.options.subject !== undefined) return this.options.subject;
    if (this.options.topic !== undefined) return `${this.options.topic}-${this.options.isKey ? 'key' : 'value'}`;
    return undefined;
  }

  private failure(topic: string, data: Buffer, reason: string, schemaId?: number, cause?: unknown): WeirError {
    return new WeirError('DESERIALIZATION_FAILED', `cannot decode ${this.name}: ${reason}`, { topic, reason, schemaId, bytes: data.length }, { cause });
  }
}
