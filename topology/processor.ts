import type { RecordOrigin, StreamRecord } from './record';
import type { StateStore } from '../state/state-store';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store';

export type PunctuationType = 'stream-time' | 'wall-clock';

export interface Cancellable {
  cancel(): void;
}

/** A count a processor increments on its hot path: one numeric field, read when metrics are scraped. */
export interface Counter {
  increment(by?: number): void;
}

export interface MetricOptions {
  /** One line for the HELP text of `/metrics`. */
  readonly description?: string;
  /** Extra labels (`{ rule: 'cooldown' }`); every use of one metric name must give the same label names. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface CounterOptions extends MetricOptions {
  /** The records counted were dropped (late, null key): they add to the task's `dropped-records-total`. */
  readonly droppedRecords?: boolean;
}

export interface MeasureOptions extends MetricOptions {
  /** A total kept elsewhere (a sink's retries) rather than a level (its buffered rows). */
  readonly monotonic?: boolean;
  /** `replica` when the tasks of the process share what is measured (one sink buffer per process): exposed once, without a task label. */
  readonly scope?: 'task' | 'replica';
}

/**
 * Metrics a processor reports, tagged with its task and processor name (Kafka Streams'
 * processor-node metrics). Create them in `init`, so that the hot path only increments a field:
 *
 * ```ts
 * init(context) { this.late = context.metrics.counter('late-records-dropped', { droppedRecords: true }); }
 * process(record) { if (tooLate) this.late.increment(); }
 * ```
 * Names are lowercase words joined by `-`; `/metrics` shows `late-records-dropped` as
 * `weir_stream_processor_node_late_records_dropped_total`.
 */
export interface ProcessorMetrics {
  /** The processor's counter of that name (and labels), created on first use. */
  counter(name: string, options?: CounterOptions): Counter;
  /** A value read at scrape time, such as a buffer's size. */
  measure(name: string, read: () => number, options?: MeasureOptions): void;
}

/**
 * What a processor sees of its task, as Kafka Streams' `ProcessorContext`.
 * Stream time is the largest event timestamp the task has seen; it never goes back.
 */
export interface ProcessorContext<KOut, VOut> {
  readonly applicationId: string;
  readonly taskId: string;
  /** Largest event time seen by this task so far (-Infinity before the first record). */
  streamTime(): number;
  /** Wall-clock time in epoch ms; the test driver controls it. */
  wallClockTime(): number;
  /** Topic, partition and offset of the input record being processed, if any (absent inside punctuators). */
  origin(): RecordOrigin | undefined;
  /** Sends a record to every child processor, or to the named child only. */
  forward(record: StreamRecord<KOut, VOut>, childName?: string): void;
  /** A store of this processor's task, or a global store (a ReadOnlyKeyValueStore read as of the record being processed). */
  getStateStore<S extends StateStore | ReadOnlyKeyValueStore<any, any>>(name: string): S;
  /** Runs `callback` every `intervalMs` of stream time or wall-clock time. */
  schedule(intervalMs: number, type: PunctuationType, callback: (timestamp: number) => void): Cancellable;
  readonly metrics: ProcessorMetrics;
  /** Structured log line tagged with the task and processor. */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  /** Registers an external writer whose flush the task awaits before committing offsets. */
  registerCommitParticipant(participant: CommitParticipant): void;
}

export interface Processor<KIn, VIn, KOut = KIn, VOut = VIn> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  /**
   * Bounded inputs only (demo, benchmarks, the test driver's `endOfInput()`): the input has ended,
   * so emit what is pending (open windows) as if stream time had passed it. Called in topological order.
   */
  onEndOfInput?(): void;
  close?(): void;
}

export type ProcessorSupplier<KIn, VIn, KOut, VOut> = () => Processor<KIn, VIn, KOut, VOut>;

/**
 * An external system a processor writes to (ClickHouse). The task awaits `flush()` before it
 * commits offsets, so offsets never run ahead of what the system acknowledged, and pauses its
 * input partitions while `isBackpressured()` is true.
 */
export interface CommitParticipant {
  readonly name: string;
  flush(): Promise<void>;
  isBackpressured(): boolean;
  close(): Promise<void>;
}
