/**
 * weir's embedded schema registry: the part of Confluent Schema Registry's REST API that the unmodified
 * `@kafkajs/confluent-schema-registry` client and common producers use, over node:http.
 * https://docs.confluent.io/platform/current/schema-registry/develop/api.html
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WeirError } from '../errors/weir-error';
import { parseCandidate, RegistryState } from './registry-state';
import { REST_ERRORS, httpStatusOf, restError, restErrorOf } from './rest-error';
import type { RegistryRecord, SchemaStore } from './schema-store';

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface SchemaRegistryServerOptions {
  readonly store: SchemaStore;
  /** 0 picks a free port (read it back from `url`). Default 8081, as Confluent's. */
  readonly port?: number;
  /** Default 127.0.0.1; `0.0.0.0` to serve other hosts. */
  readonly host?: string;
}

type Query = URLSearchParams;
type Handler = (params: string[], body: unknown, query: Query) => Promise<unknown> | unknown;
interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** Names of the path's `{param}`s, in order. */
  readonly params: readonly string[];
  readonly handler: Handler;
}

/**
 * Starts the registry and resolves once it listens and has replayed its store.
 *
 * ```ts
 * const registry = await startSchemaRegistry({ store: new FileSchemaStore('.weir/schemas.ndjson'), port: 0 });
 * const client = new SchemaRegistry({ host: registry.url });
 * ```
 */
export async function startSchemaRegistry(options: SchemaRegistryServerOptions): Promise<SchemaRegistryServer> {
  const registry = new SchemaRegistryServer(options);
  await registry.start();
  return registry;
}

export class SchemaRegistryServer {
  private readonly state = new RegistryState();
  private readonly server: Server;
  private readonly routes: Route[];
  /** Writes run one at a time so that two registrations never take the same id or version. */
  private writes: Promise<unknown> = Promise.resolve();
  private address: AddressInfo | undefined;

  constructor(private readonly options: SchemaRegistryServerOptions) {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.routes = this.defineRoutes();
  }

