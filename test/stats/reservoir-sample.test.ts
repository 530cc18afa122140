import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReservoirSample } from '../../stats/reservoir-sample';

test('every stream element is kept with probability capacity/n (2000 seeded runs, within 5 sigma)', () => {
  const n = 100;
  const capacity = 10;
  const runs = 2000;
  const kept = new Array<number>(n).fill(0);
  for (let seed = 1; seed <= runs; seed++) {
    const r = new ReservoirSample({ capacity, seed });
    for (let i = 0; i < n; i++) r.offer(i);
    assert.equal(r.size, capacity);
    assert.equal(new Set(r.values()).size, capacity);
    for (const v of r.values()) kept[v]++;
  }
  const expected = (runs * capacity) / n;
  const sigma = Math.sqrt(runs * (capacity / n) * (1 - capacity / n));
  for (let i = 0; i < n; i++) assert.ok(Math.abs(kept[i] - expected) <= 5 * sigma, `element ${i} kept ${kept[i]} times`);
});

test('keeps everything below capacity; a restored snapshot continues identically', () => {
  const r = new ReservoirSample({ capacity: 50, seed: 4 });
  for (let i = 0; i < 30; i++) r.offer(i);
  assert.deepEqual([...r.values()], Array.from({ length: 30 }, (_, i) => i));
  for (let i = 30; i < 500; i++) r.offer(i);
  const copy = ReservoirSample.restore(JSON.parse(JSON.stringify(r.snapshot())));
  for (let i = 500; i < 1000; i++) {
    r.offer(i);
    copy.offer(i);
  }
  assert.deepEqual(copy.values(), r.values());
  assert.equal(copy.seen, 1000);
  assert.throws(() => new ReservoirSample({ capacity: 0, seed: 1 }), { code: 'INVALID_CONFIG' });
});
