import { Pipeable } from './pipeable';
import type { KStream } from './kstream';
import type { TimeWindows } from './windows';

/** A stream whose key is the grouping key, partitioned by it (repartitioned when needed). */
export class KGroupedStream<K, V> extends Pipeable {
  constructor(readonly stream: KStream<K, V>) {
    super();
  }
}

/** A grouped stream with windows, ready for aggregate/reduce/count. */
export class TimeWindowedKStream<K, V> extends Pipeable {
  constructor(
    readonly stream: KStream<K, V>,
    readonly windows: TimeWindows,
  ) {
    super();
  }
}
