import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kolmogorovSurvival, ksExactPValue, ksStatistic, ksTwoSample } from '../../stats/kolmogorov-smirnov';
import { SeededRandom } from '../../stats/random';

/** sup |F1 - F2| by brute force: evaluate both empirical CDFs at every pooled value, O(n^2). */
function naiveStatistic(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (const x of [...a, ...b]) {
    const f1 = a.filter((v) => v <= x).length / a.length;
    const f2 = b.filter((v) => v <= x).length / b.length;
    d = Math.max(d, Math.abs(f1 - f2));
  }
  return d;
}

test('the statistic equals a brute-force two-sample computation within 1e-9, ties included', () => {
  const random = new SeededRandom(11);
  for (const [n1, n2, shift] of [
    [1500, 1000, 0],
    [700, 900, 0.3],
    [50, 2000, 1],
  ]) {
    // Rounded values make many ties inside and across the samples.
    const a = Array.from({ length: n1 }, () => Math.round(random.normal(0, 1) * 20) / 20);
    const b = Array.from({ length: n2 }, () => Math.round(random.normal(shift, 1.2) * 20) / 20);
    assert.ok(Math.abs(ksStatistic(a, b) - naiveStatistic(a, b)) <= 1e-9);
  }
});

test('exact p-value equals the share of all C(13, 6) splits of the pooled sample with D at least the observed one', () => {
  const random = new SeededRandom(5);
  for (let trial = 0; trial < 5; trial++) {
    const pooled = Array.from({ length: 13 }, () => random.normal(0, 1));
    const a = pooled.slice(0, 6).map((v) => v + trial * 0.3);
    const b = pooled.slice(6);
    const observed = ksStatistic(a, b);
    const all = [...a, ...b];
    let total = 0;
    let extreme = 0;
    // Every subset of 6 indices as sample 1 (bit masks with 6 bits set).
    for (let mask = 0; mask < 1 << 13; mask++) {
      let bits = 0;
      for (let m = mask; m; m &= m - 1) bits++;
      if (bits !== 6) continue;
      const s1 = all.filter((_, i) => mask & (1 << i));
      const s2 = all.filter((_, i) => !(mask & (1 << i)));
      total++;
      if (ksStatistic(s1, s2) >= observed - 1e-12) extreme++;
    }
    assert.equal(total, 1716);
    assert.ok(Math.abs(ksExactPValue(observed, 6, 7) - extreme / total) <= 1e-12, `trial ${trial}`);
  }
});

test('Kolmogorov survival function matches published critical values within 1e-3', () => {
  // Critical values K_alpha of the limiting Kolmogorov distribution, P(K > K_alpha) = alpha, as
  // tabulated by Smirnov (1948) "Table for estimating the goodness of fit of empirical
  // distributions", Ann. Math. Stat. 19(2) and reproduced in the Wikipedia article
  // "Kolmogorov-Smirnov test" (c(alpha) table): 1.073 (0.20), 1.224 (0.10), 1.358 (0.05),
  // 1.480 (0.025), 1.628 (0.01), 1.731 (0.005), 1.949 (0.001).
  const table: Array<[number, number]> = [
    [1.073, 0.2],
    [1.224, 0.1],
    [1.358, 0.05],
    [1.48, 0.025],
    [1.628, 0.01],
    [1.731, 0.005],
    [1.949, 0.001],
  ];
  for (const [x, alpha] of table) {
    assert.ok(Math.abs(kolmogorovSurvival(x) - alpha) <= 1e-3, `Q(${x}) = ${kolmogorovSurvival(x)}, expected ${alpha}`);
  }
  // Both series forms agree where they meet (x = 1), and the tails are 1 and 0.
  assert.ok(Math.abs(kolmogorovSurvival(0.999999) - kolmogorovSurvival(1)) < 1e-5);
  assert.equal(kolmogorovSurvival(0), 1);
  assert.ok(kolmogorovSurvival(0.3) > 0.9999);
});

test('Stephens-corrected p-value reproduces the scipy ks_2samp documentation example', () => {
  // scipy 0.9-1.2 docs, scipy.stats.ks_2samp example (n1 = 200, n2 = 300, normal vs shifted
  // normal): ks_2samp(rvs1, rvs2) -> (0.20833333333333337, 4.6674975515806989e-005). The p-value is
  // a function of (D, n1, n2) only, so the same D and sizes must give the same p-value.
  const d = 0.20833333333333337;
  const n1 = 200;
  const n2 = 300;
  const en = Math.sqrt((n1 * n2) / (n1 + n2));
  const p = kolmogorovSurvival((en + 0.12 + 0.11 / en) * d);
  assert.ok(Math.abs(p - 4.6674975515806989e-5) <= 1e-3 * 4.6674975515806989e-5, `p = ${p}`);
  assert.ok(Math.abs(p - 4.6674975515806989e-5) <= 1e-3);
});

test('ksTwoSample picks exact for small samples and asymp for large ones, and the two agree at moderate sizes', () => {
  const random = new SeededRandom(9);
  const a = Array.from({ length: 800 }, () => random.normal(0, 1));
  const b = Array.from({ length: 900 }, () => random.normal(0.12, 1));
  const exact = ksTwoSample(a, b);
  assert.equal(exact.method, 'exact');
  const asymp = ksTwoSample(a, b, { method: 'asymp' });
  assert.equal(asymp.statistic, exact.statistic);
  assert.ok(Math.abs(exact.pValue - asymp.pValue) < 0.01, `${exact.pValue} vs ${asymp.pValue}`);
  const big = Array.from({ length: 2000 }, () => random.normal(0, 1));
  assert.equal(ksTwoSample(big, big.slice(0, 1000)).method, 'asymp');
  assert.throws(() => ksTwoSample([], [1]), { code: 'PROCESSING_FAILED' });
});

test('identical samples have D = 0 and p = 1; disjoint ones D = 1', () => {
  const xs = [1, 2, 3, 4, 5];
  assert.deepEqual(ksTwoSample(xs, xs), { statistic: 0, pValue: 1, pValueIsUpperBound: false, method: 'exact', ties: true });
  const far = ksTwoSample([1, 2, 3], [10, 11, 12]);
  assert.equal(far.statistic, 1);
  // Only the 2 of C(6, 3) = 20 splits that fully separate the samples reach D = 1.
  assert.ok(Math.abs(far.pValue - 2 / 20) < 1e-12);
});
