import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { to } from '../../../operators/to';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { correlateAlerts } from '../../../observability/alerts/correlate-alerts';
import { BASELINES_TASK_HEADER } from '../../../observability/baseline/baselines-processor';
import type { AlertInput, AlertOutput } from '../../../observability/alerts/alert-input';

const W = 300_000;
const T0 = Date.UTC(2026, 0, 6, 10);

function forecast(service: string, window: number): AlertInput {
  const start = T0 + window * W;
  return { kind: 'prediction', prediction: { service, metric: 'p99_latency', window_start: start, window_end: start + W, actual: 100, expected: 100, lower: 90, upper: 110, suppressed: false } };
}

/** Pipes forecasts [service, window, baselines task] in order, each stamped 1 ms before its window ends, as the baselines emit them. */
async function run(sent: [string, number, string | undefined][]) {
  const builder = new StreamsBuilder();
  builder.stream('alert-input', { keySerde: stringSerde, valueSerde: jsonSerde<AlertInput>() })
    .pipe(correlateAlerts({ name: 'alerts', windowMs: W, graceMs: 0, clock: 'forecasts', config: { warmupMs: 0 }, persistent: false }), to('alert-output'));
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('alert-input', stringSerde, jsonSerde<AlertInput>());
  const output = driver.createOutputTopic('alert-output', stringSerde, jsonSerde<AlertOutput>());
  for (const [service, window, task] of sent) {
    input.pipeInput('alerts', forecast(service, window), T0 + (window + 1) * W - 1, task ? { [BASELINES_TASK_HEADER]: Buffer.from(task) } : {});
  }
  const late = driver.metric('late-forecasts');
  driver.endOfInput();
  const anomalies = output.readValuesToList().flatMap((o) => (o.kind === 'anomaly' ? [[o.anomaly.service, (o.anomaly.window_start - T0) / W]] : []));
  await driver.close();
  return { late, anomalies };
}

/** Services a (task 1_0) and b (task 1_1) over windows 0..6, a two windows ahead of b throughout, as a repartition topic interleaves two tasks. */
function interleaved(header: boolean): [string, number, string | undefined][] {
  const out: [string, number, string | undefined][] = [];
  const a = (w: number) => out.push(['a', w, header ? '1_0' : undefined]);
  const b = (w: number) => out.push(['b', w, header ? '1_1' : undefined]);
  a(0);
  a(1);
  for (let w = 2; w <= 6; w++) {
    a(w);
    b(w - 2);
  }
  b(5);
  b(6);
  return out;
}

const all = (services: string[], windows: number[]) => services.flatMap((s) => windows.map((w) => [s, w])).sort();

test('forecasts clock with two baselines tasks: each window waits for the slower task, so none of its forecasts is late', async () => {
  const { late, anomalies } = await run(interleaved(true));
  assert.equal(late, 0);
  assert.deepEqual(anomalies.sort(), all(['a', 'b'], [0, 1, 2, 3, 4, 5, 6]));
});

test('forecasts clock with one clock for all (no task header): the same interleaving makes the slower task late once the first windows are past', async () => {
  const { late, anomalies } = await run(interleaved(false));
  // b's window 0 comes while the first three windows of forecasts close nothing; from a's window 3
  // on, each of a's windows closes the window b sends next: b's windows 1 to 5 are late.
  assert.equal(late, 5);
  assert.deepEqual(anomalies.sort(), [...all(['a'], [0, 1, 2, 3, 4, 5, 6]), ...all(['b'], [0, 6])].sort());
});

test('a baselines task more than forecastSkewMs (three windows) behind the fastest stops holding the windows', async () => {
  // b sends window 0 only, then a runs to window 5: the clock is a's minus three windows, closing windows 0 and 1.
  const { late, anomalies } = await run([['b', 0, '1_1'], ['a', 0, '1_0'], ['a', 1, '1_0'], ['a', 2, '1_0'], ['a', 3, '1_0'], ['a', 4, '1_0'], ['a', 5, '1_0'], ['b', 1, '1_1'], ['b', 2, '1_1']]);
  assert.equal(late, 1, "b's window 1 came after the skew closed it; its window 2 was still open");
  assert.deepEqual(anomalies.sort(), [...all(['a'], [0, 1, 2, 3, 4, 5]), ['b', 0], ['b', 2]].sort());
});
