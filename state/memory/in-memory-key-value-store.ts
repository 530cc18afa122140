import type { ChangelogEntry } from '../state-store';
import { type BytesKey, toBytesKey } from '../internals/bytes';
import type { KeyValueBytesStore } from '../internals/key-value-bytes-store';

/**
 * In-memory backend: a hash map for O(1) reads and writes plus a sorted key list rebuilt only
 * when `all()` runs after keys were added or removed (range scans are rare, point lookups hot).
 * Also serves as the memory image of the RocksDB backend.
 */
export class InMemoryKeyValueStore implements KeyValueBytesStore {
  readonly persistent: boolean = false;
  private readonly entries = new Map<BytesKey, Buffer>();
  private sortedKeys: BytesKey[] | null = null;

  constructor(readonly name: string) {}

  async init(): Promise<void> {}

  get(key: BytesKey): Buffer | undefined {
    return this.entries.get(key);
  }

  put(key: BytesKey, value: Buffer): void {
    if (this.sortedKeys !== null && !this.entries.has(key)) this.sortedKeys = null;
    this.entries.set(key, value);
  }

  delete(key: BytesKey): void {
    if (this.entries.delete(key)) this.sortedKeys = null;
  }

  *all(): IterableIterator<[BytesKey, Buffer]> {
    if (this.sortedKeys === null) this.sortedKeys = [...this.entries.keys()].sort();
    const keys = this.sortedKeys;
    for (const key of keys) {
      const value = this.entries.get(key);
      if (value !== undefined) yield [key, value];
    }
  }

  approximateNumEntries(): number {
    return this.entries.size;
  }

  async flush(): Promise<ChangelogEntry[]> {
    return [];
  }

  async restore(entries: readonly ChangelogEntry[]): Promise<void> {
    for (const entry of entries) {
      const key = toBytesKey(entry.key);
      if (entry.value === null) this.delete(key);
      else this.put(key, entry.value);
    }
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.sortedKeys = null;
  }
}
