/**
 * Shared by the ClickHouse integration tests: the server URL from CLICKHOUSE_URL (scripts/test.sh
 * exports it after `scripts/clickhouse.sh up`), a skip with a message when it is unset, a failure
 * when CI=true, and a throwaway database per test file.
 */
import type { TestContext } from 'node:test';
import { ClickHouseConnection } from '../../../sinks/clickhouse/connection';

export function clickhouseUrl(t: TestContext): string | undefined {
  const url = process.env.CLICKHOUSE_URL;
  if (url) return url;
  if (process.env.CI === 'true') {
    throw new Error('CLICKHOUSE_URL is unset and CI=true: start one with scripts/clickhouse.sh up');
  }
  t.skip('CLICKHOUSE_URL is unset: run `eval "$(scripts/clickhouse.sh up)"` and export CLICKHOUSE_URL to run it');
  return undefined;
}

/**
 * A fresh database named after the test (dropped first if a previous run left it). The long
 * request timeout is for DROP DATABASE, which 18.16 takes tens of seconds over while merges run.
 */
export async function freshDatabase(url: string, name: string): Promise<ClickHouseConnection> {
  const database = `weir_it_${name}`;
  const connection = await ClickHouseConnection.open({ url, database, requestTimeoutMs: 300_000 });
  await connection.command(`DROP DATABASE IF EXISTS ${database}`);
  return connection;
}
