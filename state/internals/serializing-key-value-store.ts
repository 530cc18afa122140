import type { KeyValueStore } from '../key-value-store';
import type { ChangelogEntry, StoreInitContext } from '../state-store';
import type { KeyValueBytesStore } from './key-value-bytes-store';
import type { StoreSerdes } from './store-serdes';

/** Typed view over a byte store without a cache: every call goes through the serdes. */
export class SerializingKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly loggingEnabled: boolean;

  constructor(
    private readonly inner: KeyValueBytesStore,
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

  init(context: StoreInitContext): Promise<void> {
    return this.inner.init(context);
  }

  get(key: K): V | undefined {
    const bytes = this.inner.get(this.serdes.key(key));
    return bytes === undefined ? undefined : this.serdes.valueFrom(bytes);
  }

  put(key: K, value: V): void {
    const bytes = this.serdes.value(value);
    if (bytes === null) this.inner.delete(this.serdes.key(key));
    else this.inner.put(this.serdes.key(key), bytes);
  }

  delete(key: K): void {
    this.inner.delete(this.serdes.key(key));
  }

  *all(): IterableIterator<[K, V]> {
    for (const [key, bytes] of this.inner.all()) yield [this.serdes.keyFrom(key), this.serdes.valueFrom(bytes)];
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
