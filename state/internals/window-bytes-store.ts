import type { ChangelogEntry, StoreInitContext } from '../state-store';
import type { BytesKey } from './bytes';

/** Called once per window entry dropped because it fell out of retention. */
export type ExpiryListener = (key: BytesKey, windowStart: number) => void;

/**
 * Retention rule, shared by every window layer so they agree to the millisecond: a window is
 * kept while `windowStart > observedStreamTime - retentionMs`, where the observed stream time is
 * the largest window start put so far. As in Kafka Streams' segmented stores, the earliest live
 * window start is `observedStreamTime - retentionMs + 1`.
 */
export function isExpired(windowStart: number, observedStreamTime: number, retentionMs: number): boolean {
  return windowStart <= observedStreamTime - retentionMs;
}

/** Byte-level window store, keyed by (serialized key, window start). See KeyValueBytesStore. */
export interface WindowBytesStore {
  readonly name: string;
  readonly persistent: boolean;
  readonly retentionMs: number;
  init(context: StoreInitContext): Promise<void>;
  fetch(key: BytesKey, windowStart: number): Buffer | undefined;
  /** Live entries with windowStart in [fromStart, toStart], by window start then key bytes. */
  fetchAll(fromStart: number, toStart: number): IterableIterator<[BytesKey, number, Buffer]>;
  /** Advances the observed stream time to windowStart if larger (dropping expired windows); a put of an expired window is dropped. */
  put(key: BytesKey, windowStart: number, value: Buffer): void;
  /** Removes one window; advances stream time like a put (Kafka Streams treats it as put(null)). */
  remove(key: BytesKey, windowStart: number): void;
  /** Largest window start seen, or -Infinity before the first put. */
  observedStreamTime(): number;
  /** Puts dropped because their window had already expired. */
  droppedExpiredPuts(): number;
  addExpiryListener(listener: ExpiryListener): void;
  approximateNumEntries(): number;
  flush(): Promise<ChangelogEntry[]>;
  restore(entries: readonly ChangelogEntry[]): Promise<void>;
  close(): Promise<void>;
}
