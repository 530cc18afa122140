/**
 * The registry's model: subjects, their versions, global schema ids and compatibility configs, rebuilt by
 * replaying `RegistryRecord`s. Reads answer from it directly; writes return the record to make durable first.
 */
import * as avro from 'avsc';
import { compatibilityProblems, DEFAULT_COMPATIBILITY, isCompatibilityLevel, type CompatibilityLevel } from './compatibility';
import type { RegistryRecord, SchemaValue } from './schema-store';
import { REST_ERRORS, restError } from './rest-error';

/** What the REST API returns for one version of a subject. */
export interface SubjectVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schema: string;
  readonly schemaType?: string;
}

/** A schema as it arrives in a request body, parsed and validated. */
export interface CandidateSchema {
  /** Compact JSON: the identity under which equal schemas share an id. */
  readonly text: string;
  readonly type: avro.Type;
}

export type Registration = { readonly existing: SubjectVersion } | { readonly record: RegistryRecord & { value: SchemaValue } };

export class RegistryState {
  private readonly subjects = new Map<string, SchemaValue[]>();
  private readonly byId = new Map<number, SchemaValue>();
  private readonly idByText = new Map<string, number>();
  private readonly types = new Map<number, avro.Type>();
  private readonly configs = new Map<string | null, CompatibilityLevel>();
  private maxId = 0;

  apply(record: RegistryRecord): void {
    if (record.key.keytype === 'CONFIG') {
      this.configs.set(record.key.subject, (record.value as { compatibilityLevel: CompatibilityLevel }).compatibilityLevel);
      return;
    }
    const value = record.value as SchemaValue;
    const versions = this.subjects.get(value.subject) ?? [];
    const at = versions.findIndex((v) => v.version === value.version);
    if (at >= 0) versions[at] = value;
    else versions.push(value);
    versions.sort((a, b) => a.version - b.version);
    this.subjects.set(value.subject, versions);
    if (!this.byId.has(value.id)) this.byId.set(value.id, value);
    if (!this.idByText.has(value.schema)) this.idByText.set(value.schema, value.id);
    this.maxId = Math.max(this.maxId, value.id);
  }

  subjectNames(): string[] {
    return [...this.subjects.entries()].filter(([, v]) => live(v).length > 0).map(([s]) => s).sort();
  }

  versions(subject: string): number[] {
    return this.liveVersions(subject).map((v) => v.version);
  }

  version(subject: string, version: string): SubjectVersion {
    const versions = this.liveVersions(subject);
    if (version === 'latest' || version === '-1') return view(versions[versions.length - 1]);
    const n = parseVersion(version);
    const found = versions.find((v) => v.version === n);
    if (found === undefined) throw restError(REST_ERRORS.VERSION_NOT_FOUND, 'Version not found.', { subject, version: n });
    return view(found);
  }

  schemaById(id: number): { schema: string; schemaType?: string } {
    const found = this.byId.get(id);
    if (found === undefined) throw restError(REST_ERRORS.SCHEMA_NOT_FOUND, 'Schema not found', { id });
    return found.schemaType === undefined ? { schema: found.schema } : { schema: found.schema, schemaType: found.schemaType };
  }

  /** GET /schemas/ids/{id}/versions: every subject version holding the schema. */
  versionsOfId(id: number): { subject: string; version: number }[] {
    this.schemaById(id);
    return [...this.subjects.values()].flatMap((versions) => live(versions).filter((v) => v.id === id).map((v) => ({ subject: v.subject, version: v.version })));
  }

  /** POST /subjects/{subject}: the version of this subject holding the schema. */
  lookup(subject: string, candidate: CandidateSchema): SubjectVersion {
    const found = this.liveVersions(subject).find((v) => v.schema === candidate.text);
    if (found === undefined) throw restError(REST_ERRORS.SCHEMA_NOT_FOUND, 'Schema not found', { subject });
    return view(found);
  }

  /** POST /subjects/{subject}/versions: the existing version when already registered, else the record of a new version (or a 409). */
  register(subject: string, candidate: CandidateSchema): Registration {
    const versions = live(this.subjects.get(subject) ?? []);
    const same = versions.find((v) => v.schema === candidate.text);
    if (same !== undefined) return { existing: view(same) };
    const level = this.compatibility(subject);
    const problems = compatibilityProblems(level, candidate.type, versions.map((v) => ({ version: v.version, type: this.typeOf(v) })));
    if (problems.length > 0) {
      throw restError(
        REST_ERRORS.INCOMPATIBLE_SCHEMA,
        `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${problems.join('; ')}]`,
        { subject, level },
      );
    }
    const all = this.subjects.get(subject) ?? [];
    const version = all.length === 0 ? 1 : all[all.length - 1].version + 1;
    const id = this.idByText.get(candidate.text) ?? this.maxId + 1;
    const value: SchemaValue = { subject, version, id, schema: candidate.text, deleted: false };
    return { record: { key: { keytype: 'SCHEMA', subject, version, magic: 1 }, value } };
  }

