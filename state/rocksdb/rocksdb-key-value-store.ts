import * as path from 'node:path';
import { WeirError } from '../../errors/weir-error';
import type { ChangelogEntry, StoreInitContext } from '../state-store';
import { type BytesKey, toBytesKey } from '../internals/bytes';
import type { KeyValueBytesStore } from '../internals/key-value-bytes-store';
import { InMemoryKeyValueStore } from '../memory/in-memory-key-value-store';
import { RocksDBDatabase } from './rocksdb-database';

/** Changelog records per RocksDB write batch during restoration. */
const RESTORE_BATCH = 10_000;

/**
 * RocksDB backend for key-value stores.
 *
 * Memory policy: the whole key space is loaded from RocksDB into a memory image at init, so a
 * store reopened after close has its data without a changelog replay, and every read is answered
 * synchronously from memory (an awaited RocksDB get costs ~50us here, a hot path cannot afford it).
 * Writes go to the image and to a pending batch that `flush` writes to RocksDB in one batch.
 * `close` does not flush: RocksDB keeps exactly what the last flush (commit) made durable.
 */
export class RocksDBKeyValueStore implements KeyValueBytesStore {
  readonly persistent: boolean = true;
  private readonly image: InMemoryKeyValueStore;
  /** Writes since the last flush, last write per key; null deletes. */
  private readonly pending = new Map<BytesKey, Buffer | null>();
  private db: RocksDBDatabase | null = null;

  constructor(readonly name: string) {
    this.image = new InMemoryKeyValueStore(name);
  }

  async init(context: StoreInitContext): Promise<void> {
    if (this.db !== null) throw new WeirError('STORE_ERROR', 'store already initialized', { store: this.name, task: context.taskId });
    this.db = await RocksDBDatabase.open(path.join(context.stateDir, 'rocksdb', this.name), this.name);
    for (const [key, value] of await this.db.readAll()) this.image.put(key, value);
  }

  get(key: BytesKey): Buffer | undefined {
    return this.image.get(key);
  }

  put(key: BytesKey, value: Buffer): void {
    this.image.put(key, value);
    this.pending.set(key, value);
  }

  delete(key: BytesKey): void {
    this.image.delete(key);
    this.pending.set(key, null);
  }

  all(): IterableIterator<[BytesKey, Buffer]> {
    return this.image.all();
  }

  approximateNumEntries(): number {
    return this.image.approximateNumEntries();
  }

  async flush(): Promise<ChangelogEntry[]> {
    if (this.pending.size === 0) return [];
    const writes = [...this.pending];
    await this.database().write(writes);
    // Writes made while the batch was in flight stay pending for the next flush.
    for (const [key, value] of writes) if (this.pending.get(key) === value) this.pending.delete(key);
    return [];
  }

  async restore(entries: readonly ChangelogEntry[]): Promise<void> {
    let applied = 0;
    for (const entry of entries) {
      // Bounded write batches, so restoring a long changelog does not build one huge batch.
      if (++applied % RESTORE_BATCH === 0) await this.flush();
      const key = toBytesKey(entry.key);
      if (entry.value === null) this.delete(key);
      else this.put(key, entry.value);
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

  private database(): RocksDBDatabase {
    if (this.db === null) throw new WeirError('STORE_ERROR', 'store not initialized or already closed', { store: this.name });
    return this.db;
  }
}
