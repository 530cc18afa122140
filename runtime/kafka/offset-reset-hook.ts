/**
 * kafkajs answers a fetch's OFFSET_OUT_OF_RANGE by committing its default offset (-2 or -1) for
 * the group and reading on from there, with one log line: the records skipped are never counted,
 * and the committed offset that would tell how many is overwritten. This module wraps kafkajs'
 * `ConsumerGroup.recoverFromOffsetOutOfRange` so that the weir consumer of the group decides
 * instead (`auto.offset.reset`), reports the reset, and nothing is committed behind weir's back.
 *
 * kafkajs is pinned at 2.2.x; the patch checks that the method it wraps exists.
 */
import { WeirError } from '../../errors/weir-error';
import type { TopicPartition } from '../log';

interface ConsumerGroupLike {
  groupId: string;
  seek(tpo: { topic: string; partition: number; offset: string }): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ConsumerGroup: { prototype: { recoverFromOffsetOutOfRange: (this: ConsumerGroupLike, e: TopicPartition) => Promise<void> } } = require('kafkajs/src/consumer/consumerGroup');

/** Where to read the partition from now; undefined to leave it (the weir consumer paused it and failed). */
export type OutOfRangeHandler = (tp: TopicPartition) => Promise<number | undefined>;

const handlers = new Map<string, OutOfRangeHandler>();
let installed = false;

function install(): void {
  if (installed) return;
  const original = ConsumerGroup.prototype.recoverFromOffsetOutOfRange;
  if (typeof original !== 'function') throw new WeirError('INVALID_CONFIG', 'kafkajs ConsumerGroup.recoverFromOffsetOutOfRange not found: the kafkajs version is not the one weir was written for (2.2.x)');
  ConsumerGroup.prototype.recoverFromOffsetOutOfRange = async function recoverAsWeirDecides(this: ConsumerGroupLike, e: TopicPartition): Promise<void> {
    const handler = handlers.get(this.groupId);
    if (!handler) return original.call(this, e);
    const offset = await handler({ topic: e.topic, partition: e.partition });
    if (offset !== undefined) this.seek({ topic: e.topic, partition: e.partition, offset: String(offset) });
  };
  installed = true;
}

/** Routes the group's out-of-range fetches to `handler`; returns the function that removes it. */
export function onOffsetOutOfRange(groupId: string, handler: OutOfRangeHandler): () => void {
  install();
  handlers.set(groupId, handler);
  return () => {
    if (handlers.get(groupId) === handler) handlers.delete(groupId);
  };
}
