import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poissonUpperTail, countConfidence } from '../../../observability/alerts/count-significance';
import { SignalScorer } from '../../../observability/alerts/signal-scorer';
import { FeedbackThresholds } from '../../../observability/alerts/feedback-thresholds';

test('Poisson upper tail against exact sums', () => {
  // P(X >= 3; 0.78) = 1 - e^-0.78 (1 + 0.78 + 0.78^2/2) = 1 - 0.458406 * 2.0842 = 0.0445902.
  assert.ok(Math.abs(poissonUpperTail(3, 0.78) - 0.0445902) < 1e-6);
  // P(X >= 1; 2) = 1 - e^-2 = 0.8646647.
  assert.ok(Math.abs(poissonUpperTail(1, 2) - 0.8646647) < 1e-6);
  assert.equal(poissonUpperTail(0, 5), 1);
  // P(X >= 40; 2): first term e^-2 2^40 / 40! = 1.82375e-37; the next terms shrink by 2/41, 2/42...: sum 1.91716e-37.
  const tail = poissonUpperTail(40, 2);
  assert.ok(Math.abs(tail / 1.91716e-37 - 1) < 1e-5, String(tail));
});

test('an error rate far outside its band on little traffic is capped by its count', () => {
  const scorer = new SignalScorer(new FeedbackThresholds({ initial: 1.5, min: 0.25, max: 16, step: 1.5 }, ['error_rate']));
  const base = { service: 'api', metric: 'error_rate', window_start: 0, window_end: 300_000, expected: 0.013, lower: 0.005, upper: 0.021, suppressed: false };
  // 3 errors in 60 requests: rate 0.05 is (0.05 - 0.021)/0.008 = 3.625 half-widths out (confidence 0.911),
  // but 3 errors against 0.78 expected happen 4.46% of the time: ln(0.04459)/ln(1e-10) = 0.1351.
  const quiet = scorer.score({ ...base, actual: 0.05, count: 60, events: 3 })!;
  assert.ok(Math.abs(quiet.deviation - 3.625) < 1e-9);
  assert.ok(Math.abs(quiet.confidence - countConfidence(3, 0.78)) < 1e-12);
  assert.ok(quiet.confidence < 0.14);
  // 42 errors in 170 requests (expected 2.21) is beyond 1e-10: the band confidence stands.
  const burst = scorer.score({ ...base, actual: 42 / 170, count: 170, events: 42 })!;
  assert.ok(Math.abs(burst.confidence - (1 - Math.exp(-burst.deviation / 1.5))) < 1e-12);
});
