import type { KStream } from '../topology/kstream';
import type { Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';

export interface NamedOptions {
  /** Node name in the topology (stable across edits); derived from the operator when absent. */
  readonly name?: string;
}

/**
 * Keeps the records for which `predicate` is true.
 *
 * ```ts
 * events.pipe(filter((_key, event) => event.status_code >= 500))
 * ```
 */
export function filter<K, V>(predicate: (key: K, value: V) => boolean, options: NamedOptions = {}) {
  return (stream: KStream<K, V>): KStream<K, V> =>
    stream.addProcessor<K, V>({
      operator: 'filter',
      name: options.name,
      serdes: stream.serdes,
      supplier: () => new FilterProcessor(predicate, false),
    });
}

/** Drops the records for which `predicate` is true (Kafka Streams' `filterNot`). */
export function filterNot<K, V>(predicate: (key: K, value: V) => boolean, options: NamedOptions = {}) {
  return (stream: KStream<K, V>): KStream<K, V> =>
    stream.addProcessor<K, V>({
      operator: 'filterNot',
      name: options.name,
      serdes: stream.serdes,
      supplier: () => new FilterProcessor(predicate, true),
    });
}

class FilterProcessor<K, V> implements Processor<K, V> {
  private context!: ProcessorContext<K, V>;
  constructor(
    private readonly predicate: (key: K, value: V) => boolean,
    private readonly negate: boolean,
  ) {}
  init(context: ProcessorContext<K, V>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    if (this.predicate(record.key, record.value) !== this.negate) this.context.forward(record);
  }
}
