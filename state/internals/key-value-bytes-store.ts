import type { ChangelogEntry, StoreInitContext } from '../state-store';
import type { BytesKey } from './bytes';

/**
 * The byte-level key-value store that backends (memory, RocksDB) and the change-logging layer
 * implement; the typed layers (serializing or caching, then metered) sit on top of it.
 * Reads and writes are synchronous: backends answer from memory and do their I/O in init/flush.
 */
export interface KeyValueBytesStore {
  readonly name: string;
  readonly persistent: boolean;
  init(context: StoreInitContext): Promise<void>;
  get(key: BytesKey): Buffer | undefined;
  put(key: BytesKey, value: Buffer): void;
  delete(key: BytesKey): void;
  /** Entries in byte order of their keys; a snapshot of the keys taken at the first `next()`. */
  all(): IterableIterator<[BytesKey, Buffer]>;
  approximateNumEntries(): number;
  /** Makes writes durable; the change-logging layer returns its records, backends return []. */
  flush(): Promise<ChangelogEntry[]>;
  /** Applies changelog records without logging them again, and makes them durable. */
  restore(entries: readonly ChangelogEntry[]): Promise<void>;
  close(): Promise<void>;
}
