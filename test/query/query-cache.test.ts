import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCache } from '../../query/query-cache';

test('an identical query is answered from the cache until its TTL passes', () => {
  let now = 1_000;
  const cache = new QueryCache<string>({ ttlMs: 60_000, now: () => now });
  assert.equal(cache.get('SELECT 1'), undefined);
  cache.set('SELECT 1', 'one');
  now += 59_999;
  assert.equal(cache.get('SELECT 1'), 'one');
  assert.equal(cache.get('SELECT 2'), undefined);
  now += 1;
  assert.equal(cache.get('SELECT 1'), undefined);
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: 1, misses: 3 });
});

test('keeps at most maxEntries, evicting the oldest', () => {
  const cache = new QueryCache<number>({ maxEntries: 2, now: () => 0 });
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('c', 3);
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.get('b'), 2);
  assert.equal(cache.get('c'), 3);
});
