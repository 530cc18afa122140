/**
 * `weir clickhouse migrate|ddl`: applies weir's ClickHouse schema idempotently, or prints the DDL
 * one server version would get.
 *
 *   weir clickhouse migrate --url http://127.0.0.1:8123 [--database weir] [--raw-ttl-days 30]
 *   weir clickhouse ddl --server-version 24.8 [--database weir]
 */
import { parseArgs } from 'node:util';
import { isWeirError as isConnectionError } from '../errors/weir-error';
import { ClickHouseConnection } from '../sinks/clickhouse/connection';
import { migrate } from '../sinks/clickhouse/migrate';
import { renderDdl } from '../sinks/clickhouse/ddl';
import { capabilitiesFor } from '../sinks/clickhouse/server-capabilities';
import { databaseName } from '../sinks/clickhouse/dialect';

export const summary = 'create or upgrade the ClickHouse schema (migrate), or print the DDL for a server version (ddl)';

const USAGE = `usage:
  weir clickhouse migrate [--url URL] [--database weir] [--raw-ttl-days N]   (URL defaults to $CLICKHOUSE_URL)
  weir clickhouse ddl --server-version VERSION [--database weir]`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      database: { type: 'string', default: 'weir' },
      'server-version': { type: 'string' },
      'raw-ttl-days': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const action = positionals[0];
  if (values.help || (action !== 'migrate' && action !== 'ddl')) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  if (!isIdentifier(values.database!)) {
    console.error(`weir clickhouse: --database must be letters, digits and "_", not starting with a digit (got ${JSON.stringify(values.database)})`);
    return 2;
  }
  const rawEventsTtlDays = values['raw-ttl-days'] === undefined ? undefined : Number(values['raw-ttl-days']);
  if (rawEventsTtlDays !== undefined && !(rawEventsTtlDays > 0)) {
    console.error('weir clickhouse: --raw-ttl-days must be a positive number of days');
    return 2;
  }
  if (action === 'ddl') {
    if (!values['server-version']) {
      console.error('weir clickhouse ddl: --server-version is required (e.g. 18.16.1 or 24.8)');
      return 2;
    }
    const statements = renderDdl(capabilitiesFor(values['server-version']), { database: values.database!, rawEventsTtlDays });
    console.log(statements.map((s) => `${s.sql};`).join('\n\n'));
    return 0;
  }
  const url = values.url ?? process.env.CLICKHOUSE_URL;
  if (!url) {
    console.error('weir clickhouse migrate: give --url or set CLICKHOUSE_URL');
    return 2;
  }
  let connection: ClickHouseConnection;
  try {
    connection = await ClickHouseConnection.open({ url, database: values.database });
  } catch (error) {
    if (!isConnectionError(error, 'SINK_UNAVAILABLE')) throw error;
    console.error(`weir clickhouse: ${error.message}`);
    return 1;
  }
  try {
    const report = await migrate(connection, { rawEventsTtlDays });
    console.log(`ClickHouse ${report.serverVersion} at ${url}, database ${connection.database}`);
    console.log(`created: ${report.created.join(', ') || 'nothing'}`);
    console.log(`added columns: ${report.addedColumns.join(', ') || 'none'}`);
    console.log(`unchanged: ${report.unchanged.join(', ') || 'none'}`);
    for (const view of report.staleViews) {
      console.log(`stale view: ${view} does not fill its target's new columns; recreate it: DROP TABLE ${connection.database}.${view}, then migrate again`);
    }
    return 0;
  } finally {
    await connection.close();
  }
}

function isIdentifier(name: string): boolean {
  try {
    databaseName(name);
    return true;
  } catch {
    return false;
  }
}
