/**
 * Two-sample Kolmogorov-Smirnov test: the exact statistic D = sup |F1 - F2| over both samples
 * (ties handled: both empirical CDFs step past a tied value before they are compared), and its
 * two-sided p-value from
 * - `exact`: the probability over all C(n1+n2, n1) equally likely splits of the pooled sample that
 *   D is at least the observed value, given the pooled sample's ties (lattice paths checked only
 *   at the end of each run of equal values; without ties this is Hodges 1957 and scipy's
 *   `method='exact'`, with ties it is the exact permutation p-value scipy's `permutation_test`
 *   estimates). O(n1 * n2);
 * - `permutation`: the same p-value by seeded Monte Carlo over random splits, O(R (n1 + n2)), for
 *   tied samples too large for `exact`;
 * - `asymp`: the Kolmogorov limiting distribution Q(sqrt(en) * D), en = n1*n2/(n1+n2);
 * - `stephens`: Q((sqrt(en) + 0.12 + 0.11/sqrt(en)) * D), Stephens' (1970) small-sample correction,
 *   as scipy's ks_2samp before 1.3 and Numerical Recipes' kstwo;
 * - `auto` (default): exact while n1*n2 <= 1,000,000, else asymp.
 *
 * Large samples: `asymp` and `stephens` assume continuous data. With ties they are conservative:
 * checking D at run ends only can never make it larger, so the tied statistic's null distribution
 * lies below the continuous one and the p-value they report is too high (0.1-0.2 too high on
 * heavily tied samples), never too low. `ties` in the result says when that applies; pass
 * `method: 'permutation'` for a tie-correct p-value at any size.
 *
 * Underflow: a p-value below `P_VALUE_FLOOR` is reported as `P_VALUE_FLOOR` with
 * `pValueIsUpperBound`, never as 0, so a log or a ratio of p-values stays finite.
 */
import { WeirError } from '../errors/weir-error';
import { ksConditionalPValue, ksPermutationPValue, tieStructure, type PermutationOptions, type TieStructure } from './ks-permutation';

export type KsMethod = 'auto' | 'exact' | 'permutation' | 'asymp' | 'stephens';

export interface KsResult {
  readonly statistic: number;
  /** Two-sided p-value; never 0 (see `pValueIsUpperBound`). */
  readonly pValue: number;
  /** True when the p-value is below `P_VALUE_FLOOR`: `pValue` is then that floor, an upper bound, not an estimate. */
  readonly pValueIsUpperBound: boolean;
  /** The method actually used (`auto` resolves to one of the others). */
  readonly method: Exclude<KsMethod, 'auto'>;
  /** The pooled sample has tied values: `exact` and `permutation` account for them, `asymp` and `stephens` are conservative. */
  readonly ties: boolean;
}

export interface KsOptions extends PermutationOptions {
  readonly method?: KsMethod;
}

/**
 * Smallest p-value reported as a value. The exact recursion keeps relative precision down to
 * about 1e-300 (below, path probabilities underflow by at most ~1e-296 in total), and the
 * asymptotic series until exp() underflows; far below any significance level either way.
 */
export const P_VALUE_FLOOR = 1e-280;

const EXACT_MAX_PRODUCT = 1_000_000;

/**
 * ```ts
 * const { statistic, pValue } = ksTwoSample(reference, recent);
 * if (pValue < 0.01) flagDrift();
 * ```
 */
export function ksTwoSample(sample1: ArrayLike<number>, sample2: ArrayLike<number>, options: KsOptions = {}): KsResult {
  const n1 = sample1.length;
  const n2 = sample2.length;
  if (n1 === 0 || n2 === 0) {
    throw new WeirError('PROCESSING_FAILED', 'Kolmogorov-Smirnov needs two non-empty samples', { n1, n2 });
  }
  const statistic = ksStatistic(sample1, sample2);
  const ties = tieStructure(sample1, sample2);
  const requested = options.method ?? 'auto';
  const method = requested === 'auto' ? (n1 * n2 <= EXACT_MAX_PRODUCT ? 'exact' : 'asymp') : requested;
  const en = (n1 * n2) / (n1 + n2);
  let pValue: number;
  if (method === 'exact') pValue = ksConditionalPValue(statistic, ties);
  else if (method === 'permutation') pValue = ksPermutationPValue(statistic, ties, options);
  else if (method === 'asymp') pValue = kolmogorovSurvival(Math.sqrt(en) * statistic);
  else pValue = kolmogorovSurvival((Math.sqrt(en) + 0.12 + 0.11 / Math.sqrt(en)) * statistic);
  const pValueIsUpperBound = !(pValue >= P_VALUE_FLOOR);
  return {
    statistic,
    pValue: pValueIsUpperBound ? P_VALUE_FLOOR : Math.min(1, pValue),
    pValueIsUpperBound,
    method,
    ties: ties.ties,
  };
}

/** D = sup_x |F1(x) - F2(x)|, exact, in O(n log n). */
export function ksStatistic(sample1: ArrayLike<number>, sample2: ArrayLike<number>): number {
  const a = Float64Array.from(sample1).sort();
  const b = Float64Array.from(sample2).sort();
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const v = a[i] <= b[j] ? a[i] : b[j];
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const gap = Math.abs(i / n1 - j / n2);
    if (gap > d) d = gap;
  }
  // Once one sample is exhausted its CDF is 1; the other's only grows towards 1, so the gap shrinks.
  return d;
}

/**
 * P(D >= d) under H0 for continuous samples of sizes n1, n2 (no ties): the share of lattice paths
 * from (0,0) to (n1,n2) that reach |i/n1 - j/n2| >= d somewhere.
 */
export function ksExactPValue(d: number, n1: number, n2: number): number {
  const untied: TieStructure = { n1, n2, ends: Int32Array.from({ length: n1 + n2 }, (_, k) => k + 1), ties: false };
  return ksConditionalPValue(d, untied);
}

/**
 * Survival function of the Kolmogorov distribution, Q(x) = P(K > x) = 2 sum (-1)^(k-1) exp(-2 k^2 x^2).
 * Below x = 1 that alternating series converges slowly, so the CDF's theta-function form is used:
 * P(K <= x) = sqrt(2 pi)/x sum exp(-(2k-1)^2 pi^2 / (8 x^2)).
 */
export function kolmogorovSurvival(x: number): number {
  if (x <= 0) return 1;
  if (x < 1) {
    const f = (-Math.PI * Math.PI) / (8 * x * x);
    let sum = 0;
    for (let k = 1; k <= 50; k++) {
      const term = Math.exp((2 * k - 1) * (2 * k - 1) * f);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / x) * sum;
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return 2 * sum;
}
