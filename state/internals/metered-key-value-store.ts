import type { KeyValueStore } from '../key-value-store';
import type { ChangelogEntry, StoreInitContext, StoreMetrics } from '../state-store';

/**
 * Outermost layer: counts operations and flush volume (Kafka Streams' MeteredKeyValueStore
 * records latencies too; a clock read per get would cost more than the get, so only counts here,
 * and flush time, which is per commit).
 */
export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private gets = 0;
  private hits = 0;
  private puts = 0;
  private deletes = 0;
  private flushes = 0;
  private flushedRecords = 0;
  private flushMs = 0;
  private restoredRecords = 0;

  constructor(private readonly inner: KeyValueStore<K, V>) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get loggingEnabled(): boolean {
    return this.inner.loggingEnabled;
  }

  init(context: StoreInitContext): Promise<void> {
    return this.inner.init(context);
  }

  get(key: K): V | undefined {
    this.gets++;
    const value = this.inner.get(key);
    if (value !== undefined) this.hits++;
    return value;
  }

  put(key: K, value: V): void {
    this.puts++;
    this.inner.put(key, value);
  }

  delete(key: K): void {
    this.deletes++;
    this.inner.delete(key);
  }

  all(): IterableIterator<[K, V]> {
    return this.inner.all();
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
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
      gets: this.gets,
      hits: this.hits,
      puts: this.puts,
      deletes: this.deletes,
      flushes: this.flushes,
      flushedRecords: this.flushedRecords,
      flushMs: this.flushMs,
      restoredRecords: this.restoredRecords,
      entries: this.inner.approximateNumEntries(),
    };
  }
}
