import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuantileDigest } from '../../stats/quantile-digest';
import { SeededRandom } from '../../stats/random';
import { TreeQuantileDigest } from '../../workloads/tree-quantile-digest';

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

const N = 1_000_000;
const QUANTILES = [0.5, 0.95, 0.99, 0.999];
/** Every quantile of every 1M input: 0.01% = 100 ranks (today's digest, when it works, is in the same range). */
const MAX_RANK_ERROR = 1e-4;
/**
 * Both digests' errors here are the noise of a centroid's mean: near p50 a centroid holds 4,000-6,000
 * values, and the mean of that many consecutive order statistics sits about sqrt(5,000 / 12) = 20 ranks
 * from its middle one. Two single draws of that noise are compared with an allowance of 75 of the 1M
 * ranks (about 4 of those deviations); the old digest's faults on these inputs are 5-12x as large.
 * Over 10 seeds the mean p50 error is 21 ppm (of the ranks) for the old digest and 34-36 ppm for this one (BENCHMARKS.md).
 */
const NOISE_ALLOWANCE = 7.5e-5;

const lognormals = (seed: number, n: number, mu = 3, sigma = 0.8): Float64Array => {
  const random = new SeededRandom(seed);
  return Float64Array.from({ length: n }, () => random.lognormal(mu, sigma));
};

const INPUTS: Record<string, () => Float64Array> = {
  lognormal: () => lognormals(20261204, N),
  // Pareto with alpha 1.5 (infinite variance): a heavy tail where p99.9 is 100x the median.
  pareto: () => {
    const random = new SeededRandom(5);
    return Float64Array.from({ length: N }, () => 1 / Math.pow(1 - random.next(), 1 / 1.5));
  },
  ascending: () => lognormals(6, N).sort(),
  descending: () => lognormals(8, N).sort().reverse(),
  // A level that rises through the input (a slow degradation): every new value tends to be above the old ones.
  'rising level': () => {
    const random = new SeededRandom(9);
    return Float64Array.from({ length: N }, (_, i) => random.lognormal(2 + (2 * i) / N, 0.5));
  },
};

interface Digest {
  add(value: number): void;
  quantile(q: number): number;
  serialize(): number[];
  readonly count: number;
}

function errors(digest: Digest, sorted: Float64Array): number[] {
  return QUANTILES.map((q) => rankError(sorted, q, digest.quantile(q)));
}

for (const [name, input] of Object.entries(INPUTS)) {
  test(`${name}, 1M values: rank error at p50/p95/p99/p99.9 within 0.01% and no worse than the old digest's; min and max exact`, () => {
    const values = input();
    const digest = new QuantileDigest();
    const old = new TreeQuantileDigest();
    for (let i = 0; i < N; i++) {
      digest.add(values[i]);
      old.add(values[i]);
    }
    const sorted = values.sort();
    assert.equal(digest.count, N);
    assert.equal(digest.quantile(0), sorted[0]);
    assert.equal(digest.quantile(1), sorted[N - 1]);
    assert.equal(digest.min, sorted[0]);
    assert.equal(digest.max, sorted[N - 1]);
    const now = errors(digest, sorted);
    const before = errors(old, sorted);
    QUANTILES.forEach((q, i) => {
      assert.ok(now[i] <= MAX_RANK_ERROR, `q=${q}: rank error ${now[i]}`);
      assert.ok(now[i] <= before[i] + NOISE_ALLOWANCE, `q=${q}: rank error ${now[i]}, old digest ${before[i]}`);
    });
    // Bounded size: the centroids grow with log(n), not with n.
    assert.ok(digest.centroidCount < 2000, `${digest.centroidCount} centroids`);
    // Three round trips change nothing: the restored digest holds the same centroids.
    let restored = digest;
    for (let trip = 0; trip < 3; trip++) restored = QuantileDigest.deserialize(restored.serialize());
    assert.deepEqual(restored.serialize(), digest.serialize());
    assert.deepEqual(errors(restored, sorted), now);
  });
}

test('descending input: p99.9 is within 1% of the exact value, where the old digest collapses the top values (the fault of issue 11)', () => {
  const values = lognormals(8, N).sort().reverse();
  const digest = new QuantileDigest();
  const old = new TreeQuantileDigest();
  for (let i = 0; i < N; i++) {
    digest.add(values[i]);
    old.add(values[i]);
  }
  const exact = Float64Array.from(values).sort()[Math.floor(0.999 * N)];
  const valueError = (d: Digest) => Math.abs(d.quantile(0.999) - exact) / exact;
  assert.ok(valueError(digest) < 0.01, `p99.9 ${digest.quantile(0.999)} vs exact ${exact}`);
  // The reference shows the fault on this input, so the line above is a real comparison.
  assert.ok(valueError(old) > 0.1, `old digest p99.9 ${old.quantile(0.999)} vs exact ${exact}`);
});

