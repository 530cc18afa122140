import { StreamsBuilder } from '../../topology/streams-builder';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import type { KStream } from '../../topology/kstream';

/** Builds `in` -> (ops) -> `out` with string keys and JSON values, pipes `inputs`, returns what reached `out`. */
export async function runThrough<V, VR>(
  wire: (stream: KStream<string, V>, builder: StreamsBuilder) => void,
  inputs: { key: string; value: V; timestamp?: number }[],
): Promise<{ key: string; value: VR; timestamp: number }[]> {
  const builder = new StreamsBuilder();
  wire(builder.stream('in', { keySerde: stringSerde, valueSerde: jsonSerde<V>() }), builder);
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('in', stringSerde, jsonSerde<V>());
  const out = driver.createOutputTopic('out', stringSerde, jsonSerde<VR>());
  inputs.forEach((r, i) => input.pipeInput(r.key, r.value, r.timestamp ?? i));
  const records = out.readRecordsToList().map(({ key, value, timestamp }) => ({ key, value, timestamp }));
  await driver.close();
  return records;
}
