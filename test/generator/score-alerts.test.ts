import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreAlerts } from '../../generator/score-alerts';
import type { Alert } from '../../schemas/alert';

const W = 300_000;
const T0 = Date.UTC(2026, 0, 6, 10);

function alert(service: string, start: number, decision: Alert['decision'] = 'fire', note: string | null = null): Alert {
  return { id: `${service}@${start}`, service, window_start: start, window_end: start + W, signals: [], confidence: 0.9, severity: 'high', decision, note, status: 'firing' };
}

test('alerts are matched to incidents on their root; victims, quiet periods and delays are counted', () => {
  const truth = {
    incidents: [
      { id: 'i1', kind: 'cascading-failure' as const, service: 'db', start: T0 + 60_000, end: T0 + 30 * 60_000, root_cause: 'slow disk', victims: ['api', 'web'] },
      { id: 'i2', kind: 'error-burst' as const, service: 'cart', start: T0 + 120 * 60_000, end: T0 + 140 * 60_000, root_cause: 'bug', victims: [] },
    ],
    quiet: [{ id: 'q1', kind: 'sale' as const, services: [], start: T0 + 200 * 60_000, end: T0 + 260 * 60_000, note: 'sale' }],
  };
  const alerts = [
    alert('db', T0 + W), // ends T0 + 10 min: delay (10 - 1) min = 1.8 windows
    alert('api', T0 + W, 'suppress', 'victim of upstream db'),
    alert('web', T0 + 2 * W), // a victim that fired: a false positive
    alert('search', T0 + 220 * 60_000), // during the sale: a false positive
  ];
  const s = scoreAlerts(alerts, truth, W);
  assert.deepEqual([s.raised, s.truePositives, s.falsePositives], [3, 1, 2]);
  assert.equal(s.recall, 0.5);
  assert.ok(Math.abs(s.falsePositiveRate - 2 / 3) < 1e-12);
  assert.ok(Math.abs(s.incidents[0]!.delayWindows! - 1.8) < 1e-12);
  assert.deepEqual([s.incidents[0]!.rootAlerts, s.incidents[0]!.victimAlerts, s.incidents[0]!.victimsSuppressedNamingRoot], [1, 1, ['api']]);
  assert.equal(s.incidents[1]!.detected, false);
  assert.equal(s.quiet[0]!.alerts, 1);
  assert.equal(s.medianDelayWindows, 1.8);
});
