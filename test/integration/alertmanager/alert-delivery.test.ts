/**
 * Alerts delivered to a real Prometheus Alertmanager (Debian's prometheus-alertmanager) by the
 * deliverAlerts operator, run by a StreamsApp on the embedded log: a fired alert appears in
 * `GET /api/v2/alerts` with weir's labels and fingerprint and resolves; with Alertmanager down for
 * 30 s the task's offsets wait and the alert arrives once it is back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsBuilder } from '../../../topology/streams-builder';
import { stringSerde } from '../../../serdes/string-serde';
import { jsonSerde } from '../../../serdes/json-serde';
import { StreamsApp } from '../../../runtime/streams-app';
import { EmbeddedLog } from '../../../runtime/embedded';
import { createLogger } from '../../../runtime/logger';
import { deliverAlerts } from '../../../observability/alerts/delivery/deliver-alerts';
import { fingerprint, alertLabels } from '../../../observability/alerts/delivery/alertmanager-alert';
import type { Alert } from '../../../schemas/alert';
import { alertmanagerUrl, currentAlerts, eventually, privateAlertmanager } from './alertmanager-server';

const TOPIC = 'alerts';

function alert(service: string, status: Alert['status'], windowStart: number, id = `${service}@${windowStart}`): Alert {
  return {
    id,
    service,
    window_start: windowStart,
    window_end: windowStart + 300_000,
    signals: [
      { name: 'latency', value: 840, expected: 120, deviation: 7, confidence: 0.97, contribution: 0.82 },
      { name: 'error_rate', value: 0.04, expected: 0.003, deviation: 3, confidence: 0.6, contribution: 0.1 },
    ],
    confidence: 0.92,
    severity: 'high',
    decision: 'fire',
    note: null,
    status,
  };
}

async function startDelivery(url: string, applicationId: string, resendIntervalMs?: number) {
  const log = new EmbeddedLog();
  await log.admin().createTopics([{ name: TOPIC, partitions: 1 }]);
  const builder = new StreamsBuilder();
  builder.stream<string, Alert>(TOPIC, { keySerde: stringSerde, valueSerde: jsonSerde<Alert>() }).pipe(
    deliverAlerts({ alertmanagerUrl: url, retryInitialDelayMs: 200, retryMaxDelayMs: 2_000, persistent: false, resendIntervalMs }),
  );
  const stateDir = mkdtempSync(join(tmpdir(), 'weir-am-it-'));
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const app = new StreamsApp(builder.build(), { applicationId, stateDir, commitIntervalMs: 200 }, log, { logger });
  await app.start();
  const producer = await log.commitLog({ guarantee: 'at_least_once', clientId: 'alerts-producer' });
  return {
    log,
    lines,
    send: (a: Alert) => producer.send([{ topic: TOPIC, key: Buffer.from(a.service), value: Buffer.from(JSON.stringify(a)), timestamp: a.window_end, headers: {} }]),
    committed: async () => (await log.admin().committedOffsets(applicationId, TOPIC))[0]?.offset ?? 0,
    close: async () => {
      await producer.close();
      await app.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

test("a fired alert appears in Alertmanager with weir's labels and fingerprint, and resolves", async (t) => {
  const url = alertmanagerUrl(t);
  if (!url) return;
  const service = `checkout-${process.pid}`;
  const start = Date.now() - 10 * 60_000;
  const run = await startDelivery(url, `am-it-${process.pid}`);
  try {
    const fired = alert(service, 'firing', start);
    await run.send(fired);
    const shown = await eventually('the alert in Alertmanager', async () => (await currentAlerts(url)).find((a) => a.labels.service === service));
    assert.deepEqual(shown.labels, { alertname: 'WeirServiceAnomaly', service, severity: 'high', metric: 'latency', alert_id: fired.id });
    assert.equal(shown.fingerprint, fingerprint(alertLabels(fired)), 'our fingerprint is Alertmanager\'s');
    assert.equal(Date.parse(shown.startsAt), start);
    assert.equal(shown.status.state, 'active');
    assert.match(shown.annotations.summary, new RegExp(`^${service}: latency 840 vs 120 expected, 7\\.0x expected \\(confidence 0\\.92\\)$`));
    assert.equal(shown.annotations.confidence_breakdown.split('; ')[0], 'latency +0.82 (latency 840 vs 120 expected, 7.0x expected, signal confidence 0.97)');

    // Resolved with severity low by the engine: delivered with the labels it fired with.
    await run.send({ ...alert(service, 'resolved', start + 900_000, fired.id), severity: 'low' });
    await eventually('the alert resolved', async () => ((await currentAlerts(url)).some((a) => a.labels.service === service) ? undefined : true));
    assert.equal(await run.committed(), 2);
  } finally {
    await run.close();
  }
});

test('Alertmanager down for 30 s: offsets wait, the alert arrives once it is back, none lost', async (t) => {
  if (!alertmanagerUrl(t)) return;
  const am = privateAlertmanager(19_193);
  await am.up();
  const run = await startDelivery(am.url, `am-outage-${process.pid}`, 3_000);
  try {
    const start = Date.now() - 10 * 60_000;
    await run.send(alert('before-outage', 'firing', start));
    await eventually('the first alert', async () => (await currentAlerts(am.url)).find((a) => a.labels.service === 'before-outage'));
    await eventually('its offset committed', async () => ((await run.committed()) === 1 ? true : undefined));

    await am.stop();
    await run.send(alert('during-outage', 'firing', start));
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    assert.equal(await run.committed(), 1, 'the offset of the undelivered alert is not committed');
    const retries = run.lines.filter((l) => l.message === 'alert delivery failed; retrying');
    assert.ok(retries.length >= 3, `delivery retried during the outage (${retries.length} times)`);
    assert.match((retries[0]!.error as { message: string }).message, /alertmanager http:\/\/127\.0\.0\.1:19193 unreachable/);

    await am.up();
    const arrived = await eventually('the alert sent during the outage', async () => (await currentAlerts(am.url)).find((a) => a.labels.service === 'during-outage'));
    assert.equal(arrived.labels.alert_id, `during-outage@${start}`);
    await eventually('its offset committed', async () => ((await run.committed()) === 2 ? true : undefined));
    assert.ok(run.lines.some((l) => l.message === 'alert delivery recovered'));
    // Alertmanager keeps alerts in memory only: the first one is back through weir's resend of its firing alerts.
    const resent = await eventually('the firing alert resent', async () => (await currentAlerts(am.url)).find((a) => a.labels.service === 'before-outage'));
    assert.equal(Date.parse(resent.startsAt), start);
  } finally {
    // A task closes after its commit, which waits for Alertmanager: bring it back first.
    await am.up();
    await run.close();
    await am.down();
  }
});
