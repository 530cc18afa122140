import type { StateStore } from './state-store';

/** Read-only view, handed to interactive queries and joins. */
export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | undefined;
  /** All entries in key order (order of the serialized keys). */
  all(): IterableIterator<[K, V]>;
  approximateNumEntries(): number;
}

/** Synchronous key-value store; see StateStore for why nothing here awaits. */
export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  put(key: K, value: V): void;
  delete(key: K): void;
}