test('cdf at the exact quantiles of 1M lognormal values is within 0.01% of the exact fraction', () => {
  const values = lognormals(12, N);
  const digest = new QuantileDigest();
  for (let i = 0; i < N; i++) digest.add(values[i]);
  values.sort();
  for (const q of [0.001, ...QUANTILES]) {
    const x = values[Math.floor(q * N)];
    const exact = lowerBound(values, x, true) / N;
    const err = Math.abs(digest.cdf(x) - exact);
    assert.ok(err <= MAX_RANK_ERROR, `cdf(${x}) = ${digest.cdf(x)}, exact ${exact}`);
  }
  assert.equal(digest.cdf(values[0] - 1), 0);
  assert.equal(digest.cdf(values[N - 1]), 1);
});

test('5-minute and 1-hour digests merged from serialized 1-minute digests are within 1% rank error of the raw values', () => {
  const random = new SeededRandom(7);
  const minutes: Float64Array[] = [];
  const serialized: number[][] = [];
  for (let m = 0; m < 60; m++) {
    // Each minute has its own level so the merge has to combine different shapes.
    const mu = 3 + 0.5 * Math.sin((2 * Math.PI * m) / 60);
    // Sizes that are not multiples of the insert buffer, so digests are read and merged with values still buffered.
    const raw = Float64Array.from({ length: 1500 + random.nextInt(1000) }, () => random.lognormal(mu, 0.6));
    const digest = new QuantileDigest();
    for (const v of raw) digest.add(v);
    minutes.push(raw);
    serialized.push(digest.serialize());
  }
  const check = (from: number, to: number) => {
    const merged = new QuantileDigest();
    for (let m = from; m < to; m++) merged.merge(serialized[m]);
    const exact = Float64Array.from(minutes.slice(from, to).flatMap((raw) => Array.from(raw))).sort();
    assert.equal(merged.count, exact.length);
    assert.equal(merged.min, exact[0]);
    assert.equal(merged.max, exact[exact.length - 1]);
    for (const q of QUANTILES) {
      const err = rankError(exact, q, merged.quantile(q));
      assert.ok(err <= 0.01, `minutes ${from}..${to} q=${q}: rank error ${err}`);
    }
    return merged;
  };
  for (let start = 0; start < 60; start += 5) check(start, start + 5);
  const hour = check(0, 60);
  // Merging digests (not serialized centroids) gives the same hour.
  const fromDigests = new QuantileDigest();
  for (const s of serialized) fromDigests.merge(QuantileDigest.deserialize(s));
  assert.deepEqual(fromDigests.serialize(), hour.serialize());
});

test('busy 1-minute windows restored through 3 round trips answer exactly as before; p50 within 0.1% in every window', (t) => {
  const random = new SeededRandom(11);
  let oldOver = 0;
  for (let w = 0; w < 300; w++) {
    const values = lognormals(1000 + w, 6_000 + random.nextInt(6_000), 2 + 2 * random.next(), 0.4 + random.next());
    const digest = new QuantileDigest();
    const old = new TreeQuantileDigest();
    for (const v of values) {
      digest.add(v);
      old.add(v);
    }
    values.sort();
    let restored = digest;
    for (let trip = 0; trip < 3; trip++) restored = QuantileDigest.deserialize(restored.serialize());
    assert.equal(restored.centroidCount, digest.centroidCount, `window ${w}`);
    assert.deepEqual(errors(restored, values), errors(digest, values), `window ${w}`);
    const err = rankError(values, 0.5, restored.quantile(0.5));
    assert.ok(err <= 0.001, `window ${w}: p50 rank error ${err}`);
    const oldRestored = TreeQuantileDigest.deserialize(old.serialize());
    // The old fault itself: one round trip re-merges the centroids and loses a good part of them.
    assert.ok(oldRestored.centroidCount < 0.9 * old.centroidCount, `window ${w}: old digest kept ${oldRestored.centroidCount} of ${old.centroidCount} centroids`);
    if (rankError(values, 0.5, old.quantile(0.5)) <= 0.001 && rankError(values, 0.5, oldRestored.quantile(0.5)) > 0.001) oldOver++;
  }
  // The reference loses centroids on one round trip and goes over 0.1% in some of these same windows.
  assert.ok(oldOver > 0, 'the old digest was expected to go over 0.1% in some windows once restored');
  t.diagnostic(`old digest: ${oldOver} of 300 windows over 0.1% at p50 once restored (within it before)`);
});

test('replay gives identical bytes: same input, reads at other moments, and a restore midway change nothing', () => {
  const values = lognormals(3, 50_000, 2, 1);
  const plain = new QuantileDigest();
  for (const v of values) plain.add(v);
  const build = () => {
    const d = new QuantileDigest();
    for (const v of values) d.add(v);
    return d.serialize();
  };
  assert.deepEqual(build(), plain.serialize());
  // A commit serializes and a window close reads quantiles at moments that depend on the wall clock.
  let interrupted = new QuantileDigest();
  values.forEach((v, i) => {
    interrupted.add(v);
    if (i % 777 === 0) interrupted.quantile(0.99);
    if (i % 5_003 === 0) interrupted = QuantileDigest.deserialize(interrupted.serialize());
  });
  assert.deepEqual(interrupted.serialize(), plain.serialize());
  assert.equal(interrupted.quantile(0.99), plain.quantile(0.99));
});

