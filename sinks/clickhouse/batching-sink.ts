/**
 * Buffers rows for one table and inserts them as JSONEachRow batches, cut by rows or by time.
 * It is a commit participant: the task awaits `flush()` before committing offsets, so offsets
 * never run ahead of what ClickHouse acknowledged, and pauses its input while
 * `isBackpressured()` (buffer full or ClickHouse failing), which bounds memory during an outage.
 * Transient failures (network, server overloaded or starting) are retried forever with capped
 * exponential backoff; a permanent one (unknown table, unparsable row) fails `flush()`.
 */
import { WeirError } from '../../errors/weir-error';
import type { CommitParticipant } from '../../topology/processor';
import type { RecordOrigin } from '../../topology/record';
import type { ClickHouseConnection } from './connection';
import { compileRowEncoder, type Row, type RowEncoder } from './row-encoder';
import type { TableSpec } from './table-spec';
import { isRetriable, describeFailure } from './insert-failure';

export interface BatchingSinkOptions {
  /** Rows per insert (default 10 000). */
  readonly batchRows?: number;
  /** A partial batch is sent this long after its first row (default 1 000 ms). */
  readonly maxBatchDelayMs?: number;
  /** Buffered rows (queued and in flight) above which the task pauses its input (default 100 000). */
  readonly maxBufferedRows?: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs` (defaults 100 ms and 5 000 ms). */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A failing sink logs at most once per this interval (default 5 000 ms). */
  readonly logIntervalMs?: number;
}

export type SinkLogger = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export interface SinkCounters {
  rowsWritten: number;
  batchesWritten: number;
  failedAttempts: number;
}

const DEFAULTS = { batchRows: 10_000, maxBatchDelayMs: 1_000, maxBufferedRows: 100_000, initialBackoffMs: 100, maxBackoffMs: 5_000, logIntervalMs: 5_000 };

export class ClickHouseBatchingSink<R> implements CommitParticipant {
  readonly name: string;
  readonly counters: SinkCounters = { rowsWritten: 0, batchesWritten: 0, failedAttempts: 0 };
  private readonly options: typeof DEFAULTS;
  private readonly encode: RowEncoder<R>;
  private readonly qualifiedTable: string;
  private pending: Row[] = [];
  private readonly queue: Row[][] = [];
  private buffered = 0;
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Consecutive failed attempts of the batch at the head of the queue. */
  private failures = 0;
  private failingSince = 0;
  private lastLog = 0;
  private permanentFailure: WeirError | undefined;

  constructor(
    private readonly connection: ClickHouseConnection,
    readonly table: TableSpec<R>,
    private readonly log: SinkLogger,
    options: BatchingSinkOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    for (const [option, value] of Object.entries(this.options)) {
      if (!(Number.isFinite(value) && value > 0)) {
        throw new WeirError('INVALID_CONFIG', 'ClickHouse sink option must be a positive number', { option, value, table: table.name });
      }
    }
    this.name = `clickhouse:${connection.table(table.name)}`;
    this.qualifiedTable = connection.table(table.name);
    this.encode = compileRowEncoder(connection.dialect, table);
  }

  /** Synchronous: encodes and buffers the record; a full batch starts sending in the background. */
  add(record: R, origin: RecordOrigin | undefined): void {
    if (this.permanentFailure) throw this.permanentFailure;
    this.pending.push(this.encode(record, origin));
    this.buffered++;
    if (this.pending.length >= this.options.batchRows) {
      this.cut();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.cut();
      }, this.options.maxBatchDelayMs);
      this.timer.unref();
    }
  }

  /** Rows accepted but not yet acknowledged by ClickHouse. */
  bufferedRows(): number {
    return this.buffered;
  }

  isBackpressured(): boolean {
    return this.buffered >= this.options.maxBufferedRows || this.failures > 0 || this.permanentFailure !== undefined;
  }

  /** Resolves once every row added so far is acknowledged; waits through an outage. */
  async flush(): Promise<void> {
    this.cut();
    while (this.sending) await this.sending;
    if (this.permanentFailure) throw this.permanentFailure;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private cut(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length > 0) {
      this.queue.push(this.pending);
      this.pending = [];
    }
    if (!this.sending && this.queue.length > 0 && !this.permanentFailure) {
      this.sending = this.drain().finally(() => {
        this.sending = undefined;
      });
    }
  }

  /**
   * One insert at a time, in order: a retried batch is never overtaken by a later one. Small
   * batches queued meanwhile (flushes of several tasks sharing this sink) go out as one insert,
   * since each insert costs the server a part and a pass of every materialized view.
   */
  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.permanentFailure) {
      let batch = this.queue.shift()!;
      while (this.queue.length > 0 && batch.length + this.queue[0]!.length <= this.options.batchRows) {
        batch = batch.concat(this.queue.shift()!);
      }
      if (await this.insertWithRetry(batch)) {
        this.buffered -= batch.length;
        this.counters.rowsWritten += batch.length;
        this.counters.batchesWritten++;
      }
    }
  }

  /** True when acknowledged, false after a permanent failure (recorded for `flush()`). */
  private async insertWithRetry(batch: Row[]): Promise<boolean> {
    for (;;) {
      try {
        await this.connection.client.insert({
          table: this.qualifiedTable,
          values: batch,
          format: 'JSONEachRow',
          clickhouse_settings: this.connection.settings(),
        });
        if (this.failures > 0) {
          this.log('info', 'ClickHouse accepts inserts again: resuming input', {
            table: this.qualifiedTable, failedAttempts: this.failures, outageMs: Date.now() - this.failingSince, bufferedRows: this.buffered,
          });
        }
        this.failures = 0;
        return true;
      } catch (error) {
        this.counters.failedAttempts++;
        if (!isRetriable(error)) {
          this.permanentFailure = new WeirError('SINK_UNAVAILABLE', `ClickHouse rejected an insert: ${describeFailure(error)}`,
            { table: this.qualifiedTable, rows: batch.length }, { cause: error });
          this.log('error', 'ClickHouse insert failed permanently; the task stops committing', { table: this.qualifiedTable, reason: describeFailure(error) });
          this.queue.unshift(batch);
          return false;
        }
        const now = Date.now();
        if (this.failures === 0) this.failingSince = now;
        this.failures++;
        const delay = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** Math.min(this.failures - 1, 20));
        if (this.failures === 1 || now - this.lastLog >= this.options.logIntervalMs) {
          this.lastLog = now;
          this.log('warn', 'ClickHouse insert failed: input paused, retrying', {
            table: this.qualifiedTable, reason: describeFailure(error), attempt: this.failures, retryInMs: delay, bufferedRows: this.buffered,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
