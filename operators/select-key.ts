import type { Serde } from '../serdes/serde';
import type { KStream } from '../topology/kstream';
import type { Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { NamedOptions } from './filter';

/**
 * Sets a new key computed from the record; a later grouping repartitions by it.
 *
 * ```ts
 * events.pipe(selectKey((_k, e) => `${e.service}|${e.operation}`))
 * ```
 */
export function selectKey<K, V, KR>(selector: (key: K, value: V) => KR, options: NamedOptions & { keySerde?: Serde<KR> } = {}) {
  return (stream: KStream<K, V>): KStream<KR, V> =>
    stream.addProcessor<KR, V>({
      operator: 'selectKey',
      name: options.name,
      serdes: { keySerde: options.keySerde, valueSerde: stream.serdes.valueSerde },
      keyChanging: true,
      supplier: () => new SelectKeyProcessor(selector),
    });
}

class SelectKeyProcessor<K, V, KR> implements Processor<K, V, KR, V> {
  private context!: ProcessorContext<KR, V>;
  constructor(private readonly selector: (key: K, value: V) => KR) {}
  init(context: ProcessorContext<KR, V>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    this.context.forward({ key: this.selector(record.key, record.value), value: record.value, timestamp: record.timestamp, headers: record.headers });
  }
}
