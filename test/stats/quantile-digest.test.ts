import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuantileDigest } from '../../stats/quantile-digest';
import { SeededRandom } from '../../stats/random';

/** Distance from q to the interval of ranks [#(< v)/N, #(<= v)/N] that value v holds in the sorted data. */
function rankError(sorted: Float64Array, q: number, v: number): number {
  const below = lowerBound(sorted, v, false) / sorted.length;
  const atOrBelow = lowerBound(sorted, v, true) / sorted.length;
  return q < below ? below - q : q > atOrBelow ? q - atOrBelow : 0;
}

function lowerBound(sorted: Float64Array, v: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v || (inclusive && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

test('p50/p95/p99 of 1M lognormal values are within 1% rank error of the sorted data', () => {
  const random = new SeededRandom(20261128);
  const n = 1_000_000;
  const values = new Float64Array(n);
  const digest = new QuantileDigest();
  for (let i = 0; i < n; i++) {
    values[i] = random.lognormal(3, 0.8);
    digest.add(values[i]);
  }
  values.sort();
  assert.equal(digest.count, n);
  for (const q of [0.5, 0.95, 0.99]) {
    const err = rankError(values, q, digest.quantile(q));
    assert.ok(err <= 0.01, `q=${q}: rank error ${err}`);
  }
});

test('5-minute and 1-hour digests merged from serialized 1-minute digests match exact quantiles of the raw values', () => {
  const random = new SeededRandom(7);
  const minutes: number[][] = [];
  const serialized: number[][] = [];
  for (let m = 0; m < 60; m++) {
    // Each minute has its own level so the merge has to combine different shapes.
    const mu = 3 + 0.5 * Math.sin((2 * Math.PI * m) / 60);
    const raw: number[] = [];
    const digest = new QuantileDigest();
    for (let i = 0; i < 2000; i++) {
      const v = random.lognormal(mu, 0.6);
      raw.push(v);
      digest.add(v);
    }
    minutes.push(raw);
    serialized.push(digest.serialize());
  }
  const check = (from: number, to: number) => {
    const merged = new QuantileDigest();
    for (let m = from; m < to; m++) merged.merge(serialized[m]);
    const exact = Float64Array.from(minutes.slice(from, to).flat()).sort();
    assert.equal(merged.count, exact.length);
    for (const q of [0.5, 0.95, 0.99]) {
      const err = rankError(exact, q, merged.quantile(q));
      assert.ok(err <= 0.01, `minutes ${from}..${to} q=${q}: rank error ${err}`);
    }
  };
  for (let start = 0; start < 60; start += 5) check(start, start + 5);
  check(0, 60);
});

test('serialize and deserialize keep every centroid and the count', () => {
  const digest = new QuantileDigest();
  for (let i = 1; i <= 100; i++) digest.add(i);
  const copy = QuantileDigest.deserialize(digest.serialize());
  assert.equal(copy.count, 100);
  assert.deepEqual(copy.serialize(), digest.serialize());
  assert.equal(copy.quantile(0.5), digest.quantile(0.5));
});

test('the same input gives the same digest (recompression is seeded, not Math.random)', () => {
  const build = () => {
    const random = new SeededRandom(3);
    const d = new QuantileDigest();
    for (let i = 0; i < 50_000; i++) d.add(random.lognormal(2, 1));
    return d.serialize();
  };
  assert.deepEqual(build(), build());
});

test('an empty digest has NaN quantiles and a bad serialized digest is rejected', () => {
  assert.ok(Number.isNaN(new QuantileDigest().quantile(0.5)));
  assert.throws(() => new QuantileDigest().merge([1, 2, 3]), { code: 'PROCESSING_FAILED' });
  assert.throws(() => new QuantileDigest({ delta: 2 }), { code: 'INVALID_CONFIG' });
});
