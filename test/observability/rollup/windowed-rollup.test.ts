import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { tumbling } from '../../../topology/windows';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { groupByKey } from '../../../operators/group-by-key';
import { windowedRollup } from '../../../observability/rollup/windowed-rollup';
import { toStream } from '../../../operators/to-stream';
import { to } from '../../../operators/to';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { SeededRandom } from '../../../stats/random';
import type { RollupStats } from '../../../observability/rollup/rollup-aggregator';
import type { Windowed } from '../../../state/window-store';

interface Req { ms: number; status: number }

/** Rank of `x` in sorted `values` as a fraction: the share of values <= x. */
function rankOf(sorted: Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

test('a rollup over 100k lognormal values: exact counters, p50/p95/p99 within 1% rank error of the sorted values', async () => {
  const builder = new StreamsBuilder();
  builder.stream('req', { keySerde: stringSerde, valueSerde: jsonSerde<Req>() }).pipe(
    groupByKey(),
    windowedRollup({ name: 'rollup-1m', windows: tumbling(60_000), keySerde: stringSerde, value: (r) => r.ms, isError: (r) => r.status >= 500, persistent: false }),
    toStream(),
    to('rollups', { keySerde: jsonSerde<Windowed<string>>(), valueSerde: jsonSerde<RollupStats>() }),
  );
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('req', stringSerde, jsonSerde<Req>());
  const output = driver.createOutputTopic('rollups', jsonSerde<Windowed<string>>(), jsonSerde<RollupStats>());
  const random = new SeededRandom(42);
  const n = 100_000;
  const values = new Float64Array(n);
  let errors = 0, sum = 0;
  const batch = [];
  for (let i = 0; i < n; i++) {
    // lognormal(mu=4, sigma=0.8) milliseconds, by Box-Muller
    const z = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    const ms = Math.exp(4 + 0.8 * z);
    const status = random.next() < 0.02 ? 503 : 200;
    values[i] = ms;
    sum += ms;
    if (status >= 500) errors++;
    batch.push({ key: 'checkout', value: { ms, status }, timestamp: Math.floor((i / n) * 59_999) });
  }
  input.pipeRecords(batch);
  input.pipeInput('checkout', { ms: 1, status: 200 }, 60_000); // closes [0, 60000)
  const [rollup] = output.readRecordsToList();
  await driver.close();
  assert.deepEqual(rollup.key, { key: 'checkout', start: 0, end: 60_000 });
  assert.equal(rollup.value.count, n);
  assert.equal(rollup.value.error_count, errors);
  assert.ok(Math.abs(rollup.value.sum - sum) < 1e-6 * sum);
  const sorted = values.slice().sort();
  assert.equal(rollup.value.min, sorted[0]);
  assert.equal(rollup.value.max, sorted[n - 1]);
  for (const [q, estimate] of [[0.5, rollup.value.p50], [0.95, rollup.value.p95], [0.99, rollup.value.p99]] as const) {
    const rankError = Math.abs(rankOf(sorted, estimate) - q);
    assert.ok(rankError <= 0.01, `p${q * 100}: estimate ${estimate} has rank error ${rankError}`);
  }
});

test('a NaN or infinite aggregated value goes to the dead-letter topic with its reason; the window keeps exact stats of the others', async () => {
  const builder = new StreamsBuilder();
  builder.stream('req', { keySerde: stringSerde, valueSerde: jsonSerde<{ ms: unknown; status: number }>() }).pipe(
    groupByKey(),
    windowedRollup({ name: 'rollup-1m', windows: tumbling(60_000), keySerde: stringSerde, value: (r) => Number(r.ms), isError: (r) => r.status >= 500, persistent: false }),
    toStream(),
    to('rollups', { keySerde: jsonSerde<Windowed<string>>(), valueSerde: jsonSerde<RollupStats>() }),
  );
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('req', stringSerde, jsonSerde<{ ms: unknown; status: number }>());
  const output = driver.createOutputTopic('rollups', jsonSerde<Windowed<string>>(), jsonSerde<RollupStats>());
  // JSON has no NaN or Infinity (Avro doubles have both): the extractor makes them from strings.
  const good = [10, 20, 30, 40];
  input.pipeInput('checkout', { ms: good[0], status: 200 }, 1_000);
  input.pipeInput('checkout', { ms: 'NaN', status: 200 }, 2_000);
  input.pipeInput('checkout', { ms: good[1], status: 503 }, 3_000);
  input.pipeInput('checkout', { ms: 'Infinity', status: 200 }, 4_000);
  input.pipeInput('checkout', { ms: good[2], status: 200 }, 5_000);
  input.pipeInput('checkout', { ms: good[3], status: 200 }, 6_000);
  input.pipeInput('other', { ms: 1, status: 200 }, 60_000); // closes [0, 60000)
  const rollups = output.readRecordsToList().filter((r) => r.key.key === 'checkout');
  const dead = driver.deadLetters();
  await driver.close();
  assert.equal(rollups.length, 1);
  const stats = rollups[0].value;
  assert.deepEqual({ count: stats.count, error_count: stats.error_count, sum: stats.sum, min: stats.min, max: stats.max, mean: stats.mean },
    { count: 4, error_count: 1, sum: 100, min: 10, max: 40, mean: 25 });
  assert.ok(Number.isFinite(stats.p50) && stats.p50 >= 10 && stats.p50 <= 40);
  assert.equal(dead.length, 2);
  assert.deepEqual(dead.map((d) => d.timestamp), [2_000, 4_000]);
  assert.match(dead[0].headers['weir.dlq.error'].toString(), /aggregated field is not a finite number \(value=NaN\)/);
  assert.match(dead[1].headers['weir.dlq.error'].toString(), /aggregated field is not a finite number \(value=Infinity\)/);
  assert.equal(dead[0].headers['weir.dlq.offset'].toString(), '1');
});
