/**
 * One partition of the embedded log: records at increasing offsets, transaction commit markers that
 * take an offset as on Kafka (so offsets of a transactional topic have gaps), and lazy compaction
 * that keeps the last record per key at its original offset.
 */
import type { ConsumedRecord, LogRecord } from '../log';

interface DataEntry {
  readonly offset: number;
  readonly record: ConsumedRecord;
  readonly control: false;
}

/** A transaction marker: invisible to every reader, it only takes an offset. */
interface ControlEntry {
  readonly offset: number;
  readonly control: true;
}

type Entry = DataEntry | ControlEntry;

/** Compact when this many records are shadowed by a later record with the same key. */
const COMPACTION_MIN_DEAD = 1024;

export class PartitionLog {
  private entries: Entry[] = [];
  private next = 0;
  /** Records shadowed by a later one with the same key since the last compaction (compacted topics only). */
  private dead = 0;
  private readonly latestByKey = new Map<string, number>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly compacted: boolean,
  ) {}

  /** Offset the next record will get: the high watermark (and, as commits are atomic here, the last stable offset). */
  get endOffset(): number {
    return this.next;
  }

  /** Log start offset: compaction removes records but never moves it, as on Kafka. */
  get beginningOffset(): number {
    return 0;
  }

  append(record: LogRecord): number {
    const offset = this.next++;
    const consumed: ConsumedRecord = {
      topic: this.topic,
      partition: this.partition,
      offset,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      headers: record.headers,
    };
    this.entries.push({ offset, record: consumed, control: false });
    if (this.compacted && record.key !== null) {
      const key = record.key.toString('base64');
      if (this.latestByKey.has(key)) this.dead++;
      this.latestByKey.set(key, offset);
    }
    return offset;
  }

  appendControlMarker(): void {
    this.entries.push({ offset: this.next++, control: true });
  }

  /** Records with from <= offset < to, at most max of them; markers are skipped. */
  read(from: number, to: number, max: number): ConsumedRecord[] {
    const out: ConsumedRecord[] = [];
    for (let i = this.indexOf(from); i < this.entries.length && out.length < max; i++) {
      const entry = this.entries[i];
      if (entry.offset >= to) break;
      if (!entry.control) out.push(entry.record);
    }
    return out;
  }

  /**
   * First offset >= from that holds a record, or `to` when none is below it: lets a reader move its
   * position past markers and compacted gaps even when a read returns nothing.
   */
  nextRecordOffset(from: number, to: number): number {
    for (let i = this.indexOf(from); i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (entry.offset >= to) return to;
      if (!entry.control) return entry.offset;
    }
    return to;
  }

  /** Compaction is lazy: it runs once enough records are shadowed, or when asked. */
  maybeCompact(): void {
    if (this.compacted && this.dead >= COMPACTION_MIN_DEAD && this.dead * 2 >= this.entries.length) this.compact();
  }

  /**
   * Keeps the last record per key (tombstones included: Kafka keeps them for delete.retention.ms),
   * records without a key, and the last entry, so the end offset stays held by the log.
   */
  compact(): void {
    if (!this.compacted) return;
    const last = this.entries.length - 1;
    this.entries = this.entries.filter((entry, i) => {
      if (i === last) return true;
      if (entry.control) return false;
      if (entry.record.key === null) return true;
      return this.latestByKey.get(entry.record.key.toString('base64')) === entry.offset;
    });
    this.dead = 0;
  }

  /** Number of entries held (records and markers), for tests of compaction. */
  get size(): number {
    return this.entries.length;
  }

  /** Index of the first entry with offset >= from (binary search: offsets are sparse after compaction). */
  private indexOf(from: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].offset < from) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
