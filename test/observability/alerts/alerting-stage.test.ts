import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { TopologyTestDriver } from '../../../testing/topology-test-driver';
import { addAlerting } from '../../../observability/alerts/alerting-stage';
import type { WindowObservation } from '../../../observability/alerts/signal-scorer';
import type { Alert } from '../../../schemas/alert';
import type { Deployment } from '../../../schemas/deployment';
import type { KnownEvent } from '../../../schemas/known-event';
import type { WideEvent } from '../../../schemas/wide-event';

const W = 300_000;
const T0 = Date.UTC(2026, 0, 6, 10);

test('the alerting stage reads forecasts, events, deployments and known events, and writes alerts and incident events to their topics', async () => {
  const builder = new StreamsBuilder();
  const predictions = builder.stream<string, WindowObservation>('baseline-predictions', { keySerde: stringSerde, valueSerde: jsonSerde<WindowObservation>() });
  const events = builder.stream<string, WideEvent>('events', { keySerde: stringSerde, valueSerde: jsonSerde<WideEvent>() });
  const deployments = builder.stream<string, Deployment>('deployments', { keySerde: stringSerde, valueSerde: jsonSerde<Deployment>() });
  // Incidents go to the known-events topic the stage also reads, as in the flagship: the driver feeds them back.
  const knownEvents = builder.stream<string, KnownEvent>('known-events', { keySerde: stringSerde, valueSerde: jsonSerde<KnownEvent>() });
  addAlerting(builder, { predictions, events, deployments, knownEvents }, { windowMs: W, graceMs: 1, config: { warmupMs: 0 }, persistent: false });
  const driver = await TopologyTestDriver.create(builder.build());
  const forecasts = driver.createInputTopic('baseline-predictions', stringSerde, jsonSerde<WindowObservation>());
  const alertsOut = driver.createOutputTopic('alerts', stringSerde, jsonSerde<Alert>());
  const incidentsOut = driver.createOutputTopic('known-events', stringSerde, jsonSerde<KnownEvent>());
  [4, 4, 0, 0].forEach((d, i) => {
    const start = T0 + i * W;
    forecasts.pipeInput('api/p99_latency', { service: 'api', metric: 'p99_latency', window_start: start, window_end: start + W, actual: d ? 110 + 10 * d : 100, expected: 100, lower: 90, upper: 110, suppressed: false }, start + W);
  });
  driver.endOfInput();
  const alerts = alertsOut.readKeyValuesToList();
  const incidents = incidentsOut.readValuesToList();
  await driver.close();
  assert.deepEqual(alerts.map((r) => [r.key, r.value.id, r.value.status]), [['api', `api@${T0 + W}`, 'firing'], ['api', `api@${T0 + W}`, 'resolved']]);
  assert.deepEqual(incidents.map((e) => [e.kind, e.services, e.end]), [['incident', ['api'], null], ['incident', ['api'], T0 + 4 * W]]);
});

test('on the forecasts\' clock, wide events running ahead do not close a window before every service\'s forecast arrived', async () => {
  const run = async (clock: 'stream-time' | 'forecasts') => {
    const builder = new StreamsBuilder();
    const predictions = builder.stream<string, WindowObservation>('baseline-predictions', { keySerde: stringSerde, valueSerde: jsonSerde<WindowObservation>() });
    const events = builder.stream<string, WideEvent>('events', { keySerde: stringSerde, valueSerde: jsonSerde<WideEvent>() });
    const deployments = builder.stream<string, Deployment>('deployments', { keySerde: stringSerde, valueSerde: jsonSerde<Deployment>() });
    const knownEvents = builder.stream<string, KnownEvent>('known-events', { keySerde: stringSerde, valueSerde: jsonSerde<KnownEvent>() });
    addAlerting(builder, { predictions, events, deployments, knownEvents }, { windowMs: W, graceMs: 0, clock, config: { warmupMs: 0 }, persistent: false });
    const driver = await TopologyTestDriver.create(builder.build());
    const forecasts = driver.createInputTopic('baseline-predictions', stringSerde, jsonSerde<WindowObservation>());
    const eventsIn = driver.createInputTopic('events', stringSerde, jsonSerde<WideEvent>());
    const alertsOut = driver.createOutputTopic('alerts', stringSerde, jsonSerde<Alert>());
    // A wide event an hour ahead of the forecasts, as the events are in a replay where the baselines lag.
    const ahead = T0 + 12 * W;
    eventsIn.pipeInput('web|GET /', { timestamp: ahead, service: 'web', operation: 'GET /', method: 'GET', status_code: 200, duration_ms: 5, trace_id: 't', span_id: 's', parent_span_id: null, user_id: 'u', region: 'eu', customer_tier: 'pro', attributes: {} }, ahead);
    [4, 4, 0, 0].forEach((d, i) => {
      const start = T0 + i * W;
      // Two services per window, the forecasts of a window together and windows in order, as the baselines emit them.
      for (const service of ['api', 'web']) {
        const actual = service === 'api' && d ? 110 + 10 * d : 100;
        forecasts.pipeInput(`${service}/p99_latency`, { service, metric: 'p99_latency', window_start: start, window_end: start + W, actual, expected: 100, lower: 90, upper: 110, suppressed: false }, start + W - 1);
      }
    });
    driver.endOfInput();
    const result = { alerts: alertsOut.readValuesToList().map((a) => [a.service, a.status, a.window_start]), late: driver.metric('late-forecasts') };
    await driver.close();
    return result;
  };
  // The task's stream time, moved by the event, closes each window at its first forecast: web's are all late.
  assert.equal((await run('stream-time')).late, 4);
  const onForecasts = await run('forecasts');
  assert.equal(onForecasts.late, 0);
  assert.deepEqual(onForecasts.alerts, [['api', 'firing', T0 + W], ['api', 'resolved', T0 + 3 * W]]);
});
