import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildObservabilityTopology, OBSERVABILITY_TOPICS as T } from '../../observability/observability-topology';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import { isWeirError } from '../../errors/weir-error';
import type { Rollup } from '../../schemas/rollup';
import { syntheticOtlpMessages } from '../../workloads/otlp-spans';

const START = Date.UTC(2026, 0, 5);
const MINUTE = 60_000;

for (const format of ['otlp_proto', 'otlp_json'] as const) {
  test(`flagship with input ${format}: 1-minute rollups count exactly the SERVER spans per service, operation and window`, async () => {
    // 400 requests 500 ms apart: 200 s, four windows; two SERVER spans per request over 4 services.
    const synthetic = syntheticOtlpMessages({ messages: 40, spansPerMessage: 40, services: 4, encoding: format, startMs: START, spacingMs: 500 });
    const expected = new Map<string, { count: number; errors: number }>();
    for (const s of synthetic.servers) {
      const key = `${s.service}|${s.name}|${s.endMs - (s.endMs % MINUTE)}`;
      const e = expected.get(key) ?? { count: 0, errors: 0 };
      e.count++;
      if (s.failed) e.errors++;
      expected.set(key, e);
    }
    const topology = buildObservabilityTopology({ persistent: false, input: { format } });
    assert.match(topology.describe(), /otlp-spans-events-repartition/);
    assert.match(topology.describe(), /alert-input-calls/);
    const driver = await TopologyTestDriver.create(topology);
    try {
      const rollups = driver.createOutputTopic(T.rollups1m, stringSerde, jsonSerde<Rollup>());
      driver.pipeRaw('otlp_spans', synthetic.messages.map((value, i) => ({ key: null, value, timestamp: START + i * 5_000 })));
      driver.endOfInput();
      const out = rollups.readValuesToList();
      assert.equal(out.length, expected.size);
      for (const r of out) assert.deepEqual({ count: r.count, errors: r.error_count }, expected.get(`${r.service}|${r.operation}|${r.window_start}`), `${r.service} ${r.operation} ${r.window_start}`);
      assert.equal(out.reduce((n, r) => n + r.count, 0), synthetic.serverSpans);
      assert.equal(driver.metric('late-records-dropped'), 0);
      assert.deepEqual(driver.deadLetters(), []);
    } finally {
      await driver.close();
    }
  });
}

test('flagship input options: the default reads JSON wide events from `events`; an unknown format or Avro without its serde is refused naming input.format', () => {
  assert.match(buildObservabilityTopology({ analytics: false }).describe(), /\bevents\b/);
  assert.doesNotMatch(buildObservabilityTopology({ analytics: false }).describe(), /otlp/);
  assert.match(buildObservabilityTopology({ analytics: false, input: { format: 'otlp_json', topic: 'spans-in' } }).describe(), /spans-in/);
  for (const input of [{ format: 'protobuf' as never }, { format: 'avro' as const }]) {
    assert.throws(
      () => buildObservabilityTopology({ analytics: false, input }),
      (e: unknown) => isWeirError(e, 'INVALID_CONFIG') && e.context.option === 'input.format',
    );
  }
});
