import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { learnBaselines } from '../../../observability/baseline/learn-baselines';
import { to } from '../../../operators/to';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { QuantileDigest } from '../../../stats/quantile-digest';
import type { BaselineInput, BaselineOutput } from '../../../observability/baseline/baseline-input';
import type { Rollup } from '../../../schemas/rollup';

const START = Date.UTC(2026, 0, 5);
const W = 300_000;

function rollup(service: string, operation: string, start: number, count: number, errors: number): Rollup {
  const d = new QuantileDigest();
  for (let i = 0; i < count; i++) d.add(10 + (i % 50));
  return { service, operation, window_start: start, window_end: start + W, resolution: '5m', count, error_count: errors, duration_sum: 0, duration_min: 10, duration_max: 59, duration_mean: 0, p50: d.quantile(0.5), p95: d.quantile(0.95), p99: d.quantile(0.99), digest: d.serialize() };
}

test('rollups of all operations merge per service window; forecasts, first versions and the stabilization gate come out', async () => {
  const builder = new StreamsBuilder();
  builder.stream('in', { keySerde: stringSerde, valueSerde: jsonSerde<BaselineInput>() }).pipe(learnBaselines({ name: 'baselines', windowMs: W, graceMs: W, stabilizationMs: 30 * 60_000, persistent: false }), to('out'));
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('in', stringSerde, jsonSerde<BaselineInput>());
  const output = driver.createOutputTopic('out', stringSerde, jsonSerde<BaselineOutput>());
  const deployedAt = START + 6 * 3_600_000;
  for (let i = 0; i < 12 * 12; i++) {
    const start = START + i * W;
    if (start === deployedAt) input.pipeInput('baselines', { kind: 'deployment', deployment: { id: 'd', service: 'api', version: '2', previous_version: '1', deployed_at: deployedAt, description: null } }, 0);
    input.pipeInput('baselines', { kind: 'rollup', rollup: rollup('api', 'GET /a', start, 300 + (i % 7), 3) }, start + W - 1);
    input.pipeInput('baselines', { kind: 'rollup', rollup: rollup('api', 'GET /b', start, 150, 0) }, start + W - 1);
  }
  driver.endOfInput();
  const out = output.readValuesToList();
  await driver.close();
  const models = out.flatMap((o) => (o.kind === 'model' ? [o.version] : []));
  assert.deepEqual(models.filter((m) => m.version === 'v1.0').map((m) => m.model_id).sort(), ['api/error_rate', 'api/latency', 'api/p50_latency', 'api/request_rate']);
  const evaluated = out.flatMap((o) => (o.kind === 'prediction' && o.prediction.actual !== null && o.prediction.metric === 'request_rate' ? [o.prediction] : []));
  assert.equal(evaluated.length, 144);
  evaluated.forEach((p, i) => {
    assert.equal(p.window_start, START + i * W);
    assert.equal(p.actual, (300 + (i % 7) + 150) / 300);
    const inStabilization = p.window_end > deployedAt && p.window_start < deployedAt + 30 * 60_000;
    assert.equal(p.learning_blocked_by, inStabilization ? 'stabilization' : null, `window ${i}`);
  });
  const errors = out.flatMap((o) => (o.kind === 'prediction' && o.prediction.actual !== null && o.prediction.metric === 'error_rate' ? [o.prediction] : []));
  // Laplace-smoothed: (errors + 1) / (requests + 2).
  errors.forEach((p, i) => assert.equal(p.actual, (3 + 1) / (300 + (i % 7) + 150 + 2)));
});
