import type { ChangelogEntry, StoreInitContext } from '../state-store';
import { type BytesKey, windowChangelogKey } from './bytes';
import type { ExpiryListener, WindowBytesStore } from './window-bytes-store';

/**
 * Window counterpart of ChangeLoggingKeyValueStore: records (key, window start) written since the
 * last flush, including a tombstone for every window the inner store expired, so a compacted
 * changelog forgets windows once they leave retention. Records keys as key bytes + 8-byte
 * big-endian window start. Expiries during init and restore are not logged: they come from data
 * that is already in the changelog and expires again when it is replayed.
 */
export class ChangeLoggingWindowStore implements WindowBytesStore {
  /**
   * Last write per window, by window start then key (nested maps: no composite key built per
   * write). Flushed in the order each window start, then each key, was first written.
   */
  private readonly dirty = new Map<number, Map<BytesKey, Buffer | null>>();
  private logging = true;

  constructor(private readonly inner: WindowBytesStore) {
    inner.addExpiryListener((key, windowStart) => {
      if (this.logging) this.record(key, windowStart, null);
    });
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
    this.logging = false;
    try {
      await this.inner.init(context);
    } finally {
      this.logging = true;
    }
  }

  fetch(key: BytesKey, windowStart: number): Buffer | undefined {
    return this.inner.fetch(key, windowStart);
  }

  fetchAll(fromStart: number, toStart: number): IterableIterator<[BytesKey, number, Buffer]> {
    return this.inner.fetchAll(fromStart, toStart);
  }

  put(key: BytesKey, windowStart: number, value: Buffer): void {
    const dropped = this.inner.droppedExpiredPuts();
    this.inner.put(key, windowStart, value);
    if (this.inner.droppedExpiredPuts() === dropped) this.record(key, windowStart, value);
  }

  remove(key: BytesKey, windowStart: number): void {
    this.inner.remove(key, windowStart);
    this.record(key, windowStart, null);
  }

  observedStreamTime(): number {
    return this.inner.observedStreamTime();
  }

  droppedExpiredPuts(): number {
    return this.inner.droppedExpiredPuts();
  }

  addExpiryListener(listener: ExpiryListener): void {
    this.inner.addExpiryListener(listener);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  async flush(): Promise<ChangelogEntry[]> {
    const records: Array<[number, BytesKey, Buffer | null]> = [];
    for (const [windowStart, segment] of this.dirty) for (const [key, value] of segment) records.push([windowStart, key, value]);
    await this.inner.flush();
    const entries: ChangelogEntry[] = [];
    for (const [windowStart, key, value] of records) {
      entries.push({ key: windowChangelogKey(key, windowStart), value });
      // A window written again while the inner flush was in flight stays dirty.
      const segment = this.dirty.get(windowStart);
      if (segment === undefined) continue;
      if (segment.get(key) === value) segment.delete(key);
      if (segment.size === 0) this.dirty.delete(windowStart);
    }
    return entries;
  }

  async restore(entries: readonly ChangelogEntry[]): Promise<void> {
    this.logging = false;
    try {
      await this.inner.restore(entries);
    } finally {
      this.logging = true;
    }
  }

  async close(): Promise<void> {
    this.dirty.clear();
    await this.inner.close();
  }

  private record(key: BytesKey, windowStart: number, value: Buffer | null): void {
    let segment = this.dirty.get(windowStart);
    if (segment === undefined) this.dirty.set(windowStart, (segment = new Map()));
    segment.set(key, value);
  }
}
