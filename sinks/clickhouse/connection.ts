/**
 * One ClickHouse connection with the server's capabilities read once from `SELECT version()`.
 * Everything weir sends to ClickHouse (DDL, inserts, queries) goes through a `ClickHouseConnection`.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { WeirError } from '../../errors/weir-error';
import { Dialect, databaseName, ident } from './dialect';
import { describeFailure } from './insert-failure';
import { capabilitiesFor, sessionSettings, type ServerCapabilities } from './server-capabilities';

export interface ConnectionOptions {
  /** e.g. `http://127.0.0.1:8123`. */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  /** Database weir's tables live in (default `weir`). */
  readonly database?: string;
  /** Per-request timeout in ms (default 30 000). */
  readonly requestTimeoutMs?: number;
}

export class ClickHouseConnection {
  readonly dialect: Dialect;

  private constructor(
    readonly client: ClickHouseClient,
    readonly capabilities: ServerCapabilities,
    readonly database: string,
    readonly url: string,
  ) {
    this.dialect = new Dialect(capabilities);
  }

  /** Connects and reads the server version; fails with `SINK_UNAVAILABLE` when the server does not answer. */
  static async open(options: ConnectionOptions): Promise<ClickHouseConnection> {
    // Checked before connecting: the database name goes into every statement (`--database`, CLICKHOUSE_DATABASE).
    const database = databaseName(options.database ?? 'weir');
    // Credentials may come in the URL (`http://weir:secret@clickhouse:8123`, as docker-compose passes them).
    const parsed = new URL(options.url);
    // Kept for log lines and error context, so never with the password.
    const masked = new URL(options.url);
    if (masked.password) masked.password = '***';
    const shown = masked.toString().replace(/\/$/, '');
    const username = options.username ?? (decodeURIComponent(parsed.username) || 'default');
    const password = options.password ?? decodeURIComponent(parsed.password);
    parsed.username = '';
    parsed.password = '';
    const client = createClient({
      url: parsed.toString().replace(/\/$/, ''),
      username,
      password,
      request_timeout: options.requestTimeoutMs ?? 30_000,
      // Old servers close idle sockets early; a stale keep-alive socket would fail the next insert.
      keep_alive: { enabled: true, idle_socket_ttl: 1_000 },
      // weir logs failures itself with the table and what it does next; the client's own lines would repeat them per retry.
      log: { level: ClickHouseLogLevel.OFF },
    });
    let version: string;
    try {
      const result = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
      const rows = await result.json<{ version: string }>();
      version = rows[0]?.version ?? '';
    } catch (cause) {
      await client.close();
      throw new WeirError('SINK_UNAVAILABLE', `ClickHouse did not answer SELECT version(): ${describeFailure(cause)}`, { url: shown }, { cause });
    }
    return new ClickHouseConnection(client, capabilitiesFor(version), database, shown);
  }

  /** Settings every request needs on this server (LowCardinality on 18.x). */
  settings(): Record<string, number> {
    return sessionSettings(this.capabilities);
  }

  /** `database.table`, both parts checked as identifiers. */
  table(name: string): string {
    return `${this.database}.${ident(name)}`;
  }

  async command(sql: string): Promise<void> {
    await this.client.command({ query: sql, clickhouse_settings: this.settings() });
  }

  async rows<T>(sql: string): Promise<T[]> {
    try {
      const result = await this.client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: this.settings() });
      return await result.json<T>();
    } catch (cause) {
      throw new WeirError('QUERY_FAILED', 'ClickHouse query failed', { url: this.url, sql: sql.slice(0, 500) }, { cause });
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