  /** `http://host:port`, once started. */
  get url(): string {
    if (this.address === undefined) throw new WeirError('INVALID_CONFIG', 'the schema registry is not started');
    const host = this.address.address === '0.0.0.0' || this.address.address === '::' ? '127.0.0.1' : this.address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.address.port}`;
  }

  async start(): Promise<void> {
    await this.catchUp();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (cause) =>
        reject(new WeirError('INVALID_CONFIG', `schema registry cannot listen: ${cause.message}`, { option: 'port', port: this.options.port }, { cause })),
      );
      this.server.listen(this.options.port ?? 8081, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.address = this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.writes.catch(() => undefined);
    await this.options.store.close();
  }

  private defineRoutes(): Route[] {
    const s = this.state;
    const route = (method: string, path: string, handler: Handler): Route => ({
      method,
      pattern: new RegExp(`^${path.replace(/\{[a-z]+\}/g, '([^/]+)')}/?$`),
      params: [...path.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]),
      handler,
    });
    return [
      route('GET', '', () => ({})),
      route('GET', '/schemas/types', () => ['AVRO']),
      route('GET', '/schemas/ids/{id}', async ([id]) => (await this.withCatchUpOnMiss(() => s.schemaById(parseId(id))))),
      route('GET', '/schemas/ids/{id}/schema', async ([id]) => JSON.parse((await this.withCatchUpOnMiss(() => s.schemaById(parseId(id)))).schema)),
      route('GET', '/schemas/ids/{id}/versions', async ([id]) => this.withCatchUpOnMiss(() => s.versionsOfId(parseId(id)))),
      route('GET', '/subjects', () => s.subjectNames()),
      route('GET', '/subjects/{subject}/versions', ([subject]) => s.versions(subject)),
      route('POST', '/subjects/{subject}/versions', ([subject], body) => this.register(subject, body)),
      route('POST', '/subjects/{subject}', ([subject], body) => s.lookup(subject, parseCandidate(body))),
      route('GET', '/subjects/{subject}/versions/{version}', ([subject, version]) => s.version(subject, version)),
      route('GET', '/subjects/{subject}/versions/{version}/schema', ([subject, version]) => JSON.parse(s.version(subject, version).schema)),
      route('POST', '/compatibility/subjects/{subject}/versions/{version}', ([subject, version], body, query) =>
        compatibilityAnswer(s.checkCompatibility(subject, version, parseCandidate(body)), query),
      ),
      route('POST', '/compatibility/subjects/{subject}/versions', ([subject], body, query) =>
        compatibilityAnswer(s.checkCompatibility(subject, 'latest', parseCandidate(body)), query),
      ),
      route('GET', '/config', () => ({ compatibilityLevel: s.compatibility(null) })),
      route('PUT', '/config', (_p, body) => this.setConfig(null, body)),
      route('GET', '/config/{subject}', ([subject], _b, query) => ({
        compatibilityLevel: s.subjectConfig(subject, query.get('defaultToGlobal') === 'true'),
      })),
      route('PUT', '/config/{subject}', ([subject], body) => this.setConfig(subject, body)),
    ];
  }

  private register(subject: string, body: unknown): Promise<{ id: number }> {
    const candidate = parseCandidate(body);
    return this.write(async () => {
      const registration = this.state.register(subject, candidate);
      if ('existing' in registration) return { id: registration.existing.id };
      await this.persist(registration.record);
      return { id: registration.record.value.id };
    });
  }

  private setConfig(subject: string | null, body: unknown): Promise<{ compatibility: string }> {
    const level = (body as { compatibility?: unknown } | null)?.compatibility;
    const record = this.state.configRecord(subject, typeof level === 'string' ? level.toUpperCase() : level);
    return this.write(async () => {
      await this.persist(record);
      return { compatibility: (record.value as { compatibilityLevel: string }).compatibilityLevel };
    });
  }

  /** Runs a write after the previous ones, on a state caught up with every other writer of the store. */
  private write<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.writes.then(async () => {
      await this.catchUp();
      return operation();
    });
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async persist(record: RegistryRecord): Promise<void> {
    try {
      await this.options.store.append(record);
    } catch (error) {
      throw restError(REST_ERRORS.STORE_ERROR, `Error while registering schema: ${(error as Error).message}`);
    }
    this.state.apply(record);
    // Our own record comes back from readNew; applying it twice is harmless (same version, same id).
  }

  private async catchUp(): Promise<void> {
    for (const record of await this.options.store.readNew()) this.state.apply(record);
  }

  /** A schema id unknown here may have been registered by another registry writing the same store. */
  private async withCatchUpOnMiss<T>(read: () => T): Promise<T> {
    try {
      return read();
    } catch (error) {
      await this.catchUp();
      return read();
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://registry');
      const path = url.pathname.replace(/\/+$/, '');
      const candidates = this.routes.filter((r) => r.pattern.test(path));
      if (candidates.length === 0) throw restError(REST_ERRORS.NOT_FOUND, `HTTP 404 Not Found: ${path}`);
      const matched = candidates.find((r) => r.method === req.method);
      if (matched === undefined) throw restError(REST_ERRORS.METHOD_NOT_ALLOWED, `HTTP 405 Method Not Allowed: ${req.method} ${path}`);
      const params = (matched.pattern.exec(path) ?? []).slice(1).map((p, i) => decodeParam(matched.params[i], p));
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJson(req) : undefined;
      send(res, 200, await matched.handler(params, body, url.searchParams));
    } catch (error) {
      const { errorCode, message } = restErrorOf(error);
      send(res, httpStatusOf(errorCode), { error_code: errorCode, message });
    }
  }
}

function compatibilityAnswer(problems: string[], query: Query): { is_compatible: boolean; messages?: string[] } {
  const answer = { is_compatible: problems.length === 0 };
  return query.get('verbose') === 'true' ? { ...answer, messages: problems } : answer;
}

/**
 * A path parameter, %-decoded. A subject that does not decode (a malformed `%` escape) or holds
 * control characters is refused as Confluent's registry does (42208), not answered with a 500.
 */
function decodeParam(name: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    if (name === 'subject') throw restError(REST_ERRORS.INVALID_SUBJECT, `The specified subject is not valid: malformed %-escape in '${raw}'`, { subject: raw });
    // Not an id nor a version either: answered as the parameter's own "not found".
    throw restError(name === 'id' ? REST_ERRORS.SCHEMA_NOT_FOUND : REST_ERRORS.INVALID_VERSION, `malformed %-escape in ${name} '${raw}'`, { [name]: raw });
  }
  // Control characters (C0, DEL, C1), as Confluent's subject check (javaIsoControl).
  if (name === 'subject' && /[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw restError(REST_ERRORS.INVALID_SUBJECT, `The specified subject is not valid: it holds control characters`, { subject: raw });
  }
  return value;
}

function parseId(id: string): number {
  const n = Number(id);
  if (!/^\d+$/.test(id) || n > 2 ** 31 - 1) throw restError(REST_ERRORS.SCHEMA_NOT_FOUND, 'Schema not found', { id });
  return n;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw restError(REST_ERRORS.UNPROCESSABLE_ENTITY, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw restError(REST_ERRORS.UNPROCESSABLE_ENTITY, `Unrecognized request body: ${(error as Error).message}`);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
