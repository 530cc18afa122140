import type { WindowStore, WindowedEntry } from '../window-store';
import type { ChangelogEntry, StoreInitContext, StoreMetrics } from '../state-store';

/** Typed window layer with a count of dropped puts; see MeteredKeyValueStore. */
export interface DroppingWindowStore<K, V> extends WindowStore<K, V> {
  droppedExpiredPuts(): number;
}

/** Outermost window layer: counts operations, flush volume and puts dropped as expired. */
export class MeteredWindowStore<K, V> implements WindowStore<K, V> {
  private fetches = 0;
  private hits = 0;
  private puts = 0;
  private removes = 0;
  private flushes = 0;
  private flushedRecords = 0;
  private flushMs = 0;
  private restoredRecords = 0;

  constructor(private readonly inner: DroppingWindowStore<K, V>) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get loggingEnabled(): boolean {
    return this.inner.loggingEnabled;
  }

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  init(context: StoreInitContext): Promise<void> {
    return this.inner.init(context);
  }

  fetch(key: K, windowStart: number): V | undefined {
    this.fetches++;
    const value = this.inner.fetch(key, windowStart);
    if (value !== undefined) this.hits++;
    return value;
  }

  fetchAll(fromStart: number, toStart: number): IterableIterator<WindowedEntry<K, V>> {
    return this.inner.fetchAll(fromStart, toStart);
  }

  put(key: K, windowStart: number, value: V): void {
    this.puts++;
    this.inner.put(key, windowStart, value);
  }

  remove(key: K, windowStart: number): void {
    this.removes++;
    this.inner.remove(key, windowStart);
  }

  async flush(): Promise<ChangelogEntry[]> {
    const started = performance.now();
    const entries = await this.inner.flush();
    this.flushMs += performance.now() - started;
    this.flushes++;
    this.flushedRecords += entries.length;
    return entries;
  }

  async restore(entries: readonly ChangelogEntry[]): Promise<void> {
    await this.inner.restore(entries);
    this.restoredRecords += entries.length;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  metrics(): StoreMetrics {
    return {
      fetches: this.fetches,
      hits: this.hits,
      puts: this.puts,
      removes: this.removes,
      droppedExpiredPuts: this.inner.droppedExpiredPuts(),
      flushes: this.flushes,
      flushedRecords: this.flushedRecords,
      flushMs: this.flushMs,
      restoredRecords: this.restoredRecords,
    };
  }
}
