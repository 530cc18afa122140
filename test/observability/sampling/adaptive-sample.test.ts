import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { adaptiveSample } from '../../../observability/sampling/adaptive-sample';
import { to } from '../../../operators/to';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import type { WideEvent } from '../../../schemas/wide-event';

function event(i: number): WideEvent {
  return { timestamp: i, service: 'api', operation: 'op', method: 'GET', status_code: i % 50 === 0 ? 500 : 200, duration_ms: i % 97 === 0 ? 5000 : 12, trace_id: `t${i}`, span_id: `s${i}`, parent_span_id: null, user_id: null, region: 'eu', customer_tier: 'free', attributes: {} };
}

test('a spike is sampled with weights whose sum equals the input count within 1%; errors and slow requests all pass', async () => {
  const builder = new StreamsBuilder();
  builder.stream('in', { keySerde: stringSerde, valueSerde: jsonSerde<WideEvent>() }).pipe(adaptiveSample({ budget: 200, intervalMs: 1000, slowMs: 1000 }), to('out'));
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('in', stringSerde, jsonSerde<WideEvent>());
  const output = driver.createOutputTopic('out', stringSerde, jsonSerde<WideEvent>());
  const n = 100_000;
  const events = Array.from({ length: n }, (_, i) => event(i));
  input.pipeRecords(events.map((e) => ({ key: 'api', value: e, timestamp: e.timestamp })));
  const kept = output.readValuesToList();
  const dropped = driver.metric('sampled-out');
  await driver.close();
  assert.equal(kept.length + dropped, n);
  // About 200 * (1 + ln(1000 / 200)) = 520 of the 1,000 events of each second, plus errors and slow ones.
  assert.ok(kept.length < 0.6 * n, `kept ${kept.length}`);
  assert.equal(kept.filter((e) => e.status_code >= 500).length, events.filter((e) => e.status_code >= 500).length);
  assert.equal(kept.filter((e) => e.duration_ms >= 1000).length, events.filter((e) => e.duration_ms >= 1000).length);
  const weighted = kept.reduce((s, e) => s + (e.sample_weight ?? 1), 0);
  assert.ok(Math.abs(weighted - n) / n <= 0.01, `${weighted} vs ${n}`);
});
