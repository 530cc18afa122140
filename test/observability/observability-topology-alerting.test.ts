import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TrafficGenerator, scenarioOf } from '../../generator';
import { buildObservabilityTopology, OBSERVABILITY_TOPICS as T } from '../../observability/observability-topology';
import { TopologyTestDriver } from '../../testing/topology-test-driver';
import { startSchemaRegistry } from '../../registry/registry-server';
import { MemorySchemaStore } from '../../registry/schema-store';
import { avroSerde } from '../../avro/avro-serde';
import { avroSchema } from '../../schemas/avro-schemas';
import { jsonSerde } from '../../serdes/json-serde';
import { stringSerde } from '../../serdes/string-serde';
import type { Serde } from '../../serdes/serde';
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
 * gateway is its victim), a 20-minute error burst on `cart` at 16:00 (25% 5xx), a deployment of
 * `search` at 17:00 that regresses its latency x2.5 for 45 minutes, and a two-hour announced
 * maintenance of the leaf `orders-db` at 18:00 (traffic down to 20%, 20% of its requests failing).
 */
function scenario() {
  const shape = { seed: 3, services: 6, layers: 3, start: START, durationMs: 24 * HOUR };
  const graph = new TrafficGenerator({ ...shape, events: 0 }).graph;
  const middle = graph.services.filter((s) => s.layer > 0 && graph.downstreams(s.name).length > 0).map((s) => s.name);
  const leaves = graph.services.filter((s) => graph.downstreams(s.name).length === 0).map((s) => s.name);
  return new TrafficGenerator({
    ...shape,
    events: 150_000,
    scenarios: [
      scenarioOf('latency-incident', graph, { start: START + 14 * HOUR, service: middle[0] }),
      scenarioOf('error-burst', graph, { start: START + 16 * HOUR, service: middle[1] }),
      scenarioOf('deployment', graph, { start: START + 17 * HOUR, service: middle[2] }),
      scenarioOf('maintenance', graph, { start: START + 18 * HOUR, service: leaves[0] }),
    ],
  });
}

// Both ways of running the baselines pass the same assertions: per service with the deployments and
// known events as GlobalKTables (the default), and in one task with them on its input.
for (const partitionedBaselines of [true, false]) test(`flagship topology (${partitionedBaselines ? 'per-service baselines, global tables' : 'baselines in one task'}): a latency incident, an error burst and a deployment regression alert once each on their service (Avro on the alerts topic), a maintenance window alerts nowhere; feedback moves a threshold`, async () => {
  const generator = scenario();
  const incidents = generator.groundTruth.incidents;
  const [maintenance] = generator.groundTruth.quiet;
  assert.deepEqual(incidents.map((i) => i.kind), ['latency-incident', 'error-burst', 'deployment-regression']);
  assert.equal(maintenance.kind, 'maintenance');
  const server = await startSchemaRegistry({ store: new MemorySchemaStore(), port: 0 });
  const registry = new SchemaRegistry({ host: server.url });
  const hooked: Alert[] = [];
  const topology = buildObservabilityTopology({
    persistent: false,
    partitionedBaselines,
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
    // driver feeds what alerting writes there back to the baselines, as the log would.
    let batch: { key: string; value: WideEvent; timestamp: number }[] = [];
    const flush = (): void => {
      events.pipeRecords(batch);
      batch = [];
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
    // The output list of a re-fed topic holds only what the topology wrote, not what the test piped.
    const declared = knownOut.readValuesToList();

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

    // Exactly one alert episode per incident, on its root service, fired while it lasted on the
    // signal it hits (the latency incident within its first two windows); nothing on the victims,
    // nothing on orders-db.
    assert.deepEqual(
      alerts.map((a) => [a.service, a.status, a.decision]),
      incidents.flatMap((i) => [[i.service, 'firing', 'fire'], [i.service, 'resolved', 'fire']]),
    );
    incidents.forEach((incident, n) => {
      const [fired, resolved] = alerts.slice(2 * n, 2 * n + 2);
      const at = `${incident.kind}: fired in the window of ${new Date(fired.window_start).toISOString()}`;
      const by = incident.kind === 'latency-incident' ? incident.start + 2 * WINDOW : incident.end;
      assert.ok(fired.window_start >= incident.start && fired.window_start < by, at);
      assert.equal(fired.id, resolved.id);
      assert.ok(fired.confidence >= 0.8, at);
      const strongest = [...fired.signals].sort((a, b) => b.contribution - a.contribution)[0];
      assert.equal(strongest.name, incident.kind === 'error-burst' ? 'error_rate' : 'latency', at);
      assert.ok(resolved.window_start > fired.window_start && resolved.window_start <= incident.end + 2 * WINDOW, `${incident.kind}: resolved in the window of ${new Date(resolved.window_start).toISOString()}`);
    });
    // Alerting declared incidents (known events gating the baselines' learning) only on the
    // incidents' services while they lasted: opened at a window at the threshold, closed when it
    // dropped back; the alerted episode's incident spans the alert, from firing to resolution.
    for (const k of declared) {
      const incident = incidents.find((i) => i.service === k.services[0])!;
      assert.ok(incident && k.start >= incident.start && k.start < incident.end, `declared ${k.services} from ${new Date(k.start).toISOString()}`);
    }
    incidents.forEach((incident, n) => {
      const [fired, resolved] = alerts.slice(2 * n, 2 * n + 2);
      // An incident starts at the end of the window that opened it: the window before the alert's
      // when it fired on the second window, the alert's own when it fired at once (immediate confidence).
      const opens = (k: KnownEvent) => k.start === fired.window_start || k.start === fired.window_end;
      const spans = declared.filter((k) => k.services[0] === incident.service && opens(k)).map((k) => k.end);
      assert.deepEqual(spans, [null, resolved.window_end], incident.kind);
    });
    const fired = alerts[0];

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
    // Incidents reach the baselines after the windows they start in have closed (counted, not warned
    // about, when they come on the baselines' input; a global table is read, not consumed, by them).
    assert.equal(driver.metric('incident-events-late'), partitionedBaselines ? 0 : declared.length);
    assert.equal(driver.metric('known-events-late'), 0);
  } finally {
    await driver.close();
    await server.close();
  }
});
