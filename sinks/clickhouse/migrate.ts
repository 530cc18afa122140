/**
 * `weir clickhouse migrate`: creates what is missing and adds the columns an older deployment
 * lacks; running it again changes nothing. Nothing is dropped or retyped: that needs a human.
 */
import { columnDefinitions, renderDdl, rollupTargetColumns, type DdlOptions } from './ddl';
import type { ClickHouseConnection } from './connection';
import { ROLLUP_VIEWS, TABLES } from './schema';
import { quote } from './dialect';

export interface MigrationReport {
  readonly serverVersion: string;
  readonly created: string[];
  /** `table.column` added to an existing table. */
  readonly addedColumns: string[];
  readonly unchanged: string[];
  /**
   * Materialized views whose target gained columns: the view still runs its old SELECT and leaves
   * the new columns empty until it is recreated (`DROP TABLE <database>.<view>`, then migrate
   * again). Not done here because inserts between the drop and the create would miss the rollup.
   */
  readonly staleViews: string[];
}

export type MigrateOptions = Omit<DdlOptions, 'database'>;

export async function migrate(connection: ClickHouseConnection, options: MigrateOptions = {}): Promise<MigrationReport> {
  const database = connection.database;
  const report: MigrationReport = { serverVersion: connection.capabilities.version, created: [], addedColumns: [], unchanged: [], staleViews: [] };
  const statements = renderDdl(connection.capabilities, { ...options, database });
  const existing = new Set(
    (await connection.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = ${quote(database)}`)).map((r) => r.name),
  );
  for (const statement of statements) {
    if (statement.kind === 'database') {
      await connection.command(statement.sql);
      continue;
    }
    if (existing.has(statement.name)) {
      report.unchanged.push(statement.name);
      continue;
    }
    await connection.command(statement.sql);
    report.created.push(statement.name);
  }
  await addMissingColumns(connection, report);
  return report;
}

async function addMissingColumns(connection: ClickHouseConnection, report: MigrationReport): Promise<void> {
  const database = connection.database;
  const columns = await connection.rows<{ table: string; name: string }>(
    `SELECT table, name FROM system.columns WHERE database = ${quote(database)}`,
  );
  const present = new Set(columns.map((c) => `${c.table}.${c.name}`));
  for (const table of TABLES) {
    if (report.created.includes(table.name)) continue;
    for (const column of table.columns) {
      // One described column may be two physical ones (a map as key/value arrays); add each that is missing.
      const physical = connection.dialect.physicalColumns(column);
      const definitions = columnDefinitions(connection.dialect, column);
      for (let i = 0; i < physical.length; i++) {
        const name = physical[i]!.name;
        if (present.has(`${table.name}.${name}`)) continue;
        await connection.command(`ALTER TABLE ${connection.table(table.name)} ADD COLUMN ${definitions[i]}`);
        report.addedColumns.push(`${table.name}.${name}`);
      }
    }
  }
  for (const view of ROLLUP_VIEWS) {
    if (report.created.includes(view.target)) continue;
    let added = false;
    for (const column of rollupTargetColumns(connection.dialect, view)) {
      if (present.has(`${view.target}.${column.name}`)) continue;
      await connection.command(`ALTER TABLE ${connection.table(view.target)} ADD COLUMN ${column.definition}`);
      report.addedColumns.push(`${view.target}.${column.name}`);
      added = true;
    }
    if (added && !report.created.includes(`${view.target}_mv`)) report.staleViews.push(`${view.target}_mv`);
  }
  const changed = new Set(report.addedColumns.map((c) => c.split('.')[0]));
  report.unchanged.splice(0, report.unchanged.length, ...report.unchanged.filter((t) => !changed.has(t)));
}
