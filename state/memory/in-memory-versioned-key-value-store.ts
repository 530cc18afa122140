/**
 * The in-memory versioned store behind global tables: per serialized key, its versions in
 * timestamp order. A version older than `historyRetentionMs` before the key's latest one is dropped
 * once a newer version is also that old (so a read at the retention's edge still finds its value).
 */
import type { Serde } from '../../serdes/serde';
import type { ReadOnlyVersionedKeyValueStore, VersionedRecord } from '../versioned-key-value-store';

interface Entry<K, V> {
  readonly key: K;
  /** Ascending by timestamp; versions with equal timestamps keep their write order (the last wins). */
  versions: VersionedRecord<V>[];
}

export class InMemoryVersionedKeyValueStore<K, V> implements ReadOnlyVersionedKeyValueStore<K, V> {
  private readonly entries = new Map<string, Entry<K, V>>();
  private sortedKeys: string[] | undefined;
  private live = 0;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly historyRetentionMs: number,
  ) {}

  /** Applies one record: a new version of `key` at `timestamp` (`undefined` deletes). */
  put(key: K, value: V | undefined, timestamp: number): void {
    const id = this.id(key);
    let entry = this.entries.get(id);
    if (!entry) {
      this.entries.set(id, (entry = { key, versions: [] }));
      this.sortedKeys = undefined;
    }
    const versions = entry.versions;
    const wasLive = versions.length > 0 && versions[versions.length - 1].value !== undefined;
    // An out-of-order update goes in its place; later versions stay as they are.
    let at = versions.length;
    while (at > 0 && versions[at - 1].timestamp > timestamp) at--;
    versions.splice(at, 0, { value, timestamp });
    const latest = versions[versions.length - 1].timestamp;
    let drop = 0;
    while (drop + 1 < versions.length && versions[drop + 1].timestamp <= latest - this.historyRetentionMs) drop++;
    if (drop > 0) versions.splice(0, drop);
    const isLive = versions[versions.length - 1].value !== undefined;
    this.live += (isLive ? 1 : 0) - (wasLive ? 1 : 0);
  }

  get(key: K, asOf: number): V | undefined {
    const entry = this.entries.get(this.id(key));
    return entry ? valueAsOf(entry.versions, asOf) : undefined;
  }

  *all(asOf: number): IterableIterator<[K, V]> {
    this.sortedKeys ??= [...this.entries.keys()].sort();
    for (const id of this.sortedKeys) {
      const entry = this.entries.get(id)!;
      const value = valueAsOf(entry.versions, asOf);
      if (value !== undefined) yield [entry.key, value];
    }
  }

  history(key: K, asOf: number): VersionedRecord<V>[] {
    const entry = this.entries.get(this.id(key));
    return entry ? entry.versions.filter((v) => v.timestamp <= asOf) : [];
  }

  approximateNumEntries(): number {
    return this.live;
  }

  /** Serialized keys as latin1 strings: one char per byte, so string order is the bytes' order. */
  private id(key: K): string {
    const bytes = this.keySerde.serialize(this.name, key);
    return bytes === null ? '' : bytes.toString('latin1');
  }
}

function valueAsOf<V>(versions: readonly VersionedRecord<V>[], asOf: number): V | undefined {
  for (let i = versions.length - 1; i >= 0; i--) if (versions[i].timestamp <= asOf) return versions[i].value;
  return undefined;
}
