/**
 * `auto.offset.reset`: where a consumer goes when the offset it should read from is no longer in
 * the partition (retention or delete-records removed it, or the topic was re-created). Kafka's
 * clients reset by themselves and say so only in a log line; weir decides, and reports every
 * reset as a warning with the partition, both offsets and the records skipped, and in the task's
 * metrics (`offset-resets`, `records-skipped-by-offset-reset`).
 */
import { WeirError } from '../errors/weir-error';
import type { TopicPartition } from './log';

/** `earliest`: the first offset still held; `latest`: the end; `none`: fail the task. */
export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

export interface OffsetReset extends TopicPartition {
  /** The offset that should have been read next (committed, or after the last record delivered). */
  readonly from: number;
  /** Where reading goes on. */
  readonly to: number;
  /** Offsets that will never be read: deleted ones (earliest), or every one up to the end (latest). */
  readonly skipped: number;
  readonly policy: AutoOffsetReset;
}

/**
 * Where to read from when `position` may be out of the partition's range [low, high]; the reset to
 * report when it is. Under `none` an out-of-range position fails with `OFFSET_OUT_OF_RANGE`.
 */
export function resolvePosition(tp: TopicPartition, position: number, low: number, high: number, policy: AutoOffsetReset): { offset: number; reset?: OffsetReset } {
  if (position >= low && position <= high) return { offset: position };
  if (policy === 'none') throw outOfRange(tp, position, low, high);
  const to = policy === 'earliest' ? low : high;
  // Past the end (a re-created topic): nothing is skipped going back, the records below were never read.
  const skipped = position < low ? to - position : 0;
  return { offset: to, reset: { ...tp, from: position, to, skipped, policy } };
}

export function outOfRange(tp: TopicPartition, position: number, low: number, high: number): WeirError {
  return new WeirError('OFFSET_OUT_OF_RANGE', `offset ${position} is out of the partition's range [${low}, ${high}] and auto.offset.reset=none`, { topic: tp.topic, partition: tp.partition, offset: position, low, high });
}
