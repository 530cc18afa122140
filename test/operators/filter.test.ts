import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filter, filterNot } from '../../operators/filter';
import { to } from '../../operators/to';
import { stringSerde } from '../../serdes/string-serde';
import { runThrough } from './stateless-helpers';

test('filter keeps the records matching the predicate, in order, with their timestamps', async () => {
  const out = await runThrough<number, number>((s) => s.pipe(filter((_k, v) => v % 2 === 0), to('out', { keySerde: stringSerde })), [1, 2, 3, 4].map((v) => ({ key: `k${v}`, value: v, timestamp: v * 10 })));
  assert.deepEqual(out, [{ key: 'k2', value: 2, timestamp: 20 }, { key: 'k4', value: 4, timestamp: 40 }]);
});

test('filterNot drops the records matching the predicate', async () => {
  const out = await runThrough<number, number>((s) => s.pipe(filterNot((_k, v) => v % 2 === 0), to('out', { keySerde: stringSerde })), [1, 2, 3].map((v) => ({ key: 'k', value: v })));
  assert.deepEqual(out.map((r) => r.value), [1, 3]);
});
