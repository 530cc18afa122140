import { test } from 'node:test';
import assert from 'node:assert/strict';
import { branch } from '../../operators/branch';
import { merge } from '../../operators/merge';
import { peek } from '../../operators/peek';
import { mapValues } from '../../operators/map-values';
import { to } from '../../operators/to';
import { runThrough } from './stateless-helpers';

test('branch sends each record to the first matching branch, or the default one', async () => {
  const seen: number[] = [];
  const out = await runThrough<number, string>((s) => {
    const { errors, slow, rest } = s.pipe(branch({ errors: (_k, v) => v >= 500, slow: (_k, v) => v >= 100 }, { defaultBranch: 'rest' }));
    errors.pipe(mapValues((v) => `error:${v}`), merge(slow.pipe(mapValues((v) => `slow:${v}`))), merge(rest.pipe(peek((_k, v) => seen.push(v)), mapValues((v) => `ok:${v}`))), to('out'));
  }, [503, 120, 5, 700, 99].map((v) => ({ key: 'k', value: v })));
  assert.deepEqual(out.map((r) => r.value), ['error:503', 'slow:120', 'ok:5', 'error:700', 'ok:99']);
  assert.deepEqual(seen, [5, 99]);
});

test('without a default branch, unmatched records are dropped', async () => {
  const out = await runThrough<number, number>((s) => {
    const { big } = s.pipe(branch({ big: (_k, v) => v > 10 }));
    big.pipe(to('out'));
  }, [1, 20, 3].map((v) => ({ key: 'k', value: v })));
  assert.deepEqual(out.map((r) => r.value), [20]);
});
