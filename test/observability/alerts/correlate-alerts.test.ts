import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { to } from '../../../operators/to';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { correlateAlerts } from '../../../observability/alerts/correlate-alerts';
import type { AlertInput, AlertOutput } from '../../../observability/alerts/alert-input';
import type { WideEvent } from '../../../schemas/wide-event';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as avro from 'avsc';

function avroType(file: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'schemas', file), 'utf8')));
}

const W = 300_000;
const T0 = Date.UTC(2026, 0, 6, 10);

function span(service: string, id: string, parent: string | null, t: number): WideEvent {
  return { timestamp: t, service, operation: 'op', method: 'GET', status_code: 200, duration_ms: 10, trace_id: 't', span_id: id, parent_span_id: parent, user_id: 'u1', region: 'eu', customer_tier: 'free', attributes: {} };
}

function forecast(service: string, start: number, deviation: number): AlertInput {
  return { kind: 'prediction', prediction: { service, metric: 'p99_latency', window_start: start, window_end: start + W, actual: deviation > 0 ? 110 + 10 * deviation : 100, expected: 100, lower: 90, upper: 110, suppressed: false } };
}

test('correlateAlerts through the test driver: one alert on the root, victims suppressed naming it, resolved on recovery', async () => {
  const builder = new StreamsBuilder();
  builder.stream('alert-input', { keySerde: stringSerde, valueSerde: jsonSerde<AlertInput>() })
    .pipe(correlateAlerts({ name: 'alerts', windowMs: W, graceMs: 1, config: { warmupMs: 0 }, persistent: false }), to('alert-output'));
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('alert-input', stringSerde, jsonSerde<AlertInput>());
  const output = driver.createOutputTopic('alert-output', stringSerde, jsonSerde<AlertOutput>());
  // Traces teach the graph gateway -> checkout -> db.
  input.pipeInput('alerts', { kind: 'event', event: span('gateway', 'g', null, T0) }, T0);
  input.pipeInput('alerts', { kind: 'event', event: span('checkout', 'c', 'g', T0) }, T0);
  input.pipeInput('alerts', { kind: 'event', event: span('db', 'd', 'c', T0) }, T0);
  // Two troubled windows, then three calm ones; each window's forecasts arrive at its end and it is
  // correlated 1 ms later (the grace), when the next window's forecasts move stream time on.
  const devs = [4, 4, 0, 0, 0];
  devs.forEach((d, i) => {
    for (const s of ['checkout', 'db', 'gateway']) input.pipeInput('alerts', forecast(s, T0 + i * W, d), T0 + (i + 1) * W);
  });
  driver.endOfInput();
  const out = output.readKeyValuesToList();
  await driver.close();
  const alerts = out.flatMap((r) => (r.value.kind === 'alert' ? [r.value.alert] : []));
  assert.deepEqual(alerts.map((a) => [a.service, a.decision, a.status, a.note]), [
    ['checkout', 'suppress', 'firing', 'victim of upstream db'],
    ['db', 'fire', 'firing', null],
    ['gateway', 'suppress', 'firing', 'victim of upstream db'],
    ['db', 'fire', 'resolved', 'recovered for 2 windows'],
  ]);
  // The alert of window 2 (the second above the threshold) is the one that fires: one noisy window never does.
  assert.equal(alerts[1]!.id, `db@${T0 + W}`);
  const incidents = out.flatMap((r) => (r.value.kind === 'incident' ? [r.value.event] : []));
  assert.deepEqual(incidents.map((e) => [e.services[0], e.end === null ? 'open' : 'closed']).sort(), [['checkout', 'closed'], ['checkout', 'open'], ['db', 'closed'], ['db', 'open'], ['gateway', 'closed'], ['gateway', 'open']]);
  // One hour of quality: one alert raised, no feedback.
  const quality = out.flatMap((r) => (r.value.kind === 'quality' ? [r.value.quality] : []));
  assert.deepEqual(quality.map((q) => [q.window_start, q.alerts, q.feedback_coverage]), [[T0, 1, 0]]);
  // Every output is a valid record of its Avro schema, ready for the alerts and known-events topics.
  const types = { alert: avroType('alert.avsc'), anomaly: avroType('anomaly.avsc'), incident: avroType('known-event.avsc'), quality: avroType('alert-quality.avsc') };
  for (const a of alerts) assert.ok(types.alert.isValid(a), JSON.stringify(a));
  for (const e of incidents) assert.ok(types.incident.isValid(e), JSON.stringify(e));
  for (const q of quality) assert.ok(types.quality.isValid(q), JSON.stringify(q));
  const anomalies = out.flatMap((r) => (r.value.kind === 'anomaly' ? [r.value.anomaly] : []));
  assert.equal(anomalies.length, 15);
  for (const a of anomalies) assert.ok(types.anomaly.isValid(a), JSON.stringify(a));
});

test('feedback moves the threshold, is emitted as a change and kept in the threshold store', async () => {
  const builder = new StreamsBuilder();
  builder.stream('alert-input', { keySerde: stringSerde, valueSerde: jsonSerde<AlertInput>() })
    .pipe(correlateAlerts({ name: 'alerts', windowMs: W, persistent: false }), to('alert-output'));
  const driver = await TopologyTestDriver.create(builder.build());
  const input = driver.createInputTopic('alert-input', stringSerde, jsonSerde<AlertInput>());
  const output = driver.createOutputTopic('alert-output', stringSerde, jsonSerde<AlertOutput>());
  const fp: AlertInput = { kind: 'feedback', feedback: { alert_id: 'api@1', service: 'api', metric: 'p99_latency', kind: 'false_positive', given_at: T0, author: 'oncall', note: null } };
  input.pipeInput('alerts', fp, T0);
  input.pipeInput('alerts', fp, T0 + 1);
  const changes = output.readKeyValuesToList().flatMap((r) => (r.value.kind === 'threshold' ? [[r.key, r.value.change.from, r.value.change.to]] : []));
  // 1.5 x 1.5 = 2.25, x 1.5 = 3.375.
  assert.deepEqual(changes, [['api/p99_latency', 1.5, 2.25], ['api/p99_latency', 2.25, 3.375]]);
  assert.equal(driver.getKeyValueStore<string, number>('alerts-thresholds').get('api/p99_latency'), 3.375);
  await driver.close();
});
