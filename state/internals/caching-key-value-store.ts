import type { KeyValueStore } from '../key-value-store';
import type { ChangelogEntry, StoreInitContext } from '../state-store';
import type { BytesKey } from './bytes';
import type { KeyValueBytesStore } from './key-value-bytes-store';
import type { StoreSerdes } from './store-serdes';

/** A cached entry; `value` undefined is a cached delete. */
interface Slot<K, V> {
  readonly key: K;
  value: V | undefined;
  dirty: boolean;
}

/**
 * Write-back cache of deserialized values in front of a byte store, like Kafka Streams'
 * CachingKeyValueStore: hot keys are read and written as objects, so the hot path neither
 * serializes nor touches the backend; dirty entries are serialized and written down once per
 * flush (last write per key), or when evicted. Bounded by `maxEntries`, least recently used first.
 *
 * Changelog order: dirty entries are written down in the order of their last write, except that
 * an evicted entry is written down (and so logged) at eviction. Order across distinct keys does
 * not change what a compacted changelog restores; last write per key always holds.
 *
 * Values handed to `put` and returned by `get` are the cached objects themselves: a caller that
 * mutates one must `put` it again for the change to be flushed.
 */
export class CachingKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly loggingEnabled: boolean;
  /** Map order is recency: a hit moves the entry to the end, eviction takes from the front. */
  private readonly cache = new Map<BytesKey, Slot<K, V>>();
  /** Dirty entries in the order of their last write. */
  private readonly dirty = new Map<BytesKey, Slot<K, V>>();
  private readonly maxEntries: number;

  constructor(
    private readonly inner: KeyValueBytesStore,
    private readonly serdes: StoreSerdes<K, V>,
    options: { loggingEnabled: boolean; maxEntries: number },
  ) {
    this.loggingEnabled = options.loggingEnabled;
    this.maxEntries = options.maxEntries;
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
    const bytesKey = this.serdes.key(key);
    const slot = this.cache.get(bytesKey);
    if (slot !== undefined) {
      this.cache.delete(bytesKey);
      this.cache.set(bytesKey, slot);
      return slot.value;
    }
    const bytes = this.inner.get(bytesKey);
    if (bytes === undefined) return undefined;
    const value = this.serdes.valueFrom(bytes);
    this.cache.set(bytesKey, { key, value, dirty: false });
    this.evict();
    return value;
  }

  put(key: K, value: V): void {
    this.write(key, value);
  }

  delete(key: K): void {
    this.write(key, undefined);
  }

  /** Sorted by key bytes: the backend's entries with the dirty entries laid over them. */
  *all(): IterableIterator<[K, V]> {
    const merged = new Map<BytesKey, Buffer | Slot<K, V>>(this.inner.all());
    for (const [bytesKey, slot] of this.dirty) merged.set(bytesKey, slot);
    for (const bytesKey of [...merged.keys()].sort()) {
      const entry = merged.get(bytesKey)!;
      if (!Buffer.isBuffer(entry)) {
        if (entry.value !== undefined) yield [entry.key, entry.value];
        continue;
      }
      const cached = this.cache.get(bytesKey);
      if (cached !== undefined && cached.value !== undefined) yield [cached.key, cached.value];
      else yield [this.serdes.keyFrom(bytesKey), this.serdes.valueFrom(entry)];
    }
  }

  /** Backend entries plus dirty ones not yet written down (a dirty key may be counted twice). */
  approximateNumEntries(): number {
    return this.inner.approximateNumEntries() + this.dirty.size;
  }

  async flush(): Promise<ChangelogEntry[]> {
    for (const [bytesKey, slot] of this.dirty) this.writeDown(bytesKey, slot);
    this.dirty.clear();
    return this.inner.flush();
  }

  restore(entries: readonly ChangelogEntry[]): Promise<void> {
    // Restoration runs before processing; whatever was cached would be stale afterwards.
    this.cache.clear();
    this.dirty.clear();
    return this.inner.restore(entries);
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.dirty.clear();
    await this.inner.close();
  }

  private write(key: K, value: V | undefined): void {
    const bytesKey = this.serdes.key(key);
    const slot: Slot<K, V> = { key, value, dirty: true };
    this.cache.delete(bytesKey);
    this.cache.set(bytesKey, slot);
    this.dirty.delete(bytesKey);
    this.dirty.set(bytesKey, slot);
    this.evict();
  }

  private evict(): void {
    while (this.cache.size > this.maxEntries) {
      const [bytesKey, slot] = this.cache.entries().next().value as [BytesKey, Slot<K, V>];
      if (slot.dirty) {
        this.writeDown(bytesKey, slot);
        this.dirty.delete(bytesKey);
      }
      this.cache.delete(bytesKey);
    }
  }

  private writeDown(bytesKey: BytesKey, slot: Slot<K, V>): void {
    const bytes = slot.value === undefined ? null : this.serdes.value(slot.value);
    if (bytes === null) this.inner.delete(bytesKey);
    else this.inner.put(bytesKey, bytes);
    slot.dirty = false;
  }
}
