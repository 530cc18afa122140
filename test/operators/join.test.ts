import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../topology/streams-builder';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { Stores } from '../../state/stores';
import { join, leftJoin } from '../../operators/join';
import { to } from '../../operators/to';
import { TopologyTestDriver } from '../../testing/topology-test-driver';

interface Deployment { version: string }

async function joined(left: boolean) {
  const builder = new StreamsBuilder();
  const deployments = builder.table('deployments', {
    keySerde: stringSerde,
    valueSerde: jsonSerde<Deployment>(),
    store: Stores.keyValue('deployments-by-service', { keySerde: stringSerde, valueSerde: jsonSerde<Deployment>(), persistent: false, logging: false }),
  });
  const events = builder.stream('events', { keySerde: stringSerde, valueSerde: jsonSerde<number>() });
  const joiner = (ms: number, d: Deployment | undefined) => `${ms}@${d?.version ?? 'none'}`;
  events.pipe(left ? leftJoin(deployments, joiner) : join(deployments, joiner), to('out', { valueSerde: jsonSerde<string>() }));
  const driver = await TopologyTestDriver.create(builder.build());
  const dep = driver.createInputTopic('deployments', stringSerde, jsonSerde<Deployment | null>());
  const ev = driver.createInputTopic('events', stringSerde, jsonSerde<number>());
  ev.pipeInput('api', 1, 1);
  dep.pipeInput('api', { version: 'v1' }, 2);
  ev.pipeInput('api', 2, 3);
  dep.pipeInput('api', { version: 'v2' }, 4);
  ev.pipeInput('api', 3, 5);
  ev.pipeInput('db', 4, 6);
  dep.pipeInput('api', null, 7); // tombstone deletes
  ev.pipeInput('api', 5, 8);
  const out = driver.createOutputTopic('out', stringSerde, jsonSerde<string>()).readKeyValuesToList();
  const store = driver.getKeyValueStore<string, Deployment>('deployments-by-service');
  const tableSize = [...store.all()].length;
  await driver.close();
  return { out, tableSize };
}

test('stream-table join uses the table value current at each record, and drops records without one', async () => {
  const { out, tableSize } = await joined(false);
  assert.deepEqual(out, [{ key: 'api', value: '2@v1' }, { key: 'api', value: '3@v2' }]);
  assert.equal(tableSize, 0);
});

test('stream-table left join keeps records without a table value', async () => {
  const { out } = await joined(true);
  assert.deepEqual(out.map((r) => r.value), ['1@none', '2@v1', '3@v2', '4@none', '5@none']);
});
