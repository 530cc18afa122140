import type { ChangelogEntry, StoreInitContext } from '../state-store';
import { type BytesKey, fromBytesKey } from './bytes';
import type { KeyValueBytesStore } from './key-value-bytes-store';

/**
 * Records the keys written since the last flush (last write per key, deletes as tombstones) and
 * returns them as changelog records when the inner store has made them durable, as Kafka
 * Streams' ChangeLoggingKeyValueBytesStore does, but batched per commit instead of per write.
 */
export class ChangeLoggingKeyValueStore implements KeyValueBytesStore {
  /** Last write per key; Map order is the order of each key's first write since the last flush. */
  private readonly dirty = new Map<BytesKey, Buffer | null>();

  constructor(private readonly inner: KeyValueBytesStore) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  init(context: StoreInitContext): Promise<void> {
    return this.inner.init(context);
  }

  get(key: BytesKey): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: BytesKey, value: Buffer): void {
    this.inner.put(key, value);
    this.dirty.set(key, value);
  }

  delete(key: BytesKey): void {
    this.inner.delete(key);
    this.dirty.set(key, null);
  }

  all(): IterableIterator<[BytesKey, Buffer]> {
    return this.inner.all();
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  async flush(): Promise<ChangelogEntry[]> {
    const records = [...this.dirty];
    await this.inner.flush();
    const entries: ChangelogEntry[] = [];
    for (const [key, value] of records) {
      entries.push({ key: fromBytesKey(key), value });
      // A key written again while the inner flush was in flight stays dirty.
      if (this.dirty.get(key) === value) this.dirty.delete(key);
    }
    return entries;
  }

  restore(entries: readonly ChangelogEntry[]): Promise<void> {
    return this.inner.restore(entries);
  }

  async close(): Promise<void> {
    this.dirty.clear();
    await this.inner.close();
  }
}
