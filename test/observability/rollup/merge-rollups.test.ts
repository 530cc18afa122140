import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { tumbling } from '../../../topology/windows';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { groupByKey } from '../../../operators/group-by-key';
import { windowedRollup } from '../../../observability/rollup/windowed-rollup';
import { toStream } from '../../../operators/to-stream';
import { mergeRollups } from '../../../observability/rollup/merge-rollups';
import { to } from '../../../operators/to';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { SeededRandom } from '../../../stats/random';
import type { RollupStats } from '../../../observability/rollup/rollup-aggregator';
import type { Windowed } from '../../../state/window-store';

test('5-minute rollups merged from 1-minute ones: exact counters and percentiles within 1% rank error of the raw values, one result per key and window', async () => {
  const builder = new StreamsBuilder();
  builder
    .stream('in', { keySerde: stringSerde, valueSerde: jsonSerde<number>() })
    .pipe(
      groupByKey(),
      windowedRollup<string, number>({ name: 'r1m', windows: tumbling(60_000), keySerde: stringSerde, value: (v) => v, isError: (v) => v > 1000, persistent: false }),
      toStream(),
      mergeRollups({ name: 'r5m', windows: tumbling(300_000), keySerde: stringSerde, persistent: false }),
      to('out', { keySerde: jsonSerde<Windowed<string>>(), valueSerde: jsonSerde<RollupStats>() }),
    );
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('in', stringSerde, jsonSerde<number>());
  const output = driver.createOutputTopic('out', jsonSerde<Windowed<string>>(), jsonSerde<RollupStats>());
  const random = new SeededRandom(3);
  const raw = new Map<string, number[]>();
  for (let t = 0; t < 20 * 60_000; t += 50) {
    const key = t % 100 === 0 ? 'a' : 'b';
    const v = random.lognormal(5, 0.7);
    input.pipeInput(key, v, t);
    const id = `${key}@${t - (t % 300_000)}`;
    if (!raw.has(id)) raw.set(id, []);
    raw.get(id)!.push(v);
  }
  driver.endOfInput();
  const results = output.readRecordsToList();
  await driver.close();
  assert.equal(results.length, raw.size);
  assert.equal(new Set(results.map((r) => `${r.key.key}@${r.key.start}`)).size, raw.size);
  for (const { key, value } of results) {
    const values = raw.get(`${key.key}@${key.start}`)!;
    assert.equal(key.end - key.start, 300_000);
    assert.equal(value.count, values.length);
    assert.equal(value.error_count, values.filter((v) => v > 1000).length);
    assert.equal(value.max, Math.max(...values));
    assert.equal(value.min, Math.min(...values));
    const sorted = [...values].sort((x, y) => x - y);
    for (const [q, v] of [[0.5, value.p50], [0.99, value.p99]]) {
      const below = sorted.filter((x) => x < v).length / sorted.length;
      const atOrBelow = sorted.filter((x) => x <= v).length / sorted.length;
      assert.ok(q >= below - 0.01 && q <= atOrBelow + 0.01, `${key.key}@${key.start} q=${q}`);
    }
  }
});
