import type { Aggregator } from '../topology/aggregator';
import type { Counter, Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { TimeWindows } from '../topology/windows';
import type { Windowed, WindowStore } from '../state/window-store';

export type EmitStrategy = 'on-update' | 'on-window-close';

/** Mutable until the topology is built, so `suppress(untilWindowCloses())` can switch it. */
export interface WindowedAggregateConfig {
  emit: EmitStrategy;
}

/**
 * Kafka Streams' KStreamWindowAggregate: folds each record into every window containing it.
 * Time moves by event time only: this processor's observed stream time is the largest timestamp
 * it has processed, so a downstream window (5m from 1m results) is not closed by upstream time.
 * A window [start, end) closes when observed time >= end + grace; later records for it are
 * dropped, counted and logged. With emit on window close, each window emits exactly one final
 * result, at close, with timestamp end - 1 (so it falls into the coarser window containing it),
 * and leaves the store.
 */
export class WindowedAggregateProcessor<K, V, A, R> implements Processor<K, V, Windowed<K>, R> {
  private context!: ProcessorContext<Windowed<K>, R>;
  private skipped!: Counter;
  private late!: Counter;
  private store!: WindowStore<K, A>;
  private observedStreamTime = -Infinity;
  /** Earliest window start that may still be open; windows before it were closed and emitted. */
  private earliestOpenStart = -Infinity;

  constructor(
    private readonly storeName: string,
    private readonly windows: TimeWindows,
    private readonly aggregator: Aggregator<K, V, A, R>,
    private readonly config: WindowedAggregateConfig,
  ) {}

  init(context: ProcessorContext<Windowed<K>, R>): void {
    this.context = context;
    this.skipped = context.metrics.counter('skipped-null-key-or-value', { droppedRecords: true, description: 'records with a null key or value, skipped as Kafka Streams does' });
    this.late = context.metrics.counter('late-records-dropped', { droppedRecords: true, description: 'records for a window already closed (stream time past its end plus grace)' });
    this.store = context.getStateStore<WindowStore<K, A>>(this.storeName);
  }

  process(record: StreamRecord<K, V>): void {
    if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
      this.skipped.increment();
      return;
    }
    if (record.timestamp > this.observedStreamTime) {
      this.observedStreamTime = record.timestamp;
      // Close first: final results leave before newer windows are written, and before the store's
      // retention (relative to the newest window) could expire them.
      if (this.config.emit === 'on-window-close') this.closeWindows(this.observedStreamTime);
    }
    const { sizeMs, graceMs } = this.windows;
    for (const start of this.windows.windowsFor(record.timestamp)) {
      const end = start + sizeMs;
      if (end + graceMs <= this.observedStreamTime) {
        this.late.increment();
        this.context.log('debug', 'dropping late record: its window closed', {
          store: this.storeName, timestamp: record.timestamp, windowStart: start, windowEnd: end, streamTime: this.observedStreamTime, ...this.context.origin(),
        });
        continue;
      }
      const current = this.store.fetch(record.key, start) ?? this.aggregator.initialize();
      const updated = this.aggregator.aggregate(record.key, record.value, current);
      this.store.put(record.key, start, updated);
      if (this.config.emit === 'on-update') this.emit(record.key, start, updated, Math.max(record.timestamp, start));
    }
  }

  onEndOfInput(): void {
    if (this.config.emit === 'on-window-close') this.closeWindows(Infinity);
  }

  /** Emits and removes every window with end + grace <= time, oldest first. */
  private closeWindows(time: number): void {
    const { sizeMs, graceMs, advanceMs } = this.windows;
    const lastClosedStart = time - graceMs - sizeMs;
    if (lastClosedStart < this.earliestOpenStart) return;
    const closed = [...this.store.fetchAll(this.earliestOpenStart, lastClosedStart)];
    for (const entry of closed) {
      this.emit(entry.key, entry.windowStart, entry.value, entry.windowStart + sizeMs - 1);
      this.store.remove(entry.key, entry.windowStart);
    }
    if (Number.isFinite(lastClosedStart)) {
      this.earliestOpenStart = lastClosedStart - (((lastClosedStart % advanceMs) + advanceMs) % advanceMs) + advanceMs;
    }
  }

  private emit(key: K, start: number, aggregate: A, timestamp: number): void {
    const window: Windowed<K> = { key, start, end: start + this.windows.sizeMs };
    const value = this.aggregator.result ? this.aggregator.result(aggregate, key, window) : (aggregate as unknown as R);
    this.context.forward({ key: window, value, timestamp, headers: {} });
  }
}
