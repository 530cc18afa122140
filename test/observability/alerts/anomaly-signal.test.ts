import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviationRatio, standardizedDistance } from '../../../observability/alerts/anomaly-signal';

const BAND = { expected: 100, lower: 90, upper: 120 };

test('deviation ratio is 0 inside the band and counts half-widths outside it', () => {
  assert.equal(deviationRatio(100, BAND), 0);
  assert.equal(deviationRatio(120, BAND), 0);
  // 150 is 30 past the upper edge; the upper half-width is 20: 1.5.
  assert.equal(deviationRatio(150, BAND), 1.5);
  // 70 is 20 below the lower edge; the lower half-width is 10: 2.
  assert.equal(deviationRatio(70, BAND), 2);
  assert.equal(deviationRatio(1, { expected: 0, lower: 0, upper: 0 }), 1e6);
});

test('standardized distance is continuous through the band', () => {
  assert.equal(standardizedDistance(110, BAND), 0.5);
  assert.equal(standardizedDistance(85, BAND), 1.5);
});
