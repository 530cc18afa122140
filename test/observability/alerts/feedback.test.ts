import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertEngine } from '../../../observability/alerts/alert-engine';
import type { AlertFeedback } from '../../../schemas/alert-feedback';

const MIN = 60_000;
const W = 5 * MIN;
const T0 = Date.UTC(2026, 0, 6, 10);

function feedback(kind: AlertFeedback['kind'], alertId: string | null): AlertFeedback {
  return { alert_id: alertId, service: 'api', metric: 'p99_latency', kind, given_at: T0, author: 'oncall', note: null };
}

/** One episode: a window at the given deviation, then three calm windows (the alert, if any, resolves). Returns the raised alert id. */
function episode(engine: AlertEngine, start: number, deviation: number): string | undefined {
  let id: string | undefined;
  for (let i = 0; i < 4; i++) {
    const ws = start + i * W;
    const d = i === 0 ? deviation : 0;
    engine.observeWindow({ service: 'api', metric: 'p99_latency', window_start: ws, window_end: ws + W, actual: d > 0 ? 110 + 10 * d : 100, expected: 100, lower: 90, upper: 110, suppressed: false });
    for (const a of engine.closeWindow(ws).alerts) if (a.status === 'firing' && a.decision === 'fire') id = a.id;
  }
  return id;
}

test('repeated false-positive feedback raises the threshold until the repeated alert stops', () => {
  // Cooldown 0 so each episode is judged on its own. Deviation 6 each time; confidence 1 - e^(-6/t):
  // t = 1.5 -> 0.9817, 2.25 -> 0.9305, 3.375 -> 0.8310 all fire; t = 5.0625 -> 0.6946 does not.
  const engine = new AlertEngine({ windowMs: W, config: { warmupMs: 0, minWindows: 1, cooldownMs: 0, immediateConfidence: 1 } });
  const thresholds: number[] = [];
  const fired: boolean[] = [];
  for (let e = 0; e < 5; e++) {
    thresholds.push(engine.thresholds.get('api', 'p99_latency'));
    const id = episode(engine, T0 + e * 4 * W, 6);
    fired.push(id !== undefined);
    if (id) engine.applyFeedback(feedback('false_positive', id));
  }
  assert.deepEqual(fired, [true, true, true, false, false]);
  assert.deepEqual(thresholds, [1.5, 2.25, 3.375, 5.0625, 5.0625]);
});

test('false-positive feedback stops at the upper bound; actionable feedback changes nothing', () => {
  const engine = new AlertEngine({ windowMs: W });
  for (let i = 0; i < 20; i++) engine.applyFeedback(feedback('false_positive', `a${i}`));
  assert.equal(engine.thresholds.get('api', 'p99_latency'), 16);
  assert.deepEqual(engine.applyFeedback(feedback('actionable', 'a')), []);
  // Other metrics of the service are untouched by metric-specific feedback.
  assert.equal(engine.thresholds.get('api', 'error_rate'), 1.5);
});

test('missed-incident feedback lowers the threshold until the missed anomaly alerts, and stops at the lower bound', () => {
  // Deviation 1.5: t = 1.5 -> 0.632, t = 1 -> 0.777 stay silent; t = 0.6667 -> 0.8946 fires.
  const engine = new AlertEngine({ windowMs: W, config: { warmupMs: 0, minWindows: 1, cooldownMs: 0 } });
  const fired: boolean[] = [];
  for (let e = 0; e < 3; e++) {
    const id = episode(engine, T0 + e * 4 * W, 1.5);
    fired.push(id !== undefined);
    if (!id) engine.applyFeedback({ ...feedback('missed_incident', null), metric: null });
  }
  assert.deepEqual(fired, [false, false, true]);
  assert.ok(Math.abs(engine.thresholds.get('api', 'p99_latency') - 1 / 1.5) < 1e-12);
  // A feedback without a metric moved every metric of the service.
  assert.ok(Math.abs(engine.thresholds.get('api', 'error_rate') - 1 / 1.5) < 1e-12);
  for (let i = 0; i < 20; i++) engine.applyFeedback(feedback('missed_incident', null));
  assert.equal(engine.thresholds.get('api', 'p99_latency'), 0.25);
});
