import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../topology/streams-builder';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { Stores } from '../../state/stores';
import { process as processWith } from '../../operators/process';
import { to } from '../../operators/to';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import type { Processor, ProcessorContext } from '../../topology/processor';
import type { StreamRecord } from '../../topology/record';
import type { KeyValueStore } from '../../state/key-value-store';

/** Sums values per key; every 10 s of stream time emits the sums, every 60 s of wall-clock time a heartbeat. */
class SumProcessor implements Processor<string, number, string, string> {
  private store!: KeyValueStore<string, number>;
  init(context: ProcessorContext<string, string>): void {
    this.store = context.getStateStore('sums');
    context.schedule(10_000, 'stream-time', (ts) => {
      for (const [k, v] of this.store.all()) context.forward({ key: k, value: `sum=${v}@${ts}`, timestamp: ts, headers: {} });
    });
    context.schedule(60_000, 'wall-clock', (ts) => context.forward({ key: 'wall', value: `heartbeat@${ts}`, timestamp: context.streamTime(), headers: {} }));
  }
  process(record: StreamRecord<string, number>): void {
    this.store.put(record.key, (this.store.get(record.key) ?? 0) + record.value);
  }
}

test('stream-time punctuators fire once per advance past their interval; wall-clock ones only when wall time moves', async () => {
  const builder = new StreamsBuilder();
  builder.stream('in', { keySerde: stringSerde, valueSerde: jsonSerde<number>() }).pipe(
    processWith({ name: 'sums', stores: [Stores.keyValue('sums', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), persistent: false })] }, () => new SumProcessor()),
    to('out', { keySerde: stringSerde, valueSerde: jsonSerde<string>() }),
  );
  const driver = await TopologyTestDriver.create(builder.build(), { wallClockStart: 0 });
  const input = driver.createInputTopic('in', stringSerde, jsonSerde<number>());
  const output = driver.createOutputTopic('out', stringSerde, jsonSerde<string>());
  input.pipeInput('a', 1, 0); // first stream-time punctuation at 0
  input.pipeInput('a', 2, 5_000);
  input.pipeInput('a', 3, 10_000); // due at 10_000
  input.pipeInput('b', 4, 35_000); // jumps over 20_000 and 30_000: fires once
  driver.advanceStreamTime(39_999); // nothing due
  driver.advanceWallClockTime(59_999);
  driver.advanceWallClockTime(1);
  assert.deepEqual(output.readValuesToList(), ['sum=1@0', 'sum=6@10000', 'sum=6@35000', 'sum=4@35000', 'heartbeat@60000']);
  driver.advanceStreamTime(40_000);
  assert.deepEqual(output.readValuesToList(), ['sum=6@40000', 'sum=4@40000']);
  await driver.close();
});
