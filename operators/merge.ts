import { WeirError } from '../errors/weir-error';
import type { KStream } from '../topology/kstream';
import type { NamedOptions } from './filter';
import { PassThrough } from './branch';

/**
 * Merges another stream of the same types into this one (no ordering between the two).
 *
 * ```ts
 * webEvents.pipe(merge(mobileEvents), to('all-events'))
 * ```
 */
export function merge<K, V>(other: KStream<K, V>, options: NamedOptions = {}) {
  return (stream: KStream<K, V>): KStream<K, V> => {
    if (other.graph !== stream.graph) throw new WeirError('INVALID_TOPOLOGY', 'merge: both streams must come from the same StreamsBuilder');
    const merged = stream.addProcessor<K, V>({
      operator: 'merge',
      name: options.name,
      serdes: stream.serdes,
      keyChanging: other.repartitionRequired,
      supplier: () => new PassThrough<K, V>(),
    });
    stream.graph.connect(other.node, merged.node);
    return merged;
  };
}
