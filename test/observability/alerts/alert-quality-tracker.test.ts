import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertQualityTracker } from '../../../observability/alerts/alert-quality-tracker';
import type { Alert } from '../../../schemas/alert';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2026, 0, 6, 10);

function alert(id: string, end: number): Alert {
  return { id, service: 'api', window_start: end - 5 * MIN, window_end: end, signals: [], confidence: 0.9, severity: 'high', decision: 'fire', note: null, status: 'firing' };
}

test('hourly quality: alerts, judged feedback, false-positive rate, coverage and time to feedback', () => {
  const q = new AlertQualityTracker();
  q.recordAlert(alert('a', T0 + 10 * MIN));
  q.recordAlert(alert('b', T0 + 20 * MIN));
  q.recordAlert(alert('c', T0 + 30 * MIN));
  q.recordFeedback({ alert_id: 'a', service: 'api', metric: null, kind: 'actionable', given_at: T0 + 14 * MIN, author: null, note: null });
  q.recordFeedback({ alert_id: 'b', service: 'api', metric: null, kind: 'false_positive', given_at: T0 + 30 * MIN, author: null, note: null });
  q.recordFeedback({ alert_id: null, service: 'db', metric: null, kind: 'missed_incident', given_at: T0 + 40 * MIN, author: null, note: null });
  assert.deepEqual(q.flush(T0 + 59 * MIN), []);
  // 3 alerts; a actionable after 4 min, b false after 10 min: FP rate 1/2, coverage 2/3, mean 7 min.
  assert.deepEqual(q.flush(T0 + H), [{
    window_start: T0, window_end: T0 + H, alerts: 3, true_positives: 1, false_positives: 1, missed_incidents: 1,
    false_positive_rate: 0.5, feedback_coverage: 2 / 3, mean_time_to_feedback_ms: 7 * MIN,
  }]);
  // Feedback on c after its hour was emitted counts in the hour it arrives.
  q.recordFeedback({ alert_id: 'c', service: 'api', metric: null, kind: 'false_positive', given_at: T0 + H + 5 * MIN, author: null, note: null });
  const [next] = q.flush(T0 + 2 * H);
  assert.equal(next!.window_start, T0 + H);
  assert.equal(next!.false_positives, 1);
  assert.equal(next!.alerts, 0);
  assert.equal(next!.feedback_coverage, null);
  assert.equal(next!.mean_time_to_feedback_ms, 35 * MIN);
});
