import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TrafficGenerator, scenarioOf } from '../../generator';
import { buildObservabilityTopology, OBSERVABILITY_TOPICS as T } from '../../observability/observability-topology';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import { startSchemaRegistry } from '../../registry/registry-server';
import { MemorySchemaStore } from '../../registry/schema-store';
import { avroSerde } from '../../serdes/avro-serde';
import { avroSchema } from '../../schemas/avro-schemas';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import type { Serde } from '../../topology/serde';
import type { WideEvent } from '../../schemas/wide-event';
import type { Alert } from '../../schemas/alert';
import type { AlertFeedback } from '../../schemas/alert-feedback';
import type { Anomaly } from '../../schemas/anomaly';
import type { KnownEvent } from '../../schemas/known-event';
import type { Deployment } from '../../schemas/deployment';
import type { BaselinePrediction } from '../../observability/baseline/baseline-prediction';
import type { ThresholdChange } from '../../observability/alerts/feedback-thresholds';

const HOUR = 3_600_000;
const WINDOW = 5 * 60_000;
const START = Date.UTC(2026, 0, 5); // a Monday
const rawSerde: Serde<Buffer | null> = { name: 'raw', serialize: (_t, b) => b, deserialize: (_t, b) => b };

/**
 * One day of generated traffic over six services (gateway -> four middle services -> orders-db):
 * a 30-minute latency incident on the middle service `checkout` at 14:00 (self time x4; the
 * gateway is its victim), and a two-hour announced maintenance of the leaf `orders-db` at 18:00
 * (traffic down to 20%, 20% of its requests failing).
 */
function scenario() {
  const shape = { seed: 3, services: 6, layers: 3, start: START, durationMs: 24 * HOUR };
  const graph = new TrafficGenerator({ ...shape, events: 0 }).graph;
  const middle = graph.services.filter((s) => s.layer > 0 && graph.downstreams(s.name).length > 0).map((s) => s.name);
  const leaves = graph.services.filter((s) => graph.downstreams(s.name).length === 0).map((s) => s.name);
  return new TrafficGenerator({
    ...shape,
    events: 150_000,
    scenarios: [scenarioOf('latency-incident', graph, { start: START + 14 * HOUR, service: middle[0] }), scenarioOf('maintenance', graph, { start: START + 18 * HOUR, service: leaves[0] })],
  });
}