test('an empty digest: count 0, NaN quantiles, min, max and cdf, nothing serialized; merging it changes nothing', () => {
  const empty = new QuantileDigest();
  assert.equal(empty.count, 0);
  assert.ok(Number.isNaN(empty.quantile(0.5)));
  assert.ok(Number.isNaN(empty.cdf(1)));
  assert.ok(Number.isNaN(empty.min) && Number.isNaN(empty.max));
  assert.deepEqual(empty.serialize(), []);
  assert.deepEqual(QuantileDigest.deserialize([]).serialize(), []);
  const d = new QuantileDigest();
  d.add(5);
  d.merge(empty);
  d.merge([]);
  assert.deepEqual(d.serialize(), [5, 1]);
  empty.merge(d);
  assert.deepEqual(empty.serialize(), [5, 1]);
});

test('a single value is every quantile, and the cdf steps from 0 to 1 at it', () => {
  const d = QuantileDigest.deserialize(QuantileDigest.deserialize([42.5, 1]).serialize());
  assert.equal(d.count, 1);
  for (const q of [0, 0.001, 0.5, 0.999, 1]) assert.equal(d.quantile(q), 42.5);
  assert.equal(d.cdf(42.4), 0);
  assert.equal(d.cdf(42.5), 1);
  assert.deepEqual(d.serialize(), [42.5, 1]);
});

test('few values are kept exactly: each quantile is a value of the data at the right rank', () => {
  const d = new QuantileDigest();
  for (const v of [5, 1, 4, 2, 3]) d.add(v);
  assert.deepEqual(d.serialize(), [1, 1, 2, 1, 3, 1, 4, 1, 5, 1]);
  assert.deepEqual([0, 0.2, 0.39, 0.4, 0.5, 0.99, 1].map((q) => d.quantile(q)), [1, 2, 2, 3, 3, 5, 5]);
  assert.deepEqual([0.5, 1, 2.5, 5].map((x) => d.cdf(x)), [0, 0.2, 0.4, 1]);
});

test('NaN and infinities are refused with a WeirError and leave the digest as it was', () => {
  const d = new QuantileDigest();
  d.add(1);
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(() => d.add(bad), { name: 'WeirError', code: 'PROCESSING_FAILED' });
  }
  assert.throws(() => d.merge([NaN, 1]), { code: 'PROCESSING_FAILED' });
  assert.throws(() => d.quantile(NaN), { code: 'PROCESSING_FAILED' });
  assert.throws(() => d.cdf(NaN), { code: 'PROCESSING_FAILED' });
  assert.equal(d.count, 1);
  assert.deepEqual(d.serialize(), [1, 1]);
});

test('bad serialized digests and options are rejected with the reason', () => {
  assert.throws(() => new QuantileDigest().merge([1, 2, 3]), { code: 'PROCESSING_FAILED' });
  assert.throws(() => QuantileDigest.deserialize([1, -2]), { code: 'PROCESSING_FAILED' });
  assert.throws(() => QuantileDigest.deserialize([1, Infinity]), { code: 'PROCESSING_FAILED' });
  assert.throws(() => new QuantileDigest({ compression: 2 }), { code: 'INVALID_CONFIG' });
  assert.throws(() => new QuantileDigest({ bufferSize: 0 }), { code: 'INVALID_CONFIG' });
});

test('digests written by the old implementation read as they are, and the old one reads the new format', () => {
  const values = lognormals(21, 100_000);
  const digest = new QuantileDigest();
  const old = new TreeQuantileDigest();
  for (const v of values) {
    digest.add(v);
    old.add(v);
  }
  values.sort();
  const fromOld = QuantileDigest.deserialize(old.serialize());
  assert.equal(fromOld.count, values.length);
  assert.deepEqual(fromOld.serialize(), old.serialize());
  const byOld = TreeQuantileDigest.deserialize(digest.serialize());
  assert.equal(byOld.count, values.length);
  for (const q of QUANTILES) {
    assert.ok(rankError(values, q, fromOld.quantile(q)) <= 0.001, `old format read by the new digest, q=${q}`);
    assert.ok(rankError(values, q, byOld.quantile(q)) <= 0.001, `new format read by the old digest, q=${q}`);
  }
  // Pairs out of order (not written by a digest) are sorted on reading; zero counts are dropped.
  assert.deepEqual(QuantileDigest.deserialize([3, 1, 1, 2, 2, 0, 2, 1]).serialize(), [1, 2, 2, 1, 3, 1]);
});

test('a weighted add counts its weight', () => {
  const d = new QuantileDigest();
  d.add(10, 3);
  d.add(20);
  assert.equal(d.count, 4);
  assert.equal(d.quantile(0), 10);
  assert.equal(d.quantile(1), 20);
});
