import type { WindowStore, WindowedEntry } from '../window-store';
import type { ChangelogEntry, StoreInitContext } from '../state-store';
import type { WindowBytesStore } from './window-bytes-store';
import type { StoreSerdes } from './store-serdes';

/** Typed view over a window byte store without a cache: every call goes through the serdes. */
export class SerializingWindowStore<K, V> implements WindowStore<K, V> {
  readonly loggingEnabled: boolean;

  constructor(
    private readonly inner: WindowBytesStore,
    private readonly serdes: StoreSerdes<K, V>,
    options: { loggingEnabled: boolean },
  ) {
    this.loggingEnabled = options.loggingEnabled;
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  init(context: StoreInitContext): Promise<void> {
    return this.inner.init(context);
  }

  fetch(key: K, windowStart: number): V | undefined {
    const bytes = this.inner.fetch(this.serdes.key(key), windowStart);
    return bytes === undefined ? undefined : this.serdes.valueFrom(bytes);
  }

  *fetchAll(fromStart: number, toStart: number): IterableIterator<WindowedEntry<K, V>> {
    for (const [key, windowStart, bytes] of this.inner.fetchAll(fromStart, toStart)) {
      yield { key: this.serdes.keyFrom(key), windowStart, value: this.serdes.valueFrom(bytes) };
    }
  }

  put(key: K, windowStart: number, value: V): void {
    const bytes = this.serdes.value(value);
    if (bytes === null) this.inner.remove(this.serdes.key(key), windowStart);
    else this.inner.put(this.serdes.key(key), windowStart, bytes);
  }

  remove(key: K, windowStart: number): void {
    this.inner.remove(this.serdes.key(key), windowStart);
  }

  /** Puts dropped because their window had already left retention. */
  droppedExpiredPuts(): number {
    return this.inner.droppedExpiredPuts();
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  flush(): Promise<ChangelogEntry[]> {
    return this.inner.flush();
  }

  restore(entries: readonly ChangelogEntry[]): Promise<void> {
    return this.inner.restore(entries);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
