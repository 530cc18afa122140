import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ksConditionalPValue, ksPermutationPValue, tieStructure } from '../../stats/ks-permutation';
import { ksStatistic, ksTwoSample, P_VALUE_FLOOR } from '../../stats/kolmogorov-smirnov';
import { SeededRandom } from '../../stats/random';

interface ReferenceCase {
  readonly name: string;
  readonly n1: number;
  readonly n2: number;
  readonly x: number[];
  readonly y: number[];
  readonly statistic: number;
  readonly permutationPValue: number;
  readonly enumeration: string;
  readonly ks2sampPValue: number;
}

// Made once by `python3 test/stats/ks-ties-reference.py > test/stats/ks-ties-reference.json` (scipy 1.17.1).
const reference = JSON.parse(readFileSync(join(__dirname, 'ks-ties-reference.json'), 'utf8')) as { cases: ReferenceCase[] };

test('tied samples of sizes (5,7), (20,30), (100,100): p within 0.02 of scipy permutation_test, exact and Monte Carlo', (t) => {
  assert.equal(reference.cases.length, 9);
  let worstExact = 0;
  let worstMonteCarlo = 0;
  for (const c of reference.cases) {
    assert.equal(c.x.length, c.n1);
    const exact = ksTwoSample(c.x, c.y);
    assert.equal(exact.method, 'exact', c.name);
    assert.equal(exact.ties, true, c.name);
    assert.ok(Math.abs(exact.statistic - c.statistic) < 1e-12, `${c.name}: D ${exact.statistic} vs scipy ${c.statistic}`);
    assert.ok(Math.abs(exact.pValue - c.permutationPValue) <= 0.02, `${c.name}: exact p ${exact.pValue} vs scipy ${c.permutationPValue}`);
    // scipy enumerated every split for (5,7): the same distribution, so the same number up to rounding.
    if (c.enumeration === 'exact') assert.ok(Math.abs(exact.pValue - c.permutationPValue) < 1e-12, c.name);
    const monteCarlo = ksTwoSample(c.x, c.y, { method: 'permutation', permutations: 20_000, seed: 7 });
    assert.ok(Math.abs(monteCarlo.pValue - c.permutationPValue) <= 0.02, `${c.name}: permutation p ${monteCarlo.pValue} vs scipy ${c.permutationPValue}`);
    assert.ok(monteCarlo.pValue > 0 && exact.pValue > 0);
    worstExact = Math.max(worstExact, Math.abs(exact.pValue - c.permutationPValue));
    worstMonteCarlo = Math.max(worstMonteCarlo, Math.abs(monteCarlo.pValue - c.permutationPValue));
  }
  t.diagnostic(`largest |p - scipy permutation p|: exact ${worstExact.toFixed(4)}, Monte Carlo (20,000 splits) ${worstMonteCarlo.toFixed(4)}`);
});

test('the continuous-data p-value is the conservative one on the same tied samples (what the issue measured)', (t) => {
  let worst = 0;
  for (const c of reference.cases) {
    // scipy's ks_2samp ignores ties; weir's asymp does too and must never be below the tie-aware p by more than its approximation error.
    const tieAware = ksTwoSample(c.x, c.y).pValue;
    assert.ok(c.ks2sampPValue >= tieAware - 1e-9, c.name);
    worst = Math.max(worst, c.ks2sampPValue - tieAware);
  }
  assert.ok(worst > 0.1, `the largest gap between continuous and tie-aware p is ${worst}`);
  t.diagnostic(`scipy ks_2samp (continuous) is up to ${worst.toFixed(3)} above the tie-aware p-value on these samples`);
});

test('the tie-aware exact p-value equals the share of all C(12, 5) splits with D at least the observed one', () => {
  const random = new SeededRandom(3);
  for (let trial = 0; trial < 6; trial++) {
    // Values 0..3: every split has ties within and across the samples.
    const all = Array.from({ length: 12 }, (_, i) => random.nextInt(4) + (i < 5 ? 0 : trial % 3));
    const observed = ksStatistic(all.slice(0, 5), all.slice(5));
    let total = 0;
    let extreme = 0;
    for (let mask = 0; mask < 1 << 12; mask++) {
      let bits = 0;
      for (let m = mask; m; m &= m - 1) bits++;
      if (bits !== 5) continue;
      total++;
      if (ksStatistic(all.filter((_, i) => mask & (1 << i)), all.filter((_, i) => !(mask & (1 << i)))) >= observed - 1e-12) extreme++;
    }
    assert.equal(total, 792);
    const p = ksConditionalPValue(observed, tieStructure(all.slice(0, 5), all.slice(5)));
    assert.ok(Math.abs(p - extreme / total) <= 1e-12, `trial ${trial}: ${p} vs ${extreme}/${total}`);
  }
});

test('the Monte Carlo p-value is seeded, never 0, and close to the exact one', () => {
  const random = new SeededRandom(21);
  const a = Array.from({ length: 60 }, () => Math.round(random.normal(0, 1) * 2));
  const b = Array.from({ length: 80 }, () => Math.round(random.normal(0.4, 1) * 2));
  const ties = tieStructure(a, b);
  const d = ksStatistic(a, b);
  const exact = ksConditionalPValue(d, ties);
  const first = ksPermutationPValue(d, ties, { permutations: 20_000, seed: 5 });
  assert.equal(ksPermutationPValue(d, ties, { permutations: 20_000, seed: 5 }), first);
  // 4 standard errors of a proportion over 20,000 draws.
  assert.ok(Math.abs(first - exact) <= 4 * Math.sqrt((exact * (1 - exact)) / 20_000) + 1e-4, `${first} vs exact ${exact}`);
  // Disjoint samples of 30 (exact p = 2 / C(60, 30), about 1e-17): no random split reaches D = 1, the p-value is 1 / (R + 1), not 0.
  const low = Array.from({ length: 30 }, (_, i) => Math.floor(i / 3));
  const high = low.map((v) => v + 100);
  assert.equal(ksPermutationPValue(1, tieStructure(low, high), { permutations: 999 }), 1 / 1000);
});

test('tiny p-values keep their value instead of cancelling to 0, and underflow is reported as a bound', () => {
  // Disjoint samples of 40: only the 2 fully separating splits of C(80, 40) reach D = 1.
  const a = Array.from({ length: 40 }, (_, i) => i);
  const b = Array.from({ length: 40 }, (_, i) => 100 + i);
  const split = ksTwoSample(a, b);
  let choose = 1;
  for (let k = 1; k <= 40; k++) choose = (choose * (40 + k)) / k;
  assert.ok(Math.abs(split.pValue / (2 / choose) - 1) < 1e-9, `p ${split.pValue} vs ${2 / choose}`);
  assert.equal(split.pValueIsUpperBound, false);

  // 2 / C(2000, 1000) is about 1e-600: below what a double holds.
  const big1 = Array.from({ length: 1000 }, (_, i) => i);
  const big2 = Array.from({ length: 1000 }, (_, i) => 5000 + i);
  for (const method of ['exact', 'asymp', 'stephens'] as const) {
    const r = ksTwoSample(big1, big2, { method });
    assert.equal(r.pValue, P_VALUE_FLOOR, method);
    assert.equal(r.pValueIsUpperBound, true, method);
  }
  // auto picks asymp above 1e6 steps: still a bound, still not 0.
  const huge = ksTwoSample(Array.from({ length: 2000 }, (_, i) => i), Array.from({ length: 2000 }, (_, i) => 9000 + i));
  assert.equal(huge.method, 'asymp');
  assert.ok(huge.pValue > 0 && huge.pValueIsUpperBound);
});