test('flagship topology: a latency incident alerts once on its service (Avro on the alerts topic), a maintenance window alerts nowhere; feedback moves a threshold', async () => {
  const generator = scenario();
  const [incident] = generator.groundTruth.incidents;
  const [maintenance] = generator.groundTruth.quiet;
  assert.equal(incident.kind, 'latency-incident');
  assert.equal(maintenance.kind, 'maintenance');
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const registry = new SchemaRegistry({ host: server.url });
  const hooked: Alert[] = [];
  const topology = buildObservabilityTopology({
    persistent: false,
    serdes: { alert: avroSerde<Alert>({ registry, schema: avroSchema('alert'), topic: T.alerts }) },
    // The baselines have learned the daily shape of the morning by noon; the default warm-up is a day.
    alerting: { config: { warmupMs: 6 * HOUR } },
    onAlert: (alert) => hooked.push(alert),
  });
  assert.ok(topology.sourceTopics().includes(T.alertFeedback));
  const driver = await TopologyTestDriver.create(topology);
  try {
    const events = driver.createInputTopic(T.events, stringSerde, jsonSerde<WideEvent>());
    const knownIn = driver.createInputTopic(T.knownEvents, stringSerde, jsonSerde<KnownEvent>());
    const deployments = driver.createInputTopic(T.deployments, stringSerde, jsonSerde<Deployment>());
    const feedback = driver.createInputTopic(T.alertFeedback, stringSerde, jsonSerde<AlertFeedback>());
    const knownOut = driver.createOutputTopic(T.knownEvents, stringSerde, jsonSerde<KnownEvent>());
    const alertsRaw = driver.createOutputTopic(T.alerts, stringSerde, rawSerde);
    const anomalies = driver.createOutputTopic(T.anomalies, stringSerde, jsonSerde<Anomaly>());
    const predictions = driver.createOutputTopic(T.predictions, stringSerde, jsonSerde<BaselinePrediction>());
    const thresholds = driver.createOutputTopic(T.alertThresholds, stringSerde, jsonSerde<ThresholdChange>());

    // known-events is both a source and a sink (alerting writes incidents the baselines read): the
    // driver does not loop a topic back, so the test does, as the log would.
    const incidents: KnownEvent[] = [];
    const loopIncidents = (): void => {
      for (const k of knownOut.readValuesToList()) {
        incidents.push(k);
        knownIn.pipeInput(k.id, k, k.start);
      }
    };
    let batch: { key: string; value: WideEvent; timestamp: number }[] = [];
    const flush = (): void => {
      events.pipeRecords(batch);
      batch = [];
      loopIncidents();
    };
    let maintenanceEvents = 0;
    let maintenanceErrors = 0;
    for (const r of generator.timeline()) {
      if (r.type === 'event') {
        batch.push({ key: `${r.value.service}|${r.value.operation}`, value: r.value, timestamp: r.timestamp });
        if (r.value.service === maintenance.services[0] && r.timestamp >= maintenance.start && r.timestamp < maintenance.end) {
          maintenanceEvents++;
          if (r.value.status_code >= 500) maintenanceErrors++;
        }
        if (batch.length === 1000) flush();
        continue;
      }
      flush();
      if (r.type === 'known-event') knownIn.pipeInput(r.value.id, r.value, r.timestamp);
      else deployments.pipeInput(r.value.service, r.value, r.timestamp);
    }
    flush();
    driver.endOfInput();
    loopIncidents();

    // Alerts are Avro in Confluent's wire format, read back with the schema fetched from the registry.
    const raw = alertsRaw.readRecordsToList();
    const reader = avroSerde<Alert>({ registry, schema: avroSchema('alert') });
    await reader.prepareBatch(T.alerts, raw.map((r) => r.value));
    const alerts = raw.map((r) => {
      assert.equal(r.value![0], 0, 'Confluent magic byte');
      return reader.deserialize(T.alerts, r.value)!;
    });
    // avsc decodes to record classes: compare plain values.
    const plain = (values: Alert[]) => JSON.parse(JSON.stringify(values)) as Alert[];
    assert.deepEqual(plain(alerts), plain(hooked));

    // Exactly one alert episode, on the incident's service: fired within its first two windows,
    // resolved after two quiet windows once it ended. Nothing on the victim, nothing on orders-db.
    assert.deepEqual(alerts.map((a) => [a.service, a.status, a.decision]), [[incident.service, 'firing', 'fire'], [incident.service, 'resolved', 'fire']]);
    const [fired, resolved] = alerts;
    assert.ok(fired.window_start === incident.start || fired.window_start === incident.start + WINDOW, `fired in the window of ${new Date(fired.window_start).toISOString()}`);
    assert.equal(fired.id, resolved.id);
    assert.ok(fired.confidence >= 0.8);
    assert.equal(fired.signals[0].name, 'latency');
    assert.ok(resolved.window_start >= incident.end && resolved.window_start <= incident.end + 2 * WINDOW, `resolved in the window of ${new Date(resolved.window_start).toISOString()}`);
    // The incident known event was opened when the alert fired and closed when it resolved.
    assert.deepEqual(incidents.map((k) => [k.kind, k.services, k.start, k.end]), [['incident', [incident.service], fired.window_start, null], ['incident', [incident.service], fired.window_start, resolved.window_end]]);

    // The maintenance really happened (traffic and failures on orders-db) and was announced: its
    // forecasts were suppressed, so no anomaly signal and no alert came from it.
    assert.ok(maintenanceEvents > 0 && maintenanceErrors > 0);
    const during = (start: number) => start >= maintenance.start && start < maintenance.end;
    const suppressed = predictions.readValuesToList().filter((p) => p.actual !== null && p.service === maintenance.services[0] && during(p.window_start));
    assert.equal(suppressed.length, 4 * ((maintenance.end - maintenance.start) / WINDOW));
    for (const p of suppressed) assert.equal(p.suppressed, true);
    assert.equal(anomalies.readValuesToList().filter((a) => a.service === maintenance.services[0] && during(a.window_start)).length, 0);

    // A false-positive feedback on the fired alert raises its service's latency threshold by one step.
    feedback.pipeInput(fired.service, { alert_id: fired.id, service: fired.service, metric: 'p50_latency', kind: 'false_positive', given_at: START + 24 * HOUR, author: 'oncall', note: null }, START + 24 * HOUR);
    assert.deepEqual(thresholds.readValuesToList(), [{ service: fired.service, metric: 'p50_latency', from: 1.5, to: 2.25 }]);
    assert.equal(driver.metric('late-forecasts'), 0);
    // Incidents reach the baselines after the windows they start in have closed (counted, not warned about).
    assert.equal(driver.metric('incident-events-late'), incidents.length);
    assert.equal(driver.metric('known-events-late'), 0);
  } finally {
    await driver.close();
    await server.close();
  }
});
