/**
 * The vocabulary in which `schema.ts` describes every table once. Kinds and expressions are
 * abstract; `dialect.ts` renders them for one server's capabilities, so the 18.16 and the 24.x
 * DDL come from the same description and cannot drift apart.
 */
import type { RecordOrigin } from '../../topology/record';

/**
 * Column kinds. `time_ms` is `DateTime64(3, 'UTC')` or epoch-ms `UInt64`; `dim` is
 * `LowCardinality(String)`; `*_map` is a `Map` or two parallel arrays `<name>_keys`/`<name>_values`;
 * `json` is a `String` holding nested records (alert signals, hypotheses) as JSON.
 */
export type ColumnKind =
  | 'dim'
  | 'string'
  | 'nullable_string'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float64'
  | 'nullable_float64'
  | 'bool'
  | 'time_ms'
  | 'string_array'
  | 'float64_array'
  | 'string_map'
  | 'float64_map'
  | 'json';

/** Expressions the DDL needs; each renders per dialect. */
export type Expr =
  | { readonly kind: 'column'; readonly column: string }
  /** Start of the day/hour/minute of a `time_ms` column, as `Date` (day) or `DateTime`. */
  | { readonly kind: 'day' | 'hour' | 'minute'; readonly column: string }
  /** Value of `key` in a `string_map` column ('' when absent). */
  | { readonly kind: 'map_value'; readonly column: string; readonly key: string };

export const col = (column: string): Expr => ({ kind: 'column', column });
export const day = (column: string): Expr => ({ kind: 'day', column });
export const hour = (column: string): Expr => ({ kind: 'hour', column });
export const minute = (column: string): Expr => ({ kind: 'minute', column });
export const mapValue = (column: string, key: string): Expr => ({ kind: 'map_value', column, key });

export interface ColumnSpec<R> {
  readonly name: string;
  readonly kind: ColumnKind;
  /** Value for the row; defaults to the record field of the same name. Not used for materialized columns. */
  readonly value?: (record: R, origin: RecordOrigin | undefined) => unknown;
  /** Computed by the server on insert (`MATERIALIZED`); absent from inserted rows. */
  readonly materialized?: Expr;
  /** Compression where the server has codecs; dropped on older servers. */
  readonly codec?: string;
}

export type EngineSpec =
  | { readonly kind: 'MergeTree' }
  /** Rows with equal sorting keys collapse on merge and under `FINAL`; the highest `version` (or the last inserted) wins. */
  | { readonly kind: 'ReplacingMergeTree'; readonly version?: string };

export interface IndexSpec {
  readonly name: string;
  readonly expr: Expr;
  /** e.g. `bloom_filter(0.01)`. */
  readonly type: string;
  readonly granularity: number;
}

export interface TableSpec<R> {
  readonly name: string;
  /** One line: what a row is. Rendered as a comment before the DDL. */
  readonly doc: string;
  readonly columns: readonly ColumnSpec<R>[];
  readonly engine: EngineSpec;
  readonly partitionBy: Expr;
  readonly orderBy: readonly Expr[];
  /** Data-skipping indexes, only where the server has them. */
  readonly indexes?: readonly IndexSpec[];
}

/** One aggregate of a rollup view: `<fn>State(<args>)` into `AggregateFunction(<fn>, <argTypes>)`. */
export interface AggregateSpec {
  readonly column: string;
  /** Function with parameters, e.g. `count`, `sum`, `quantilesTDigestWeighted(0.5, 0.95, 0.99)`. */
  readonly fn: string;
  /** Argument expressions over the source table (value, then weight for a weighted function); none for `count`. */
  readonly args?: readonly { readonly sql: string; readonly type: string }[];
}

/**
 * A materialized view that rolls the raw events up per bucket into an AggregatingMergeTree,
 * so long ranges can be answered for dimensions weir did not pre-aggregate.
 */
export interface RollupViewSpec {
  /** The AggregatingMergeTree table; the view is `<target>_mv`. */
  readonly target: string;
  readonly doc: string;
  readonly source: string;
  readonly timeColumn: string;
  readonly bucket: 'minute' | 'hour';
  readonly groupBy: readonly string[];
  readonly aggregates: readonly AggregateSpec[];
}
