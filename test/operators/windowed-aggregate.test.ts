import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../topology/streams-builder';
import { tumbling, hopping } from '../../topology/windows';
import { stringSerde } from '../../serdes/string-serde';
import { jsonSerde } from '../../serdes/json-serde';
import { Stores } from '../../state/stores';
import { groupByKey } from '../../operators/group-by-key';
import { windowedBy } from '../../operators/windowed-by';
import { count } from '../../operators/count';
import { suppress, untilWindowCloses } from '../../operators/suppress';
import { toStream } from '../../operators/to-stream';
import { to } from '../../operators/to';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import type { Windowed } from '../../state/window-store';

const windowedSerde = jsonSerde<Windowed<string>>();

function countTopology(options: { grace: number; suppressed: boolean; advance?: number; persistent?: boolean }) {
  const builder = new StreamsBuilder();
  const store = Stores.window<string, number>('counts', { keySerde: stringSerde, valueSerde: jsonSerde<number>(), retentionMs: 120_000, persistent: options.persistent ?? false });
  const windows = options.advance ? hopping(60_000, options.advance, { grace: options.grace }) : tumbling(60_000, { grace: options.grace });
  const table = builder.stream('in', { keySerde: stringSerde, valueSerde: stringSerde }).pipe(groupByKey(), windowedBy(windows), count({ store }));
  (options.suppressed ? table.pipe(suppress(untilWindowCloses())) : table).pipe(toStream(), to('out', { keySerde: windowedSerde, valueSerde: jsonSerde<number>() }));
  return builder.build();
}

async function run(options: Parameters<typeof countTopology>[0], inputs: [string, number][], end = false) {
  const driver = await TopologyTestDriver.create(countTopology(options));
  const input = driver.createInputTopic('in', stringSerde, stringSerde);
  const output = driver.createOutputTopic('out', windowedSerde, jsonSerde<number>());
  for (const [key, ts] of inputs) input.pipeInput(key, 'x', ts);
  if (end) driver.endOfInput();
  const results = output.readRecordsToList().map((r) => ({ key: r.key.key, start: r.key.start, end: r.key.end, count: r.value, timestamp: r.timestamp }));
  const late = driver.metric('late-records-dropped');
  await driver.close();
  return { results, late };
}

test('a record exactly at a window end falls into the next window', async () => {
  const { results } = await run({ grace: 0, suppressed: true }, [['a', 0], ['a', 59_999], ['a', 60_000], ['a', 120_000]]);
  assert.deepEqual(results, [
    { key: 'a', start: 0, end: 60_000, count: 2, timestamp: 59_999 },
    { key: 'a', start: 60_000, end: 120_000, count: 1, timestamp: 119_999 },
  ]);
});

test('an out-of-order record within grace updates its window', async () => {
  const { results, late } = await run({ grace: 10_000, suppressed: true }, [['a', 10_000], ['a', 65_000], ['a', 30_000], ['a', 70_000]], true);
  assert.equal(late, 0);
  assert.deepEqual(results.map((r) => [r.start, r.count]), [[0, 2], [60_000, 2]]);
});

test('a record later than grace is dropped and counted', async () => {
  const { results, late } = await run({ grace: 10_000, suppressed: true }, [['a', 10_000], ['a', 70_000], ['a', 20_000], ['a', 69_999]], true);
  // stream time 70_000 reached 60_000 + 10_000: window [0, 60000) closed before the record at 20_000 arrived.
  assert.equal(late, 1);
  assert.deepEqual(results.map((r) => [r.start, r.count]), [[0, 1], [60_000, 2]]);
});

test('suppress emits exactly one final result per window; without it every update is emitted', async () => {
  const inputs: [string, number][] = [];
  for (let i = 0; i < 300; i++) inputs.push([`k${i % 3}`, i * 1_000]);
  const suppressed = await run({ grace: 5_000, suppressed: true }, inputs, true);
  const keysWindows = suppressed.results.map((r) => `${r.key}@${r.start}`);
  assert.equal(new Set(keysWindows).size, keysWindows.length);
  assert.equal(suppressed.results.length, 3 * 5);
  assert.equal(suppressed.results.reduce((s, r) => s + r.count, 0), 300);
  for (const r of suppressed.results) assert.equal(r.count, 20);
  const eager = await run({ grace: 5_000, suppressed: false }, inputs, true);
  assert.equal(eager.results.length, 300);
});

test('hopping windows put a record in every window containing it', async () => {
  const { results } = await run({ grace: 0, suppressed: true, advance: 30_000 }, [['a', 45_000]], true);
  assert.deepEqual(results.map((r) => [r.start, r.end, r.count]), [[0, 60_000, 1], [30_000, 90_000, 1]]);
});

test('windows survive in a persistent store between records', async () => {
  const { results } = await run({ grace: 0, suppressed: true, persistent: true }, [['a', 1], ['b', 2], ['a', 3], ['c', 60_001]]);
  assert.deepEqual(results.map((r) => [r.key, r.count]), [['a', 2], ['b', 1]]);
});
