/**
 * Turns a record into a JSONEachRow row for one table on one server, from the same column
 * description the DDL was rendered from. Compiled once per table; encoding is a plain loop.
 */
import type { RecordOrigin } from '../../topology/record';
import type { Dialect } from './dialect';
import type { ColumnSpec, TableSpec } from './table-spec';

export type Row = Record<string, unknown>;
export type RowEncoder<R> = (record: R, origin: RecordOrigin | undefined) => Row;

type Setter<R> = (row: Row, record: R, origin: RecordOrigin | undefined) => void;

function read<R>(column: ColumnSpec<R>): (record: R, origin: RecordOrigin | undefined) => unknown {
  if (column.value) return column.value;
  const name = column.name;
  return (record) => (record as Record<string, unknown>)[name];
}

function setter<R>(dialect: Dialect, column: ColumnSpec<R>): Setter<R> {
  const get = read(column);
  const name = column.name;
  const isMap = column.kind === 'string_map' || column.kind === 'float64_map';
  if (isMap && !dialect.capabilities.map) {
    // Old servers: parallel arrays, in the same key order, so `indexOf(keys)` finds the value.
    const keysName = `${name}_keys`;
    const valuesName = `${name}_values`;
    return (row, record, origin) => {
      const map = (get(record, origin) ?? {}) as Record<string, unknown>;
      row[keysName] = Object.keys(map);
      row[valuesName] = Object.values(map);
    };
  }
  if (column.kind === 'bool') {
    return (row, record, origin) => {
      const v = get(record, origin);
      row[name] = v === true || v === 1 ? 1 : 0;
    };
  }
  return (row, record, origin) => {
    const v = get(record, origin);
    row[name] = v === undefined ? null : v;
  };
}

export function compileRowEncoder<R>(dialect: Dialect, table: TableSpec<R>): RowEncoder<R> {
  const setters = table.columns.filter((c) => c.materialized === undefined).map((c) => setter(dialect, c));
  return (record, origin) => {
    const row: Row = {};
    for (const set of setters) set(row, record, origin);
    return row;
  };
}
