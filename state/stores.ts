/**
 * Public factory for state stores, as Kafka Streams' `Stores`: describes a store once and returns
 * a supplier that the runtime calls once per task. Each instance is composed of layers,
 * outermost first: Metered -> Caching (or Serializing) -> ChangeLogging -> backend (RocksDB or memory).
 *
 * @example
 * ```ts
 * const counts = Stores.keyValue('counts', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
 * const rollups = Stores.window('rollup-1m', { keySerde: stringSerde, valueSerde: jsonSerde<Agg>(), retentionMs: 120_000 });
 * const store = counts.build(); // one per task, then init({ taskId, stateDir }), restore(...), get/put, flush(), close()
 * ```
 */
import { WeirError } from '../errors/weir-error';
import type { Serde } from '../serdes/serde';
import type { KeyValueStore } from './key-value-store';
import type { StoreSupplier } from './state-store';
import type { WindowStore } from './window-store';
import { CachingKeyValueStore } from './internals/caching-key-value-store';
import { CachingWindowStore } from './internals/caching-window-store';
import { ChangeLoggingKeyValueStore } from './internals/change-logging-key-value-store';
import { ChangeLoggingWindowStore } from './internals/change-logging-window-store';
import type { KeyValueBytesStore } from './internals/key-value-bytes-store';
import { MeteredKeyValueStore } from './internals/metered-key-value-store';
import { MeteredWindowStore } from './internals/metered-window-store';
import { SerializingKeyValueStore } from './internals/serializing-key-value-store';
import { SerializingWindowStore } from './internals/serializing-window-store';
import { StoreSerdes } from './internals/store-serdes';
import type { WindowBytesStore } from './internals/window-bytes-store';
import { InMemoryKeyValueStore } from './memory/in-memory-key-value-store';
import { InMemoryWindowStore } from './memory/in-memory-window-store';
import { RocksDBKeyValueStore } from './rocksdb/rocksdb-key-value-store';
import { RocksDBWindowStore } from './rocksdb/rocksdb-window-store';

export interface StoreOptions<K, V> {
  /** Serializes keys; serialized key bytes define the order of `all()` and `fetchAll()`. */
  keySerde: Serde<K>;
  valueSerde: Serde<V>;
  /** Keep the data on disk in RocksDB under the task's state directory (default true); false: memory only. */
  persistent?: boolean;
  /** Keep deserialized values in a write-back cache, serialized once per flush (default true). */
  cache?: boolean;
  /** Entries the cache holds before evicting (writing dirty ones down); default 100000. */
  cacheMaxEntries?: number;
  /** Return changelog records from `flush()` for the runtime to send (default true). */
  logging?: boolean;
}

export interface WindowStoreOptions<K, V> extends StoreOptions<K, V> {
  /** Windows with start <= (largest start put) - retentionMs are dropped; usually size + grace. */
  retentionMs: number;
}

const DEFAULT_CACHE_MAX_ENTRIES = 100_000;

export const Stores = {
  keyValue<K, V>(name: string, options: StoreOptions<K, V>): StoreSupplier<KeyValueStore<K, V>> {
    const config = resolve(name, options);
    return {
      name,
      description: describe('key-value', config),
      loggingEnabled: config.logging,
      build(): KeyValueStore<K, V> {
        let bytes: KeyValueBytesStore = config.persistent ? new RocksDBKeyValueStore(name) : new InMemoryKeyValueStore(name);
        if (config.logging) bytes = new ChangeLoggingKeyValueStore(bytes);
        const serdes = new StoreSerdes(name, options.keySerde, options.valueSerde);
        const layer = { loggingEnabled: config.logging, maxEntries: config.cacheMaxEntries };
        const typed = config.cache ? new CachingKeyValueStore(bytes, serdes, layer) : new SerializingKeyValueStore(bytes, serdes, layer);
        return new MeteredKeyValueStore(typed);
      },
    };
  },

  window<K, V>(name: string, options: WindowStoreOptions<K, V>): StoreSupplier<WindowStore<K, V>> {
    const config = resolve(name, options);
    const { retentionMs } = options;
    if (!Number.isSafeInteger(retentionMs) || retentionMs <= 0) {
      throw new WeirError('INVALID_CONFIG', 'retentionMs must be a positive integer of milliseconds', { store: name, option: 'retentionMs', value: retentionMs });
    }
    return {
      name,
      description: `${describe('window', config)} retention ${retentionMs}ms`,
      loggingEnabled: config.logging,
      build(): WindowStore<K, V> {
        let bytes: WindowBytesStore = config.persistent ? new RocksDBWindowStore(name, retentionMs) : new InMemoryWindowStore(name, retentionMs);
        if (config.logging) bytes = new ChangeLoggingWindowStore(bytes);
        const serdes = new StoreSerdes(name, options.keySerde, options.valueSerde);
        const layer = { loggingEnabled: config.logging, maxEntries: config.cacheMaxEntries };
        const typed = config.cache ? new CachingWindowStore(bytes, serdes, layer) : new SerializingWindowStore(bytes, serdes, layer);
        return new MeteredWindowStore(typed);
      },
    };
  },
};

interface ResolvedOptions {
  persistent: boolean;
  cache: boolean;
  cacheMaxEntries: number;
  logging: boolean;
}

function resolve<K, V>(name: string, options: StoreOptions<K, V>): ResolvedOptions {
  // The name becomes a directory under the task's state dir and part of the changelog topic name.
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') {
    throw new WeirError('INVALID_CONFIG', 'store name must be non-empty and use only letters, digits, ".", "_" and "-"', { store: name, option: 'name' });
  }
  if (options.keySerde === undefined || options.valueSerde === undefined) {
    throw new WeirError('INVALID_CONFIG', 'a store needs keySerde and valueSerde', { store: name, option: options.keySerde === undefined ? 'keySerde' : 'valueSerde' });
  }
  const cacheMaxEntries = options.cacheMaxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
  if (!Number.isSafeInteger(cacheMaxEntries) || cacheMaxEntries < 1) {
    throw new WeirError('INVALID_CONFIG', 'cacheMaxEntries must be a positive integer', { store: name, option: 'cacheMaxEntries', value: cacheMaxEntries });
  }
  return {
    persistent: options.persistent ?? true,
    cache: options.cache ?? true,
    cacheMaxEntries,
    logging: options.logging ?? true,
  };
}

function describe(kind: string, config: ResolvedOptions): string {
  const layers = [config.persistent ? 'rocksdb' : 'in-memory', config.cache ? 'cached' : 'uncached', config.logging ? 'logged' : 'unlogged'];
  return `${kind} (${layers.join(', ')})`;
}
