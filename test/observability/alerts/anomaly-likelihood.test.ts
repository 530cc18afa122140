import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnomalyLikelihood, normalTail, tailConfidence } from '../../../observability/alerts/anomaly-likelihood';

test('normal tail matches tabulated values', () => {
  // Q(0) = 0.5, Q(1.6449) = 0.05, Q(3) = 0.0013499, Q(-1) = 0.8413447.
  assert.ok(Math.abs(normalTail(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalTail(1.6449) - 0.05) < 1e-5);
  assert.ok(Math.abs(normalTail(3) - 0.0013499) < 1e-7);
  assert.ok(Math.abs(normalTail(-1) - 0.8413447) < 1e-7);
});

test('tail confidence is 0.5 at 1e-5 and 1 at 0', () => {
  // ln(1e-5 + 1e-10) / ln(1e-10) = 0.4999996.
  assert.ok(Math.abs(tailConfidence(1e-5) - 0.4999996) < 1e-6);
  assert.equal(tailConfidence(0), 1);
  assert.equal(tailConfidence(1), 0);
});

test('a spike after a steady history gets high confidence, the steady values almost none', () => {
  // 200 values alternating 1 and 3, then 20. The history holds all 201: mean 420/201 = 2.0895522,
  // std sqrt(2804/201 - 2.0895522^2) = 1.6121246; the short mean (3 + 20)/2 = 11.5 is 5.8372957 sigma:
  // Q = 2.6527e-9, confidence ln(2.6527e-9 + 1e-10)/ln(1e-10) = 0.8560234.
  // A steady 3 after a 1 has short mean 2, about 0 sigma: Q ~ 0.5, confidence ~ 0.03.
  const likelihood = new AnomalyLikelihood({ historyLength: 300, shortLength: 2, warmup: 20 });
  const steady: number[] = [];
  for (let i = 0; i < 200; i++) steady.push(likelihood.update(i % 2 === 0 ? 1 : 3));
  assert.deepEqual(steady.slice(0, 20), new Array(20).fill(0));
  assert.ok(steady.slice(20).every((c) => c < 0.05));
  assert.ok(Math.abs(likelihood.update(20) - 0.8560234) < 1e-5);
});
