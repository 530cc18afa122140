import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rangeAssign, roundRobinAssign } from '../../../runtime/embedded/assignor';

const names = (list: Array<{ topic: string; partition: number }> | undefined): string[] => (list ?? []).map((p) => `${p.topic}-${p.partition}`);

test('range gives contiguous ranges, the first members one extra, by member id order', () => {
  const members = [{ memberId: 'c', topics: ['t'] }, { memberId: 'a', topics: ['t'] }, { memberId: 'b', topics: ['t'] }];
  const result = rangeAssign(members, new Map([['t', 7]]));
  assert.deepEqual(names(result.get('a')), ['t-0', 't-1', 't-2']);
  assert.deepEqual(names(result.get('b')), ['t-3', 't-4']);
  assert.deepEqual(names(result.get('c')), ['t-5', 't-6']);
});

test('range co-partitions topics with equal partition counts', () => {
  const members = [{ memberId: 'a', topics: ['x', 'y'] }, { memberId: 'b', topics: ['x', 'y'] }];
  const result = rangeAssign(members, new Map([['x', 4], ['y', 4]]));
  assert.deepEqual(names(result.get('a')), ['x-0', 'x-1', 'y-0', 'y-1']);
  assert.deepEqual(names(result.get('b')), ['x-2', 'x-3', 'y-2', 'y-3']);
});

test('range leaves members beyond the partition count empty', () => {
  const members = ['a', 'b', 'c'].map((memberId) => ({ memberId, topics: ['t'] }));
  const result = rangeAssign(members, new Map([['t', 2]]));
  assert.deepEqual([...result.values()].map(names), [['t-0'], ['t-1'], []]);
});

test('round-robin deals all partitions across subscribed members', () => {
  const members = [{ memberId: 'a', topics: ['x', 'y'] }, { memberId: 'b', topics: ['x'] }];
  const result = roundRobinAssign(members, new Map([['x', 3], ['y', 2]]));
  assert.deepEqual(names(result.get('a')), ['x-0', 'x-2', 'y-0', 'y-1']);
  assert.deepEqual(names(result.get('b')), ['x-1']);
});
