import * as path from 'node:path';
import { WeirError } from '../../errors/weir-error';
import type { ChangelogEntry, StoreInitContext } from '../state-store';
import { type BytesKey, parseWindowChangelogKey, toBytesKey, windowChangelogKey } from '../internals/bytes';
import { type ExpiryListener, type WindowBytesStore, isExpired } from '../internals/window-bytes-store';
import { InMemoryWindowStore } from '../memory/in-memory-window-store';
import { RocksDBDatabase, type RocksDBWrite } from './rocksdb-database';

/** Changelog records per RocksDB write batch during restoration. */
const RESTORE_BATCH = 10_000;

/**
 * RocksDB backend for window stores. RocksDB keys use the changelog layout (key bytes + 8-byte
 * big-endian window start), so restoring and persisting share one format.
 *
 * Memory policy: the windows within retention live in a memory image (loaded at init, windows
 * found expired at load are deleted from RocksDB at the next flush); windows that fall out of
 * retention as stream time moves are dropped from the image at once and deleted from RocksDB in
 * the next flush batch. Reads never touch RocksDB. `close` does not flush (see RocksDBKeyValueStore).
 */
export class RocksDBWindowStore implements WindowBytesStore {
  readonly persistent: boolean = true;
  private readonly image: InMemoryWindowStore;
  /** Writes since the last flush by window start then key; null deletes. */
  private readonly pending = new Map<number, Map<BytesKey, Buffer | null>>();
  private db: RocksDBDatabase | null = null;

  constructor(
    readonly name: string,
    readonly retentionMs: number,
  ) {
    this.image = new InMemoryWindowStore(name, retentionMs);
    this.image.addExpiryListener((key, windowStart) => this.pend(key, windowStart, null));
  }

  async init(context: StoreInitContext): Promise<void> {
    if (this.db !== null) throw new WeirError('STORE_ERROR', 'store already initialized', { store: this.name, task: context.taskId });
    this.db = await RocksDBDatabase.open(path.join(context.stateDir, 'rocksdb', this.name), this.name);
    const loaded: Array<[BytesKey, number, Buffer]> = [];
    let observed = -Infinity;
    for (const [stored, value] of await this.db.readAll()) {
      const { key, windowStart } = parseWindowChangelogKey(Buffer.from(stored, 'latin1'), this.name);
      loaded.push([key, windowStart, value]);
      if (windowStart > observed) observed = windowStart;
    }
    // Decide expiry against the largest start first, so expired windows are deleted rather than
    // counted as dropped puts.
    for (const [key, windowStart, value] of loaded) {
      if (isExpired(windowStart, observed, this.retentionMs)) this.pend(key, windowStart, null);
      else this.image.put(key, windowStart, value);
    }
  }

  fetch(key: BytesKey, windowStart: number): Buffer | undefined {
    return this.image.fetch(key, windowStart);
  }

  fetchAll(fromStart: number, toStart: number): IterableIterator<[BytesKey, number, Buffer]> {
    return this.image.fetchAll(fromStart, toStart);
  }

  put(key: BytesKey, windowStart: number, value: Buffer): void {
    const dropped = this.image.droppedExpiredPuts();
    this.image.put(key, windowStart, value);
    if (this.image.droppedExpiredPuts() === dropped) this.pend(key, windowStart, value);
  }

  remove(key: BytesKey, windowStart: number): void {
    this.image.remove(key, windowStart);
    if (!isExpired(windowStart, this.image.observedStreamTime(), this.retentionMs)) this.pend(key, windowStart, null);
  }

  observedStreamTime(): number {
    return this.image.observedStreamTime();
  }

  droppedExpiredPuts(): number {
    return this.image.droppedExpiredPuts();
  }

  addExpiryListener(listener: ExpiryListener): void {
    this.image.addExpiryListener(listener);
  }

  approximateNumEntries(): number {
    return this.image.approximateNumEntries();
  }

  async flush(): Promise<ChangelogEntry[]> {
    if (this.pending.size === 0) return [];
    const batch: Array<[number, BytesKey, Buffer | null]> = [];
    const writes: RocksDBWrite[] = [];
    for (const [windowStart, segment] of this.pending) {
      for (const [key, value] of segment) {
        batch.push([windowStart, key, value]);
        writes.push([toBytesKey(windowChangelogKey(key, windowStart)), value]);
      }
    }
    await this.database().write(writes);
    // Writes made while the batch was in flight stay pending for the next flush.
    for (const [windowStart, key, value] of batch) {
      const segment = this.pending.get(windowStart)!;
      if (segment.get(key) === value) segment.delete(key);
      if (segment.size === 0) this.pending.delete(windowStart);
    }
    return [];
  }

  async restore(entries: readonly ChangelogEntry[]): Promise<void> {
    let applied = 0;
    for (const entry of entries) {
      // Bounded write batches, so restoring a long changelog does not build one huge batch.
      if (++applied % RESTORE_BATCH === 0) await this.flush();
      const { key, windowStart } = parseWindowChangelogKey(entry.key, this.name);
      if (entry.value === null) this.remove(key, windowStart);
      else this.put(key, windowStart, entry.value);
    }
    await this.flush();
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    this.pending.clear();
    await this.image.close();
    if (db !== null) await db.close();
  }

  private pend(key: BytesKey, windowStart: number, value: Buffer | null): void {
    let segment = this.pending.get(windowStart);
    if (segment === undefined) {
      segment = new Map();
      this.pending.set(windowStart, segment);
    }
    segment.set(key, value);
  }

  private database(): RocksDBDatabase {
    if (this.db === null) throw new WeirError('STORE_ERROR', 'store not initialized or already closed', { store: this.name });
    return this.db;
  }
}
