import type { KStream } from '../topology/kstream';
import type { Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { ClickHouseConnection } from '../sinks/clickhouse/connection';
import { ClickHouseBatchingSink, type BatchingSinkOptions } from '../sinks/clickhouse/batching-sink';
import type { TableSpec } from '../sinks/clickhouse/table-spec';

export interface ToClickHouseOptions extends BatchingSinkOptions {
  /** Opened once before the topology starts (`ClickHouseConnection.open`), shared by every task. */
  readonly connection: ClickHouseConnection;
  /** Node name; default `clickhouse-<table>`. */
  readonly name?: string;
}

/**
 * Writes each record's value as a row of a ClickHouse table described in `sinks/clickhouse/schema.ts`.
 * Rows are batched per task; the task commits its offsets only after ClickHouse acknowledged them
 * and pauses its input partitions while ClickHouse is unreachable or the buffer is full.
 * Raw events carry their (topic, partition, offset) as insert id, so a replay collapses under `FINAL`.
 *
 * ```ts
 * const clickhouse = await ClickHouseConnection.open({ url: 'http://127.0.0.1:8123' });
 * events.pipe(toClickHouse(wideEvents, { connection: clickhouse, batchRows: 10_000 }));
 * rollups.pipe(toClickHouse(rollups1m, { connection: clickhouse }));
 * ```
 */
export function toClickHouse<K, V>(table: TableSpec<V>, options: ToClickHouseOptions) {
  return (stream: KStream<K, V>): void => {
    stream.addProcessor<never, never>({
      operator: 'toClickHouse',
      name: options.name ?? stream.graph.uniqueName(`clickhouse-${table.name}`),
      supplier: () => new ToClickHouseProcessor<K, V>(table, options),
      detail: `${options.connection.table(table.name)} (ClickHouse ${options.connection.capabilities.version})`,
    });
  };
}

/** One per task: its own buffer, registered as a commit participant of that task. */
export class ToClickHouseProcessor<K, V> implements Processor<K, V, never, never> {
  private context!: ProcessorContext<never, never>;
  private sink!: ClickHouseBatchingSink<V>;

  constructor(
    private readonly table: TableSpec<V>,
    private readonly options: ToClickHouseOptions,
  ) {}

  init(context: ProcessorContext<never, never>): void {
    this.context = context;
    const { connection, name: _name, ...sinkOptions } = this.options;
    this.sink = new ClickHouseBatchingSink(connection, this.table, (level, message, fields) => context.log(level, message, fields), sinkOptions);
    context.registerCommitParticipant(this.sink);
  }

  process(record: StreamRecord<K, V>): void {
    this.sink.add(record.value, this.context.origin());
  }
}
