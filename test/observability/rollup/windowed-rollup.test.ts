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
