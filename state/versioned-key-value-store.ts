import type { ReadOnlyKeyValueStore } from './key-value-store';

/** One version of a key: the value a record set (undefined for a deletion) and that record's timestamp. */
export interface VersionedRecord<V> {
  readonly value: V | undefined;
  readonly timestamp: number;
}

/**
 * A key-value store that keeps the recent versions of each key, read as of a timestamp (Kafka
 * Streams' VersionedKeyValueStore). Global tables are kept in one so that a record reads the table
 * as it was at the record's event time, whatever the global reader has read beyond it.
 */
export interface ReadOnlyVersionedKeyValueStore<K, V> {
  readonly name: string;
  /** The value of the latest version with timestamp <= asOf, or undefined (absent, deleted, or not yet written then). */
  get(key: K, asOf: number): V | undefined;
  /** Every key with a value as of `asOf`, in the order of the serialized keys. */
  all(asOf: number): IterableIterator<[K, V]>;
  /** The versions of a key with timestamp <= asOf still held, oldest first (deletions included). */
  history(key: K, asOf: number): VersionedRecord<V>[];
  /** Keys held (with a value at their latest version). */
  approximateNumEntries(): number;
}

/**
 * What a processor reads of a global table through `context.getStateStore(name)`: a
 * ReadOnlyKeyValueStore whose reads are as of the record being processed (its timestamp; stream
 * time inside punctuators, everything at end of input), plus the key's history up to then.
 */
export interface GlobalKeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V> {
  readonly name: string;
  /** The versions of `key` up to the read time, oldest first (deletions included). */
  history(key: K): VersionedRecord<V>[];
  /** The value as of an explicit time (a join reads as of the joined record's own timestamp). */
  getAsOf(key: K, asOf: number): V | undefined;
  /** The time reads are made as of, now. */
  readTime(): number;
}
