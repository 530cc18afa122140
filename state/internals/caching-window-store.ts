import type { WindowStore, WindowedEntry } from '../window-store';
import type { ChangelogEntry, StoreInitContext } from '../state-store';
import type { BytesKey } from './bytes';
import { type WindowBytesStore, isExpired } from './window-bytes-store';
import type { StoreSerdes } from './store-serdes';

/** A cached window; `value` undefined is a cached removal. */
interface Slot<K, V> {
  readonly bytesKey: BytesKey;
  readonly windowStart: number;
  key: K;
  value: V | undefined;
  dirty: boolean;
}

/**
 * Write-back cache of deserialized window aggregates in front of a window byte store (Kafka
 * Streams' CachingWindowStore): open windows are read and updated as objects and serialized once
 * per flush. Windows leaving retention are dropped from the cache without being written down
 * (the backend expires its own copy when the flush shows it the newer stream time). Bounded by
 * `maxEntries`: the oldest window start is evicted first, since those windows are closing.
 *
 * Changelog order: as CachingKeyValueStore, the order windows first became dirty since the last
 * flush, except for windows evicted (written down) earlier.
 *
 * Values handed to `put` and returned by `fetch` are the cached objects themselves.
 */
export class CachingWindowStore<K, V> implements WindowStore<K, V> {
  readonly loggingEnabled: boolean;
  private readonly segments = new Map<number, Map<BytesKey, Slot<K, V>>>();
  /** Slots that became dirty since the last flush, in that order; entries no longer dirty are skipped. */
  private dirty: Array<Slot<K, V>> = [];
  private readonly maxEntries: number;
  private size = 0;
  private observed = -Infinity;
  private dropped = 0;

  constructor(
    private readonly inner: WindowBytesStore,
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

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  async init(context: StoreInitContext): Promise<void> {
    await this.inner.init(context);
    this.observed = this.inner.observedStreamTime();
  }

  fetch(key: K, windowStart: number): V | undefined {
    if (isExpired(windowStart, this.observed, this.retentionMs)) return undefined;
    const bytesKey = this.serdes.key(key);
    const slot = this.segments.get(windowStart)?.get(bytesKey);
    if (slot !== undefined) return slot.value;
    const bytes = this.inner.fetch(bytesKey, windowStart);
    if (bytes === undefined) return undefined;
    const value = this.serdes.valueFrom(bytes);
    this.insert({ key, bytesKey, windowStart, value, dirty: false });
    return value;
  }

  /** By window start then key bytes: the backend's windows with the dirty ones laid over them. */
  *fetchAll(fromStart: number, toStart: number): IterableIterator<WindowedEntry<K, V>> {
    const merged = new Map<number, Map<BytesKey, Buffer | Slot<K, V>>>();
    const segmentOf = (windowStart: number) => {
      let segment = merged.get(windowStart);
      if (segment === undefined) merged.set(windowStart, (segment = new Map()));
      return segment;
    };
    for (const [bytesKey, windowStart, bytes] of this.inner.fetchAll(fromStart, toStart)) {
      segmentOf(windowStart).set(bytesKey, bytes);
    }
    // Every dirty slot is in a cached segment, so walking the cached segments in range (a handful of
    // open windows) overlays them without scanning all dirty slots on each call.
    for (const [windowStart, segment] of this.segments) {
      if (windowStart < fromStart || windowStart > toStart) continue;
      for (const slot of segment.values()) if (slot.dirty) segmentOf(windowStart).set(slot.bytesKey, slot);
    }
    const observed = this.observed;
    for (const windowStart of [...merged.keys()].sort((a, b) => a - b)) {
      // The backend may not have seen the latest stream time yet.
      if (isExpired(windowStart, observed, this.retentionMs)) continue;
      const segment = merged.get(windowStart)!;
      for (const bytesKey of [...segment.keys()].sort()) {
        const entry = segment.get(bytesKey)!;
        if (!Buffer.isBuffer(entry)) {
          if (entry.value !== undefined) yield { key: entry.key, windowStart, value: entry.value };
          continue;
        }
        const cached = this.segments.get(windowStart)?.get(bytesKey);
        if (cached !== undefined && cached.value !== undefined) yield { key: cached.key, windowStart, value: cached.value };
        else yield { key: this.serdes.keyFrom(bytesKey), windowStart, value: this.serdes.valueFrom(entry) };
      }
    }
  }

  put(key: K, windowStart: number, value: V): void {
    this.write(key, windowStart, value);
  }

  remove(key: K, windowStart: number): void {
    this.write(key, windowStart, undefined);
  }

  /** Puts dropped because their window had already left retention. */
  droppedExpiredPuts(): number {
    return this.dropped + this.inner.droppedExpiredPuts();
  }

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
    this.segments.clear();
    this.dirty = [];
    this.size = 0;
    return this.inner.restore(entries).then(() => {
      this.observed = Math.max(this.observed, this.inner.observedStreamTime());
    });
  }

  async close(): Promise<void> {
    this.segments.clear();
    this.dirty = [];
    this.size = 0;
    await this.inner.close();
  }

  private write(key: K, windowStart: number, value: V | undefined): void {
    this.advance(windowStart);
    if (isExpired(windowStart, this.observed, this.retentionMs)) {
      if (value !== undefined) this.dropped++;
      return;
    }
    const bytesKey = this.serdes.key(key);
    let slot = this.segments.get(windowStart)?.get(bytesKey);
    if (slot === undefined) {
      slot = { key, bytesKey, windowStart, value, dirty: false };
      this.insert(slot);
    } else {
      slot.key = key;
      slot.value = value;
    }
    if (!slot.dirty) {
      slot.dirty = true;
      this.dirty.push(slot);
    }
    if (this.size > this.maxEntries) this.evict(windowStart);
  }

  private insert(slot: Slot<K, V>): void {
    let segment = this.segments.get(slot.windowStart);
    if (segment === undefined) this.segments.set(slot.windowStart, (segment = new Map()));
    const before = segment.size;
    segment.set(slot.bytesKey, slot);
    this.size += segment.size - before;
  }

  private advance(windowStart: number): void {
    if (windowStart <= this.observed) return;
    this.observed = windowStart;
    for (const [start, segment] of this.segments) {
      if (!isExpired(start, this.observed, this.retentionMs)) continue;
      // Dropped without writing down; `dirty` skips them once they are no longer dirty.
      for (const slot of segment.values()) slot.dirty = false;
      this.size -= segment.size;
      this.segments.delete(start);
    }
  }

  /** Drops the oldest segments (writing their dirty windows down) until the cache fits. */
  private evict(justWritten: number): void {
    while (this.size > this.maxEntries && this.segments.size > 0) {
      let oldest = Infinity;
      for (const start of this.segments.keys()) if (start < oldest) oldest = start;
      const segment = this.segments.get(oldest)!;
      for (const slot of segment.values()) if (slot.dirty) this.writeDown(slot);
      this.size -= segment.size;
      this.segments.delete(oldest);
      if (oldest === justWritten) return;
    }
  }

  private writeDown(slot: Slot<K, V>): void {
    const bytes = slot.value === undefined ? null : this.serdes.value(slot.value);
    if (bytes === null) this.inner.remove(slot.bytesKey, slot.windowStart);
    else this.inner.put(slot.bytesKey, slot.windowStart, bytes);
    slot.dirty = false;
  }
}
