import { jsonSerde } from '../serdes/json-serde';
import { KStream } from './kstream';
import type { Serde } from '../serdes/serde';

const recordTimestamp = (_k: unknown, _v: unknown, ts: number) => ts;

/**
 * Routes a stream whose key changed through the internal topic `<application.id>-<name>-repartition`
 * so that records with the same new key meet in one task. A no-op when the key did not change.
 */
export function repartitionIfRequired<K, V>(stream: KStream<K, V>, name: string, serdes: { keySerde?: Serde<K>; valueSerde?: Serde<V> } = {}): KStream<K, V> {
  if (!stream.repartitionRequired) return stream;
  const topic = `${name}-repartition`;
  const keySerde = (serdes.keySerde ?? stream.serdes.keySerde ?? jsonSerde<K>()) as Serde<unknown>;
  const valueSerde = (serdes.valueSerde ?? stream.serdes.valueSerde ?? jsonSerde<V>()) as Serde<unknown>;
  const sinkName = `${topic}-sink`;
  const sourceName = `${topic}-source`;
  stream.graph.add({ kind: 'sink', name: sinkName, topic, internal: true, keySerde, valueSerde, children: [] });
  stream.graph.connect(stream.node, sinkName);
  stream.graph.add({
    kind: 'source',
    name: sourceName,
    topic,
    internal: true,
    keySerde,
    valueSerde,
    timestampExtractor: recordTimestamp,
    children: [],
  });
  return new KStream<K, V>(stream.graph, sourceName, { keySerde: keySerde as Serde<K>, valueSerde: valueSerde as Serde<V> }, false);
}
