import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../topology/streams-builder';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { Stores } from '../../state/stores';
import { groupBy } from '../../operators/group-by';
import { groupByKey } from '../../operators/group-by-key';
import { count } from '../../operators/count';
import { reduce } from '../../operators/reduce';
import { toStream } from '../../operators/to-stream';
import { to } from '../../operators/to';
import { TopologyTestDriver } from '../../testing/topology-test-driver';

test('count per key (through a repartition) and reduce per key emit every update and keep the totals in their stores', async () => {
  const builder = new StreamsBuilder();
  const words = builder.stream('words', { keySerde: stringSerde, valueSerde: stringSerde });
  words.pipe(
    groupBy((_k, w) => w, { keySerde: stringSerde, valueSerde: stringSerde }),
    count({ store: Stores.keyValue('word-counts', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), persistent: false }) }),
    toStream(),
    to('counts', { keySerde: stringSerde, valueSerde: jsonSerde<number>() }),
  );
  words.pipe(
    groupByKey(),
    reduce((a: string, b: string) => (b.length > a.length ? b : a), { store: Stores.keyValue('longest', { keySerde: stringSerde, valueSerde: stringSerde, persistent: false }) }),
    toStream(),
    to('longest', { keySerde: stringSerde, valueSerde: stringSerde }),
  );
  const topology = builder.build();
  assert.deepEqual(topology.internalTopics.map((t) => t.name), ['word-counts-repartition', 'word-counts-changelog', 'longest-changelog']);
  const driver = await TopologyTestDriver.create(topology);
  const input = driver.createInputTopic('words', stringSerde, stringSerde);
  ['a', 'bb', 'a', 'ccc', 'a'].forEach((w, i) => input.pipeInput('doc1', w, i));
  input.pipeInput('doc2', 'bb', 5);
  const counts = driver.createOutputTopic('counts', stringSerde, jsonSerde<number>()).readKeyValuesToList();
  assert.deepEqual(counts, [
    { key: 'a', value: 1 }, { key: 'bb', value: 1 }, { key: 'a', value: 2 }, { key: 'ccc', value: 1 }, { key: 'a', value: 3 }, { key: 'bb', value: 2 },
  ]);
  const longest = driver.createOutputTopic('longest', stringSerde, stringSerde).readValuesToList();
  assert.deepEqual(longest, ['a', 'bb', 'bb', 'ccc', 'ccc', 'bb']);
  assert.equal(driver.getKeyValueStore<string, number>('word-counts').get('a'), 3);
  const changelog = await driver.commit();
  assert.deepEqual(
    changelog.filter((r) => r.topic === 'test-driver-word-counts-changelog').map((r) => [r.key!.toString(), r.value!.toString()]).sort(),
    [['a', '3'], ['bb', '2'], ['ccc', '1']],
  );
  await driver.close();
});

test('groupBy with repartition: false groups within the partition, without a repartition topic', async () => {
  const builder = new StreamsBuilder();
  builder.stream('events', { keySerde: stringSerde, valueSerde: stringSerde }).pipe(
    groupBy((service, op) => `${service}|${op}`, { keySerde: stringSerde, repartition: false }),
    count({ store: Stores.keyValue('per-operation', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), persistent: false }) }),
    toStream(),
    to('counts', { keySerde: stringSerde, valueSerde: jsonSerde<number>() }),
  );
  const topology = builder.build();
  assert.equal(topology.subTopologies.length, 1);
  assert.deepEqual(topology.internalTopics.map((t) => t.name), ['per-operation-changelog']);
  const driver = await TopologyTestDriver.create(topology);
  const input = driver.createInputTopic('events', stringSerde, stringSerde);
  input.pipeInput('api', 'GET /a', 1);
  input.pipeInput('api', 'GET /a', 2);
  input.pipeInput('api', 'GET /b', 3);
  assert.deepEqual(driver.createOutputTopic('counts', stringSerde, jsonSerde<number>()).readKeyValuesToList(), [
    { key: 'api|GET /a', value: 1 }, { key: 'api|GET /a', value: 2 }, { key: 'api|GET /b', value: 1 },
  ]);
  await driver.close();
});
