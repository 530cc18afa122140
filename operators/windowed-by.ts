import { TimeWindowedKStream, type KGroupedStream } from '../topology/kgrouped-stream';
import type { TimeWindows } from '../topology/windows';

/**
 * Windows a grouped stream for aggregate/reduce/count.
 *
 * ```ts
 * grouped.pipe(windowedBy(tumbling(60_000, { grace: 10_000 })))
 * ```
 */
export function windowedBy<K, V>(windows: TimeWindows) {
  return (grouped: KGroupedStream<K, V>): TimeWindowedKStream<K, V> => new TimeWindowedKStream(grouped.stream, windows);
}
