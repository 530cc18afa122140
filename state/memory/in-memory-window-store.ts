import { WeirError } from '../../errors/weir-error';
import type { ChangelogEntry } from '../state-store';
import { type BytesKey, parseWindowChangelogKey } from '../internals/bytes';
import { type ExpiryListener, type WindowBytesStore, isExpired } from '../internals/window-bytes-store';

/**
 * In-memory window backend: one segment (a map of key -> value) per window start, with the starts
 * kept sorted so expiry drops whole segments from the front as stream time moves, as Kafka
 * Streams' segmented stores drop whole segments. Also the memory image of the RocksDB backend.
 */
export class InMemoryWindowStore implements WindowBytesStore {
  readonly persistent: boolean = false;
  private readonly segments = new Map<number, Map<BytesKey, Buffer>>();
  /** Window starts present in `segments`, ascending. */
  private readonly starts: number[] = [];
  private readonly listeners: ExpiryListener[] = [];
  private observed = -Infinity;
  private entryCount = 0;
  private dropped = 0;

  constructor(
    readonly name: string,
    readonly retentionMs: number,
  ) {
    if (!(retentionMs > 0)) {
      throw new WeirError('INVALID_CONFIG', 'window store retentionMs must be > 0', { store: name, option: 'retentionMs', value: retentionMs });
    }
  }

  async init(): Promise<void> {}

  fetch(key: BytesKey, windowStart: number): Buffer | undefined {
    return this.segments.get(windowStart)?.get(key);
  }

  *fetchAll(fromStart: number, toStart: number): IterableIterator<[BytesKey, number, Buffer]> {
    const starts = this.starts.slice(lowerBound(this.starts, fromStart));
    for (const start of starts) {
      if (start > toStart) return;
      const segment = this.segments.get(start);
      if (segment === undefined) continue;
      for (const key of [...segment.keys()].sort()) {
        const value = segment.get(key);
        if (value !== undefined) yield [key, start, value];
      }
    }
  }

  put(key: BytesKey, windowStart: number, value: Buffer): void {
    this.advance(windowStart);
    if (isExpired(windowStart, this.observed, this.retentionMs)) {
      this.dropped++;
      return;
    }
    let segment = this.segments.get(windowStart);
    if (segment === undefined) {
      segment = new Map();
      this.segments.set(windowStart, segment);
      this.starts.splice(lowerBound(this.starts, windowStart), 0, windowStart);
    }
    const before = segment.size;
    segment.set(key, value);
    this.entryCount += segment.size - before;
  }

  remove(key: BytesKey, windowStart: number): void {
    this.advance(windowStart);
    const segment = this.segments.get(windowStart);
    if (segment === undefined || !segment.delete(key)) return;
    this.entryCount--;
    if (segment.size === 0) this.dropSegment(windowStart);
  }

  observedStreamTime(): number {
    return this.observed;
  }

  droppedExpiredPuts(): number {
    return this.dropped;
  }

  addExpiryListener(listener: ExpiryListener): void {
    this.listeners.push(listener);
  }

  approximateNumEntries(): number {
    return this.entryCount;
  }

  async flush(): Promise<ChangelogEntry[]> {
    return [];
  }

  async restore(entries: readonly ChangelogEntry[]): Promise<void> {
    for (const entry of entries) {
      const { key, windowStart } = parseWindowChangelogKey(entry.key, this.name);
      if (entry.value === null) this.remove(key, windowStart);
      else this.put(key, windowStart, entry.value);
    }
  }

  async close(): Promise<void> {
    this.segments.clear();
    this.starts.length = 0;
    this.entryCount = 0;
  }

  private advance(windowStart: number): void {
    if (windowStart <= this.observed) return;
    this.observed = windowStart;
    while (this.starts.length > 0 && isExpired(this.starts[0], this.observed, this.retentionMs)) {
      const start = this.starts[0];
      const segment = this.segments.get(start)!;
      this.dropSegment(start);
      this.entryCount -= segment.size;
      for (const key of segment.keys()) for (const listener of this.listeners) listener(key, start);
    }
  }

  private dropSegment(start: number): void {
    this.segments.delete(start);
    this.starts.splice(lowerBound(this.starts, start), 1);
  }
}

/** Index of the first element >= value in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
