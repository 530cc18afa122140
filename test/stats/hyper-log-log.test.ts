import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HyperLogLog } from '../../stats/hyper-log-log';

test('1M distinct values are estimated within 2% (exact count: 1,000,000)', () => {
  const hll = new HyperLogLog();
  const n = 1_000_000;
  for (let i = 0; i < n; i++) hll.add(`user-${i}`);
  const error = Math.abs(hll.estimate() - n) / n;
  assert.ok(error <= 0.02, `relative error ${error}`);
});

test('small and medium cardinalities are within 2% too (no linear-counting cliff)', () => {
  for (const n of [100, 1000, 10_000, 100_000]) {
    const hll = new HyperLogLog();
    for (let i = 0; i < n; i++) hll.add(`trace-${i}-x`);
    const error = Math.abs(hll.estimate() - n) / n;
    assert.ok(error <= 0.02, `n=${n}: relative error ${error}`);
  }
});

test('repeated values do not count twice; empty is zero', () => {
  const hll = new HyperLogLog();
  assert.equal(hll.estimate(), 0);
  for (let r = 0; r < 5; r++) for (let i = 0; i < 5000; i++) hll.add(`k${i}`);
  const once = new HyperLogLog();
  for (let i = 0; i < 5000; i++) once.add(`k${i}`);
  assert.equal(hll.estimate(), once.estimate());
});

test('merging two halves equals one sketch over the union; bytes round-trip', () => {
  const a = new HyperLogLog();
  const b = new HyperLogLog();
  const all = new HyperLogLog();
  for (let i = 0; i < 200_000; i++) {
    (i % 2 === 0 ? a : b).add(`v${i}`);
    all.add(`v${i}`);
  }
  // Overlap: b also sees some of a's values.
  for (let i = 0; i < 1000; i += 2) b.add(`v${i}`);
  a.merge(b);
  assert.deepEqual(a.toBytes(), all.toBytes());
  assert.equal(HyperLogLog.fromBytes(all.toBytes()).estimate(), all.estimate());
  assert.throws(() => a.merge(new HyperLogLog({ precision: 10 })), { code: 'PROCESSING_FAILED' });
});
