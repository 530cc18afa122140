import type { Serde } from '../serdes/serde';
import type { KStream } from '../topology/kstream';
import type { Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { NamedOptions } from './filter';

/**
 * Replaces the value and keeps the key, so no repartition is needed later.
 *
 * ```ts
 * events.pipe(mapValues((e) => e.duration_ms))
 * ```
 */
export function mapValues<K, V, VR>(mapper: (value: V, key: K) => VR, options: NamedOptions & { valueSerde?: Serde<VR> } = {}) {
  return (stream: KStream<K, V>): KStream<K, VR> =>
    stream.addProcessor<K, VR>({
      operator: 'mapValues',
      name: options.name,
      serdes: { keySerde: stream.serdes.keySerde, valueSerde: options.valueSerde },
      supplier: () => new MapValuesProcessor(mapper),
    });
}

class MapValuesProcessor<K, V, VR> implements Processor<K, V, K, VR> {
  private context!: ProcessorContext<K, VR>;
  constructor(private readonly mapper: (value: V, key: K) => VR) {}
  init(context: ProcessorContext<K, VR>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    this.context.forward({ key: record.key, value: this.mapper(record.value, record.key), timestamp: record.timestamp, headers: record.headers });
  }
}
