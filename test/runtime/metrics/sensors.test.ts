import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyStat, RateSensor, SAMPLE_WINDOW_MS } from '../../../runtime/metrics/sensors';

test('LatencyStat: average and maximum over the current and the previous sample window', () => {
  const stat = new LatencyStat(1_000);
  assert.ok(Number.isNaN(stat.average(0)), 'nothing recorded: NaN, as Kafka Streams reports');
  stat.record(2, 0);
  stat.record(4, 500);
  assert.equal(stat.average(900), 3);
  assert.equal(stat.maximum(900), 4);
  // The window [0, 1000) becomes the previous one: still counted.
  stat.record(9, 1_200);
  assert.equal(stat.average(1_500), 5);
  assert.equal(stat.maximum(1_500), 9);
  // At 2200 the window that started at 0 has left; only the one with 9 remains.
  assert.equal(stat.average(2_300), 9);
  assert.equal(stat.maximum(2_300), 9);
  // Long silence: both windows are stale.
  assert.ok(Number.isNaN(stat.average(10_000)));
});

test('LatencyStat: batch totals count in the average, sampled measurements in the maximum only', () => {
  const stat = new LatencyStat(1_000);
  stat.recordTotal(10, 100, 0);
  stat.recordMax(0.5, 10);
  stat.recordTotal(30, 100, 20);
  assert.equal(stat.average(30), 0.2);
  assert.equal(stat.maximum(30), 0.5);
});

test('RateSensor: per second over the samples taken at reads, from the creation of the sensor', () => {
  const rate = new RateSensor(0, 2 * SAMPLE_WINDOW_MS);
  assert.equal(rate.rate(2_000, 100), 50, '100 records in the 2 s since creation');
  assert.equal(rate.rate(4_000, 300), 75, 'still from creation: no sample is a window old');
  // At 70 s every sample is at least 60 s old: the rate spans from the newest of them (4 s), not from creation.
  assert.equal(rate.rate(70_000, 7_000), (7_000 - 300) / 66);
  // At 80 s the samples are 4 s and 70 s; 70 s is not a window old yet, so 4 s stays the start.
  assert.equal(rate.rate(80_000, 8_000), (8_000 - 300) / 76);
  assert.equal(rate.rate(80_000, 8_000), (8_000 - 300) / 76, 'a second read at the same time gives the same rate');
  // At 131 s the 70 s sample is a window old: it becomes the start.
  assert.equal(rate.rate(131_000, 8_000), (8_000 - 7_000) / 61);
});
