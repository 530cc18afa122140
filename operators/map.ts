import type { KStream, StreamSerdes } from '../topology/kstream';
import type { Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { NamedOptions } from './filter';

export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/**
 * Replaces key and value. The key changes, so a later grouping repartitions.
 *
 * ```ts
 * events.pipe(map((_k, e) => ({ key: e.service, value: e.duration_ms })))
 * ```
 */
export function map<K, V, KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, options: NamedOptions & StreamSerdes<KR, VR> = {}) {
  return (stream: KStream<K, V>): KStream<KR, VR> =>
    stream.addProcessor<KR, VR>({
      operator: 'map',
      name: options.name,
      serdes: { keySerde: options.keySerde, valueSerde: options.valueSerde },
      keyChanging: true,
      supplier: () => new MapProcessor(mapper),
    });
}

class MapProcessor<K, V, KR, VR> implements Processor<K, V, KR, VR> {
  private context!: ProcessorContext<KR, VR>;
  constructor(private readonly mapper: (key: K, value: V) => KeyValue<KR, VR>) {}
  init(context: ProcessorContext<KR, VR>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    const out = this.mapper(record.key, record.value);
    this.context.forward({ key: out.key, value: out.value, timestamp: record.timestamp, headers: record.headers });
  }
}
