import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../stats/random';
import { checkParentSpanId, checkSpanId, checkTraceId, timeFromBits, timeFromJson } from '../../../observability/otlp/otlp-checks';

const exact = (ns: bigint) => ({ ms: Number(ns / 1_000_000n), nanos: Number(ns % 1_000_000n) });

test('epoch nanoseconds split into ms + ns exactly, as BigInt division does, from both encodings', () => {
  const random = new SeededRandom(3);
  const samples: bigint[] = [0n, 999_999n, 1_000_000n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n - 1n, 2n ** 64n - 1n];
  const base = 1_767_225_600_000n * 1_000_000n;
  // Around millisecond boundaries, where a double's 256 ns spacing at 1.7e18 would round wrong.
  for (let i = 0; i < 2_000; i++) samples.push(base + BigInt(random.nextInt(10_000_000)) * 1_000_000n + BigInt(random.nextInt(3) - 1) + (i % 2 ? 999_999n : 0n));
  for (const ns of samples) {
    const high = Number(ns >> 32n);
    const low = Number(ns & 0xffffffffn);
    assert.deepEqual(timeFromBits(high, low), exact(ns), `bits of ${ns}`);
    assert.deepEqual(timeFromJson(ns.toString(), 'span', 'start_time_unix_nano'), exact(ns), `decimal ${ns}`);
  }
  assert.deepEqual(timeFromJson(1_000_000_123, 'span', 'start_time_unix_nano'), { ms: 1000, nanos: 123 });
  assert.throws(() => timeFromJson('12e9', 'spans[0]', 'start_time_unix_nano'), /spans\[0\]: start_time_unix_nano must be a decimal string of nanoseconds, got "12e9"/);
});

test('ids: 16-byte trace ids and 8-byte span ids, not all zeros; an empty parent is a root', () => {
  assert.equal(checkTraceId('0af7651916cd43dd8448eb211c80319c', 'p'), '0af7651916cd43dd8448eb211c80319c');
  assert.throws(() => checkTraceId('0af7651916cd43dd', 'p'), /p: trace_id must be 16 bytes, got 8 bytes/);
  assert.throws(() => checkSpanId('abc', 'p'), /p: span_id must be 8 bytes, got 3 hex digits/);
  assert.throws(() => checkSpanId('0'.repeat(16), 'p'), /span_id is all zeros/);
  assert.equal(checkParentSpanId('', 'p'), null);
  assert.throws(() => checkParentSpanId('00f067aa0ba902', 'p'), /parent_span_id must be 8 bytes, got 7 bytes/);
});
