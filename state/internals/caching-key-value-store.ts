import type { KeyValueStore } from '../key-value-store';
import type { ChangelogEntry, StoreInitContext } from '../state-store';
import type { BytesKey } from './bytes';
import type { KeyValueBytesStore } from './key-value-bytes-store';
import type { StoreSerdes } from './store-serdes';

/** A cached entry; `value` undefined is a cached delete. */
interface Slot<K, V> {
  readonly bytesKey: BytesKey;
  key: K;
  value: V | undefined;
  dirty: boolean;
  /** Second-chance bit: set on access, cleared when eviction passes over the entry. */
  referenced: boolean;
}

/**
 * Write-back cache of deserialized values in front of a byte store, like Kafka Streams'
 * CachingKeyValueStore: hot keys are read and written as objects, so the hot path neither
 * serializes nor touches the backend; dirty entries are serialized and written down once per
 * flush (last write per key), or when evicted. Bounded by `maxEntries`; eviction is second-chance
 * (CLOCK) over insertion order, which approximates LRU without moving map entries on every hit.
 *
 * Changelog order: dirty entries are written down in the order they first became dirty since
 * the last flush, except that an evicted entry is written down (and so logged) at eviction. Order
 * across distinct keys does not change what a compacted changelog restores; last write per key
 * always holds.
 *
 * Values handed to `put` and returned by `get` are the cached objects themselves: a caller that
 * mutates one must `put` it again for the change to be flushed.
 */
export class CachingKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly loggingEnabled: boolean;
  private readonly cache = new Map<BytesKey, Slot<K, V>>();
  /** Slots that became dirty since the last flush, in that order; entries no longer dirty are skipped. */
  private dirty: Array<Slot<K, V>> = [];
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
      slot.referenced = true;
      return slot.value;
    }
    const bytes = this.inner.get(bytesKey);
    if (bytes === undefined) return undefined;
    const value = this.serdes.valueFrom(bytes);
    this.cache.set(bytesKey, { bytesKey, key, value, dirty: false, referenced: false });
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
    for (const slot of this.dirty) if (slot.dirty) merged.set(slot.bytesKey, slot);
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
    return this.inner.approximateNumEntries() + this.dirty.length;
  }

  async flush(): Promise<ChangelogEntry[]> {
    const dirty = this.dirty;
    this.dirty = [];
    for (const slot of dirty) if (slot.dirty) this.writeDown(slot);
    return this.inner.flush();
  }

  restore(entries: readonly ChangelogEntry[]): Promise<void> {
    // Restoration runs before processing; whatever was cached would be stale afterwards.
    this.cache.clear();
    this.dirty = [];
    return this.inner.restore(entries);
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.dirty = [];
    await this.inner.close();
  }

  private write(key: K, value: V | undefined): void {
    const bytesKey = this.serdes.key(key);
    let slot = this.cache.get(bytesKey);
    if (slot === undefined) {
      slot = { bytesKey, key, value, dirty: false, referenced: false };
      this.cache.set(bytesKey, slot);
    } else {
      slot.key = key;
      slot.value = value;
      slot.referenced = true;
    }
    if (!slot.dirty) {
      slot.dirty = true;
      this.dirty.push(slot);
    }
    if (this.cache.size > this.maxEntries) this.evict();
  }

  private evict(): void {
    while (this.cache.size > this.maxEntries) {
      const slot = this.cache.values().next().value as Slot<K, V>;
      this.cache.delete(slot.bytesKey);
      if (slot.referenced) {
        // Second chance: move to the back of the clock.
        slot.referenced = false;
        this.cache.set(slot.bytesKey, slot);
        continue;
      }
      if (slot.dirty) this.writeDown(slot);
    }
  }

  private writeDown(slot: Slot<K, V>): void {
    const bytes = slot.value === undefined ? null : this.serdes.value(slot.value);
    if (bytes === null) this.inner.delete(slot.bytesKey);
    else this.inner.put(slot.bytesKey, bytes);
    slot.dirty = false;
  }
}
