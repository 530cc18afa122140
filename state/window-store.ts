import type { StateStore } from './state-store';

export interface Windowed<K> {
  readonly key: K;
  /** Inclusive start, epoch ms. */
  readonly start: number;
  /** Exclusive end, epoch ms. */
  readonly end: number;
}

export interface WindowedEntry<K, V> {
  readonly key: K;
  readonly windowStart: number;
  readonly value: V;
}

export interface ReadOnlyWindowStore<K, V> {
  fetch(key: K, windowStart: number): V | undefined;
  /** Entries of every key with windowStart in [fromStart, toStart], ordered by window start then key. */
  fetchAll(fromStart: number, toStart: number): IterableIterator<WindowedEntry<K, V>>;
}

/**
 * Synchronous window store keyed by (key, window start). Windows older than the retention period
 * (size + grace, or what the operator asks) relative to the latest `put` are dropped.
 */
export interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  readonly retentionMs: number;
  put(key: K, windowStart: number, value: V): void;
  remove(key: K, windowStart: number): void;
}
