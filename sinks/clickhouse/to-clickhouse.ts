import type { KStream } from '../../topology/kstream';
import type { CommitParticipant, Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { ClickHouseConnection } from './connection';
import { ClickHouseBatchingSink, type BatchingSinkOptions, type SinkLogger } from './batching-sink';
import type { TableSpec } from './table-spec';

export interface ToClickHouseOptions extends BatchingSinkOptions {
  /** Opened once before the topology starts (`ClickHouseConnection.open`), shared by every task. */
  readonly connection: ClickHouseConnection;
  /** Node name; default `clickhouse-<table>`. */
  readonly name?: string;
}

/**
 * Writes each record's value as a row of a ClickHouse table described in `sinks/clickhouse/schema.ts`.
 * The tasks of one process share one buffer per node, so their commits coalesce into few large
 * inserts; a task commits its offsets only after ClickHouse acknowledged its rows, and every task
 * pauses its input partitions while ClickHouse is unreachable or the buffer is full.
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
    const name = options.name ?? stream.graph.uniqueName(`clickhouse-${table.name}`);
    stream.addProcessor<never, never>({
      operator: 'toClickHouse',
      name,
      supplier: () => new ToClickHouseProcessor<K, V>(name, table, options),
      detail: `${options.connection.table(table.name)} (ClickHouse ${options.connection.capabilities.version})`,
    });
  };
}

interface SharedSink {
  readonly sink: ClickHouseBatchingSink<unknown>;
  readonly loggers: Set<SinkLogger>;
  tasks: number;
}

/** Per connection, per node name: the sink the tasks of this process share. */
const sharedSinks = new WeakMap<ClickHouseConnection, Map<string, SharedSink>>();

function acquire<V>(node: string, table: TableSpec<V>, options: ToClickHouseOptions, log: SinkLogger): SharedSink {
  const { connection, name: _name, ...sinkOptions } = options;
  let byNode = sharedSinks.get(connection);
  if (!byNode) sharedSinks.set(connection, (byNode = new Map()));
  let shared = byNode.get(node);
  if (!shared) {
    const loggers = new Set<SinkLogger>();
    // Log through one of the tasks still open; the line names the table, not the task.
    const sink = new ClickHouseBatchingSink(connection, table, (level, message, fields) => loggers.values().next().value?.(level, message, fields), sinkOptions);
    shared = { sink: sink as ClickHouseBatchingSink<unknown>, loggers, tasks: 0 };
    byNode.set(node, shared);
  }
  shared.tasks++;
  shared.loggers.add(log);
  return shared;
}

/** The task's view of the shared sink: flushing it acknowledges this task's rows (and any other's). */
class TaskParticipant implements CommitParticipant {
  readonly name: string;
  private released = false;

  constructor(
    private readonly shared: SharedSink,
    private readonly log: SinkLogger,
    private readonly release: () => void,
  ) {
    this.name = shared.sink.name;
  }

  flush(): Promise<void> {
    return this.shared.sink.flush();
  }

  isBackpressured(): boolean {
    return this.shared.sink.isBackpressured();
  }

  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.shared.loggers.delete(this.log);
    this.shared.tasks--;
    if (this.shared.tasks > 0) return this.shared.sink.flush();
    this.release();
    return this.shared.sink.close();
  }
}

export class ToClickHouseProcessor<K, V> implements Processor<K, V, never, never> {
  private context!: ProcessorContext<never, never>;
  private sink!: ClickHouseBatchingSink<V>;

  constructor(
    private readonly node: string,
    private readonly table: TableSpec<V>,
    private readonly options: ToClickHouseOptions,
  ) {}

  init(context: ProcessorContext<never, never>): void {
    this.context = context;
    const log: SinkLogger = (level, message, fields) => context.log(level, message, fields);
    const shared = acquire(this.node, this.table, this.options, log);
    this.sink = shared.sink as ClickHouseBatchingSink<V>;
    const release = () => sharedSinks.get(this.options.connection)?.delete(this.node);
    context.registerCommitParticipant(new TaskParticipant(shared, log, release));
    // One buffer per process and node, shared by the tasks: measured once per replica, not per task.
    const sink = shared.sink;
    const labels = { table: this.options.connection.table(this.table.name) };
    context.metrics.measure('clickhouse-buffered-rows', () => sink.bufferedRows(), { scope: 'replica', labels, description: 'rows accepted by the ClickHouse sink and not yet acknowledged by the server' });
    context.metrics.measure('clickhouse-rows-written', () => sink.counters.rowsWritten, { scope: 'replica', monotonic: true, labels, description: 'rows acknowledged by ClickHouse' });
    context.metrics.measure('clickhouse-failed-insert-attempts', () => sink.counters.failedAttempts, {
      scope: 'replica', monotonic: true, labels, description: 'failed inserts; each is retried with backoff unless ClickHouse rejected the batch for good',
    });
  }

  process(record: StreamRecord<K, V>): void {
    this.sink.add(record.value, this.context.origin());
  }
}
