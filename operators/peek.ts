import type { KStream } from '../topology/kstream';
import type { Processor, ProcessorContext } from '../topology/processor';
import type { StreamRecord } from '../topology/record';
import type { NamedOptions } from './filter';

/**
 * Calls `action` for each record and forwards it unchanged (logging, metrics, the demo's display).
 *
 * ```ts
 * alerts.pipe(peek((_k, alert) => console.log(alert.service, alert.severity)))
 * ```
 */
export function peek<K, V>(action: (key: K, value: V, timestamp: number) => void, options: NamedOptions = {}) {
  return (stream: KStream<K, V>): KStream<K, V> =>
    stream.addProcessor<K, V>({
      operator: 'peek',
      name: options.name,
      serdes: stream.serdes,
      supplier: () => new PeekProcessor(action),
    });
}

class PeekProcessor<K, V> implements Processor<K, V> {
  private context!: ProcessorContext<K, V>;
  constructor(private readonly action: (key: K, value: V, timestamp: number) => void) {}
  init(context: ProcessorContext<K, V>): void {
    this.context = context;
  }
  process(record: StreamRecord<K, V>): void {
    this.action(record.key, record.value, record.timestamp);
    this.context.forward(record);
  }
}
