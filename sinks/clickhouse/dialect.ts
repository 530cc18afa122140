/**
 * Renders the abstract column kinds and expressions of `table-spec.ts` for one server. Every
 * place that writes SQL about time or attributes (DDL, row encoding, queries) goes through here.
 */
import { WeirError } from '../../errors/weir-error';
import type { ServerCapabilities } from './server-capabilities';
import type { ColumnKind, ColumnSpec, Expr } from './table-spec';

export class Dialect {
  constructor(readonly capabilities: ServerCapabilities) {}

  /** `LowCardinality(String)` where available. */
  dimType(): string {
    return this.capabilities.lowCardinality ? 'LowCardinality(String)' : 'String';
  }

  timeType(): string {
    return this.capabilities.dateTime64 ? "DateTime64(3, 'UTC')" : 'UInt64';
  }

  /** The physical columns one described column becomes: a map kind is two arrays on old servers. */
  physicalColumns(column: Pick<ColumnSpec<never>, 'name' | 'kind'>): Array<{ name: string; type: string }> {
    const kind = column.kind;
    if ((kind === 'string_map' || kind === 'float64_map') && !this.capabilities.map) {
      const valueType = kind === 'string_map' ? 'String' : 'Float64';
      return [
        { name: `${column.name}_keys`, type: 'Array(String)' },
        { name: `${column.name}_values`, type: `Array(${valueType})` },
      ];
    }
    return [{ name: column.name, type: this.columnType(kind) }];
  }

  columnType(kind: ColumnKind): string {
    switch (kind) {
      case 'dim':
        return this.dimType();
      case 'string':
      case 'json':
        return 'String';
      case 'nullable_string':
        return 'Nullable(String)';
      case 'uint8':
      case 'bool':
        return 'UInt8';
      case 'uint16':
        return 'UInt16';
      case 'uint32':
        return 'UInt32';
      case 'uint64':
        return 'UInt64';
      case 'float64':
        return 'Float64';
      case 'nullable_float64':
        return 'Nullable(Float64)';
      case 'time_ms':
        return this.timeType();
      case 'string_array':
        return 'Array(String)';
      case 'float64_array':
        return 'Array(Float64)';
      case 'string_map':
        return `Map(${this.dimType()}, String)`;
      case 'float64_map':
        return `Map(${this.dimType()}, Float64)`;
    }
  }

  /** A `time_ms` column as `DateTime` (whole seconds), the argument every date function takes on both variants. */
  dateTimeOf(column: string): string {
    return this.capabilities.dateTime64 ? `toDateTime(${column})` : `toDateTime(intDiv(${column}, 1000))`;
  }

  /** A `time_ms` column as epoch milliseconds (`UInt64`/`Int64`). */
  millisOf(column: string): string {
    return this.capabilities.dateTime64 ? `toUnixTimestamp64Milli(${column})` : column;
  }

  /**
   * An epoch-ms literal comparable with a `time_ms` column, so range filters stay on the raw
   * column and the primary key and partition pruning apply.
   */
  millisLiteral(ms: number): string {
    if (!Number.isSafeInteger(ms) || ms < 0) {
      throw new WeirError('QUERY_FAILED', 'time bound must be a non-negative integer of epoch milliseconds', { value: ms });
    }
    return this.capabilities.dateTime64 ? `fromUnixTimestamp64Milli(toInt64(${ms}), 'UTC')` : `toUInt64(${ms})`;
  }

  expr(expr: Expr): string {
    switch (expr.kind) {
      case 'column':
        return expr.column;
      case 'day':
        return `toDate(${this.dateTimeOf(expr.column)})`;
      case 'hour':
        return `toStartOfHour(${this.dateTimeOf(expr.column)})`;
      case 'minute':
        return `toStartOfMinute(${this.dateTimeOf(expr.column)})`;
      case 'map_value':
        return this.capabilities.map
          ? `${expr.column}[${quote(expr.key)}]`
          : `${expr.column}_values[indexOf(${expr.column}_keys, ${quote(expr.key)})]`;
    }
  }
}

/** A ClickHouse string literal. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ALLOWED = 'letters, digits and "_", not starting with a digit';

/**
 * An identifier checked against what weir itself generates (letters, digits, underscores), so it
 * goes into SQL as is on both server variants; anything else is refused, never quoted through.
 */
export function ident(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new WeirError('INVALID_CONFIG', `not a valid ClickHouse identifier: ${JSON.stringify(name)}; allowed: ${ALLOWED}`, { value: name });
  }
  return name;
}

/** The database option (`--database`, CLICKHOUSE_DATABASE), checked like any identifier and named in the error. */
export function databaseName(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new WeirError('INVALID_CONFIG', `not a valid ClickHouse database name: ${JSON.stringify(name)}; allowed: ${ALLOWED}`, { option: 'database', value: name });
  }
  return name;
}
