import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mape, MapeAccumulator } from '../../stats/mape';

test('MAPE is the mean of |a - p| / |a| over pairs with a non-zero actual', () => {
  const result = mape([100, 200, 0, 50], [110, 150, 5, 50]);
  assert.equal(result.pairs, 3);
  assert.equal(result.skipped, 1);
  assert.ok(Math.abs(result.mape - (0.1 + 0.25 + 0) / 3) < 1e-15);
  assert.ok(Number.isNaN(mape([0], [1]).mape));
});

test('the accumulator state round-trips', () => {
  const a = new MapeAccumulator();
  a.add(10, 12);
  const b = new MapeAccumulator(a.state());
  b.add(20, 10);
  assert.ok(Math.abs(b.result().mape - (0.2 + 0.5) / 2) < 1e-15);
});
