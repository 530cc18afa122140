import type { KStream, StreamSerdes } from '../topology/kstream';
import type { Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { NamedOptions } from './filter';
import type { KeyValue } from './map';

/**
 * Turns each record into zero or more records; the key may change.
 *
 * ```ts
 * batches.pipe(flatMap((_k, batch) => batch.events.map((e) => ({ key: e.service, value: e }))))
 * ```
 */
export function flatMap<K, V, KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, options: NamedOptions & StreamSerdes<KR, VR> = {}) {
  return (stream: KStream<K, V>): KStream<KR, VR> =>
    stream.addProcessor<KR, VR>({
      operator: 'flatMap',
      name: options.name,
      serdes: { keySerde: options.keySerde, valueSerde: options.valueSerde },
      keyChanging: true,
      supplier: () => new FlatMapProcessor(mapper),
    });
}

/** Turns each value into zero or more values with the same key. */
export function flatMapValues<K, V, VR>(mapper: (value: V, key: K) => Iterable<VR>, options: NamedOptions = {}) {
  return (stream: KStream<K, V>): KStream<K, VR> =>
    stream.addProcessor<K, VR>({
      operator: 'flatMapValues',
      name: options.name,
      serdes: { keySerde: stream.serdes.keySerde },
      supplier: () => new FlatMapProcessor<K, V, K, VR>((key, value) => wrap(key, mapper(value, key))),
    });
}

function* wrap<K, VR>(key: K, values: Iterable<VR>): Iterable<KeyValue<K, VR>> {
  for (const value of values) yield { key, value };
}

class FlatMapProcessor<K, V, KR, VR> implements Processor<K, V, KR, VR> {
  private context!: ProcessorContext<KR, VR>;
  constructor(private readonly mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>) {}
  init(context: ProcessorContext<KR, VR>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    for (const out of this.mapper(record.key, record.value)) {
      this.context.forward({ key: out.key, value: out.value, timestamp: record.timestamp, headers: record.headers });
    }
  }
}
