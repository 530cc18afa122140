import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePosition } from '../../runtime/offset-reset';
import { isWeirError } from '../../errors/weir-error';

const tp = { topic: 'in', partition: 2 };

test('a position inside [low, high] is kept, whatever the policy', () => {
  for (const policy of ['earliest', 'latest', 'none'] as const) {
    assert.deepEqual(resolvePosition(tp, 150, 150, 200, policy), { offset: 150 });
    assert.deepEqual(resolvePosition(tp, 200, 150, 200, policy), { offset: 200 });
  }
});

test('below the low watermark: earliest skips the deleted offsets, latest everything to the end, none fails', () => {
  assert.deepEqual(resolvePosition(tp, 100, 150, 200, 'earliest'), { offset: 150, reset: { ...tp, from: 100, to: 150, skipped: 50, policy: 'earliest' } });
  assert.deepEqual(resolvePosition(tp, 100, 150, 200, 'latest'), { offset: 200, reset: { ...tp, from: 100, to: 200, skipped: 100, policy: 'latest' } });
  assert.throws(() => resolvePosition(tp, 100, 150, 200, 'none'), (error: unknown) => isWeirError(error, 'OFFSET_OUT_OF_RANGE') && error.context.offset === 100 && error.context.partition === 2);
});

test('past the end (a re-created topic): a reset that skips nothing is still reported', () => {
  assert.deepEqual(resolvePosition(tp, 500, 0, 20, 'earliest'), { offset: 0, reset: { ...tp, from: 500, to: 0, skipped: 0, policy: 'earliest' } });
});
