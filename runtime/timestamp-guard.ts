/**
 * Which event timestamps a task accepts before a record may move its stream time. One record
 * dated year 9999 would otherwise close every open window and make every later valid record
 * late: its windows' results would never be emitted. A refused record goes to the dead-letter
 * path (deserialization.exception.handler) with the reason and leaves stream time where it was.
 *
 * Ahead of stream time: allowed up to the bound plus the wall-clock time since stream time last
 * moved, so a replay (event time racing ahead of the wall clock) is held to the bound, while a
 * live partition that was quiet for two days is not refused when its traffic comes back.
 */
import { WeirError } from '../errors/weir-error';
import type { ConsumedRecord } from './log';

export interface TimestampBounds {
  /** `max.timestamp.ahead.of.stream.time.ms` */
  readonly maxTimestampAheadOfStreamTimeMs: number;
  /** `max.timestamp.ahead.of.wall.clock.ms` */
  readonly maxTimestampAheadOfWallClockMs: number;
}

export class TimestampGuard {
  /** Wall-clock time read once per batch: records of one batch are judged against the same clock. */
  private now = 0;
  /** Wall-clock time at which stream time last moved forward. */
  private advancedAt = 0;

  constructor(
    private readonly bounds: TimestampBounds,
    private readonly clock: () => number,
  ) {}

  startBatch(): void {
    this.now = this.clock();
  }

  /** Stream time moved forward to a record's timestamp. */
  advanced(): void {
    this.advancedAt = this.now;
  }

  /** The reason a timestamp is refused, as an error with the record's coordinates; undefined when accepted. */
  check(timestamp: number, streamTime: number, record: ConsumedRecord): WeirError | undefined {
    const where = { topic: record.topic, partition: record.partition, offset: record.offset };
    if (!Number.isFinite(timestamp) || timestamp < 0) {
      return new WeirError('DESERIALIZATION_FAILED', `invalid event timestamp ${timestamp}`, { ...where, timestamp: String(timestamp) });
    }
    const { maxTimestampAheadOfStreamTimeMs: aheadOfStreamTime, maxTimestampAheadOfWallClockMs: aheadOfWallClock } = this.bounds;
    if (timestamp - this.now > aheadOfWallClock) {
      return new WeirError('DESERIALIZATION_FAILED', `event timestamp ${timestamp} is ${timestamp - this.now} ms ahead of the wall clock; max.timestamp.ahead.of.wall.clock.ms=${aheadOfWallClock}`, { ...where, timestamp, wallClock: this.now });
    }
    if (Number.isFinite(streamTime)) {
      const allowed = aheadOfStreamTime + Math.max(0, this.now - this.advancedAt);
      if (timestamp - streamTime > allowed) {
        return new WeirError('DESERIALIZATION_FAILED', `event timestamp ${timestamp} is ${timestamp - streamTime} ms ahead of stream time ${streamTime}; max.timestamp.ahead.of.stream.time.ms=${aheadOfStreamTime}`, { ...where, timestamp, streamTime });
      }
    }
    return undefined;
  }
}
