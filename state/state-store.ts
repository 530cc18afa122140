/**
 * What every state store offers the engine: lifecycle, flush at commit (which yields the changelog
 * records written since the last flush) and restoration from such records.
 *
 * The read/write API of stores is synchronous: records never await I/O. Stores keep their working
 * set in memory (open windows, hot keys) and do their I/O (RocksDB batches) in `init` and `flush`.
 */
export interface ChangelogEntry {
  /** Serialized store key (for window stores: key bytes followed by the 8-byte big-endian window start). */
  readonly key: Buffer;
  /** Serialized value, or null for a deletion (a tombstone on the compacted changelog topic). */
  readonly value: Buffer | null;
}

export interface StoreInitContext {
  /** Task that owns this instance, e.g. `0_3` (sub-topology 0, partition 3). */
  readonly taskId: string;
  /** Directory owned by this task's instance of the store; persistent backends keep their files here. */
  readonly stateDir: string;
}

export interface StateStore {
  readonly name: string;
  /** True when the store keeps its data on local disk across restarts (RocksDB). */
  readonly persistent: boolean;
  /** Whether its flushes should be sent to a changelog topic. */
  readonly loggingEnabled: boolean;
  init(context: StoreInitContext): Promise<void>;
  /**
   * Makes pending writes durable in the backend and returns the changelog records for them, in write order, last write per key.
   * (weir's stores list each key once, at its first write since the last flush, with the value of its last write; order
   * across distinct keys does not change what a compacted changelog restores.)
   */
  flush(): Promise<ChangelogEntry[]>;
  /** Applies changelog records (restoration); called before any record is processed. */
  restore(entries: readonly ChangelogEntry[]): Promise<void>;
  close(): Promise<void>;
  /** Operation counts since init (puts, gets, flushes...), when the store is metered. */
  metrics?(): StoreMetrics;
}

/** Counters of a metered store, by name (`puts`, `gets`, `flushedRecords`...). */
export type StoreMetrics = Readonly<Record<string, number>>;

/** Builds one store instance per task, as Kafka Streams' StoreBuilder. */
export interface StoreSupplier<S extends StateStore = StateStore> {
  readonly name: string;
  /** `key-value` or `window`, and the backend; shown by describe(). */
  readonly description: string;
  readonly loggingEnabled: boolean;
  build(): S;
}