  /** POST /compatibility/subjects/{subject}/versions/{version}. */
  checkCompatibility(subject: string, version: string, candidate: CandidateSchema): string[] {
    const versions = live(this.subjects.get(subject) ?? []);
    if (versions.length === 0) {
      if (version === 'latest' || version === '-1') return [];
      throw restError(REST_ERRORS.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`, { subject });
    }
    const level = this.compatibility(subject);
    if (version === 'latest' || version === '-1') {
      return compatibilityProblems(level, candidate.type, versions.map((v) => ({ version: v.version, type: this.typeOf(v) })));
    }
    const target = this.version(subject, version);
    // Against one given version, the transitive levels reduce to their plain form.
    const plain = level.replace('_TRANSITIVE', '') as CompatibilityLevel;
    return compatibilityProblems(plain, candidate.type, [{ version: target.version, type: this.typeOf(this.byId.get(target.id)!) }]);
  }

  /** The level in force for a subject: its own, else the global one, else BACKWARD. */
  compatibility(subject: string | null): CompatibilityLevel {
    return (subject !== null ? this.configs.get(subject) : undefined) ?? this.configs.get(null) ?? DEFAULT_COMPATIBILITY;
  }

  /** GET /config/{subject}: only a subject's own level (Confluent answers 40408 when it has none, unless defaultToGlobal). */
  subjectConfig(subject: string, defaultToGlobal: boolean): CompatibilityLevel {
    const own = this.configs.get(subject);
    if (own !== undefined) return own;
    if (defaultToGlobal) return this.compatibility(null);
    throw restError(REST_ERRORS.SUBJECT_CONFIG_NOT_FOUND, `Subject '${subject}' does not have subject-level compatibility configured`, { subject });
  }

  configRecord(subject: string | null, level: unknown): RegistryRecord {
    if (!isCompatibilityLevel(level)) {
      throw restError(REST_ERRORS.INVALID_COMPATIBILITY_LEVEL, `Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive`, { level: String(level) });
    }
    return { key: { keytype: 'CONFIG', subject, magic: 0 }, value: { compatibilityLevel: level } };
  }

  private liveVersions(subject: string): SchemaValue[] {
    const versions = live(this.subjects.get(subject) ?? []);
    if (versions.length === 0) throw restError(REST_ERRORS.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`, { subject });
    return versions;
  }

  private typeOf(value: SchemaValue): avro.Type {
    let type = this.types.get(value.id);
    if (type === undefined) {
      type = avro.Type.forSchema(JSON.parse(value.schema) as avro.Schema);
      this.types.set(value.id, type);
    }
    return type;
  }
}

/** Parses and validates the body of a register, lookup or compatibility request. */
export function parseCandidate(body: unknown): CandidateSchema {
  const request = (body ?? {}) as { schema?: unknown; schemaType?: unknown; references?: unknown };
  if (request.schemaType !== undefined && request.schemaType !== null && request.schemaType !== 'AVRO') {
    throw restError(REST_ERRORS.INVALID_SCHEMA, `Invalid schema: schemaType ${String(request.schemaType)} is not supported by weir's embedded registry (AVRO only)`);
  }
  if (Array.isArray(request.references) && request.references.length > 0) {
    throw restError(REST_ERRORS.INVALID_SCHEMA, 'Invalid schema: schema references are not supported by weir\'s embedded registry');
  }
  if (typeof request.schema !== 'string') throw restError(REST_ERRORS.INVALID_SCHEMA, 'Invalid schema: the request has no "schema" string');
  try {
    const parsed = JSON.parse(request.schema) as avro.Schema;
    return { text: JSON.stringify(parsed), type: avro.Type.forSchema(parsed) };
  } catch (error) {
    throw restError(REST_ERRORS.INVALID_SCHEMA, `Invalid schema: ${(error as Error).message}`);
  }
}

function parseVersion(version: string): number {
  const n = Number(version);
  if (!/^\d+$/.test(version) || n < 1 || n > 2 ** 31 - 1) {
    throw restError(REST_ERRORS.INVALID_VERSION, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
  }
  return n;
}

function live(versions: readonly SchemaValue[]): SchemaValue[] {
  return versions.filter((v) => !v.deleted);
}

function view(value: SchemaValue): SubjectVersion {
  const { subject, version, id, schema, schemaType } = value;
  return schemaType === undefined ? { subject, version, id, schema } : { subject, version, id, schema, schemaType };
}
