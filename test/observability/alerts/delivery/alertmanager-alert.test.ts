import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertAnnotations, alertLabels, fingerprint, primarySignal } from '../../../../observability/alerts/delivery/alertmanager-alert';
import { webhookMessage } from '../../../../observability/alerts/delivery/webhook-message';
import type { Alert } from '../../../../schemas/alert';

const alert: Alert = {
  id: 'checkout@1700000000000',
  service: 'checkout',
  window_start: 1_700_000_000_000,
  window_end: 1_700_000_300_000,
  signals: [
    { name: 'error_rate', value: 0.04, expected: 0.002, deviation: 3, confidence: 0.6, contribution: 0.1 },
    { name: 'latency', value: 840, expected: 120, deviation: 7, confidence: 0.97, contribution: 0.82 },
  ],
  confidence: 0.92,
  severity: 'high',
  decision: 'downgrade',
  note: 'off hours, low impact',
  status: 'firing',
};

test('labels: the alert name, service, severity, the signal that contributed most, and the id', () => {
  assert.equal(primarySignal(alert)?.name, 'latency');
  assert.deepEqual(alertLabels(alert), { alertname: 'WeirServiceAnomaly', service: 'checkout', severity: 'high', metric: 'latency', alert_id: 'checkout@1700000000000' });
});

test("fingerprint equals Alertmanager's own for the same labels (read from Alertmanager 0.25's API)", () => {
  // POST /api/v2/alerts with these labels, then GET /api/v2/alerts, answered 74b88eb1cd8f83a3.
  assert.equal(fingerprint(alertLabels(alert)), '74b88eb1cd8f83a3');
  // Label order does not matter; values do.
  assert.equal(fingerprint({ service: 'checkout', alertname: 'WeirServiceAnomaly', alert_id: 'checkout@1700000000000', metric: 'latency', severity: 'high' }), '74b88eb1cd8f83a3');
  assert.notEqual(fingerprint({ ...alertLabels(alert), severity: 'low' }), '74b88eb1cd8f83a3');
  assert.equal(fingerprint({}), 'cbf29ce484222325', 'FNV-1a 64 offset basis for no labels');
});

test('annotations say what moved, by how much, each signal\'s share and the rule decision', () => {
  const a = alertAnnotations(alert);
  assert.equal(a.summary, 'checkout: latency 840 vs 120 expected, 7.0x expected (confidence 0.92)');
  assert.equal(
    a.confidence_breakdown,
    'latency +0.82 (latency 840 vs 120 expected, 7.0x expected, signal confidence 0.97); error_rate +0.10 (error_rate 0.04 vs 2.0e-3 expected, 20.0x expected, signal confidence 0.60)',
  );
  assert.equal(a.decision, 'downgrade');
  assert.equal(a.note, 'off hours, low impact');
  assert.equal(a.description, `${a.summary}, window 2023-11-14T22:13:20.000Z to 2023-11-14T22:18:20.000Z; decision: downgrade (off hours, low impact).`);
});

test("webhook message in Alertmanager's format: status by endsAt, common labels, fingerprints", () => {
  const now = Date.parse('2026-12-04T01:00:00Z');
  const firing = { labels: alertLabels(alert), annotations: { summary: 's' }, startsAt: '2026-12-04T00:50:00.000Z', endsAt: '2026-12-04T01:04:00.000Z' };
  const resolved = { labels: { ...alertLabels(alert), service: 'cart', alert_id: 'cart@1' }, annotations: { summary: 's' }, startsAt: '2026-12-04T00:40:00.000Z', endsAt: '2026-12-04T00:59:00.000Z' };
  const message = webhookMessage([firing, resolved], now, 'weir', 'http://weir:8080');
  assert.equal(message.version, '4');
  assert.equal(message.status, 'firing');
  assert.deepEqual(message.alerts.map((a) => a.status), ['firing', 'resolved']);
  assert.deepEqual(message.commonLabels, { alertname: 'WeirServiceAnomaly', severity: 'high', metric: 'latency' });
  assert.deepEqual(message.commonAnnotations, { summary: 's' });
  assert.equal(message.alerts[0].fingerprint, '74b88eb1cd8f83a3');
  assert.equal(webhookMessage([resolved], now, 'weir', '').status, 'resolved');
});
