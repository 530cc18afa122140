import { jsonSerde } from '../serdes/json-serde';
import type { KStream } from '../topology/kstream';
import type { Serde } from '../serdes/serde';

export interface ToOptions<K, V> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  /** Node name; default `sink-<topic>`. */
  readonly name?: string;
}

/**
 * Writes the stream to a topic, partitioned by key. Serdes default to the stream's known ones, then JSON.
 *
 * ```ts
 * alerts.pipe(to('alerts', { valueSerde: avroSerde(alertSchema) }))
 * ```
 */
export function to<K, V>(topic: string, options: ToOptions<K, V> = {}) {
  return (stream: KStream<K, V>): void => {
    const name = options.name ?? stream.graph.uniqueName(`sink-${topic}`);
    stream.graph.add({
      kind: 'sink',
      name,
      topic,
      internal: false,
      keySerde: (options.keySerde ?? stream.serdes.keySerde ?? jsonSerde<K>()) as Serde<unknown>,
      valueSerde: (options.valueSerde ?? stream.serdes.valueSerde ?? jsonSerde<V>()) as Serde<unknown>,
      children: [],
    });
    stream.graph.connect(stream.node, name);
  };
}
