/**
 * The only place that talks to level-rocksdb. Async and batched only: open, read everything once,
 * write a batch, close. Stores never await it per record; they keep a memory image and call it
 * from init/flush/restore.
 */
import { mkdir } from 'node:fs/promises';
import { WeirError } from '../../errors/weir-error';
import { type BytesKey, fromBytesKey, toBytesKey } from '../internals/bytes';

/** The slice of levelup's API used here (level-rocksdb ships no types). */
interface LevelUp {
  batch(operations: LevelOperation[]): Promise<void>;
  createReadStream(options: { keys: true; values: true }): AsyncIterable<{ key: Buffer; value: Buffer }>;
  close(): Promise<void>;
}
type LevelOperation = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };
type LevelFactory = (
  location: string,
  options: { keyEncoding: 'binary'; valueEncoding: 'binary'; createIfMissing: boolean },
  callback: (error: Error | null, db: LevelUp) => void,
) => void;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const level = require('level-rocksdb') as LevelFactory;

/** One write of a batch: a value, or null to delete the key. */
export type RocksDBWrite = readonly [BytesKey, Buffer | null];

export class RocksDBDatabase {
  private constructor(
    private readonly db: LevelUp,
    readonly location: string,
    private readonly store: string,
  ) {}

  static async open(location: string, store: string): Promise<RocksDBDatabase> {
    try {
      await mkdir(location, { recursive: true });
      const db = await new Promise<LevelUp>((resolve, reject) => {
        level(location, { keyEncoding: 'binary', valueEncoding: 'binary', createIfMissing: true }, (error, opened) =>
          error ? reject(error) : resolve(opened),
        );
      });
      return new RocksDBDatabase(db, location, store);
    } catch (error) {
      throw new WeirError('STORE_ERROR', 'cannot open RocksDB', { store, location }, { cause: error });
    }
  }

  /** Every entry in key order; used once at init to build the memory image. */
  async *entries(): AsyncIterableIterator<[BytesKey, Buffer]> {
    try {
      for await (const { key, value } of this.db.createReadStream({ keys: true, values: true })) {
        yield [toBytesKey(key), value];
      }
    } catch (error) {
      throw new WeirError('STORE_ERROR', 'cannot read RocksDB', { store: this.store, location: this.location }, { cause: error });
    }
  }

  /** Applies the writes atomically in one RocksDB write batch. */
  async write(writes: Iterable<RocksDBWrite>): Promise<void> {
    const operations: LevelOperation[] = [];
    for (const [key, value] of writes) {
      operations.push(value === null ? { type: 'del', key: fromBytesKey(key) } : { type: 'put', key: fromBytesKey(key), value });
    }
    if (operations.length === 0) return;
    try {
      await this.db.batch(operations);
    } catch (error) {
      throw new WeirError('STORE_ERROR', 'RocksDB write batch failed', { store: this.store, location: this.location, writes: operations.length }, { cause: error });
    }
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } catch (error) {
      throw new WeirError('STORE_ERROR', 'cannot close RocksDB', { store: this.store, location: this.location }, { cause: error });
    }
  }
}
