import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryVersionedKeyValueStore } from '../../../state/memory/in-memory-versioned-key-value-store';
import { stringSerde } from '../../../serdes/string-serde';

const store = (retention = 1_000_000) => new InMemoryVersionedKeyValueStore<string, number>('s', stringSerde, retention);

test('a read as of t sees the latest version at or before t, and nothing before the first version', () => {
  const s = store();
  s.put('a', 1, 100);
  s.put('a', 2, 200);
  assert.equal(s.get('a', 99), undefined);
  assert.equal(s.get('a', 100), 1);
  assert.equal(s.get('a', 199), 1);
  assert.equal(s.get('a', 200), 2);
  assert.equal(s.get('a', Infinity), 2);
  assert.equal(s.get('b', Infinity), undefined);
});

test('an update older than the latest goes in its place in time; equal timestamps: the last write wins', () => {
  const s = store();
  s.put('a', 3, 300);
  s.put('a', 1, 100);
  s.put('a', 2, 200);
  s.put('a', 20, 200);
  assert.deepEqual(s.history('a', Infinity).map((v) => [v.value, v.timestamp]), [[1, 100], [2, 200], [20, 200], [3, 300]]);
  assert.equal(s.get('a', 250), 20);
  assert.equal(s.get('a', 300), 3);
});

test('a deletion is a version: reads before it still see the old value; counts follow the latest version', () => {
  const s = store();
  s.put('a', 1, 100);
  s.put('b', 5, 100);
  assert.equal(s.approximateNumEntries(), 2);
  s.put('a', undefined, 200);
  assert.equal(s.approximateNumEntries(), 1);
  assert.equal(s.get('a', 150), 1);
  assert.equal(s.get('a', 200), undefined);
  assert.deepEqual([...s.all(150)], [['a', 1], ['b', 5]]);
  assert.deepEqual([...s.all(200)], [['b', 5]]);
  assert.deepEqual([...s.all(50)], []);
});

test('versions older than the retention before the latest are dropped, keeping the one a read at the edge needs', () => {
  const s = store(100);
  s.put('a', 1, 0);
  s.put('a', 2, 50);
  s.put('a', 3, 120);
  // Edge 120 - 100 = 20: reads between 20 and 50 still need version 0, so it stays.
  assert.deepEqual(s.history('a', Infinity).map((v) => v.timestamp), [0, 50, 120]);
  s.put('a', 4, 160);
  // Edge 60: version 50 answers reads at 60, so version 0 goes.
  assert.deepEqual(s.history('a', Infinity).map((v) => v.timestamp), [50, 120, 160]);
  assert.equal(s.get('a', 60), 2);
  assert.equal(s.get('a', 10), undefined, 'history past the retention is gone');
});

test('all() is in the order of the serialized keys', () => {
  const s = store();
  for (const k of ['m', 'b', 'z', 'a']) s.put(k, k.charCodeAt(0), 1);
  assert.deepEqual([...s.all(1)].map(([k]) => k), ['a', 'b', 'm', 'z']);
  s.put('c', 1, 1);
  assert.deepEqual([...s.all(1)].map(([k]) => k), ['a', 'b', 'c', 'm', 'z']);
});
